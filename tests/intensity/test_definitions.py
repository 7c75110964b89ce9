"""The producer-service definition registry and its parser."""

from __future__ import annotations

import pytest

from servmodel.errors import DataError
from servmodel.intensity import REGISTRY, resolve_definitions, wiod_classification
from servmodel.io import read_wiod2013_year

WIOD_INDUSTRIES = tuple(f"c{k}" for k in range(1, 36))


def names(request, cls=None):
    return [d.name for d in resolve_definitions(request, WIOD_INDUSTRIES, cls or wiod_classification())]


def test_registry_codes_as_documented():
    assert REGISTRY["kibs"].codes == ("c27", "c28", "c30")
    assert REGISTRY["producer"].codes == ("c28", "c29", "c30")
    assert set(REGISTRY["standard"].codes) == {"c20", "c23", "c24", "c25", "c26", "c27", "c28",
                                               "c29", "c30"}
    assert set(REGISTRY["broad"].codes) == set(REGISTRY["standard"].codes) | {"c19", "c21"}


def test_parse_requests():
    assert names("all") == ["kibs", "producer", "standard", "broad"]
    assert names("broad,kibs") == ["broad", "kibs"]
    (custom,) = resolve_definitions("c27, c28,c30", WIOD_INDUSTRIES, wiod_classification())
    assert custom.codes == ("c27", "c28", "c30") and custom.name == "custom:c27+c28+c30"


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        ("c27,c99", "unknown industries c99"),
        ("kibs,c27", "mixes named definitions and industry codes"),
        ("", "empty producer-service definition"),
        ("mapping", "needs a sector mapping file"),
    ],
)
def test_bad_requests(request_, message):
    with pytest.raises(DataError, match=message):
        names(request_)


def test_custom_definition_equals_kibs_on_real_table():
    from servmodel.intensity import build_panel

    t = read_wiod2013_year(2011)
    a = build_panel([t], wiod_classification(), definitions="kibs").frame
    b = build_panel([t], wiod_classification(), definitions="c30,c27,c28").frame
    assert (a.direct.to_numpy() == pytest.approx(b.direct.to_numpy(), rel=1e-14))
