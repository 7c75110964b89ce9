"""Fixtures of the reader tests: the Rev. 4 classifications a release's panel is built with."""

from __future__ import annotations

import dataclasses
import importlib
import sys
import types

import pytest

from servmodel.intensity.classification import CountryInfo, IndustryClassification
from servmodel.io.icio import ICIO_INDUSTRIES
from servmodel.io.wiod2016 import WIOD2016_INDUSTRIES

_MANUFACTURING = {
    "wiod2016": WIOD2016_INDUSTRIES[4:23],  # C10-C12 ... C33
    "icio2021": ICIO_INDUSTRIES["icio2021"][5:22],  # 10T12 ... 31T33
    "icio2023": ICIO_INDUSTRIES["icio2023"][5:22],  # C10T12 ... C31T33
}
_SERVICES = {
    "wiod2016": ("J61", "K64", "M69_M70", "N"),
    "icio2021": ("61", "64T66", "69T75", "77T82"),
    "icio2023": ("J61", "K", "M", "N"),
}


def _stub() -> types.ModuleType:
    """A stand-in for ``servmodel.intensity.rev4`` with its interface: a classification per
    release and country information keyed by ISO-3 codes."""
    module = types.ModuleType("servmodel.intensity.rev4")

    def rev4_classification(kind: str) -> IndustryClassification:
        manufacturing = _MANUFACTURING[kind]
        services = _SERVICES[kind]
        named = {"kibs": services[:2], "producer": services[1:3], "standard": services,
                 "broad": services}
        # the named definitions in the release's codes where the classification carries them
        extra = ({"definitions": named} if "definitions" in
                 {f.name for f in dataclasses.fields(IndustryClassification)}
                 else {"producer_services": services})
        return IndustryClassification(
            manufacturing=manufacturing,
            tech={c: ("low", "medium-low", "medium-high", "high")[k % 4]
                  for k, c in enumerate(manufacturing)},
            source=f"stub {kind}", **extra)

    def rev4_country_info() -> CountryInfo:
        return CountryInfo(oecd_since={"AUS": 1971, "KOR": 1996, "MEX": 1994, "USA": 1961,
                                       "CHN": None, "TWN": None, "ROW": None},
                           names={"KOR": "Korea"})

    module.rev4_classification = rev4_classification  # type: ignore[attr-defined]
    module.rev4_country_info = rev4_country_info  # type: ignore[attr-defined]
    return module


@pytest.fixture
def rev4(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """``servmodel.intensity.rev4``: the real module where it exists, else a stand-in with
    its interface (installed for the one test)."""
    try:
        return importlib.import_module("servmodel.intensity.rev4")
    except ModuleNotFoundError as exc:
        if exc.name != "servmodel.intensity.rev4":
            raise
    stub = _stub()
    monkeypatch.setitem(sys.modules, "servmodel.intensity.rev4", stub)
    return stub
