"""The Bayesian part of the replication report on small results whose draws come from the
prior (no sampler compiles): the flagship's prior sensitivity, the LOO comparison with
pseudo-BMA+ weights beside the stacking weights, and what the contrasts read."""

from __future__ import annotations

import re
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from servmodel.study import tables
from servmodel.study.report import (
    _check_note,
    _prior_sensitivity_section,
    expected_intensity_note,
    loo_note,
    prior_sensitivity_note,
)
from servmodel.study.run import (
    StudyOutputs,
    StudySettings,
    flagship_prior_sensitivity,
    write_study_tables,
)
from tests.bayes.test_usability import HIER, POOLED, _rows, prior_result
from tests.report.test_latex_compile import _compile, pdflatex  # noqa: F401 (fixture)

ROOT = Path(__file__).resolve().parents[2]
VERDICTS = {"prior-data conflict", "prior-sensitive", "likelihood-sensitive",
            "weak likelihood", "undetermined"}


@pytest.fixture(scope="module")
def results():
    """The flagship's [bayes] section (economy x year effects, cell slopes), a smaller
    hierarchical model and a pooled one on the same small panel (the flagship's prior draws
    give some observations a log-likelihood of -inf, so it is not compared by LOO)."""
    from servmodel.spec import load_spec

    flagship = load_spec(ROOT / "models" / "hier_beta.toml").to_dict()["bayes"]
    rows = _rows()
    return {"hier_beta": prior_result("hier_beta", flagship, rows, draws=60),
            "hier": prior_result("hier", HIER, rows, draws=60),
            "pooled_beta": prior_result("pooled_beta", POOLED, rows, draws=60)}


@pytest.fixture(scope="module")
def saved_flagship(results, tmp_path_factory):
    nc, _ = results["hier_beta"].save(tmp_path_factory.mktemp("flagship") / "hier_beta.nc")
    return nc


# ------------------------------------------------------------------ prior sensitivity
def test_prior_sensitivity_is_what_the_command_computes(saved_flagship, tmp_path, capsys):
    from servmodel.cli import main
    from servmodel.results.bayes import load_bayes
    from servmodel.sensitivity.prior import verdict

    ps = flagship_prior_sensitivity(load_bayes(saved_flagship), ROOT / "models")
    grid = ROOT / "models" / "sensitivity.toml"
    assert main(["sensitivity-prior", str(saved_flagship), "--no-refit", "--grid", str(grid),
                 "--out", str(tmp_path)]) == 0
    capsys.readouterr()
    command = pd.read_csv(tmp_path / "hier_beta_psens.csv")
    pd.testing.assert_frame_equal(ps.psens.reset_index(drop=True), command, check_dtype=False)

    table = tables.prior_sensitivity(ps)
    frame = table.frame
    assert table.name == "prior_sensitivity"
    assert list(frame.columns) == ["parameter", "prior", "likelihood", "verdict"]
    base = frame["parameter"].str.replace(r"\[.*\]$", "", regex=True)
    # one row per top-level parameter (element), none of the group-level effects
    assert set(base) == set(ps.scaled_priors)
    assert {"alpha", "sigma_country_year", "sigma_cell_slope", "log_phi"} <= set(base)
    assert not set(base) & {"slope_country", "b_country_year", "a_country", "u_cell"}
    assert set(frame["verdict"]) <= VERDICTS
    for r in frame.itertuples(index=False):
        assert r.verdict == verdict(r.prior, r.likelihood, ps.threshold)
    conflict = frame["verdict"] == "prior-data conflict"
    # the report prints prior-data conflict in bold, nothing else
    assert (table.bold["verdict"] == conflict).all()
    assert not table.bold.drop(columns="verdict").to_numpy().any()


def test_prior_sensitivity_table_is_written_and_shown(results, tmp_path):
    from servmodel.sensitivity.prior import prior_sensitivity

    result = results["hier_beta"]
    ps = prior_sensitivity(result, refit=False)
    ps = replace(ps, psens=ps.psens.assign(
        verdict=["prior-data conflict" if p == "log_phi" else "likelihood-sensitive"
                 for p in ps.psens["parameter"]]))
    out = StudyOutputs(StudySettings(out=tmp_path, quick=True))
    out.bayes_results = {"hier_beta": result}
    out.prior_sensitivity = ps
    write_study_tables(out, [tables.prior_sensitivity(ps)])
    assert (tmp_path / "tables" / "prior_sensitivity.tex").is_file()
    assert "log\\_phi" in (tmp_path / "tables" / "prior_sensitivity.tex").read_text()
    assert "log_phi" in (tmp_path / "tables" / "prior_sensitivity.md").read_text()
    lines: list[str] = []
    _prior_sensitivity_section(out, lines.append)
    text = "\n".join(lines)
    assert "Prior-data conflict in `log_phi`" in text
    assert "**prior-data conflict**" in text and "[tex](tables/prior_sensitivity.tex)" in text
    assert "With 120 draws the sensitivities are noisy" in text


def test_prior_sensitivity_note_names_the_conflicts():
    table = pd.DataFrame({
        "parameter": ["alpha", "beta_tech", "sigma_cell", "zero_intercept"],
        "prior": [0.01, 0.2, 0.1, 0.3], "likelihood": [0.2, 0.01, 0.1, 0.2],
        "verdict": ["likelihood-sensitive", "prior-sensitive", "prior-data conflict",
                    "prior-data conflict"]})
    text = prior_sensitivity_note(table, n_draws=4000)
    assert text.startswith("Prior-data conflict in `sigma_cell` and `zero_intercept`: ")
    assert "Prior-sensitive: `beta_tech` (the prior dominates" in text
    assert "1 of 4 are likelihood-sensitive" in text and "noisy" not in text
    calm = table.assign(verdict="likelihood-sensitive")
    text = prior_sensitivity_note(calm, n_draws=500)
    assert text.startswith("None of the 4 top-level parameters shows prior-data conflict.")
    assert "4 of 4 are likelihood-sensitive" in text
    assert "With 500 draws the sensitivities are noisy" in text


# ------------------------------------------------------------------ LOO comparison
def test_comparison_adds_seeded_pseudo_bma_weights(results, tmp_path):
    import arviz as az

    from servmodel._fileio import write_table
    from servmodel.bayes import compare_models

    draws = {k: results[k].idata for k in ("hier", "pooled_beta")}
    first = compare_models(draws, seed=7).table
    again = compare_models(draws, seed=7).table
    # the stacking weight keeps its name and place: readers of the CSV are unchanged
    assert list(first.columns) == ["model", "rank", "elpd", "se", "elpd_diff", "dse", "p",
                                   "weight", "weight_pbma"]
    pd.testing.assert_frame_equal(first, again)
    assert first["weight_pbma"].sum() == pytest.approx(1.0)
    assert ((first["weight_pbma"] >= 0) & (first["weight_pbma"] <= 1)).all()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stacking = az.compare(draws, method="stacking")["weight"]
        bb = az.compare(draws, method="BB-pseudo-BMA", seed=7)["weight"]
    np.testing.assert_allclose(first["weight"], stacking.reindex(first["model"]), atol=1e-6)
    np.testing.assert_allclose(first["weight_pbma"], bb.reindex(first["model"]), rtol=1e-9)
    path = write_table(first, tmp_path / "loo_comparison.csv")
    assert list(pd.read_csv(path).columns[:8]) == ["model", "rank", "elpd", "se",
                                                   "elpd_diff", "dse", "p", "weight"]

    table = tables.loo_comparison(first)
    assert {"stacking weight", "pseudo-BMA+ weight", "elpd_diff", "dse"} <= set(table.frame)
    assert "pseudo-BMA+" in table.caption


def test_loo_note_reads_differences_against_their_se():
    table = pd.DataFrame({"model": ["a", "b", "c"], "rank": [0, 1, 2],
                          "elpd": [100.0, 95.4, 0.0], "se": [10.0, 10.0, 10.0],
                          "elpd_diff": [0.0, 4.6, 100.0], "dse": [0.0, 4.0, 12.0],
                          "p": [5.0, 4.0, 1.0], "weight": [0.9, 0.0, 0.1],
                          "weight_pbma": [0.7, 0.3, 0.0]})
    text = loo_note(table, seed=20131)
    assert "Stacking weights of models with near-equal elpd are unstable" in text
    assert "decisions rest on the elpd differences relative to their standard errors" in text
    assert "seed 20131" in text
    assert "`b` (4.6, SE 4.0) is within 2 standard errors of `a`" in text
    assert "`c` is more than 2 standard errors below `a`" in text


# ------------------------------------------------------------------ what the contrasts read
def test_contrasts_are_said_to_read_the_expected_output_weighted_intensity(results):
    from servmodel.bayes.contrasts import contrast

    text = expected_intensity_note(results["hier_beta"])
    for part in ("expected output-weighted manufacturing intensity of the economy in that "
                 "year", "observed gross outputs", "including the economy x year effect",
                 "claim-level checks"):
        assert part in text, part
    assert "has no economy x year effect" in expected_intensity_note(results["pooled_beta"])
    doc = " ".join(contrast.__doc__.split())
    assert "expected output-weighted manufacturing intensity" in doc
    assert "observed gross outputs" in doc and "economy x year effect" in doc
    readme = " ".join((ROOT / "README.md").read_text().split("## Bayesian models")[1]
                      .split("\n## ")[0].split())
    assert "expected output-weighted manufacturing intensity of the economy in that year" \
        in readme and "economy x year effects" in readme


class _Checks:
    def __init__(self, rows: list[dict]) -> None:
        self.rows = pd.DataFrame(rows)

    def table(self) -> pd.DataFrame:
        return self.rows


def test_a_probability_the_model_does_not_reproduce_is_not_evidence():
    checks = _Checks([
        {"statistic": "intensity", "country": "KOR", "year": 2011, "observed": 0.09,
         "low": 0.08, "high": 0.10},
        {"statistic": "intensity", "country": "MEX", "year": 2011, "observed": 0.2,
         "low": 0.10, "high": 0.15}])
    inside = _check_note(checks, (("intensity", "KOR", 2011),))
    assert inside.startswith(" — check: intensity KOR 2011 observed 0.09 in [0.08, 0.1]")
    outside = _check_note(checks, (("intensity", "KOR", 2011), ("intensity", "MEX", 2011)))
    assert "**the model does not reproduce the data**" in outside
    assert "not counted as evidence" in outside
    assert re.search(r"MEX 2011 observed 0\.2 outside \[0\.1, 0\.15\]", outside)


def test_new_tables_compile_in_latex(results, tmp_path, pdflatex):  # noqa: F811
    from servmodel.bayes import compare_models
    from servmodel.report.to_latex import PREAMBLE
    from servmodel.sensitivity.prior import prior_sensitivity

    ps = prior_sensitivity(results["hier_beta"], refit=False)
    comparison = compare_models({k: results[k].idata for k in ("hier", "pooled_beta")})
    out = StudyOutputs(StudySettings(out=tmp_path / "study"))
    write_study_tables(out, [tables.prior_sensitivity(ps),
                             tables.loo_comparison(comparison.table)])
    bodies = [(tmp_path / "study" / out.tables[f"{n}.tex"]).read_text()
              for n in ("prior_sensitivity", "loo_comparison")]
    doc = ("\\documentclass{article}\n\\usepackage[margin=1cm,landscape]{geometry}\n"
           + PREAMBLE + "\\begin{document}\n" + "\n\\clearpage\n".join(bodies)
           + "\\end{document}\n")
    pdf, log = _compile(doc, tmp_path, pdflatex)
    assert pdf.startswith(b"%PDF") and "Output written on table.pdf (2 pages" in log
