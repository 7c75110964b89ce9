"""Word: a .docx document with the table (booktabs-style rules) and its notes, by python-docx.

python-docx has no API for single cell borders, so the rules are written as the
WordprocessingML ``w:tcBorders`` element it leaves to the caller. The file's zip entries get
a fixed timestamp, so the same table gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt
from docx.table import _Cell

from servmodel.report.table import TEXT_QUANTITIES, Cell, Table

FONT = "Times New Roman"
FONT_SIZE = Pt(10)
NOTE_SIZE = Pt(9)
# border widths in eighths of a point: booktabs' heavy top/bottom rules and light midrules
HEAVY, LIGHT = 12, 4
# the text block of a Letter or A4 page with one-inch margins, and the width of a character
# at FONT_SIZE, to size the columns from their longest text (Word and LibreOffice otherwise
# split the page evenly and wrap the labels)
TEXT_WIDTH_IN = 6.3
CHAR_IN = 0.075
MIN_COLUMN_IN = 1.0
# cells of words, which may wrap in a narrow column
_WRAPPING = TEXT_QUANTITIES
_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}
# children of w:tcPr that must follow w:tcBorders (schema order)
_AFTER_BORDERS = (
    "w:shd",
    "w:noWrap",
    "w:tcMar",
    "w:textDirection",
    "w:tcFitText",
    "w:vAlign",
    "w:hideMark",
)


def _border(cell: _Cell, side: str, size: int) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    borders = tc_pr.find(qn("w:tcBorders"))
    if borders is None:
        borders = OxmlElement("w:tcBorders")
        tc_pr.insert_element_before(borders, *_AFTER_BORDERS)
    edge = borders.find(qn(f"w:{side}"))
    if edge is None:
        edge = OxmlElement(f"w:{side}")
        # top, left, bottom, right is the order the schema wants
        order = ["top", "left", "start", "bottom", "right", "end"]
        later = [qn(f"w:{s}") for s in order[order.index(side) + 1 :]]
        after = next((child for child in borders if child.tag in later), None)
        if after is None:
            borders.append(edge)
        else:
            after.addprevious(edge)
    edge.set(qn("w:val"), "single")
    edge.set(qn("w:sz"), str(size))
    edge.set(qn("w:space"), "0")
    edge.set(qn("w:color"), "000000")


def _rule(cells: list[_Cell], side: str, size: int) -> None:
    for c in cells:
        _border(c, side, size)


def _write(
    cell: _Cell,
    text: str,
    align: WD_ALIGN_PARAGRAPH,
    italic: bool = False,
    superscript: str = "",
    bold: bool = False,
) -> None:
    par = cell.paragraphs[0]
    par.alignment = align
    par.paragraph_format.space_after = Pt(0)
    par.paragraph_format.space_before = Pt(0)
    run = par.add_run(text)
    run.font.size = FONT_SIZE
    run.italic = italic
    if bold:
        run.bold = True
    if superscript:
        sup = par.add_run(superscript)
        sup.font.size = FONT_SIZE
        sup.font.superscript = True


def _unbreakable(cell: Cell) -> list[str]:
    """The parts of a cell's text that must stay on one line: all of a number, each word
    of a text."""
    text = cell.display
    return text.split() if cell.quantity in _WRAPPING else [text]


def _column_widths(labels: list[str] | None, columns: list[list[str]]) -> list[float]:
    """Inches per column: every number fits on one line; the labels get what is left.

    ``columns`` holds the texts of each model column that must not wrap (numbers,
    intervals, titles of one word); words such as "Clustered by country" may wrap.
    ``labels`` is ``None`` for a table without a label column.
    """
    data = [
        max(max((len(t) for t in col), default=0) * CHAR_IN + 0.2, MIN_COLUMN_IN) for col in columns
    ]
    if labels is None:
        return data
    room = max(TEXT_WIDTH_IN - sum(data), 1.2)
    label = min(max((len(t) for t in labels), default=0) * CHAR_IN + 0.2, room, 3.0)
    return [max(label, 1.2), *data]


def _finish(grid, widths: list[float]) -> None:
    """Column widths, and no paragraph spacing in any cell (empty ones included)."""
    grid.autofit = False
    # LibreOffice reads the grid's column widths, Word the cells'
    for j, column in enumerate(grid.columns):
        column.width = Inches(widths[j])
    for row in grid.rows:
        for j, cell in enumerate(row.cells):
            cell.width = Inches(widths[j])
            for par in cell.paragraphs:
                par.paragraph_format.space_after = Pt(0)
                par.paragraph_format.space_before = Pt(0)
                par.paragraph_format.line_spacing = 1.0
                # the table stays on one page with its notes when it fits
                par.paragraph_format.keep_with_next = True


def _value(cell: Cell) -> str:
    if cell.empty:
        return ""
    return f"{cell.bracket[:1]}{cell.text}{cell.bracket[1:]}"


def _reproducible(blob: bytes) -> bytes:
    """Rewrite the zip with a fixed timestamp on every entry (same table, same bytes)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(blob)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def docx_bytes(table: Table) -> bytes:
    """The table as a Word document (the bytes of a .docx file)."""
    doc = Document()
    # empty cells take the Normal style: without this their 11 pt line and spacing after
    # open gaps between the rows
    normal = doc.styles["Normal"]
    normal.font.size = FONT_SIZE
    normal.font.name = FONT
    normal.paragraph_format.space_after = Pt(0)
    doc.core_properties.title = table.title
    if table.title:
        cap = doc.add_paragraph()
        cap.paragraph_format.keep_with_next = True
        cap.paragraph_format.space_after = Pt(4)
        run = cap.add_run(table.title)
        run.bold = True
        run.font.size = Pt(11)
    n = table.n_columns
    # the first grid column holds the row labels; a data table has none
    k = 1 if table.stub else 0
    head_rows = (1 if table.spanners else 0) + (1 if table.numbered else 0) + 1
    body = [(p, r) for p in table.panels for r in ((None, *p.rows) if p.title else p.rows)]
    grid = doc.add_table(rows=head_rows + len(body), cols=n + k)
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    center, left = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT
    aligns = [center if table.stub else _ALIGN[c.align] for c in table.columns]
    r = 0
    if table.spanners:
        cells = grid.rows[0].cells
        for sp in table.spanners:
            merged = cells[sp.first + k].merge(cells[sp.last + k])
            _write(merged, sp.label, center)
            _border(merged, "bottom", LIGHT)
        r += 1
    if table.numbered:
        for j in range(n):
            _write(grid.rows[r].cells[j + k], table.column_heading(j), center)
        r += 1
    for j, col in enumerate(table.columns):
        _write(grid.rows[r].cells[j + k], col.title, aligns[j])
    _rule(list(grid.rows[0].cells), "top", HEAVY)
    _rule(list(grid.rows[r].cells), "bottom", LIGHT)
    r += 1
    previous_panel = None
    for panel, row in body:
        cells = grid.rows[r].cells
        if row is None:  # a panel's title row, merged across the table
            merged = cells[0].merge(cells[n + k - 1])
            _write(merged, panel.title, left, italic=True)
            if previous_panel is not None:
                _border(merged, "top", LIGHT)
        else:
            if row.kind in ("indicator", "fit") and row is panel.summary_rows[0]:
                _rule(list(cells), "top", LIGHT)
            if table.stub:
                _write(cells[0], row.label, left)
            for j, c in enumerate(row.cells):
                _write(cells[j + k], _value(c), aligns[j], superscript=c.stars, bold=c.strong)
        previous_panel = panel
        r += 1
    _rule(list(grid.rows[len(grid.rows) - 1].cells), "bottom", HEAVY)
    # panel titles span the table and do not set the first column's width; words wrap
    labels = [r.label for p in table.panels for r in p.rows] if table.stub else None
    numbers = [
        [
            *c.title.split(),
            *(w for p in table.panels for r in p.rows for w in _unbreakable(r.cells[j])),
        ]
        for j, c in enumerate(table.columns)
    ]
    _finish(grid, _column_widths(labels, numbers))
    for i, note in enumerate(table.notes):
        par = doc.add_paragraph()
        par.paragraph_format.space_after = Pt(0)
        if i == 0:
            lead = par.add_run("Notes: ")
            lead.italic = True
            lead.font.size = NOTE_SIZE
        run = par.add_run(note)
        run.font.size = NOTE_SIZE
    buffer = io.BytesIO()
    doc.save(buffer)
    return _reproducible(buffer.getvalue())
