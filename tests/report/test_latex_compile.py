"""The LaTeX output compiles with pdflatex into a PDF, special characters and all.

pdflatex comes from the system packages that `.ci/run` installs. Locally the test is skipped
(with the reason) when pdflatex is missing; in CI (CI set) a missing pdflatex is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from servmodel.report import TableBuilder, load_model, render
from tests.report.helpers import COMBINED, bayes_result, panel_result

PDFLATEX = shutil.which("pdflatex")


@pytest.fixture(scope="module")
def pdflatex():
    if PDFLATEX is None:
        if os.environ.get("CI"):
            pytest.fail("pdflatex is missing in CI; .ci/run installs it (texlive-latex-base, "
                        "-recommended and -extra)")
        pytest.skip("pdflatex is not installed here; install texlive-latex-base "
                    "texlive-latex-recommended texlive-latex-extra to run this test")
    return PDFLATEX


def _compile(tex: str, where, pdflatex) -> tuple[bytes, str]:
    (where / "table.tex").write_text(tex, encoding="utf-8")
    run = subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error",
                          "-no-shell-escape", "table.tex"], cwd=where, capture_output=True,
                         text=True, timeout=120)
    log = (where / "table.log").read_text(encoding="utf-8", errors="replace")
    assert run.returncode == 0, run.stdout[-3000:]
    return (where / "table.pdf").read_bytes(), log


def test_combined_table_compiles(pdflatex, tmp_path):
    table = (TableBuilder([load_model(p) for p in COMBINED])
             .spanner("Fixed effects", 1, 2).spanner("Bayesian", 3, 3)
             .title("Producer-service intensity").label("tab:main").build())
    pdf, log = _compile(render(table, "latex", standalone=True), tmp_path, pdflatex)
    assert pdf.startswith(b"%PDF") and "Output written on table.pdf (1 page" in log
    assert "Overfull \\hbox" not in log  # the table fits the page


def test_special_characters_compile(pdflatex, tmp_path):
    nasty = "x_1 & y% $5 #2 {a} ~b^c \\d <e> |f| R² 2×3 – ok"
    fe = panel_result("fe_a.b", ["tech_score", "trend"], [0.2, -0.01], [0.05, 0.004])
    bayes = bayes_result("hier_#1", {"tech_score": (0.1, 0.05, 0.0, 0.2)})
    table = (TableBuilder().panel("Standard & broad", [fe, bayes])
             .panel("KIBS_100%", [fe, bayes])
             .labels({"tech_score": nasty}).titles("FE $", "Bayes_#")
             .spanner("A & B", 1, 2).title(f"Title {nasty}").label("tab:x_1")
             .notes(f"Note {nasty}").build())
    tex = render(table, "latex", standalone=True)
    pdf, log = _compile(tex, tmp_path, pdflatex)
    assert pdf.startswith(b"%PDF")
    assert "Missing character" not in log
    assert "Panel A: Standard \\& broad" in tex and "Panel B: KIBS\\_100\\%" in tex
