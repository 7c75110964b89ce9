"""Plain data tables (descriptive facts, diagnostics, comparisons) from data frames.

Coefficient tables go through :class:`~servmodel.report.TableBuilder`; the other tables of
a study are data frames. :func:`frame_table` turns one into a :class:`~servmodel.report.Table`
(no row labels, no column numbers, text left and numbers right), so it is written by the
same renderers, with the same conventions (booktabs, escaped text, minus signs for negative
numbers), in every format.
"""

from __future__ import annotations

import math
import numbers
import os
from pathlib import Path

import pandas as pd

from servmodel.format import frame_cell
from servmodel.report.render import write
from servmodel.report.table import Cell, Column, Panel, Row, Table


def _value(value: object) -> float:
    """The unrounded number behind a cell (NaN for text), for the long (CSV) layout."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    return math.nan


def frame_table(
    frame: pd.DataFrame,
    caption: str = "",
    label: str = "",
    digits: int = 4,
    notes: str = "",
    bold: pd.DataFrame | None = None,
) -> Table:
    """``frame`` as a data :class:`~servmodel.report.Table`.

    Parameters
    ----------
    frame
        The cells: one table row per frame row, one column per frame column (its name the
        heading). Numeric columns are right-aligned and typeset as numbers, others
        left-aligned and set as text.
    caption, label
        Title (LaTeX caption, Markdown heading) and cross-reference label.
    digits
        Decimals of the real numbers (see :func:`servmodel.format.frame_cell`).
    notes
        A note below the table.
    bold
        Booleans of ``frame``'s shape: the cells to print in bold.

    Returns
    -------
    Table
        With ``stub=False`` and ``numbered=False``.
    """
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]
    columns = tuple(
        Column(str(c), j + 1, "", (), "right" if num else "left")
        for j, (c, num) in enumerate(zip(frame.columns, numeric, strict=True))
    )
    strong = (
        bold.to_numpy(dtype=bool)
        if bold is not None
        else [[False] * len(frame.columns)] * len(frame)
    )
    rows = []
    for i, (values, marks) in enumerate(zip(frame.itertuples(index=False), strong, strict=True)):
        cells = tuple(
            Cell(
                frame_cell(v, digits),
                quantity="value" if num else "text",
                value=_value(v) if num else math.nan,
                strong=bool(s),
            )
            for v, num, s in zip(values, numeric, marks, strict=True)
        )
        rows.append(Row("", cells, "data", term=str(i + 1)))
    return Table(
        columns=columns,
        panels=(Panel("", tuple(rows)),),
        title=caption,
        label=label,
        notes=(notes,) if notes else (),
        numbered=False,
        stub=False,
    )


def write_frame_table(
    frame: pd.DataFrame,
    stem: str | os.PathLike[str],
    caption: str = "",
    label: str = "",
    digits: int = 4,
    notes: str = "",
) -> tuple[Path, Path]:
    """Write ``frame`` to ``STEM.tex`` and ``STEM.md`` (atomically); return both paths.

    See :func:`frame_table` for the parameters.
    """
    stem = Path(stem)
    table = frame_table(frame, caption, label, digits, notes)
    tex = write(table, stem.with_suffix(".tex"), "latex")
    md = write(table, stem.with_suffix(".md"), "markdown")
    return tex, md
