"""`servmodel sensitivity` given bad grids and options: no --out directory left behind."""

from __future__ import annotations

import pytest

from tests.bad_input.helpers import expect_error

GRID = """name = "g"
[[targets]]
name = "tech"
formula = "tech_score + trend"
term = "tech_score"
[dimensions]
{dimensions}
"""


@pytest.mark.parametrize(("dimensions", "extra", "code", "what", "fix"), [
    ('estimator = ["pooled", "fe2"]', [], 1, ["[dimensions] estimator", "'fe2'"],
     ["choose from pooled, fe"]),
    ('measure = ["gross"]', [], 1, ["[dimensions] measure", "'gross' is not a measure"],
     ["choose from direct"]),
    ('sample = ["without:XYZ"]', [], 1, ["'without:XYZ'", "XYZ not in the panel"],
     ["it holds AUS"]),
    ('estimator = ["pooled"]', ["--jobs", "0"], 2, ["--jobs 0"],
     ["give a number of processes >= 1"]),
], ids=["unknown estimator", "unknown measure", "unknown country", "zero jobs"])
def test_bad_grid_leaves_no_output(dimensions, extra, code, what, fix, tmp_path, capsys,
                                   panel_file):
    grid = tmp_path / "grid.toml"
    grid.write_text(GRID.format(dimensions=dimensions))
    out = tmp_path / "sensitivity"
    expect_error(capsys, ["sensitivity", grid, "--panel", panel_file, "--out", out,
                          "--no-progress", *extra], code, what, fix)
    assert not out.exists()


def test_out_is_a_file(tmp_path, capsys, panel_file):
    grid = tmp_path / "grid.toml"
    grid.write_text(GRID.format(dimensions='estimator = ["pooled"]'))
    out = tmp_path / "sensitivity.csv"
    out.write_text("kept")
    expect_error(capsys, ["sensitivity", grid, "--panel", panel_file, "--out", out,
                          "--no-progress"], 2, [str(out), "is a file"], ["give a directory"])
    assert out.read_text() == "kept"


def test_grid_path_is_a_directory(tmp_path, capsys, panel_file):
    out = tmp_path / "sensitivity"
    expect_error(capsys, ["sensitivity", tmp_path, "--panel", panel_file, "--out", out], 2,
                 [str(tmp_path), "is a directory"], ["give a .toml file"])
    assert not out.exists()
