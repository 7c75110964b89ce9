"""The committed `results/` (one full `servmodel replicate`) match what the code computes now
from the embedded data, and the README shows the committed claim matrix."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from servmodel.intensity.summary import summarize_panel
from servmodel.study.claims import CLAIMS, RULES
from servmodel.study.descriptive import comparator_series
from servmodel.study.evidence import claim_verdicts, verdict_table
from servmodel.study.tables import claim_matrix_table

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "results"


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(RESULTS / "data" / name)


def test_comparators_match_exactly(wiod_panel):
    fresh = comparator_series(wiod_panel, "direct")
    pd.testing.assert_frame_equal(
        _read("comparators_direct.csv"), fresh, check_exact=True, check_dtype=False
    )


def test_ranks_match_exactly(wiod_panel):
    fresh = summarize_panel(wiod_panel, "direct").ranks.reset_index(drop=True)
    pd.testing.assert_frame_equal(
        _read("ranks_direct.csv"), fresh, check_exact=True, check_dtype=False
    )


@pytest.fixture(scope="module")
def fresh_verdicts(wiod_panel) -> pd.DataFrame:
    return verdict_table(claim_verdicts(wiod_panel))


def test_claim_verdicts_match_exactly(fresh_verdicts):
    pd.testing.assert_frame_equal(
        _read("claim_verdicts.csv"), fresh_verdicts, check_exact=True, check_dtype=False
    )


def test_readme_shows_the_committed_claim_matrix(fresh_verdicts):
    committed = (RESULTS / "tables" / "claim_matrix.md").read_text()
    table = "\n".join(line for line in committed.splitlines() if line.startswith("|"))
    readme = (ROOT / "README.md").read_text()
    assert table in readme
    # and it is the matrix of the verdicts computed now
    from servmodel.report import render

    t = claim_matrix_table(fresh_verdicts)
    assert render(t.table(caption=False), "markdown").rstrip("\n") == table


def test_committed_report_states_the_current_rules():
    """The report prints each claim's rule as written in the code (report.py), so the
    committed report must carry the rules of this version."""
    lines = (RESULTS / "report.md").read_text().splitlines()
    for c in CLAIMS:
        assert f"- **{c}** ({CLAIMS[c]}): {RULES[c]}" in lines, c


def test_committed_sensitivity_tables_use_the_current_sample_names():
    """The grid's samples in the committed tables are the names a run writes now."""
    from servmodel.sensitivity import load_grid

    grid = load_grid(ROOT / "models" / "sensitivity.toml")
    named = set(grid.dimensions["sample"])
    for name in ("specifications.csv", "skipped.csv"):
        table = pd.read_csv(RESULTS / "sensitivity" / name, dtype=str, keep_default_na=False)
        assert set(table["sample"]) == named, name
    by_choice = pd.read_csv(RESULTS / "sensitivity" / "by_choice.csv", dtype=str)
    assert set(by_choice.loc[by_choice["dimension"] == "sample", "choice"]) <= named


def test_committed_results_are_small_and_hold_no_draws():
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: the committed files cannot be listed")
    listed = subprocess.run(
        [git, "ls-files", "results"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    files = [ROOT / f for f in listed]
    assert ROOT / "results" / "report.md" in files
    # one full run: tables, figures and summaries (about 5.3 MB), never draws or caches
    assert sum(p.stat().st_size for p in files) < 6 * 2**20
    assert not [p for p in files if p.suffix == ".nc"]
