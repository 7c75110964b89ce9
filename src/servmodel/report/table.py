"""The immutable table that every renderer reads.

A :class:`Table` holds columns (one per model position), optional spanners above them, one
or more panels (stacked Panel A / Panel B), and notes. Each cell keeps its number(s) beside
the rounded text, so a renderer only adds markup and the CSV output can give both.

The same class holds a plain data table (a data frame's rows, see
:func:`servmodel.report.frame.frame_table`): no row labels (``stub=False``), no column
numbers, each column aligned on its own (text left, numbers right).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

RowKind = Literal["estimate", "uncertainty", "indicator", "fit", "data"]
Bracket = Literal["", "()", "[]"]
Align = Literal["left", "center", "right"]
# What a cell of words (not a number) shows: renderers set these as text, never as numbers
# (no minus signs, words may wrap).
TEXT_QUANTITIES: frozenset[str] = frozenset({"estimator", "dependent", "cov_type", "text"})

# The long (tidy) layout of a table: one row per non-empty cell.
CELL_COLUMNS: tuple[str, ...] = (
    "panel",
    "row",
    "term",
    "kind",
    "column",
    "model",
    "quantity",
    "value",
    "low",
    "high",
    "error",
    "stars",
    "text",
)


@dataclass(frozen=True)
class Cell:
    """One cell.

    Attributes
    ----------
    text
        The rounded number(s) as plain text: ``-0.123``, ``0.015``, ``-0.2, 0.1`` for an
        interval, ``9,435``, ``Yes``. Brackets and stars are kept apart.
    bracket
        ``()`` or ``[]`` around ``text``, or nothing.
    stars
        Significance stars (panel estimates only).
    quantity
        What the cell shows: ``estimate``, ``std_error``, ``statistic``, ``p_value``,
        ``conf_int``, ``posterior_mean``, ``posterior_sd``, ``credible_int`` or a fit key;
        in a data table ``value`` (a number) or ``text``.
    value, low, high
        The unrounded number, or the interval's ends (NaN where not applicable).
    error
        A standard error printed beside the value in the same cell (``elpd_loo (SE)``).
    strong
        Print the cell in bold, where the format has bold (a verdict to stand out).
    """

    text: str = ""
    bracket: Bracket = ""
    stars: str = ""
    quantity: str = ""
    value: float = math.nan
    low: float = math.nan
    high: float = math.nan
    error: float = math.nan
    strong: bool = False

    @property
    def empty(self) -> bool:
        """True for a blank cell."""
        return not self.text

    @property
    def display(self) -> str:
        """Plain text with brackets and stars, e.g. ``(0.015)`` or ``-1.981***``."""
        if not self.text:
            return ""
        core = f"{self.bracket[:1]}{self.text}{self.bracket[1:]}"
        return core + self.stars


@dataclass(frozen=True)
class Row:
    """One row: a label and one cell per column.

    Attributes
    ----------
    label
        Row label (empty for the uncertainty row below an estimate).
    cells
        One per column.
    kind
        ``estimate``, ``uncertainty``, ``indicator`` (FE Yes/No), ``fit``, or ``data`` (a
        row of a data table).
    term
        The row label the cells belong to (the estimate's label for its uncertainty row;
        the fit key for fit rows; the row number in a data table), for the long layout.
    terms
        Per column, the result's own term name behind the cell (empty where none).
    """

    label: str
    cells: tuple[Cell, ...]
    kind: RowKind
    term: str = ""
    terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Panel:
    """A block of rows: coefficient rows, then the summary rows (indicators, fit).

    ``title`` is empty for a table with a single, untitled panel.
    """

    title: str
    rows: tuple[Row, ...]

    @property
    def coefficient_rows(self) -> tuple[Row, ...]:
        """The body above the summary: estimate and uncertainty rows, or data rows."""
        return tuple(r for r in self.rows if r.kind in ("estimate", "uncertainty", "data"))

    @property
    def summary_rows(self) -> tuple[Row, ...]:
        """Indicator and fit rows."""
        return tuple(r for r in self.rows if r.kind in ("indicator", "fit"))


@dataclass(frozen=True)
class Column:
    """A model position: its title, number and, per panel, the model in it.

    In a data table a column is one of the frame's columns: ``models`` is empty and
    ``align`` says how its cells line up.
    """

    title: str
    number: int
    family: str
    models: tuple[str, ...]
    align: Align = "center"


@dataclass(frozen=True)
class Spanner:
    """A group label over columns ``first`` to ``last`` (0-based, inclusive)."""

    label: str
    first: int
    last: int


@dataclass(frozen=True)
class Table:
    """A finished table; render it with :func:`servmodel.report.render`.

    Attributes
    ----------
    columns, spanners, panels
        The layout.
    title, label
        Caption and cross-reference label (LaTeX ``\\label``, HTML id).
    notes
        Sentences printed below the table (automatic notes first, then the user's).
    numbered
        Whether column numbers (1), (2), ... head the columns.
    stub
        Whether each row starts with its label (the coefficient tables); a data table has
        no label column, its first column is data like the others.
    """

    columns: tuple[Column, ...]
    panels: tuple[Panel, ...]
    spanners: tuple[Spanner, ...] = ()
    title: str = ""
    label: str = ""
    notes: tuple[str, ...] = field(default=())
    numbered: bool = True
    stub: bool = True

    @property
    def n_columns(self) -> int:
        """Number of model columns (the label column not counted)."""
        return len(self.columns)

    def column_heading(self, j: int) -> str:
        """``(1)`` style number of column ``j`` (0-based)."""
        return f"({self.columns[j].number})"

    def to_frame(self) -> pd.DataFrame:
        """The long layout (:data:`CELL_COLUMNS`): one row per non-empty cell, with the
        unrounded value and the printed text."""
        records = []
        for k, panel in enumerate(self.panels):
            for row in panel.rows:
                for j, cell in enumerate(row.cells):
                    if cell.empty:
                        continue
                    col = self.columns[j]
                    records.append(
                        {
                            "panel": panel.title,
                            "row": row.term or row.label,
                            "term": row.terms[j] if row.terms else "",
                            "kind": row.kind,
                            "column": col.number,
                            "model": col.models[k] if k < len(col.models) else "",
                            "quantity": cell.quantity,
                            "value": cell.value,
                            "low": cell.low,
                            "high": cell.high,
                            "error": cell.error,
                            "stars": cell.stars,
                            "text": cell.display,
                        }
                    )
        return pd.DataFrame.from_records(records, columns=list(CELL_COLUMNS))
