"""Publication tables: panel and Bayesian results side by side, in five formats.

Build a table with :class:`TableBuilder` from results (read with :func:`load_model`), then
render it late, per format: :func:`render` gives LaTeX, Markdown, HTML or CSV text and
:func:`write` writes any format, Word included, to a file.

>>> from servmodel.report import TableBuilder, load_model, render
>>> results = [load_model(p) for p in ("fe_twoway.json", "mundlak.json", "hier_beta.json")]
>>> table = TableBuilder(results).spanner("Fixed effects", 1, 2).build()
>>> print(render(table, "markdown"))
"""

from servmodel.report.build import TableBuilder
from servmodel.report.labels import parse_label_pairs, read_labels
from servmodel.report.options import TableFormat, TableOptions, check_format
from servmodel.report.render import format_for, render, write
from servmodel.report.sources import ModelEntry, entry_from_result, hidden_term, load_model
from servmodel.report.table import CELL_COLUMNS, Cell, Column, Panel, Row, Spanner, Table

__all__ = [
    "CELL_COLUMNS",
    "Cell",
    "Column",
    "ModelEntry",
    "Panel",
    "Row",
    "Spanner",
    "Table",
    "TableBuilder",
    "TableFormat",
    "TableOptions",
    "check_format",
    "entry_from_result",
    "format_for",
    "hidden_term",
    "load_model",
    "parse_label_pairs",
    "read_labels",
    "render",
    "write",
]
