"""Data tables (descriptive facts, diagnostics) through the report's Table and renderers."""

from __future__ import annotations

import io
import math

import pandas as pd

from servmodel.report import render, write
from servmodel.report.frame import frame_table, write_frame_table
from servmodel.report.to_latex import PREAMBLE
from tests.report.test_latex_compile import _compile, pdflatex  # noqa: F401 (fixture)

FRAME = pd.DataFrame(
    {
        "country": ["KOR", "MEX_1 & co"],
        "year": [1995, 2011],
        "value": [0.0812345, -0.5],
        "note": ["a%", None],
        "ratio": [math.nan, 2.0],
    }
)


def _cells(markdown: str) -> list[list[str]]:
    return [[c.strip() for c in line.strip("|").split("|")] for line in markdown.splitlines()]


def test_markdown_cells_and_alignment():
    rows = _cells(render(frame_table(FRAME, digits=3), "markdown"))
    assert rows[0] == ["country", "year", "value", "note", "ratio"]
    # text left-aligned, numbers right-aligned
    assert rows[1][0].startswith(":") and rows[1][2].endswith(":")
    assert rows[2] == ["KOR", "1995", "0.081", "a%", ""]
    assert rows[3] == ["MEX_1 & co", "2011", "-0.500", "", "2.000"]
    assert len(rows) == 4


def test_markdown_pads_each_column_to_its_widest_cell():
    text = render(frame_table(FRAME, digits=2), "markdown")
    assert text.splitlines() == [
        "| country    | year | value | note | ratio |",
        "|:-----------|-----:|------:|:-----|------:|",
        "| KOR        | 1995 |  0.08 | a%   |       |",
        "| MEX_1 & co | 2011 | -0.50 |      |  2.00 |",
    ]


def test_markdown_escapes_cells_and_keeps_code_spans():
    frame = pd.DataFrame({"term x|y": ["a|b", "*bold*", "_x_", "`code`", "<b>"]})
    rows = _cells(render(frame_table(frame), "markdown").replace("\\|", "\x00"))
    assert rows[0] == ["term x\x00y"]
    assert [r[0] for r in rows[2:]] == ["a\x00b", "\\*bold\\*", "\\_x\\_", "`code`", "\\<b>"]
    titled = render(frame_table(frame, caption="Levels: `direct`, p_loo *"), "markdown")
    assert titled.startswith("**Levels: `direct`, p_loo \\***\n")


def test_bold_cells():
    frame = pd.DataFrame({"claim": ["C1", "C2"], "verdict": ["contradicted", "supported"]})
    bold = pd.DataFrame({"claim": [False, False], "verdict": [True, False]})
    table = frame_table(frame, bold=bold)
    md = render(table, "markdown")
    assert "| C1    | **contradicted** |" in md and "| C2    | supported        |" in md
    assert "\\textbf{contradicted}" in render(table, "latex")
    assert "font-weight: bold" in render(table, "html")
    # without the mask nothing is bold
    assert "**" not in render(frame_table(frame), "markdown")


def test_latex_escapes_and_typesets_minus():
    tex = render(frame_table(FRAME, caption="Ranks & 50%", label="tab:x", digits=2), "latex")
    assert r"\caption{Ranks \& 50\%}" in tex and r"\label{tab:x}" in tex
    assert r"MEX\_1 \& co & 2011 & $-$0.50 &  & 2.00 \\" in tex
    assert r"\begin{tabular}{@{}lrrlr@{}}" in tex
    assert "\\toprule\ncountry & year & value & note & ratio \\\\\n\\midrule\n" in tex


def test_text_columns_keep_hyphens():
    frame = pd.DataFrame({"range": ["-5 to 5"], "value": [-5.0]})
    tex = render(frame_table(frame, digits=1), "latex")
    assert r"-5 to 5 & $-$5.0 \\" in tex


def test_other_formats(tmp_path):
    table = frame_table(FRAME, caption="A table", label="tab:t", digits=3)
    long = pd.read_csv(io.StringIO(render(table, "csv")), dtype=str, keep_default_na=False)
    kor = long[(long["row"] == "1") & (long["column"] == "3")].iloc[0]
    assert (kor["quantity"], float(kor["value"]), kor["text"]) == ("value", 0.0812345, "0.081")
    assert set(long.loc[long["column"] == "1", "quantity"]) == {"text"}
    page = render(table, "html")
    assert "MEX_1 &amp; co" in page and "-0.500" in page
    docx = write(table, tmp_path / "t.docx")
    assert docx.read_bytes().startswith(b"PK")


def test_written_tables_compile(tmp_path, pdflatex):  # noqa: F811
    tex, md = write_frame_table(
        FRAME, tmp_path / "t", caption="A table", label="tab:t", notes="Source: WIOD_2013."
    )
    assert md.read_text().startswith("**A table**")
    assert md.read_text().endswith("\n\nSource: WIOD_2013.\n")
    assert tex.read_text() == render(
        frame_table(FRAME, "A table", "tab:t", notes="Source: WIOD_2013."), "latex"
    )
    doc = (
        "\\documentclass{article}\n"
        + PREAMBLE
        + "\\begin{document}\n"
        + tex.read_text()
        + "\\end{document}\n"
    )
    build = tmp_path / "build"
    build.mkdir()
    pdf, log = _compile(doc, build, pdflatex)
    assert pdf.startswith(b"%PDF") and "Output written on table.pdf (1 page" in log


def test_bold_table_compiles(tmp_path, pdflatex):  # noqa: F811
    frame = pd.DataFrame({"verdict": ["contradicted"], "x": [-1.0]})
    table = frame_table(frame, caption="Bold", bold=pd.DataFrame({"verdict": [True], "x": [False]}))
    pdf, log = _compile(render(table, "latex", standalone=True), tmp_path, pdflatex)
    assert pdf.startswith(b"%PDF") and "Output written on table.pdf (1 page" in log
