"""The WIOD 2016 reader on files in the release's layouts: Excel (.xlsb, and .xlsx with the
same sheet) and R data, a directory of yearly files, the panel, and bad input.

The ``.xlsb`` path is tested on a committed workbook in the published layout,
``fixtures/WIOT2014_Nov16_ROW.xlsb`` (written by ``generate_releases.py`` with pyxlsbwriter);
the other cases write ``.xlsx`` files with openpyxl, read by the same sheet logic.
"""

from __future__ import annotations

import shutil
import sys

import numpy as np
import pandas as pd
import pytest

from servmodel.cli import main
from servmodel.errors import DataError, UsageError
from servmodel.intensity import panel_from_source
from servmodel.io import iter_wiod2016, open_release, read_wiod2016_file
from servmodel.io.wiod2016 import WIOD2016_FINAL, WIOD2016_INDUSTRIES, wiod2016_files
from tests.io import generate_releases as gen
from tests.optional import require

require("python_calamine", reason="servmodel[wiod2016] reads the workbooks")
pyreadr = require("pyreadr", reason="servmodel[wiod2016] reads the R data")


def assert_same(table, world, source):
    expected = world.table()
    assert table.source == source
    assert table.countries == world.economies and table.year == world.year
    assert table.industries == WIOD2016_INDUSTRIES and table.final_categories == WIOD2016_FINAL
    np.testing.assert_array_equal(table.Z, expected.Z)
    np.testing.assert_array_equal(table.F, expected.F)
    np.testing.assert_allclose(table.x, expected.x, rtol=1e-13)  # sums in another order


@pytest.fixture(scope="module")
def world():
    return gen.wiod2016_world()


def test_xlsb_workbook_reads_back():
    table = read_wiod2016_file(gen.XLSB_FIXTURE)
    assert_same(table, gen.wiod2016_world(**gen.XLSB_WORLD), "WIOT2014_Nov16_ROW.xlsb")


def test_xlsb_fixture_has_the_published_header_rows():
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(gen.XLSB_FIXTURE))
    assert book.sheet_names == ["2014"]
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[2][4:6] == ["A01", "A02"] and rows[2][-1] == "GO"
    assert rows[4][4] == "KOR" and rows[4][-1] == "TOT"
    assert rows[5][4] == "c1" and rows[5][-2:] == ["c61", "c62"]
    assert rows[6][:4] == ["A01", gen.WIOD2016_DESCRIPTIONS[0], "KOR", "r1"]
    assert [r[0] for r in rows[-8:]] == [b[0] for b in gen.WIOD2016_BOTTOM]
    assert {r[2] for r in rows[-8:]} == {"TOT"} and rows[-1][3] == "r73"


def test_xlsx_reads_back(tmp_path, world):
    path = gen.write_wiod2016_xlsx(world, tmp_path / "WIOT2014_Nov16_ROW.xlsx")
    assert_same(read_wiod2016_file(path), world, path.name)


def test_rdata_reads_back(tmp_path, world):
    path = gen.write_wiod2016_rdata(world, tmp_path / "WIOT2014_October16_ROW.RData")
    frames = pyreadr.read_r(str(path))
    assert list(frames) == ["wiot"]  # the generator writes the release's one data frame
    wiot = frames["wiot"]
    assert list(wiot.columns[:6]) == ["IndustryCode", "IndustryDescription", "Country", "RNr",
                                      "Year", "AUS1"]
    assert list(wiot.columns[-2:]) == ["ROW61", "TOT"]
    assert_same(read_wiod2016_file(path), world, path.name)


def test_rdata_with_factor_labels(tmp_path, world):
    """R keeps text columns of older data frames as factors; they read as categoricals."""
    frame = gen.wiod2016_frame(world)
    for col in ("IndustryCode", "IndustryDescription", "Country"):
        frame[col] = frame[col].astype("category")
    path = tmp_path / "WIOT2014_October16_ROW.RData"
    pyreadr.write_rdata(str(path), frame, df_name="wiot")
    assert_same(read_wiod2016_file(path), world, path.name)


@pytest.fixture(scope="module")
def release_dir(tmp_path_factory):
    """Three years, two as workbooks and one as R data (a mixed download)."""
    d = tmp_path_factory.mktemp("wiod2016")
    worlds = {y: gen.wiod2016_world(year=y, seed=y) for y in (2012, 2013, 2014)}
    gen.write_wiod2016_xlsx(worlds[2012], d / "WIOT2012_Nov16_ROW.xlsx")
    gen.write_wiod2016_rdata(worlds[2013], d / "WIOT2013_October16_ROW.RData")
    gen.write_wiod2016_xlsx(worlds[2014], d / "WIOT2014_Nov16_ROW.xlsx")
    (d / "README.txt").write_text("not a table")
    return d, worlds


def test_directory_of_yearly_files(release_dir):
    d, worlds = release_dir
    assert [f.name for f in wiod2016_files(d).values()] == [
        "WIOT2012_Nov16_ROW.xlsx", "WIOT2013_October16_ROW.RData", "WIOT2014_Nov16_ROW.xlsx"]
    tables = list(iter_wiod2016(d, [2013, 2014]))
    assert [t.year for t in tables] == [2013, 2014]
    assert_same(tables[0], worlds[2013], "WIOT2013_October16_ROW.RData")


def test_both_forms_of_a_year_read_the_r_data(tmp_path, world):
    gen.write_wiod2016_xlsx(world, tmp_path / "WIOT2014_Nov16_ROW.xlsx")
    gen.write_wiod2016_rdata(world, tmp_path / "WIOT2014_October16_ROW.RData")
    assert wiod2016_files(tmp_path)[2014].suffix == ".RData"


def test_panel_from_release(release_dir, rev4):
    d, _ = release_dir
    panel = panel_from_source(f"wiod2016:{d}", definitions="all", years="2013-2014")
    f = panel.frame
    assert set(f["year"]) == {2013, 2014}
    assert set(f["country"]) == {"AUS", "KOR"}  # the rest of the world is left out
    assert set(f["industry"]) <= set(WIOD2016_INDUSTRIES[4:23])
    assert panel.source == f"WIOD 2016 release ({d})"
    assert f.loc[f.country == "KOR", "oecd"].all()
    assert np.isfinite(f["direct"]).all() and (f["direct"] >= 0).all()


def test_cli_builds_from_release(release_dir, rev4, tmp_path, capsys):
    d, _ = release_dir
    out = tmp_path / "panel.csv"
    assert main(["data", "build", "--source", f"wiod2016:{d}", "--years", "2014",
                 "--out", str(out)]) == 0
    f = pd.read_csv(out)
    assert set(f["year"]) == {2014} and set(f["country"]) == {"AUS", "KOR"}
    assert "wrote" in capsys.readouterr().out


# ----------------------------------------------------------------------------- bad input

def edited_sheet(world, tmp_path, edit, name="WIOT2014_Nov16_ROW.xlsx"):
    rows = gen.wiod2016_sheet(world)
    edit(rows)
    return gen.write_sheet_xlsx(rows, tmp_path / name, "2014")


def test_another_release_is_refused(tmp_path, world):
    """A WIOD 2013 workbook codes its industries c1 ... c35."""
    def wiod2013(rows):
        rows[2][4] = "c1"
        rows[6][0] = "c1"

    path = edited_sheet(world, tmp_path, wiod2013)
    with pytest.raises(DataError, match=r"WIOT2014_Nov16_ROW.xlsx: not laid out as a WIOD 2016 "
                       r"release table: cell E3 .* holds 'c1'.*another release"):
        read_wiod2016_file(path)


def test_r_data_of_another_release_is_refused(tmp_path, world):
    path = tmp_path / "WIOT2014_October16_ROW.RData"
    pyreadr.write_rdata(str(path), gen.wiod2016_frame(world), df_name="wiot13")
    with pytest.raises(DataError, match="holds no data frame named 'wiot'.*'wiot13'"):
        read_wiod2016_file(path)


def test_missing_year_in_directory(release_dir, tmp_path):
    d, _ = release_dir
    gap = tmp_path / "gap"
    gap.mkdir()
    for name in ("WIOT2012_Nov16_ROW.xlsx", "WIOT2014_Nov16_ROW.xlsx"):
        shutil.copy(d / name, gap / name)
    with pytest.raises(DataError, match=r"the file of 2013 is missing \(WIOT2013_Nov16_ROW"):
        wiod2016_files(gap)
    with pytest.raises(DataError, match=r"no file for 2011 \(WIOT2011_Nov16_ROW.xlsb or "
                       r"WIOT2011_October16_ROW.RData\)"):
        open_release(f"wiod2016:{d}", [2011, 2012])


def test_truncated_workbook(tmp_path, world):
    path = gen.write_wiod2016_xlsx(world, tmp_path / "WIOT2014_Nov16_ROW.xlsx")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(DataError, match="cannot be read as an Excel workbook.*download it again"):
        read_wiod2016_file(path)


def test_truncated_r_data(tmp_path, world):
    path = gen.write_wiod2016_rdata(world, tmp_path / "WIOT2014_October16_ROW.RData")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(DataError, match="cannot be read as R data"):
        read_wiod2016_file(path)


def test_sheet_cut_short(tmp_path, world):
    """A sheet that ends inside the bottom rows (a cut copy)."""
    path = edited_sheet(world, tmp_path, lambda rows: rows.__delitem__(slice(-3, None)))
    with pytest.raises(DataError, match=r"the rows VA, IntTTM, GO under TOT are missing"):
        read_wiod2016_file(path)


def test_industry_labels_that_do_not_match(tmp_path, world):
    def relabel(rows):
        rows[6 + 56 + 16][0] = "C26X"

    path = edited_sheet(world, tmp_path, relabel)
    with pytest.raises(DataError, match=r"row 79: industry 'C26X' of 'KOR' where the release "
                       r"has 'C26' of 'KOR'"):
        read_wiod2016_file(path)


def test_columns_that_do_not_match(tmp_path, world):
    def drop_final(rows):
        rows[2][4 + world.n + 3] = "GFCF_x"

    path = edited_sheet(world, tmp_path, drop_final)
    with pytest.raises(DataError, match=r"column 172 of the values is 'AUS GFCF_x' where the "
                       r"release has 'AUS GFCF'"):
        read_wiod2016_file(path)


def test_values_that_do_not_add_up(tmp_path, world):
    def edit(rows):
        rows[6 + 10][4 + 7] += 1000.0  # one intermediate flow, row total left as published

    path = edited_sheet(world, tmp_path, edit)
    with pytest.raises(DataError, match=r"AUS C20: intermediate plus final use .* and the total "
                       r"output column GO differ"):
        read_wiod2016_file(path)


def test_text_in_a_value_cell(tmp_path, world):
    def edit(rows):
        rows[10][9] = "n.a."

    path = edited_sheet(world, tmp_path, edit)
    with pytest.raises(DataError, match=r"cell J11 holds 'n.a.' where the table has a number"):
        read_wiod2016_file(path)


def test_missing_excel_package_names_the_extra(tmp_path, world, monkeypatch):
    path = gen.write_wiod2016_xlsx(world, tmp_path / "WIOT2014_Nov16_ROW.xlsx")
    monkeypatch.setitem(sys.modules, "python_calamine", None)  # as if not installed
    with pytest.raises(UsageError, match=r"needs the package python-calamine, which is not "
                       r"installed; install it with pip install 'servmodel\[wiod2016\]'"):
        read_wiod2016_file(path)


def test_unknown_kind_and_cli_exit_codes(tmp_path, monkeypatch, capsys, release_dir):
    monkeypatch.chdir(tmp_path)
    assert main(["data", "build", "--source", "wiod2017:/data", "--out", "x.csv"]) == 2
    assert "unknown kind 'wiod2017'" in capsys.readouterr().err
    assert main(["data", "build", "--source", "wiod2016:missing", "--out", "x.csv"]) == 1
    assert "missing: not a directory" in capsys.readouterr().err
    d, _ = release_dir
    assert main(["data", "build", "--source", f"wiod2016:{d}", "--years", "2010",
                 "--out", "x.csv"]) == 1
    assert "no file for 2010" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()
