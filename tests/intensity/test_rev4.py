"""Classifications of the ISIC Rev.4 industry lists (data/rev4) and their loader.

The expected lists below are written from the publishers' documentation:

- WIOD 2016 release: Timmer, Los, Stehrer and de Vries (2016), "An Anatomy of the Global
  Trade Slowdown based on the WIOD 2016 Release", GGDC Research Memorandum 162, and the
  row labels of the release's tables (WIOT2014_Nov16_ROW): 56 industries, 43 economies
  and ROW.
- OECD ICIO 2021 edition (1995-2018): the ReadMe of the OECD Inter-Country Input-Output
  tables, 45 industries labelled without section letters, 66 economies and ROW.
- OECD ICIO 2023 edition (1995-2020): its ReadMe, the same 45 industries labelled with
  section letters, 76 economies and ROW.
- ADB MRIO (2017 onwards): the economy list of the ADB Multiregional Input-Output
  Database, 62 economies and RoW, in ADB's own codes.
"""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from servmodel.errors import DataError, UsageError
from servmodel.intensity import build_panel, resolve_definitions
from servmodel.intensity import rev4 as rev4_module
from servmodel.intensity.classification import TECH_LEVELS, IndustryClassification
from servmodel.intensity.definitions import REGISTRY
from servmodel.intensity.rev4 import (
    RELEASES,
    adb_country_codes,
    read_rev4_frame,
    read_rev4_sectors,
    rev4_classification,
    rev4_country_info,
    rev4_data_dir,
)
from servmodel.io.table import IOTable

WIOD2016 = (
    "A01 A02 A03 B C10-C12 C13-C15 C16 C17 C18 C19 C20 C21 C22 C23 C24 C25 C26 C27 C28 C29 "
    "C30 C31_C32 C33 D35 E36 E37-E39 F G45 G46 G47 H49 H50 H51 H52 H53 I J58 J59_J60 J61 "
    "J62_J63 K64 K65 K66 L68 M69_M70 M71 M72 M73 M74_M75 N O84 P85 Q R_S T U").split()
ICIO2021 = (
    "01T02 03 05T06 07T08 09 10T12 13T15 16 17T18 19 20 21 22 23 24 25 26 27 28 29 30 31T33 "
    "35 36T39 41T43 45T47 49 50 51 52 53 55T56 58T60 61 62T63 64T66 68 69T75 77T82 84 85 "
    "86T88 90T93 94T96 97T98").split()
ICIO2023 = (
    "A01_02 A03 B05_06 B07_08 B09 C10T12 C13T15 C16 C17_18 C19 C20 C21 C22 C23 C24 C25 C26 "
    "C27 C28 C29 C30 C31T33 D E F G H49 H50 H51 H52 H53 I J58T60 J61 J62_63 K L M N O P Q "
    "R S T").split()
EXPECTED_CODES = {"wiod2016": WIOD2016, "icio2021": ICIO2021, "icio2023": ICIO2023}
MANUFACTURING = {
    "wiod2016": WIOD2016[4:23],
    "icio2021": ICIO2021[5:22],
    "icio2023": ICIO2023[5:22],
}

WIOD2016_ECONOMIES = (
    "AUS AUT BEL BGR BRA CAN CHE CHN CYP CZE DEU DNK ESP EST FIN FRA GBR GRC HRV HUN IDN IND "
    "IRL ITA JPN KOR LTU LUX LVA MEX MLT NLD NOR POL PRT ROU RUS SVK SVN SWE TUR TWN USA "
    "ROW").split()
ICIO2021_ECONOMIES = (
    "AUS AUT BEL CAN CHL COL CRI CZE DNK EST FIN FRA DEU GRC HUN ISL IRL ISR ITA JPN KOR LVA "
    "LTU LUX MEX NLD NZL NOR POL PRT SVK SVN ESP SWE CHE TUR GBR USA ARG BRA BRN BGR KHM CHN "
    "HRV CYP IND IDN HKG KAZ LAO MYS MLT MAR MMR PER PHL ROU RUS SAU SGP ZAF TWN THA TUN VNM "
    "ROW").split()
ICIO2023_ECONOMIES = ICIO2021_ECONOMIES[:-1] + (
    "BGD BLR CIV CMR EGY JOR NGA PAK SEN UKR ROW").split()
ADB_ECONOMIES = (
    "AUS AUT BEL BGR BRA CAN SWI PRC CYP CZE GER DEN SPA EST FIN FRA UKG GRC HRV HUN INO IND "
    "IRE ITA JPN KOR LTU LUX LVA MEX MLT NET NOR POL POR ROM RUS SVK SVN SWE TUR TAP USA BAN "
    "MAL PHI THA VIE KAZ MON SRI PAK FIJ LAO BRU BHU KGZ CAM MLD NEP SIN HKG RoW").split()


@pytest.fixture(scope="module", params=list(RELEASES))
def release(request):
    return request.param, rev4_classification(request.param)


def test_lists_have_the_published_codes_in_order(release):
    kind, cls = release
    assert list(cls.names) == EXPECTED_CODES[kind]
    assert len(cls.names) == {"wiod2016": 56, "icio2021": 45, "icio2023": 45}[kind]
    assert all(cls.names[c] for c in cls.names)


def test_every_industry_is_classified(release):
    kind, _ = release
    frame = read_rev4_frame(kind)
    assert set(frame["role"]) <= {"manufacturing", "producer_service", "other"}
    assert (frame["isic_rev4"] != "").all() and (frame["group"] != "").all()
    manu = frame["role"] == "manufacturing"
    assert frame.loc[manu, "oecd_tech"].isin(TECH_LEVELS).all()
    assert (frame.loc[~manu, "oecd_tech"] == "").all()
    in_any = frame[["kibs", "producer", "standard", "broad"]].eq("yes").any(axis=1)
    assert (in_any == (frame["role"] == "producer_service")).all()


def test_manufacturing_set(release):
    kind, cls = release
    assert list(cls.manufacturing) == MANUFACTURING[kind]
    assert all(cls.tech[c] in TECH_LEVELS for c in cls.manufacturing)


def test_definitions_nest_as_for_wiod2013(release):
    _, cls = release
    d = {k: set(v) for k, v in cls.definitions.items()}
    assert list(cls.definitions) == list(REGISTRY)
    assert d["kibs"] <= d["standard"] and d["producer"] <= d["standard"]
    assert d["standard"] <= d["broad"]
    # as for WIOD 2013, neither kibs nor producer holds the other
    assert d["kibs"] - d["producer"] and d["producer"] - d["kibs"]
    assert not d["broad"] & set(cls.manufacturing)


def test_all_resolves_to_the_four_named_definitions(release):
    _, cls = release
    industries = tuple(cls.names)
    resolved = resolve_definitions("all", industries, cls)
    assert [r.name for r in resolved] == list(REGISTRY)
    for r in resolved:
        assert r.codes == cls.definitions[r.name]
        assert r.description == REGISTRY[r.name].description
    (one,) = resolve_definitions("producer", industries, cls)
    assert one.codes == cls.definitions["producer"]


@pytest.mark.parametrize(("kind", "code", "tech"), [
    ("wiod2016", "C26", "high"), ("icio2021", "26", "high"), ("icio2023", "C26", "high"),
    ("wiod2016", "C21", "high"), ("icio2023", "C21", "high"),
    ("wiod2016", "C10-C12", "low"), ("icio2021", "10T12", "low"), ("icio2023", "C10T12", "low"),
    ("wiod2016", "C20", "medium-high"), ("icio2023", "C29", "medium-high"),
    ("wiod2016", "C22", "medium-low"), ("icio2021", "24", "medium-low"),
    ("wiod2016", "C30", "medium-high"), ("icio2023", "C31T33", "medium-low"),
    ("wiod2016", "C31_C32", "medium-low"), ("wiod2016", "C25", "low"),
])
def test_named_technology_classes(kind, code, tech):
    assert rev4_classification(kind).tech[code] == tech


def test_wiod2016_named_definition_members():
    d = {k: set(v) for k, v in rev4_classification("wiod2016").definitions.items()}
    assert "K64" in d["producer"] and "K64" in d["kibs"]
    assert "G46" in d["standard"] and "G46" not in d["producer"]
    assert "G47" in d["broad"] and not any("G47" in d[k] for k in ("kibs", "producer",
                                                                    "standard"))
    assert "G45" in d["broad"] and "G45" not in d["standard"]
    assert "L68" in d["producer"] and "L68" not in d["kibs"]
    assert "J61" in d["kibs"] and "J61" not in d["producer"]
    assert "J62_J63" in d["kibs"] and "J62_J63" in d["producer"]
    assert not {"J58", "J59_J60"} & d["broad"]
    assert {"H49", "H50", "H51", "H52", "H53"} <= d["standard"] - d["kibs"]
    assert d["kibs"] == {"J61", "J62_J63", "K64", "K65", "K66", "M69_M70", "M71", "M72",
                         "M73", "M74_M75", "N"}


@pytest.mark.parametrize(("kind", "trade", "finance", "it"), [
    ("icio2021", "45T47", "64T66", "62T63"), ("icio2023", "G", "K", "J62_63")])
def test_icio_named_definition_members(kind, trade, finance, it):
    d = {k: set(v) for k, v in rev4_classification(kind).definitions.items()}
    assert finance in d["kibs"] and finance in d["producer"]
    assert it in d["kibs"] and it in d["producer"]
    # wholesale, motor-vehicle trade and retail are one industry: in standard and broad
    assert trade in d["standard"] and trade not in d["producer"]
    assert d["standard"] == d["broad"]
    frame = read_rev4_frame(kind).set_index("code")
    assert list(frame.index[frame["spans_definitions"] == "yes"]) == [trade]


@pytest.mark.parametrize(("kind", "flagged"), [
    ("wiod2016", ["C25", "C30", "C31_C32"]),
    ("icio2021", ["25", "30", "31T33"]),
    ("icio2023", ["C25", "C30", "C31T33"]),
])
def test_industries_spanning_technology_classes_are_flagged(kind, flagged):
    frame = read_rev4_frame(kind)
    assert list(frame.loc[frame["spans_classes"] == "yes", "code"]) == flagged
    assert (frame.loc[frame["spans_classes"] == "yes", "note"] != "").all()


def test_same_industries_share_classes_across_icio_editions():
    a, b = read_rev4_frame("icio2021"), read_rev4_frame("icio2023")
    cols = ["name", "isic_rev4", "role", "oecd_tech", "kibs", "producer", "standard", "broad"]
    assert (a[cols].to_numpy() == b[cols].to_numpy()).all()


@pytest.mark.parametrize(("economies", "count"), [
    (WIOD2016_ECONOMIES, 44), (ICIO2021_ECONOMIES, 67), (ICIO2023_ECONOMIES, 77)])
def test_countries_cover_each_release(economies, count):
    assert len(economies) == len(set(economies)) == count
    info = rev4_country_info()
    assert set(economies) <= set(info.oecd_since)


def test_countries_cover_adb_mrio_through_its_codes():
    codes = adb_country_codes()
    assert list(codes) == ADB_ECONOMIES and len(codes) == 63
    assert set(codes.values()) <= set(rev4_country_info().oecd_since)
    assert len(set(codes.values())) == 63
    assert codes["PRC"] == "CHN" and codes["TAP"] == "TWN" and codes["KOR"] == "KOR"
    assert codes["MAL"] == "MYS" and codes["INO"] == "IDN" and codes["RoW"] == "ROW"


def test_countries_are_exactly_the_union_of_the_releases():
    union = set(WIOD2016_ECONOMIES) | set(ICIO2021_ECONOMIES) | set(ICIO2023_ECONOMIES)
    union |= set(adb_country_codes().values())
    assert set(rev4_country_info().oecd_since) == union


@pytest.mark.parametrize(("code", "year"), [
    ("CHL", 2010), ("ISR", 2010), ("SVN", 2010), ("EST", 2010), ("LVA", 2016),
    ("LTU", 2018), ("COL", 2020), ("CRI", 2021), ("KOR", 1996), ("MEX", 1994),
    ("CZE", 1995), ("SVK", 2000), ("JPN", 1964), ("FIN", 1969), ("AUS", 1971),
    ("NZL", 1973), ("ITA", 1962), ("USA", 1961), ("ISL", 1961)])
def test_oecd_accession_years(code, year):
    info = rev4_country_info()
    assert info.oecd_since[code] == year
    assert info.is_oecd(code, year) and not info.is_oecd(code, year - 1)


def test_oecd_members_and_non_members():
    since = rev4_country_info().oecd_since
    assert sum(v is not None for v in since.values()) == 38
    for code in ("CHN", "TWN", "BRA", "HRV", "BGR", "ROU", "ARG", "PER", "IDN", "ROW"):
        assert since[code] is None


def test_unknown_release_is_a_usage_error():
    with pytest.raises(UsageError, match="wiod2016, icio2021, icio2023"):
        rev4_classification("icio2018")


def test_data_dir_found_in_source_tree_and_packaged_copy_preferred(tmp_path, monkeypatch):
    assert (rev4_data_dir() / "wiod2016_sectors.csv").is_file()
    packaged = tmp_path / "servmodel" / "_embedded" / "rev4"
    shutil.copytree(rev4_data_dir(), packaged)
    source = rev4_module._candidate_dirs()[1]
    monkeypatch.setattr(rev4_module, "_candidate_dirs", lambda: [packaged, source])
    assert rev4_data_dir() == packaged
    assert rev4_classification("icio2023").source == "icio2023_sectors.csv"
    monkeypatch.setattr(rev4_module, "_candidate_dirs",
                        lambda: [tmp_path / "none", tmp_path / "neither"])
    with pytest.raises(DataError, match="ISIC Rev.4 classification files were not found"):
        rev4_data_dir()


def _edited(tmp_path, edit):
    frame = pd.read_csv(rev4_data_dir() / "wiod2016_sectors.csv", dtype=str,
                        keep_default_na=False)
    edited = edit(frame)
    frame = frame if edited is None else edited
    path = tmp_path / "sectors.csv"
    frame.to_csv(path, index=False)
    return path


def _set(code, col, value):
    def edit(frame):
        frame.loc[frame["code"] == code, col] = value
    return edit


@pytest.mark.parametrize(("edit", "message"), [
    (_set("C26", "role", "services"), r"line 18 \(C26\): role 'services'"),
    (_set("C26", "oecd_tech", "medium"), r"line 18 \(C26\): manufacturing industry with "
                                         "oecd_tech 'medium'"),
    (_set("C26", "rd_intensity_2016", "medium-high"), r"line 18 \(C26\): rd_intensity_2016 "
                                                      "'medium-high' maps to 'medium-high'"),
    (_set("G46", "standard", "x"), r"line 30 \(G46\): standard is 'x'"),
    (_set("G46", "oecd_tech", "low"), r"line 30 \(G46\): oecd_tech 'low' on a producer_service"),
    (_set("K64", "standard", ""), "line 42: industry 'K64' is in kibs but not in "
                                  "standard"),
    (_set("G47", "broad", ""), r"line 31 \(G47\): a producer_service industry in no "
                               "definition"),
    (_set("A01", "kibs", "yes"), r"line 2 \(A01\): an industry with role 'other' is in kibs"),
    (_set("C26", "code", "C25"), "line 18: industry 'C25' is listed twice"),
    (_set("C26", "code", ""), "line 18: empty industry code"),
    (lambda f: f.drop(columns="broad"), r"missing column\(s\) broad"),
    (lambda f: f.iloc[0:0], "no industries"),
])
def test_bad_files_name_file_and_line(tmp_path, edit, message):
    path = _edited(tmp_path, edit)
    with pytest.raises(DataError, match=message) as info:
        read_rev4_sectors(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


def test_empty_definition_is_an_error(tmp_path):
    def edit(frame):
        frame.loc[frame["kibs"] == "yes", "kibs"] = ""
    with pytest.raises(DataError, match="definition 'kibs' has no industry"):
        read_rev4_sectors(_edited(tmp_path, edit))


def test_read_back_equals_the_packaged_classification(tmp_path):
    path = _edited(tmp_path, lambda frame: None)
    a, b = read_rev4_sectors(path), rev4_classification("wiod2016")
    assert (a.manufacturing, dict(a.tech), dict(a.definitions)) == (
        b.manufacturing, dict(b.tech), dict(b.definitions))


def _random_table(codes: list[str], countries: tuple[str, ...], seed: int) -> IOTable:
    rng = np.random.default_rng(seed)
    n = len(codes) * len(countries)
    Z = rng.uniform(0.0, 1.0, (n, n))
    F = rng.uniform(5.0, 10.0, (n, len(countries)))
    x = Z.sum(axis=1) + F.sum(axis=1)
    return IOTable(Z=Z, F=F, x=x, countries=countries, industries=tuple(codes),
                   final_categories=("fd",), year=2020, source="random rev4 table")


@pytest.mark.parametrize("kind", list(RELEASES))
def test_panel_of_a_rev4_table_uses_the_four_definitions(kind):
    cls = rev4_classification(kind)
    table = _random_table(list(cls.names), ("KOR", "DEU", "ROW"), seed=3)
    panel = build_panel([table], cls, countries=rev4_country_info(),
                        exclude_countries=("ROW",))
    frame = panel.frame
    assert sorted(frame["definition"].unique()) == sorted(REGISTRY)
    assert set(frame["industry"]) == set(cls.manufacturing)
    assert dict(panel.definitions) == dict(cls.definitions)
    assert frame["oecd"].astype(bool).all()
    # a larger definition buys at least as much: direct intensity is nested too
    wide = frame.pivot_table(index=["country", "industry"], columns="definition",
                             values="direct")
    assert (wide["kibs"] <= wide["standard"] + 1e-12).all()
    assert (wide["producer"] <= wide["standard"] + 1e-12).all()
    assert (wide["standard"] <= wide["broad"] + 1e-12).all()


def test_wiod2013_registry_is_unchanged_for_wiod_tables():
    from servmodel.intensity import wiod_classification

    cls = wiod_classification()
    assert not cls.definitions
    codes = tuple(f"c{k}" for k in range(1, 36))
    assert [r.codes for r in resolve_definitions("all", codes, cls)] == [
        d.codes for d in REGISTRY.values()]


def test_classification_of_another_release_does_not_cover_the_table():
    cls = rev4_classification("icio2023")
    assert isinstance(cls, IndustryClassification)
    with pytest.raises(DataError, match="names industries not in the table"):
        cls.check_covers(tuple(WIOD2016), "a WIOD 2016 table")
