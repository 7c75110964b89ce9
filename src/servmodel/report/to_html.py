"""HTML: a self-contained page rendered by great-tables.

great-tables already does what a hand-written renderer would have to: it escapes every
text, writes spanners and row groups (the stacked panels) with accessible ``headers``
attributes, and embeds its CSS in the page, so the file opens in any browser with no
framework and no network. Here it only gets the cells and a booktabs-like style: black
rules at the top and bottom and under the headings, a thin rule above the summary rows,
no lines between body rows.
"""

from __future__ import annotations

import html as _html
import re
from typing import TYPE_CHECKING, Any

import pandas as pd

from servmodel.report.table import Cell, Table

if TYPE_CHECKING:
    from great_tables._locations import Loc

_STUB = "__label"
_GROUP = "__panel"
_ID = re.compile(r"[^A-Za-z0-9_-]+")
RULE = "#000000"


def _cell(cell: Cell) -> str:
    return cell.display


def _frame(table: Table) -> tuple[pd.DataFrame, list[int], dict[str, list[int]]]:
    """One frame row per table row; also the positions of each panel's first summary row
    and, per column, the rows of its bold cells."""
    records: list[dict[str, str]] = []
    rules: list[int] = []
    strong: dict[str, list[int]] = {}
    for panel in table.panels:
        first_summary = True
        for row in panel.rows:
            if row.kind in ("indicator", "fit") and first_summary:
                rules.append(len(records))
                first_summary = False
            rec = {_STUB: row.label, _GROUP: panel.title}
            rec.update({f"c{j}": _cell(c) for j, c in enumerate(row.cells)})
            for j, c in enumerate(row.cells):
                if c.strong:
                    strong.setdefault(f"c{j}", []).append(len(records))
            records.append(rec)
    columns = [_STUB, _GROUP, *(f"c{j}" for j in range(table.n_columns))]
    return pd.DataFrame.from_records(records, columns=columns), rules, strong


def _page_id(table: Table) -> str:
    # the id scopes great-tables' CSS; a fixed one keeps the output identical run to run
    return _ID.sub("-", table.label).strip("-") or "servmodel-table"


def render_html(table: Table) -> str:
    """The table as a complete, self-contained HTML page."""
    from great_tables import GT, html, loc, style

    frame, rules, strong = _frame(table)
    grouped = any(p.title for p in table.panels)
    data_cols = [f"c{j}" for j in range(table.n_columns)]
    gt = GT(
        frame,
        rowname_col=_STUB if table.stub else None,
        groupname_col=_GROUP if grouped else None,
        id=_page_id(table),
    )
    if not table.stub:
        # a data table: no row labels, its first column is data like the others
        gt = gt.cols_hide(_STUB)
    if not grouped:
        gt = gt.cols_hide(_GROUP)
    labels: dict[str, Any] = {}  # great-tables' Html labels
    for j, col in enumerate(table.columns):
        title = _html.escape(col.title)
        labels[f"c{j}"] = html(f"{table.column_heading(j)}<br>{title}" if table.numbered else title)
    gt = gt.cols_label(**labels)
    if table.stub:
        gt = gt.cols_align("center", columns=data_cols)
    else:
        for align in ("left", "center", "right"):
            cols = [f"c{j}" for j, c in enumerate(table.columns) if c.align == align]
            if cols:
                gt = gt.cols_align(align, columns=cols)
    for name, rows in strong.items():
        gt = gt.tab_style(style.text(weight="bold"), loc.body(columns=[name], rows=rows))
    for k, sp in enumerate(table.spanners):
        gt = gt.tab_spanner(sp.label, columns=data_cols[sp.first : sp.last + 1], id=f"sp{k}")
    if table.title:
        gt = gt.tab_header(title=table.title)
    for note in table.notes:
        gt = gt.tab_source_note(note)
    # numbers never break across lines; a long label that wraps keeps its row's numbers on
    # its first line
    gt = gt.tab_style(style.css("white-space: nowrap; vertical-align: top;"), loc.body())
    if table.stub:
        gt = gt.tab_style(style.css("vertical-align: top;"), loc.stub())
    for i in rules:
        where: list[Loc] = [loc.body(rows=[i])]
        if table.stub:
            where.append(loc.stub(rows=[i]))
        gt = gt.tab_style(style.borders(sides="top", color=RULE, weight="1px"), where)
    gt = gt.tab_options(
        table_border_top_color=RULE,
        table_border_top_width="2px",
        table_border_bottom_color=RULE,
        table_border_bottom_width="2px",
        heading_border_bottom_color=RULE,
        heading_border_bottom_width="1px",
        heading_title_font_size="110%",
        heading_align="left",
        column_labels_border_top_color=RULE,
        column_labels_border_top_width="1px",
        column_labels_border_bottom_color=RULE,
        column_labels_border_bottom_width="1px",
        table_body_hlines_style="none",
        table_body_border_top_color=RULE,
        table_body_border_bottom_color=RULE,
        table_body_border_bottom_width="1px",
        row_group_border_top_style="none",
        row_group_border_bottom_style="none",
        row_group_font_weight="bold",
        stub_border_style="none",
        data_row_padding="2px",
        table_font_size="15px",
        table_font_color="#000000",
    )
    return gt.as_raw_html(make_page=True)
