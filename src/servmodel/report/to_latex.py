"""LaTeX: a booktabs tabular inside a threeparttable, notes as ``tablenotes``.

Written by hand rather than by a table library: the layout (stacked panels, a rule between
the coefficients and the summary rows, notes that wrap to the table's width) is what
economics journals expect, and the code that produces it is short. The output needs
``\\usepackage{booktabs}`` and ``\\usepackage{threeparttable}``; ``standalone=True`` wraps
it in a document that compiles as is.
"""

from __future__ import annotations

import logging
import re

from servmodel.report.table import TEXT_QUANTITIES, Cell, Row, Table

log = logging.getLogger("servmodel.report")

# Characters special to LaTeX, and a few non-ASCII ones that pdflatex's utf8 input cannot
# typeset in every font encoding, mapped to commands that work in any.
_ESCAPES = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    # in the default OT1 encoding < > | print as other glyphs
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    "²": r"\textsuperscript{2}",
    "×": r"\ensuremath{\times}",
    "−": r"\ensuremath{-}",
    "–": "--",
    "—": "---",
    "\u00a0": "~",
}
_SPECIAL = re.compile("|".join(re.escape(k) for k in _ESCAPES))
_MINUS = re.compile(r"(?<![\w.])-(?=\d|\.\d)")

PREAMBLE = "\\usepackage{booktabs}\n\\usepackage{threeparttable}\n"


def escape(text: str) -> str:
    """``text`` with every LaTeX special character escaped."""
    return _SPECIAL.sub(lambda m: _ESCAPES[m.group(0)], text)


def render_number_text(text: str) -> str:
    """``text`` escaped, with each hyphen before a digit typeset as a minus sign."""
    return _MINUS.sub("$-$", escape(text))


_ALIGN = {"left": "l", "center": "c", "right": "r"}


def _cell(cell: Cell) -> str:
    if cell.empty:
        return ""
    text = escape(cell.text) if cell.quantity in TEXT_QUANTITIES else render_number_text(cell.text)
    if cell.strong:
        text = f"\\textbf{{{text}}}"
    if cell.bracket:
        text = f"{cell.bracket[0]}{text}{cell.bracket[1]}"
    if cell.stars:
        # stars take no width, so an estimate stays centred over its standard error
        text += f"\\rlap{{$^{{{cell.stars}}}$}}"
    return text


def _row(row: Row, stub: bool) -> str:
    label = [escape(row.label)] if stub else []
    return " & ".join([*label, *(_cell(c) for c in row.cells)]) + r" \\"


def _colspec(table: Table) -> str:
    if table.stub:
        return f"@{{}}l*{{{table.n_columns}}}{{c}}"
    # a data table: each column aligned on its own, no outer padding on either side
    return "@{}" + "".join(_ALIGN[c.align] for c in table.columns) + "@{}"


def _header(table: Table) -> list[str]:
    n = table.n_columns
    lead = [""] if table.stub else []
    lines = []
    if table.spanners:
        cells, rules, j = list(lead), [], 0
        for sp in table.spanners:
            cells += [""] * (sp.first - j)
            width = sp.last - sp.first + 1
            cells.append(f"\\multicolumn{{{width}}}{{c}}{{{escape(sp.label)}}}")
            first, last = sp.first + 1 + len(lead), sp.last + 1 + len(lead)
            rules.append(f"\\cmidrule(lr){{{first}-{last}}}")
            j = sp.last + 1
        cells += [""] * (n - j)
        lines += [" & ".join(cells) + r" \\", "".join(rules)]
    if table.numbered:
        lines.append(" & ".join([*lead, *(table.column_heading(j) for j in range(n))]) + r" \\")
    lines.append(" & ".join([*lead, *(escape(c.title) for c in table.columns)]) + r" \\")
    return lines


def render_latex(table: Table, standalone: bool = False) -> str:
    """The table as LaTeX (a ``table`` float, or a whole document with ``standalone``)."""
    width = table.n_columns + (1 if table.stub else 0)
    out = ["\\begin{table}[!htbp]", "\\centering", "\\begin{threeparttable}"]
    if table.title:
        out.append(f"\\caption{{{escape(table.title)}}}")
        if table.label:
            # a key, not text: TableOptions lets through only what \label takes as is
            out.append(f"\\label{{{table.label}}}")
    elif table.label:
        log.warning(
            "the LaTeX label %r needs a title (caption) to refer to; it was left out", table.label
        )
    out.append(f"\\begin{{tabular}}{{{_colspec(table)}}}")
    out.append("\\toprule")
    out += _header(table)
    for k, panel in enumerate(table.panels):
        out.append("\\midrule")
        if panel.title:
            if k:
                out.append("\\addlinespace")
            out.append(
                f"\\multicolumn{{{width}}}{{@{{}}l}}{{\\textit{{{escape(panel.title)}}}}}"
                r" \\"
            )
            out.append("\\addlinespace[0.3em]")
        out += [_row(r, table.stub) for r in panel.coefficient_rows]
        summary = panel.summary_rows
        if summary:
            out.append("\\midrule")
            out += [_row(r, table.stub) for r in summary]
    out.append("\\bottomrule")
    out.append("\\end{tabular}")
    if table.notes:
        # no label and no label gap: each note starts at the table's left edge
        out += ["\\begin{tablenotes}[flushleft]", "\\footnotesize", "\\setlength\\labelsep{0pt}"]
        for i, note in enumerate(table.notes):
            lead = "\\textit{Notes:} " if i == 0 else ""
            out.append(f"\\item[]{lead}{escape(note)}")
        out.append("\\end{tablenotes}")
    out += ["\\end{threeparttable}", "\\end{table}"]
    body = "\n".join(out) + "\n"
    if not standalone:
        return body
    # a wide table (many models) gets a landscape page
    page = "margin=2cm" + (",landscape" if table.n_columns >= 6 else "")
    return (
        "\\documentclass{article}\n"
        f"\\usepackage[{page}]{{geometry}}\n" + PREAMBLE + "\\pagestyle{empty}\n"
        "\\begin{document}\n" + body + "\\end{document}\n"
    )
