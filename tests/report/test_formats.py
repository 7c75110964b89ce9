"""Every format on the committed fixture results: snapshots, numbers that agree with tidy(),
a Word file that opens, a self-contained HTML page."""

from __future__ import annotations

import math
import os
import re

import pytest

from servmodel.report import TableBuilder, load_model, render, write
from tests.report.helpers import (
    COMBINED,
    SNAPSHOTS,
    grid_csv,
    grid_docx,
    grid_html,
    grid_latex,
    grid_markdown,
)

UPDATE = bool(os.environ.get("SERVMODEL_UPDATE_SNAPSHOTS"))


@pytest.fixture(scope="module")
def results():
    return [load_model(p) for p in COMBINED]


@pytest.fixture(scope="module")
def table(results):
    return (TableBuilder(results)
            .titles("Two-way FE", "Mundlak", "Bayes (short run)")
            .spanner("Fixed effects", 1, 2).spanner("Bayesian", 3, 3)
            .title("Producer-service intensity: technology & time")
            .label("tab:combined")
            .notes("Data: WIOD 2013, standard definition; 100% of rows with output > 0.")
            .build())


def _snapshot(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if UPDATE or not path.exists():
        if not UPDATE:
            pytest.fail(f"snapshot {path} is missing; run with SERVMODEL_UPDATE_SNAPSHOTS=1")
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), (
        f"{name} differs from its snapshot; if the change is intended, regenerate with "
        "SERVMODEL_UPDATE_SNAPSHOTS=1 and review the diff")


@pytest.mark.parametrize(("fmt", "suffix"), [("latex", "tex"), ("markdown", "md"),
                                             ("csv", "csv")])
def test_text_snapshots(table, fmt, suffix):
    _snapshot(f"combined.{suffix}", render(table, fmt))


def test_html_snapshot_of_the_cells(table):
    # the cells, not great-tables' CSS, are the snapshot: a new great-tables release may
    # restyle the page without changing a number
    grid = grid_html(render(table, "html"), head=True)
    _snapshot("combined.html.txt", "\n".join(" | ".join(r) for r in grid) + "\n")


def test_docx_snapshot_of_the_cells(table, tmp_path):
    path = write(table, tmp_path / "t.docx")
    grid = grid_docx(path)
    _snapshot("combined.docx.txt", "\n".join(" | ".join(r) for r in grid) + "\n")


def test_rendering_is_deterministic(table, tmp_path):
    assert render(table, "html") == render(table, "html")
    a = write(table, tmp_path / "a.docx").read_bytes()
    b = write(table, tmp_path / "b.docx").read_bytes()
    assert a == b


# --- numbers agree with tidy() to the stated digits ------------------------------------
def _fmt(x: float) -> str:
    text = f"{x:.3f}"
    return text.lstrip("-") if float(text) == 0 else text  # no sign on a printed zero


def _expected(results):
    """(column, term) -> (estimate cell, uncertainty cell), straight from tidy()."""
    out = {}
    for j, r in enumerate(results):
        bayes = type(r).__name__ == "BayesResult"
        tidy = r.tidy()
        for row in tidy.itertuples(index=False):
            if bayes and ("__" in row.term or "[" in row.term):
                continue  # hidden by default (tested in test_build)
            stars = "" if bayes else "*" * sum(row.p_value < t for t in (0.10, 0.05, 0.01))
            unc = (f"[{_fmt(row.conf_low)}, {_fmt(row.conf_high)}]" if bayes
                   else f"({_fmt(row.std_error)})")
            out[(j, row.term)] = (_fmt(row.estimate) + stars, unc)
    return out


def _check_grid(grid, results):
    expected = _expected(results)
    labels = [r[0] for r in grid]
    width = len(results)
    for (j, term), (est, unc) in expected.items():
        i = labels.index(term)
        assert grid[i][1 + j] == est, (term, j, grid[i])
        assert grid[i + 1][1 + j] == unc, (term, j, grid[i + 1])
        assert grid[i + 1][0] == ""
    # and no number in the coefficient rows that tidy() does not hold
    shown = {(j, grid[i][0]) for i in range(len(grid)) for j in range(width)
             if grid[i][0] in {t for _, t in expected} and grid[i][1 + j]}
    assert shown == set(expected)


@pytest.mark.parametrize("fmt", ["latex", "markdown", "html", "docx"])
def test_numbers_agree_with_tidy(results, table, fmt, tmp_path):
    if fmt == "docx":
        grid = grid_docx(write(table, tmp_path / "t.docx"))
    else:
        text = render(table, fmt)
        grid = {"latex": grid_latex, "markdown": grid_markdown, "html": grid_html}[fmt](text)
    if fmt == "latex":  # LaTeX escapes the underscores of the term names
        grid = [[c.replace("\\_", "_") for c in row] for row in grid]
    _check_grid(grid, results)


def test_csv_holds_the_unrounded_numbers(results, table):
    rows = grid_csv(render(table, "csv"))
    for j, r in enumerate(results):
        tidy = r.tidy().set_index("term")
        for rec in (x for x in rows if x["column"] == str(j + 1)):
            if rec["quantity"] in ("estimate", "posterior_mean"):
                assert float(rec["value"]) == tidy.loc[rec["term"], "estimate"]
                assert rec["text"].rstrip("*") == _fmt(float(rec["value"]))
            elif rec["quantity"] == "std_error":
                assert float(rec["value"]) == tidy.loc[rec["term"], "std_error"]
            elif rec["quantity"] == "credible_int":
                assert float(rec["low"]) == tidy.loc[rec["term"], "conf_low"]
                assert float(rec["high"]) == tidy.loc[rec["term"], "conf_high"]
    nobs = [x for x in rows if x["quantity"] == "nobs"]
    assert [x["text"] for x in nobs] == ["9,435", "9,435", "896"]
    assert {x["panel"] for x in rows} == {""}
    assert len(rows) == len({(x["row"], x["kind"], x["column"]) for x in rows})


def test_docx_opens_and_holds_title_notes_and_rules(table, tmp_path):
    import docx
    from docx.oxml.ns import qn

    doc = docx.Document(str(write(table, tmp_path / "t.docx")))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "Producer-service intensity: technology & time"
    assert any("no significance stars" in t for t in texts)
    assert texts[-1].startswith("Data: WIOD 2013")
    grid = grid_docx(tmp_path / "t.docx")
    assert grid[0][1:] == ["Fixed effects", "Fixed effects", "Bayesian"]  # merged spanner
    assert grid[1][1:] == ["(1)", "(2)", "(3)"]
    xml = doc.tables[0]._tbl.xml
    assert xml.count(qn("w:tcBorders").split("}")[1]) > 0 and 'w:sz="12"' in xml
    # stars are superscript runs after the number
    cell = doc.tables[0].rows[3].cells[1]
    runs = cell.paragraphs[0].runs
    assert [r.text for r in runs] == ["-1.981", "***"] and runs[1].font.superscript


def test_html_is_a_self_contained_page(table):
    page = render(table, "html")
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8"/>' in page
    assert not re.search(r"(src|href)=|@import|https?://", page)
    assert 'id="tab-combined"' in page
    assert "technology &amp; time" in page  # escaped by great-tables
    assert "Fixed effects" in page and "Bayesian" in page


def test_latex_escapes_and_typesets_minus_signs(table):
    tex = render(table, "latex")
    assert "\\caption{Producer-service intensity: technology \\& time}" in tex
    assert "\\label{tab:combined}" in tex
    assert "100\\% of rows" in tex and "tech\\_score:trend" in tex
    assert "$-$1.981\\rlap{$^{***}$}" in tex
    assert "\\begin{tablenotes}" in tex and "\\cmidrule(lr){2-3}" in tex
    body = tex.split("\\midrule", 1)[1].split("\\bottomrule")[0]
    assert not re.search(r"(?<![\\$])-\d", body)  # every minus sign typeset as one


def test_markdown_stars_are_text_not_emphasis(table):
    from markdown_it import MarkdownIt

    md = render(table, "markdown")
    page = MarkdownIt("commonmark").enable("table").render(md)
    assert "<em>" not in page
    assert page.count("<strong>") == 1  # the title only
    assert "-1.981***" in page


def test_fit_rows_of_both_families(table):
    grid = {r[0]: r[1:] for r in grid_markdown(render(table, "markdown"))}
    assert grid["Observations"] == ["9,435", "9,435", "896"]
    assert grid["Clusters"] == ["40", "40", ""]
    assert grid["R² within"][2] == "" and grid["R² within"][0] == "-0.037"
    assert grid["elpd_loo (SE)"] == ["", "", "1822.4 (37.0)"]
    assert grid["Max. R-hat"] == ["", "", "1.036"]
    assert grid["Min. ESS (bulk)"] == ["", "", "43"]
    assert grid["Country × industry FE"] == ["Yes", "No", "No"]
    assert grid["Year FE"] == ["Yes", "No", "No"]
    assert not math.isnan(float(grid["p_loo"][2]))
