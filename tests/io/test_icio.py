"""The OECD ICIO reader on files in the 2021 and 2023 editions' layouts: split economies,
tax rows, final-demand and total columns, a directory of yearly files, the panel, a second
reading by pymrio, and bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from servmodel.cli import main
from servmodel.errors import DataError, UsageError
from servmodel.intensity import panel_from_source
from servmodel.io import iter_icio, open_release, read_icio_file
from servmodel.io.icio import ICIO_FINAL, ICIO_INDUSTRIES, icio_files
from tests.io import generate_releases as gen
from tests.optional import require

NAMES = {"icio2021": "ICIO2021_2015.csv", "icio2023": "2015.csv"}


def assert_same(table, world, source):
    expected = world.table()
    assert table.source == source and table.year == world.year
    assert table.countries == world.economies  # the published order, ROW last
    assert table.final_categories == ICIO_FINAL
    # the split economies' parts add back up to the world's flows up to rounding
    np.testing.assert_allclose(table.Z, expected.Z, rtol=1e-13, atol=1e-12)
    np.testing.assert_allclose(table.F, expected.F, rtol=1e-13, atol=1e-12)
    np.testing.assert_allclose(table.x, expected.x, rtol=1e-13)


@pytest.mark.parametrize("edition", ["icio2021", "icio2023"])
def test_file_with_split_economies_reads_back(tmp_path, edition):
    world = gen.icio_world(edition)
    path = gen.write_icio(world, tmp_path / NAMES[edition], edition)
    raw = pd.read_csv(path, index_col=0)
    assert {"MX1", "MX2", "CN1", "CN2"} <= {lab.split("_")[0] for lab in raw.index}
    assert raw.columns[-1] == ("TOTAL" if edition == "icio2021" else "OUT")
    table = read_icio_file(path)
    assert table.industries == ICIO_INDUSTRIES[edition]
    assert_same(table, world, path.name)


def test_layout_of_each_edition(tmp_path):
    w21, w23 = gen.icio_world("icio2021"), gen.icio_world("icio2023")
    f21 = gen.icio_frame(w21, "icio2021")
    f23 = gen.icio_frame(w23, "icio2023")
    assert "KOR_26" in f21.index and "KOR_64T66" in f21.index
    assert f21.index[-2:].tolist() == ["VALU", "OUTPUT"]
    assert [lab for lab in f21.index if lab.endswith("_TAXSUB")] == [
        f"{e}_TAXSUB" for e in w21.economies]
    assert "KOR_A01_02" in f23.index and "KOR_C10T12" in f23.index and "KOR_K" in f23.index
    assert f23.index[-3:].tolist() == ["TLS", "VA", "OUT"]
    for frame in (f21, f23):
        assert "MEX_HFCE" in frame.columns and "MX1_HFCE" not in frame.columns
        assert [c for c in frame.columns if c.startswith("ROW_")][-6:] == [
            f"ROW_{f}" for f in ICIO_FINAL]


def test_split_economies_before_others(tmp_path):
    """Split economies listed among the economies rather than after them are summed the
    same way."""
    world = gen.icio_world("icio2023")
    frame = gen.icio_frame(world, "icio2023")
    ni = len(world.industries)
    labels = list(frame.index)
    mx1 = labels.index("MX1_A01_02")
    order = [*labels[:ni], *labels[mx1:mx1 + ni], *labels[ni:mx1], *labels[mx1 + ni:]]
    moved = frame.loc[order, [*order[:len(order) - 3], *frame.columns[len(order) - 3:]]]
    path = gen.write_icio(world, tmp_path / NAMES["icio2023"], "icio2023", frame=moved)
    assert_same(read_icio_file(path), world, path.name)


def test_small_file_without_splits(tmp_path):
    world = gen.icio_world("icio2023")
    path = gen.write_icio(world, tmp_path / "2015_SML.csv", "icio2023", splits=False)
    table = read_icio_file(path)
    np.testing.assert_array_equal(table.Z, world.Z)
    np.testing.assert_array_equal(table.F, world.F)


def test_other_spellings_of_final_demand(tmp_path):
    """``_DIRP`` for the direct purchases abroad (a spelling pymrio's parser also reads)."""
    world = gen.icio_world("icio2021")
    frame = gen.icio_frame(world, "icio2021")
    frame.columns = [c.replace("_DPABR", "_DIRP") for c in frame.columns]
    path = gen.write_icio(world, tmp_path / NAMES["icio2021"], "icio2021", frame=frame)
    table = read_icio_file(path)
    assert table.final_categories == ICIO_FINAL
    assert_same(table, world, path.name)


def test_empty_cells_are_zero(tmp_path):
    """An empty cell reads as zero, as in pymrio's parser."""
    world = gen.icio_world("icio2023")
    path = gen.write_icio(world, tmp_path / "2015_SML.csv", "icio2023", splits=False)
    # the smallest flow of row 3, within the tolerance of the published totals
    j = int(np.argmin(np.where(world.Z[2] > 0, world.Z[2], np.inf)))
    assert 0 < world.Z[2, j] < 1e-3 * world.x[2]
    lines = path.read_text().splitlines(keepends=True)
    cells = lines[3].split(",")
    assert float(cells[j + 1]) == world.Z[2, j]
    cells[j + 1] = ""
    lines[3] = ",".join(cells)
    path.write_text("".join(lines))
    world.Z[2, j] = 0.0
    table = read_icio_file(path)
    assert table.Z[2, j] == 0.0
    np.testing.assert_array_equal(table.Z, world.Z)


def test_pymrio_reads_the_same_values(tmp_path):
    pymrio = require("pymrio")
    for edition in ("icio2021", "icio2023"):
        world = gen.icio_world(edition)
        path = gen.write_icio(world, tmp_path / NAMES[edition], edition)
        table = read_icio_file(path)
        io = pymrio.parse_oecd(path)
        rows = [(c, i) for c in table.countries for i in table.industries]
        final = [(c, f) for c in table.countries for f in table.final_categories]
        np.testing.assert_allclose(io.Z.loc[rows, rows].to_numpy(), table.Z, rtol=1e-13,
                                   atol=1e-12)
        np.testing.assert_allclose(io.Y.loc[rows, final].to_numpy(), table.F, rtol=1e-13,
                                   atol=1e-12)
        # pymrio orders economies alphabetically; the reader keeps the published order
        assert list(io.get_regions()) == sorted(table.countries)


def test_edition_told_from_the_layout(tmp_path):
    world = gen.icio_world("icio2023")
    path = gen.write_icio(world, tmp_path / "oecd_icio_table_2015.csv", "icio2023")
    edition, files = icio_files(path)
    assert edition == "icio2023" and files == {2015: path}
    assert_same(read_icio_file(path), world, path.name)


@pytest.fixture(scope="module")
def icio_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("icio2023")
    worlds = {y: gen.icio_world("icio2023", year=y, seed=y) for y in (2019, 2020)}
    gen.write_icio(worlds[2019], d / "2019.csv", "icio2023")
    gen.write_icio(worlds[2019], d / "2019_SML.csv", "icio2023", splits=False)
    gen.write_icio(worlds[2020], d / "2020_SML.csv", "icio2023", splits=False)
    (d / "ReadMe_ICIO_2023.txt").write_text("not a table")
    return d, worlds


def test_directory_of_yearly_files(icio_dir):
    d, worlds = icio_dir
    edition, files = icio_files(d)
    assert edition == "icio2023"
    assert {y: f.name for y, f in files.items()} == {2019: "2019_SML.csv", 2020: "2020_SML.csv"}
    tables = list(iter_icio(d, [2020]))
    assert [t.year for t in tables] == [2020]
    np.testing.assert_array_equal(tables[0].Z, worlds[2020].Z)


@pytest.mark.parametrize("edition", ["icio2021", "icio2023"])
def test_panel_from_release(tmp_path, rev4, edition):
    world = gen.icio_world(edition)
    gen.write_icio(world, tmp_path / NAMES[edition], edition)
    panel = panel_from_source(f"icio:{tmp_path}", definitions="all")
    f = panel.frame
    assert set(f["country"]) == {"KOR", "MEX", "CHN", "USA"} and set(f["year"]) == {2015}
    assert set(f["industry"]) <= set(ICIO_INDUSTRIES[edition][5:22])
    assert panel.source == f"{gen_name(edition)} ({tmp_path})"
    assert np.isfinite(f["total"]).all() and (f["total"] >= f["direct"]).all()


def gen_name(edition):
    return {"icio2021": "OECD ICIO 2021 edition", "icio2023": "OECD ICIO 2023 edition"}[edition]


def test_cli_builds_from_one_file(tmp_path, rev4, capsys):
    world = gen.icio_world("icio2021")
    path = gen.write_icio(world, tmp_path / NAMES["icio2021"], "icio2021")
    out = tmp_path / "panel.parquet"
    assert main(["data", "build", "--source", f"icio:{path}", "--out", str(out)]) == 0
    f = pd.read_parquet(out)
    assert set(f["year"]) == {2015} and "ROW" not in set(f["country"])


# ----------------------------------------------------------------------------- bad input

def test_file_of_another_edition(tmp_path):
    world = gen.icio_world("icio2023")
    path = gen.write_icio(world, tmp_path / "ICIO2021_2015.csv", "icio2023")
    with pytest.raises(DataError, match=r"ICIO2021_2015.csv: named or given as the OECD ICIO "
                       r"2021 edition but laid out as the OECD ICIO 2023 edition"):
        read_icio_file(path)


def test_codes_of_the_other_edition(tmp_path):
    """A 2021-edition table whose industries carry the 2023 codes (a relabelled file)."""
    world = gen.icio_world("icio2023")
    frame = gen.icio_frame(world, "icio2023")
    frame = frame.rename(index={"OUT": "OUTPUT", "VA": "VALU", "TLS": "KOR_TAXSUB"},
                         columns={"OUT": "TOTAL"})
    path = gen.write_icio(world, tmp_path / "ICIO2021_2015.csv", "icio2021", frame=frame)
    with pytest.raises(DataError, match=r"row 2 is labelled 'KOR_A01_02' where the OECD ICIO "
                       r"2021 edition has KOR_01T02.*these are the codes of the OECD ICIO 2023"):
        read_icio_file(path)


def test_not_an_icio_table(tmp_path):
    path = tmp_path / "2015.csv"
    path.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(DataError, match=r"not laid out as an OECD ICIO table: its last column "
                       r"is 'c'"):
        read_icio_file(path)


def test_two_editions_in_one_directory(tmp_path):
    gen.write_icio(gen.icio_world("icio2021"), tmp_path / "ICIO2021_2015.csv", "icio2021")
    gen.write_icio(gen.icio_world("icio2023"), tmp_path / "2015.csv", "icio2023")
    with pytest.raises(DataError, match=r"holds files of two ICIO editions"):
        open_release(f"icio:{tmp_path}")


def test_missing_year(icio_dir):
    d, _ = icio_dir
    with pytest.raises(DataError, match=r"no file for 2018 \(2018.csv\); the directory holds "
                       r"2019, 2020"):
        open_release(f"icio:{d}", [2018, 2019])


def test_truncated_within_a_line(tmp_path):
    path = gen.write_icio(gen.icio_world("icio2021"), tmp_path / NAMES["icio2021"], "icio2021")
    path.write_bytes(path.read_bytes()[: int(path.stat().st_size * 0.6)])
    with pytest.raises(DataError, match=r"ICIO2021_2015.csv: cannot be read as an ICIO table.*"
                       r"Expected \d+ columns, got \d+.*incomplete or damaged"):
        read_icio_file(path)


def test_truncated_at_a_line_end(tmp_path):
    path = gen.write_icio(gen.icio_world("icio2023"), tmp_path / NAMES["icio2023"], "icio2023")
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:-2]))
    with pytest.raises(DataError, match=r"the rows VA, OUT are missing below the "
                       r"country-industry rows; the file is incomplete"):
        read_icio_file(path)


def test_labels_that_do_not_match(tmp_path):
    world = gen.icio_world("icio2021")
    frame = gen.icio_frame(world, "icio2021").rename(index={"KOR_26": "KOR_26X"},
                                                     columns={"KOR_26": "KOR_26X"})
    path = gen.write_icio(world, tmp_path / NAMES["icio2021"], "icio2021", frame=frame)
    with pytest.raises(DataError, match=r"row 18 is labelled 'KOR_26X' where the OECD ICIO "
                       r"2021 edition has KOR_26"):
        read_icio_file(path)


def test_columns_that_do_not_match_the_rows(tmp_path):
    world = gen.icio_world("icio2023")
    frame = gen.icio_frame(world, "icio2023").rename(columns={"USA_HFCE": "USA_HFC"})
    path = gen.write_icio(world, tmp_path / NAMES["icio2023"], "icio2023", frame=frame)
    with pytest.raises(DataError, match=r"column \d+ is 'USA_HFC' where the OECD ICIO 2023 "
                       r"edition has 'USA_HFCE'"):
        read_icio_file(path)


def test_values_that_do_not_add_up(tmp_path):
    world = gen.icio_world("icio2023")
    frame = gen.icio_frame(world, "icio2023")
    frame.loc["MX1_C26", "USA_C29"] += 500.0
    path = gen.write_icio(world, tmp_path / NAMES["icio2023"], "icio2023", frame=frame)
    with pytest.raises(DataError, match=r"MEX C26: intermediate plus final demand .* and the "
                       r"total column OUT differ"):
        read_icio_file(path)


def test_text_in_a_value_cell(tmp_path):
    path = gen.write_icio(gen.icio_world("icio2023"), tmp_path / NAMES["icio2023"], "icio2023")
    lines = path.read_text().splitlines(keepends=True)
    cells = lines[5].split(",")
    cells[3] = "n.a."
    lines[5] = ",".join(cells)
    path.write_text("".join(lines))
    with pytest.raises(DataError, match=r"cannot be read as an ICIO table \(column "
                       r"'KOR_B05_06'\): .*invalid value 'n.a.'"):
        read_icio_file(path)


def test_unknown_edition_argument(tmp_path):
    path = gen.write_icio(gen.icio_world("icio2023"), tmp_path / NAMES["icio2023"], "icio2023")
    with pytest.raises(UsageError, match="ICIO edition 'icio2018'"):
        read_icio_file(path, edition="icio2018")


def test_cli_exit_codes_and_nothing_written(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    gen.write_icio(gen.icio_world("icio2023"), tmp_path / "ICIO2021_2015.csv", "icio2023")
    assert main(["data", "build", "--source", f"icio:{tmp_path}", "--out", "x.csv"]) == 1
    assert "laid out as the OECD ICIO 2023 edition" in capsys.readouterr().err
    assert main(["data", "build", "--source", "icio:", "--out", "x.csv"]) == 2
    assert "give the path after 'icio:'" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()
