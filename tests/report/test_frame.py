"""Data tables (descriptive facts, diagnostics) in Markdown and LaTeX."""

from __future__ import annotations

import math

import pandas as pd

from servmodel.report.frame import frame_latex, frame_markdown, write_frame_table
from servmodel.report.to_latex import PREAMBLE
from tests.report.test_latex_compile import _compile, pdflatex  # noqa: F401 (fixture)

FRAME = pd.DataFrame({"country": ["KOR", "MEX_1 & co"], "year": [1995, 2011],
                      "value": [0.0812345, -0.5], "note": ["a%", None],
                      "ratio": [math.nan, 2.0]})


def _cells(markdown: str) -> list[list[str]]:
    return [[c.strip() for c in line.strip("|").split("|")] for line in markdown.splitlines()]


def test_markdown_cells_and_alignment():
    rows = _cells(frame_markdown(FRAME, digits=3))
    assert rows[0] == ["country", "year", "value", "note", "ratio"]
    # text left-aligned, numbers right-aligned
    assert rows[1][0].startswith(":") and rows[1][2].endswith(":")
    assert rows[2] == ["KOR", "1995", "0.081", "a%", ""]
    assert rows[3] == ["MEX_1 & co", "2011", "-0.500", "", "2.000"]
    assert len(rows) == 4


def test_latex_escapes_and_typesets_minus():
    tex = frame_latex(FRAME, caption="Ranks & 50%", label="tab:x", digits=2)
    assert r"\caption{Ranks \& 50\%}" in tex and r"\label{tab:x}" in tex
    assert r"MEX\_1 \& co & 2011 & $-$0.50 &  & 2.00 \\" in tex
    assert r"\begin{tabular}{@{}lrrlr@{}}" in tex


def test_written_tables_compile(tmp_path, pdflatex):  # noqa: F811
    tex, md = write_frame_table(FRAME, tmp_path / "t", caption="A table", label="tab:t",
                                notes="Source: WIOD_2013.")
    assert md.read_text().startswith("**A table**")
    doc = ("\\documentclass{article}\n" + PREAMBLE + "\\begin{document}\n" + tex.read_text()
           + "\\end{document}\n")
    build = tmp_path / "build"
    build.mkdir()
    pdf, log = _compile(doc, build, pdflatex)
    assert pdf.startswith(b"%PDF") and "Output written on table.pdf (1 page" in log
