"""Markdown: a GitHub pipe table with the title above and the notes below.

Pipe tables have one header row and no merged cells, so the column numbers and titles share
the header, spanners become a sentence above the table and panel titles a bold row.
"""

from __future__ import annotations

import re

from servmodel.report.table import Cell, Row, Table

# Characters that would end a cell (|), start markup (* `, GitHub's $ math) or escape the
# next one (\); "<" only where it could open an HTML tag ("p < 0.05" stays as written).
_SPECIAL = re.compile(r"([\\|*`$]|<(?=[A-Za-z/!?]))")
# An underscore starts emphasis only at a word boundary (tech_score is safe).
_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")


def escape(text: str) -> str:
    """``text`` safe inside a GitHub Markdown table cell or paragraph."""
    text = _SPECIAL.sub(r"\\\1", text)
    return _UNDERSCORE.sub(r"\\_", text).replace("\n", " ")


def _cell(cell: Cell) -> str:
    if cell.empty:
        return ""
    core = escape(cell.text)
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


def render_markdown(table: Table) -> str:
    """The table as GitHub-flavoured Markdown."""
    out: list[str] = []
    if table.title:
        out += [f"**{escape(table.title)}**", ""]
    if table.spanners:
        out += [_spanner_sentence(table), ""]
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
