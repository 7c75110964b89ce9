"""Markdown: a GitHub pipe table with the title above and the notes below.

Pipe tables have one header row and no merged cells, so the column numbers and titles share
the header, spanners become a sentence above the table and panel titles a bold row. A data
table (no row labels) is padded to its column widths, text left and numbers right, so that
it also reads as a table in a terminal or a diff.
"""

from __future__ import annotations

import re

from servmodel.report.table import Cell, Row, Table

# Characters that would end a cell (|), start markup (* `, GitHub's $ math) or escape the
# next one (\); "<" only where it could open an HTML tag ("p < 0.05" stays as written).
_SPECIAL = re.compile(r"([\\|*`$]|<(?=[A-Za-z/!?]))")
# An underscore starts emphasis only at a word boundary (tech_score is safe).
_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
# A code span (`direct`): Markdown prints its text as written, so only the "|" that would
# end a table cell needs escaping inside it.
_CODE = re.compile(r"(`[^`\n]+`)")


def _escape_text(text: str) -> str:
    text = _SPECIAL.sub(r"\\\1", text)
    return _UNDERSCORE.sub(r"\\_", text)


def escape(text: str) -> str:
    """``text`` safe inside a GitHub Markdown table cell or paragraph.

    Markup characters are escaped so that they print as written; a pair of backticks is
    left as a code span (its text prints as written anyway).
    """
    parts = _CODE.split(text)
    # split() puts the code spans at the odd positions
    out = [p.replace("|", "\\|") if k % 2 else _escape_text(p) for k, p in enumerate(parts)]
    return "".join(out).replace("\n", " ")


def _cell(cell: Cell) -> str:
    if cell.empty:
        return ""
    core = escape(cell.text)
    if cell.strong:
        core = f"**{core}**"
    if cell.bracket:
        core = f"{cell.bracket[0]}{core}{cell.bracket[1]}"
    # stars after a number close no emphasis that an earlier delimiter opened (each cell
    # is parsed alone), so they print as they are and stay readable in a terminal
    return core + cell.stars


def _line(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _row(row: Row) -> str:
    return _line([escape(row.label), *(_cell(c) for c in row.cells)])


def _spanner_sentence(table: Table) -> str:
    parts = []
    for sp in table.spanners:
        cols = (
            f"column ({sp.first + 1})"
            if sp.first == sp.last
            else f"columns ({sp.first + 1})-({sp.last + 1})"
        )
        parts.append(f"{cols}: {sp.label}")
    text = "; ".join(parts)
    return escape(text[:1].upper() + text[1:] + ".")


def _data_lines(table: Table) -> list[str]:
    """A data table's header, rule and rows, each column padded to its widest cell."""
    heads = [escape(c.title) for c in table.columns]
    rows = [[_cell(c) for c in r.cells] for p in table.panels for r in p.rows]
    widths = [max([len(h), *(len(r[j]) for r in rows)]) for j, h in enumerate(heads)]
    right = [c.align == "right" for c in table.columns]

    def line(cells: list[str]) -> str:
        return _line(
            [v.rjust(w) if r else v.ljust(w) for v, w, r in zip(cells, widths, right, strict=True)]
        )

    # the rule's dashes fill the padded cell; its colon says where the text sits
    rule = (
        "|"
        + "|".join(
            "-" * (w + 1) + ":" if r else ":" + "-" * (w + 1)
            for w, r in zip(widths, right, strict=True)
        )
        + "|"
    )
    return [line(heads), rule, *(line(r) for r in rows)]


def render_markdown(table: Table) -> str:
    """The table as GitHub-flavoured Markdown."""
    out: list[str] = []
    if table.title:
        out += [f"**{escape(table.title)}**", ""]
    if table.spanners:
        out += [_spanner_sentence(table), ""]
    if not table.stub:
        out += _data_lines(table)
        for note in table.notes:
            out += ["", escape(note)]
        return "\n".join(out) + "\n"
    heads = [escape(c.title) for c in table.columns]
    if table.numbered:
        heads = [f"{table.column_heading(j)} {h}" for j, h in enumerate(heads)]
    out.append(_line(["", *heads]))
    out.append("|:" + "---|" + ":---:|" * table.n_columns)
    blank = [""] * table.n_columns
    for panel in table.panels:
        if panel.title:
            out.append(_line([f"**{escape(panel.title)}**", *blank]))
        out += [_row(r) for r in panel.rows]
    for note in table.notes:
        out += ["", escape(note)]
    return "\n".join(out) + "\n"
