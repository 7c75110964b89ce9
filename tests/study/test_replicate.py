"""`servmodel replicate --quick` end to end into a temporary directory."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from servmodel.cli import main
from servmodel.intensity.summary import manufacturing_intensity


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    out = tmp_path_factory.mktemp("study")
    code = main(["replicate", "--quick", "--out", str(out)])
    return out, code


def test_runs_and_writes_report(study):
    out, code = study
    assert code == 0
    assert (out / "report.md").is_file()


def test_every_listed_file_exists(study):
    out, _ = study
    text = (out / "report.md").read_text()
    linked = re.findall(r"\]\(([^)]+)\)", text) + re.findall(r"^- `([^`]+)`$", text, re.M)
    assert len(linked) >= 10
    for rel in linked:
        assert (out / rel).is_file(), rel


def test_no_placeholder_text(study):
    text = (study[0] / "report.md").read_text()
    for marker in ("TODO", "TBD", "XXX", "placeholder", "lorem", "nan%", "{", "}"):
        assert marker not in text, marker


def test_descriptive_numbers_equal_the_panel_module(study, wiod_panel):
    out, _ = study
    comps = pd.read_csv(out / "data" / "comparators_direct.csv")
    direct = manufacturing_intensity(wiod_panel, "direct")
    for country in ("KOR", "MEX", "CHN"):
        got = comps[comps.series == country].set_index(["definition", "year"])["value"]
        want = direct[direct.country == country].set_index(["definition", "year"])["direct"]
        pd.testing.assert_series_equal(got.sort_index(), want.sort_index(), check_names=False,
                                       rtol=1e-12)


def test_claim_matrix_is_complete(study):
    v = pd.read_csv(study[0] / "data" / "claim_verdicts.csv")
    assert set(v.claim) == {"C1", "C2", "C3", "C4", "C5"}
    assert len(v) == 5 * 4 * 4  # claims x definitions x measures
    assert set(v.verdict) <= {"supported", "contradicted", "inconclusive"}
    assert v.evidence.str.len().min() > 10
