"""The ADB MRIO reader on workbooks in the release's layout (title rows, column numbers,
labels, economy and code header rows, ``ToT`` bottom rows, single-space cells, a legend
sheet), the ADB economy codes mapped to ISO-3, the panel, and bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from servmodel.cli import main
from servmodel.errors import DataError
from servmodel.intensity import panel_from_source, wiod_classification
from servmodel.io import iter_adb, open_release, read_adb_file
from servmodel.io.adb import ADB_FINAL, ADB_INDUSTRIES, ADB_TO_ISO3, adb_files, iso3
from tests.io import generate_releases as gen
from tests.optional import require

require("python_calamine", reason="servmodel[adb] reads the workbooks")


@pytest.fixture(scope="module")
def world():
    return gen.adb_world()


def assert_same(table, world, source):
    expected = world.table(countries=gen.ADB_ISO3)
    assert table.source == source and table.year == world.year
    assert table.countries == ("AUS", "CHN", "TWN", "KOR", "ROW")
    assert table.industries == ADB_INDUSTRIES and table.final_categories == ADB_FINAL
    np.testing.assert_array_equal(table.Z, expected.Z)
    np.testing.assert_array_equal(table.F, expected.F)
    np.testing.assert_allclose(table.x, expected.x, rtol=1e-13)


def test_workbook_reads_back(tmp_path, world):
    path = gen.write_adb(world, tmp_path / "ADB-MRIO-2022.xlsx")
    assert_same(read_adb_file(path), world, path.name)


def test_sheet_has_the_published_layout(world):
    rows = gen.adb_sheet(world)
    assert rows[0][0] == "Multiregional Input-Output Table 2022"
    assert rows[3][4:6] == ["0001", "0002"]
    assert rows[5][4] == "AUS" and rows[5][-1] == "ToT"
    assert rows[6][4:6] == ["c1", "c2"] and rows[6][4 + world.n:4 + world.n + 5] == list(ADB_FINAL)
    assert rows[7][1:4] == ["Agriculture, Hunting, Forestry and Fishing", "AUS", "c1"]
    bottom = [r[3] for r in rows[-9:-1]]
    assert bottom == ["r60", "r99", "r61", "r62", "r63", "r64", "trs", "r69"]
    assert " " in rows[-7]  # empty cells stored as a single space
    assert rows[-1][1].startswith("$ = United States dollar")


def test_adb_codes_map_to_iso3():
    assert iso3("PRC") == "CHN" and iso3("TAP") == "TWN" and iso3("RoW") == "ROW"
    assert iso3("KOR") == "KOR" and iso3("UKG") == "GBR"
    assert all(len(v) == 3 and v.isupper() for v in ADB_TO_ISO3.values())


def test_adb_codes_agree_with_the_rev4_country_codes(rev4):
    codes = rev4.adb_country_codes
    for adb, iso in codes().items():
        assert iso3(adb) == iso, adb


def test_year_from_the_sheet_when_the_name_has_none(tmp_path, world):
    path = gen.write_adb(world, tmp_path / "mrio_table.xlsx")
    assert read_adb_file(path).year == 2022


def test_directory_of_workbooks(tmp_path):
    worlds = {y: gen.adb_world(year=y, seed=y) for y in (2021, 2022)}
    for y, w in worlds.items():
        gen.write_adb(w, tmp_path / f"ADB-MRIO-{y}_Mar2024.xlsx")
    assert sorted(adb_files(tmp_path)) == [2021, 2022]
    (t,) = iter_adb(tmp_path, [2021])
    assert t.year == 2021
    np.testing.assert_array_equal(t.Z, worlds[2021].Z)


def test_panel_from_release(tmp_path, world, rev4):
    path = gen.write_adb(world, tmp_path / "ADB-MRIO-2022.xlsx")
    panel = panel_from_source(f"adb:{path}", definitions="standard")
    f = panel.frame
    assert set(f["country"]) == {"AUS", "CHN", "TWN", "KOR"}
    assert set(f["industry"]) == set(wiod_classification().manufacturing)
    assert set(f["definition"]) == {"standard"} and set(f["year"]) == {2022}
    assert f.loc[f.country == "KOR", "oecd"].all() and not f.loc[f.country == "CHN", "oecd"].any()
    assert panel.source == f"ADB MRIO ({path})"


def test_cli_builds_from_workbook(tmp_path, world, rev4):
    path = gen.write_adb(world, tmp_path / "ADB-MRIO-2022.xlsx")
    out = tmp_path / "panel.csv"
    assert main(["data", "build", "--source", f"adb:{path}", "--definition", "kibs",
                 "--out", str(out)]) == 0
    assert set(pd.read_csv(out)["country"]) == {"AUS", "CHN", "TWN", "KOR"}


# ----------------------------------------------------------------------------- bad input

def edited(world, tmp_path, edit, name="ADB-MRIO-2022.xlsx"):
    rows = gen.adb_sheet(world)
    edit(rows)
    return gen.write_adb(world, tmp_path / name, sheet=rows)


def test_table_of_another_release(tmp_path, world):
    """A WIOD 2016 workbook is not an ADB table."""
    path = gen.write_wiod2016_xlsx(gen.wiod2016_world(), tmp_path / "ADB-MRIO-2014.xlsx")
    with pytest.raises(DataError, match=r"not laid out as an ADB MRIO table: cell E7 .* holds "
                       r"'[\d.]+' and cell D8 'r2', where the release has 'c1'"):
        read_adb_file(path)


def test_rows_cut_short(tmp_path, world):
    path = edited(world, tmp_path, lambda rows: rows.__delitem__(slice(-4, None)))
    with pytest.raises(DataError, match=r"the rows r64, trs, r69 under ToT are missing"):
        read_adb_file(path)


def test_truncated_workbook(tmp_path, world):
    path = gen.write_adb(world, tmp_path / "ADB-MRIO-2022.xlsx")
    path.write_bytes(path.read_bytes()[:4000])
    with pytest.raises(DataError, match="cannot be read as an Excel workbook"):
        read_adb_file(path)


def test_sector_codes_that_do_not_match(tmp_path, world):
    def relabel(rows):
        rows[7 + 35 + 13][3] = "c14a"

    path = edited(world, tmp_path, relabel)
    with pytest.raises(DataError, match=r"row 56 is PRC 'c14a' where the release has PRC 'c14'"):
        read_adb_file(path)


def test_final_demand_columns_that_do_not_match(tmp_path, world):
    def relabel(rows):
        rows[6][4 + world.n + 2] = "F9"

    path = edited(world, tmp_path, relabel)
    with pytest.raises(DataError, match=r"column FZ is 'AUS F9' where the release has 'AUS F3'"):
        read_adb_file(path)


def test_values_that_do_not_add_up(tmp_path, world):
    def edit(rows):
        rows[7 + 3][4 + 40] = rows[7 + 3][4 + 40] * 3 + 100

    path = edited(world, tmp_path, edit)
    with pytest.raises(DataError, match=r"AUS c4: intermediate plus final use \(the row total\) "
                       r"and the total column differ"):
        read_adb_file(path)


def test_text_in_a_value_cell(tmp_path, world):
    def edit(rows):
        rows[9][6] = "x"

    path = edited(world, tmp_path, edit)
    with pytest.raises(DataError, match=r"cell G10 holds 'x' where the table has a number"):
        read_adb_file(path)


def test_name_and_sheet_disagree_on_the_year(tmp_path, world):
    gen.write_adb(world, tmp_path / "ADB-MRIO-2021.xlsx")
    with pytest.raises(DataError, match=r"named for 2021, but it holds the table of 2022"):
        list(open_release(f"adb:{tmp_path}").tables())


def test_cli_exit_code_and_nothing_written(tmp_path, world, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["data", "build", "--source", "adb:nothing.xlsx", "--out", "x.csv"]) == 1
    assert "nothing.xlsx: no such file or directory" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()
