"""`servmodel data ...` as a user runs it: outputs, exit codes and one-line errors."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from servmodel.cli import main
from servmodel.intensity import PANEL_COLUMNS


def test_build_writes_panel_csv(tmp_path, capsys):
    out = tmp_path / "panel.csv"
    assert main(["data", "build", "--years", "2010-2011", "--definition", "kibs,standard",
                 "--out", str(out)]) == 0
    f = pd.read_csv(out)
    assert list(f.columns) == list(PANEL_COLUMNS)
    assert set(f.definition) == {"kibs", "standard"} and set(f.year) == {2010, 2011}
    assert "wrote" in capsys.readouterr().out
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary left behind


def test_build_parquet_with_covariates(tmp_path, wiod_panel):
    cov = tmp_path / "rd.csv"
    pd.DataFrame({"industry": ["c14"], "rd": [7.5]}).to_csv(cov, index=False)
    out = tmp_path / "panel.parquet"
    assert main(["data", "build", "--years", "2011", "--definition", "kibs",
                 "--covariates", str(cov), "--out", str(out)]) == 0
    f = pd.read_parquet(out)
    assert (f.loc[f.industry == "c14", "rd"] == 7.5).all() and f.loc[f.industry != "c14", "rd"].isna().all()
    expected = wiod_panel.frame.query("year == 2011 and definition == 'kibs'").direct.to_numpy()
    assert f.direct.to_numpy() == pytest.approx(expected, rel=1e-15)


def test_summary_highlights_korea(tmp_path, capsys):
    assert main(["data", "summary", "--years", "1995,2011", "--definition", "standard"]) == 0
    out = capsys.readouterr().out
    assert "KOR" in out and "rank 2011" in out and "Coverage" in out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["data", "build", "--out", "x.txt"], 2, "unknown table format '.txt'"),
        (["data", "build", "--years", "1990-1994", "--out", "x.csv"], 1, "outside the embedded"),
        (["data", "build", "--years", "20x1", "--out", "x.csv"], 2, "is not a year or range"),
        (["data", "build", "--definition", "c99", "--out", "x.csv"], 1, "unknown industries c99"),
        (["data", "build", "--source", "missing.csv", "--out", "x.csv"], 1, "does not exist"),
        (["data", "summary", "--measure", "gross"], 2, "unknown measure 'gross'"),
        (["data", "build"], 2, "Missing option '--out'"),
    ],
)
def test_bad_input_exit_codes(tmp_path, monkeypatch, capsys, args, code, message):
    monkeypatch.chdir(tmp_path)
    assert main(args) == code
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert not list(tmp_path.glob("x.*"))


def test_output_directory_must_exist(tmp_path, capsys):
    assert main(["data", "build", "--years", "2011", "--out", str(tmp_path / "no" / "p.csv")]) == 2
    assert "does not exist; create it first" in capsys.readouterr().err


def test_console_script_one_line_error(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "servmodel", "data", "build", "--definition", "c99",
         "--out", str(tmp_path / "p.csv")],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 1
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: custom definition names unknown")
