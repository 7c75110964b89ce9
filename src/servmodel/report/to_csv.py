"""CSV: the table in long form, one row per non-empty cell, for further processing.

Each row names the panel, the row label, the result's own term, the column and model, what
the cell shows (``estimate``, ``std_error``, ``credible_int``, ``nobs``, ...), the unrounded
number(s) and the text as printed, so a reader can check or re-typeset every cell.
"""

from __future__ import annotations

import io

from servmodel.report.table import Table


def render_csv(table: Table) -> str:
    """The table's cells as CSV (columns :data:`servmodel.report.table.CELL_COLUMNS`)."""
    buffer = io.StringIO()
    # 17 significant digits: a float read back is the float written
    table.to_frame().to_csv(buffer, index=False, float_format="%.17g", lineterminator="\n")
    return buffer.getvalue()
