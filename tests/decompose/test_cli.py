"""`servmodel decompose`: outputs and one-line errors with their exit codes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from servmodel.cli import main
from servmodel.decompose import TIDY_COLUMNS
from servmodel.intensity import panel_from_source


@pytest.fixture(scope="module")
def panel_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("panel") / "panel.csv"
    panel_from_source(years=[2010, 2011], definitions="standard").write(path)
    return path


def test_change_with_all_outputs(panel_file, tmp_path, capsys):
    out, stem, fig = tmp_path / "d.csv", tmp_path / "d", tmp_path / "d.png"
    code = main(["decompose", "--panel", str(panel_file), "--country", "KOR", "--start",
                 "2010", "--end", "2011", "--measure", "total", "--sda", "--out", str(out),
                 "--tables", str(stem), "--figure", str(fig)])
    assert code == 0, capsys.readouterr().err
    frame = pd.read_csv(out, keep_default_na=False)
    assert tuple(frame.columns) == TIDY_COLUMNS
    econ = frame[frame["industry"] == "all"].set_index("component")["value"].astype(float)
    assert econ["within"] + econ["composition"] == pytest.approx(econ["change"], rel=1e-12)
    sda = econ[[c for c in econ.index if c.startswith("within_sda_")]]
    assert len(sda) == 3 and sda.sum() == pytest.approx(econ["within"], rel=1e-12)
    assert set(frame["comparator"]) == {""}
    for p in ("d.tex", "d.md", "d_industries.tex", "d_industries.md", "d.png"):
        assert (tmp_path / p).stat().st_size > 0


def test_gaps(panel_file, tmp_path, capsys):
    out = tmp_path / "g.csv"
    code = main(["decompose", "--panel", str(panel_file), "--versus", "OECD,MEX,CHN",
                 "--year", "2011", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    frame = pd.read_csv(out, keep_default_na=False)
    assert set(frame["comparator"]) == {"oecd", "MEX", "CHN"}
    for _, part in frame[frame["industry"] == "all"].groupby("comparator"):
        v = part.set_index("component")["value"]
        assert v["gap"] == pytest.approx(v["level_country"] - v["level_comparator"], rel=1e-12)
        assert v["within_domestic"] + v["within_foreign"] == pytest.approx(v["within"],
                                                                           rel=1e-12)
        assert np.isfinite(v.to_numpy(dtype=float)).all()


def _one_line_error(capsys, code, expected):
    err = capsys.readouterr().err.strip()
    assert code == expected, err
    assert err.startswith("error: ") and "\n" not in err
    return err


def test_one_year_only(tmp_path, capsys):
    path = tmp_path / "one.csv"
    panel_from_source(years=[2011], definitions="standard").write(path)
    capsys.readouterr()  # the build's own log lines
    code = main(["decompose", "--panel", str(path), "--out", str(tmp_path / "x.csv")])
    assert "only the year 2011" in _one_line_error(capsys, code, 1)
    assert not (tmp_path / "x.csv").exists()


def test_comparator_not_in_panel(panel_file, capsys):
    code = main(["decompose", "--panel", str(panel_file), "--versus", "XYZ"])
    assert "XYZ" in _one_line_error(capsys, code, 2)


def test_measure_without_sourcing(panel_file, capsys):
    code = main(["decompose", "--panel", str(panel_file), "--measure", "total", "--sourcing"])
    assert "no sourcing split" in _one_line_error(capsys, code, 2)


def test_sda_needs_total_and_bad_out_fails_first(panel_file, tmp_path, capsys):
    code = main(["decompose", "--panel", str(panel_file), "--sda"])
    assert "--measure total" in _one_line_error(capsys, code, 2)
    code = main(["decompose", "--panel", str(panel_file), "--out",
                 str(tmp_path / "missing" / "x.csv")])
    assert "does not exist" in _one_line_error(capsys, code, 2)
