"""Classifications of the ISIC Rev.4 industry lists of newer input-output releases.

The embedded WIOD 2013 tables use ISIC Rev.3 industries (``c1..c35``). Newer releases use
ISIC Rev.4 lists, classified in ``data/rev4`` (see its README for sources and choices):

- ``wiod2016``: the 56 industries of the WIOD 2016 release (``A01`` ... ``U``);
- ``icio2021``: the 45 industries of the OECD ICIO 2021 edition (``01T02`` ... ``97T98``);
- ``icio2023``: the 45 industries of the OECD ICIO 2023 edition (``A01_02`` ... ``T``).

Each file marks the manufacturing industries with their technology class (the OECD
taxonomy by R&D intensity of Galindo-Rueda and Verger, 2016, OECD STI Working Paper
2016/04, whose five classes are mapped to servmodel's four) and the membership of every
industry in the four named producer-service definitions (``kibs``, ``producer``,
``standard``, ``broad``), with the meaning they have for WIOD 2013. The same folder holds
the economies of these releases and of the ADB MRIO tables with their OECD accession
years (``countries.csv``), and ADB's own country codes (``adb_country_codes.csv``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from servmodel._fileio import read_table
from servmodel.errors import DataError, UsageError
from servmodel.intensity._checks import path_argument
from servmodel.intensity.classification import (
    TECH_LEVELS,
    CountryInfo,
    IndustryClassification,
    read_country_info,
)

RELEASES: Mapping[str, str] = MappingProxyType(
    {
        "wiod2016": "wiod2016_sectors.csv",
        "icio2021": "icio2021_sectors.csv",
        "icio2023": "icio2023_sectors.csv",
    }
)
DEFINITION_COLUMNS: tuple[str, ...] = ("kibs", "producer", "standard", "broad")
# each named definition and the one it must lie within, as for WIOD 2013
NESTING: tuple[tuple[str, str], ...] = (
    ("kibs", "standard"),
    ("producer", "standard"),
    ("standard", "broad"),
)
SECTOR_ROLES: tuple[str, ...] = ("manufacturing", "producer_service", "other")
RD_INTENSITY_2016: tuple[str, ...] = ("low", "medium-low", "medium", "medium-high", "high")
# the 2016 taxonomy's five classes on servmodel's four (data/rev4/README.md)
FIVE_TO_FOUR: Mapping[str, str] = MappingProxyType(
    {
        "high": "high",
        "medium-high": "medium-high",
        "medium": "medium-low",
        "medium-low": "low",
        "low": "low",
    }
)
_REQUIRED = ("code", "name", "role", "oecd_tech", *DEFINITION_COLUMNS)
_TEXT = (
    *_REQUIRED,
    "isic_rev4",
    "group",
    "rd_intensity_2016",
    "spans_classes",
    "spans_definitions",
    "note",
)
_FLAGS = ("spans_classes", "spans_definitions", *DEFINITION_COLUMNS)
_MARKER = "countries.csv"


def rev4_data_dir() -> Path:
    """Folder holding the ISIC Rev.4 classification files.

    Inside an installed wheel the files travel as package data
    (``servmodel/_embedded/rev4``); in a source checkout they are read from the
    repository's ``data/rev4``.

    Returns
    -------
    pathlib.Path
        The first of the two places that holds the files.

    Raises
    ------
    DataError
        Neither place holds them.
    """
    candidates = _candidate_dirs()
    for cand in candidates:
        if (cand / _MARKER).is_file():
            return cand
    raise DataError(
        "the ISIC Rev.4 classification files were not found (looked in "
        + ", ".join(str(c) for c in candidates)
        + "); reinstall servmodel with `pip install .` from the repository"
    )


def _candidate_dirs() -> list[Path]:
    packaged = resources.files("servmodel").joinpath("_embedded", "rev4")
    return [Path(str(packaged)), Path(__file__).resolve().parents[3] / "data" / "rev4"]


def rev4_classification(kind: str) -> IndustryClassification:
    """The classification of one ISIC Rev.4 release's industry list.

    Parameters
    ----------
    kind
        ``"wiod2016"`` (56 industries), ``"icio2021"`` or ``"icio2023"`` (45 each).

    Returns
    -------
    IndustryClassification
        Manufacturing industries in table order with their technology class, industry
        names, and the four named producer-service definitions in the release's codes
        (``definitions``), so that ``resolve_definitions("all", ...)`` gives ``kibs``,
        ``producer``, ``standard`` and ``broad`` as it does for WIOD 2013.

    Raises
    ------
    UsageError
        ``kind`` is not one of the releases.
    DataError
        The release's file is missing or malformed (naming the file and line).
    """
    if not isinstance(kind, str) or kind not in RELEASES:
        raise UsageError(f"kind must be one of {', '.join(RELEASES)}, not {kind!r}")
    return read_rev4_sectors(rev4_data_dir() / RELEASES[kind])


def rev4_country_info() -> CountryInfo:
    """Names and OECD accession years of the economies of the ISIC Rev.4 releases.

    Covers every economy of OECD ICIO 2023 and 2021, WIOD 2016 and the ADB MRIO tables
    (ISO-3 codes; ``ROW`` for the rest of the world).

    Returns
    -------
    CountryInfo
        As :func:`servmodel.intensity.read_country_info` reads ``countries.csv``.

    Raises
    ------
    DataError
        The file is missing or malformed.
    """
    return read_country_info(rev4_data_dir() / "countries.csv")


def adb_country_codes() -> Mapping[str, str]:
    """ISO-3 code of each economy code of the ADB MRIO tables (``PRC`` -> ``CHN``).

    Returns
    -------
    Mapping[str, str]
        All 63 ADB codes (62 economies and ``RoW``), identical codes included.

    Raises
    ------
    DataError
        ``adb_country_codes.csv`` is missing or malformed.
    """
    p = rev4_data_dir() / "adb_country_codes.csv"
    cols = ("adb_code", "iso3")
    frame = read_table(p, what="ADB country codes", dtype=dict.fromkeys(cols, str), literal=cols)
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise DataError(
            f"{p}: missing column(s) {', '.join(missing)}; the file needs adb_code, iso3"
        )
    frame = frame.fillna("")
    out: dict[str, str] = {}
    for i, (adb, iso) in enumerate(zip(frame["adb_code"], frame["iso3"], strict=True)):
        adb, iso = str(adb).strip(), str(iso).strip()
        if not adb or not iso:
            raise DataError(f"{p}: line {i + 2}: empty code; give both adb_code and iso3")
        if adb in out:
            raise DataError(f"{p}: line {i + 2}: ADB code {adb!r} is listed twice")
        out[adb] = iso
    return MappingProxyType(out)


def read_rev4_sectors(path: str | os.PathLike[str]) -> IndustryClassification:
    """Read an industry list classified by role, technology class and named definitions.

    The file (CSV or Parquet) has one row per industry, in table order, with columns
    ``code``, ``name``, ``role`` (``manufacturing``, ``producer_service`` or ``other``),
    ``oecd_tech`` (one of ``low``, ``medium-low``, ``medium-high``, ``high`` for
    manufacturing rows, empty otherwise) and one column per named definition
    (``kibs``, ``producer``, ``standard``, ``broad``) holding ``yes`` or nothing.
    Columns ``isic_rev4``, ``group``, ``rd_intensity_2016``, ``spans_classes``,
    ``spans_definitions`` and ``note`` are optional and documentary; where present,
    ``rd_intensity_2016`` must be a class of the 2016 taxonomy that maps to ``oecd_tech``.

    Parameters
    ----------
    path
        The file; ``data/rev4/*_sectors.csv`` are in this format.

    Returns
    -------
    IndustryClassification
        With ``definitions`` holding each named definition's codes in file order.

    Raises
    ------
    DataError
        A missing column, a blank or repeated code, an unknown role, technology class or
        flag, a producer service in no definition (or a definition member that is not a
        producer service), an empty definition, or definitions that are not nested as for
        WIOD 2013 (``kibs`` and ``producer`` within ``standard``, ``standard`` within
        ``broad``); the message names the file and line.
    """
    p = path_argument(path, "industry classification")
    frame = read_table(
        p, what="industry classification", dtype=dict.fromkeys(_TEXT, str), literal=_TEXT
    )
    missing = [c for c in _REQUIRED if c not in frame.columns]
    if missing:
        raise DataError(
            f"{p}: missing column(s) {', '.join(missing)}; an industry classification "
            f"needs {', '.join(_REQUIRED)}"
        )
    frame = frame.fillna("")
    for col in frame.columns:
        frame[col] = frame[col].map(lambda v: str(v).strip())
    if frame.empty:
        raise DataError(f"{p}: no industries; give one row per industry")
    seen: dict[str, int] = {}
    for i, row in enumerate(frame.to_dict("records")):
        _check_row(p, i + 2, row, seen)
    for name in DEFINITION_COLUMNS:
        if not (frame[name] == "yes").any():
            raise DataError(
                f"{p}: definition {name!r} has no industry; mark its industries with yes"
            )
    for inner, outer in NESTING:
        stray = ((frame[inner] == "yes") & (frame[outer] != "yes")).to_numpy()
        if stray.any():
            i = int(stray.nonzero()[0][0])
            raise DataError(
                f"{p}: line {i + 2}: industry {frame['code'].iloc[i]!r} is in {inner} but "
                f"not in {outer}; as for WIOD 2013, {inner} must lie within {outer}"
            )
    manu = frame[frame["role"] == "manufacturing"]
    return IndustryClassification(
        manufacturing=tuple(manu["code"]),
        tech=dict(zip(manu["code"], manu["oecd_tech"], strict=True)),
        names=dict(zip(frame["code"], frame["name"], strict=True)),
        source=p.name,
        definitions={d: tuple(frame.loc[frame[d] == "yes", "code"]) for d in DEFINITION_COLUMNS},
    )


def _check_row(p: Path, line: int, row: Mapping[str, str], seen: dict[str, int]) -> None:
    """``DataError`` naming the file and line for the first fault of one row."""
    code = row["code"]
    where = f"{p}: line {line}"
    if not code:
        raise DataError(f"{where}: empty industry code; give every row its code")
    if code in seen:
        raise DataError(
            f"{where}: industry {code!r} is listed twice (first on line "
            f"{seen[code]}); keep one row per industry"
        )
    seen[code] = line
    where = f"{where} ({code})"
    role, tech = row["role"], row["oecd_tech"]
    if role not in SECTOR_ROLES:
        raise DataError(f"{where}: role {role!r}; use one of {', '.join(SECTOR_ROLES)}")
    for col in _FLAGS:
        if col in row and row[col] not in ("yes", ""):
            raise DataError(f"{where}: {col} is {row[col]!r}; write yes or leave the cell empty")
    if role == "manufacturing" and tech not in TECH_LEVELS:
        raise DataError(
            f"{where}: manufacturing industry with oecd_tech {tech!r}; use one "
            f"of {', '.join(TECH_LEVELS)}"
        )
    if role != "manufacturing" and tech:
        raise DataError(
            f"{where}: oecd_tech {tech!r} on a {role} industry; technology "
            "classes are for manufacturing only, leave the cell empty"
        )
    rd = row.get("rd_intensity_2016", "")
    if rd and (role != "manufacturing" or rd not in RD_INTENSITY_2016):
        raise DataError(
            f"{where}: rd_intensity_2016 {rd!r}; give one of "
            f"{', '.join(RD_INTENSITY_2016)} for manufacturing rows only"
        )
    if rd and FIVE_TO_FOUR[rd] != tech:
        raise DataError(
            f"{where}: rd_intensity_2016 {rd!r} maps to {FIVE_TO_FOUR[rd]!r}, "
            f"but oecd_tech is {tech!r}; correct one of them"
        )
    member = [d for d in DEFINITION_COLUMNS if row[d] == "yes"]
    if member and role != "producer_service":
        raise DataError(
            f"{where}: an industry with role {role!r} is in "
            f"{', '.join(member)}; only producer_service rows belong to "
            "producer-service definitions"
        )
    if role == "producer_service" and not member:
        raise DataError(
            f"{where}: a producer_service industry in no definition; mark it "
            f"yes in at least one of {', '.join(DEFINITION_COLUMNS)}, or set "
            "its role to other"
        )


def read_rev4_frame(kind: str) -> pd.DataFrame:
    """The classification file of one release as a table of text, for inspection.

    Parameters
    ----------
    kind
        ``"wiod2016"``, ``"icio2021"`` or ``"icio2023"``.

    Returns
    -------
    pandas.DataFrame
        Every column of the file as text (empty cells as ``""``); the file is checked
        by :func:`read_rev4_sectors` first.
    """
    rev4_classification(kind)
    p = rev4_data_dir() / RELEASES[kind]
    return read_table(
        p, what="industry classification", dtype=dict.fromkeys(_TEXT, str), literal=_TEXT
    ).fillna("")
