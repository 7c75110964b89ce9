"""`servmodel replicate --quick` end to end into a temporary directory."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from servmodel.cli import main
from servmodel.intensity.summary import manufacturing_intensity
from servmodel.study.claims import CLAIMS
from servmodel.study.evidence import MEASURES_FOR_CLAIMS
from tests.report.test_latex_compile import _compile, pdflatex  # noqa: F401 (fixture)


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
    assert set(v.claim) == set(CLAIMS) == {"C1", "C2", "C3", "C4", "C5", "C5w"}
    # claims x definitions x measures
    assert len(v) == len(CLAIMS) * 4 * len(MEASURES_FOR_CLAIMS)
    assert set(v.measure) == set(MEASURES_FOR_CLAIMS)
    assert set(v.verdict) <= {"supported", "contradicted", "inconclusive"}
    assert v.evidence.str.len().min() > 10


def test_every_table_in_latex_and_markdown(study):
    tables = study[0] / "tables"
    stems = {p.stem for p in tables.iterdir()}
    assert {"claim_matrix", "comparators", "panel_slopes", "loo_comparison",
            "sensitivity_summary", "main_models", "services_va_exports",
            "decomposition_mix"} <= stems
    for stem in stems:
        assert (tables / f"{stem}.tex").is_file() and (tables / f"{stem}.md").is_file(), stem


def test_latex_tables_compile_together(study, tmp_path, pdflatex):  # noqa: F811
    from servmodel.report.to_latex import PREAMBLE

    bodies = sorted((study[0] / "tables").glob("*.tex"))
    doc = ("\\documentclass{article}\n\\usepackage[margin=1cm,landscape]{geometry}\n"
           + PREAMBLE + "\\begin{document}\n"
           + "\n\\clearpage\n".join(p.read_text() for p in bodies) + "\\end{document}\n")
    pdf, log = _compile(doc, tmp_path, pdflatex)
    assert pdf.startswith(b"%PDF")
    assert f"Output written on table.pdf ({len(bodies)} pages" in log


def test_sensitivity_summary_counts_the_specifications(study):
    out = study[0]
    specs = pd.read_csv(out / "sensitivity" / "specifications.csv")
    summary = pd.read_csv(out / "sensitivity" / "summary.csv").set_index("target")
    counts = specs.groupby("target").size()
    pd.testing.assert_series_equal(counts.sort_index(),
                                   summary["specifications"].sort_index(), check_names=False)
    # quick: two measures and the whole sample only
    assert set(specs["measure"]) == {"direct", "total"} and set(specs["sample"]) == {"all"}
    assert (out / "figures" / "spec_curve_tech.png").is_file()


def test_claim_level_checks_are_written_and_shown_beside_each_probability(study):
    out, _ = study
    table = pd.read_csv(out / "data" / "claim_ppc.csv", keep_default_na=False)
    assert list(table.columns) == ["model", "statistic", "country", "year", "observed",
                                   "mean", "low", "high", "p_value"]
    assert set(table["model"]) == {"hier_beta", "pooled_beta"}  # every model of --quick
    assert {"intensity", "trend", "tech_gradient", "rank"} <= set(table["statistic"])
    gradient = table[table["statistic"] == "tech_gradient"]
    assert (gradient["country"] == "").all() and (gradient["year"] == "").all()
    report = (out / "report.md").read_text()
    probabilities = [ln for ln in report.splitlines() if ln.startswith("- P(")]
    assert probabilities
    for line in probabilities:
        assert " — check: " in line or "the model does not reproduce the data" in line, line
    assert "figures/claim_ppc_flagship.png" in report
