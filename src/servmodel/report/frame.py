"""Plain data tables (descriptive facts, diagnostics, comparisons) in LaTeX and Markdown.

Coefficient tables go through :class:`~servmodel.report.TableBuilder`; the other tables of
a study are data frames, written here in the same two formats with the same LaTeX
conventions (booktabs, escaped text, minus signs for negative numbers).
"""

from __future__ import annotations

import math
import numbers
import os
from pathlib import Path

import pandas as pd

from servmodel._fileio import atomic_open
from servmodel.report.to_latex import escape, render_number_text


def _format(value: object, digits: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return f"{float(value):.{digits}f}"
    return str(value)


def frame_markdown(frame: pd.DataFrame, digits: int = 4) -> str:
    """``frame`` as a GitHub Markdown table, numbers with ``digits`` decimals."""
    cells = frame.map(lambda v: _format(v, digits)).astype(str)
    header = [str(c) for c in frame.columns]
    widths = [
        max([len(h), *(len(x) for x in cells[c])])
        for h, c in zip(header, cells.columns, strict=True)
    ]
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]

    def line(values: list[str]) -> str:
        return (
            "| "
            + " | ".join(
                v.rjust(w) if num else v.ljust(w)
                for v, w, num in zip(values, widths, numeric, strict=True)
            )
            + " |"
        )

    rule = (
        "|"
        + "|".join(
            ("-" * (w + 1) + ":") if num else (":" + "-" * (w + 1))
            for w, num in zip(widths, numeric, strict=True)
        )
        + "|"
    )
    rows = [line(header), rule] + [line(list(r)) for r in cells.itertuples(index=False)]
    return "\n".join(rows)


def frame_latex(
    frame: pd.DataFrame, caption: str = "", label: str = "", digits: int = 4, notes: str = ""
) -> str:
    """``frame`` as a LaTeX ``table`` float (needs booktabs and threeparttable)."""
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]
    align = "".join("r" if num else "l" for num in numeric)
    out = ["\\begin{table}[!htbp]", "\\centering", "\\begin{threeparttable}"]
    if caption:
        out.append(f"\\caption{{{escape(caption)}}}")
        if label:
            out.append(f"\\label{{{label}}}")
    out += [
        f"\\begin{{tabular}}{{@{{}}{align}@{{}}}}",
        "\\toprule",
        " & ".join(escape(str(c)) for c in frame.columns) + r" \\",
        "\\midrule",
    ]
    for row in frame.itertuples(index=False):
        cells = [
            render_number_text(_format(v, digits)) if num else escape(_format(v, digits))
            for v, num in zip(row, numeric, strict=True)
        ]
        out.append(" & ".join(cells) + r" \\")
    out += ["\\bottomrule", "\\end{tabular}"]
    if notes:
        out += [
            "\\begin{tablenotes}[flushleft]",
            "\\footnotesize",
            "\\setlength\\labelsep{0pt}",
            f"\\item[]\\textit{{Notes:}} {escape(notes)}",
            "\\end{tablenotes}",
        ]
    out += ["\\end{threeparttable}", "\\end{table}"]
    return "\n".join(out) + "\n"


def write_frame_table(
    frame: pd.DataFrame,
    stem: str | os.PathLike[str],
    caption: str = "",
    label: str = "",
    digits: int = 4,
    notes: str = "",
) -> tuple[Path, Path]:
    """Write ``STEM.tex`` and ``STEM.md`` (atomically) and return both paths."""
    stem = Path(stem)
    tex, md = stem.with_suffix(".tex"), stem.with_suffix(".md")
    with atomic_open(tex) as handle:
        handle.write(frame_latex(frame, caption, label, digits, notes))
    with atomic_open(md) as handle:
        text = frame_markdown(frame, digits)
        if caption:
            text = f"**{caption}**\n\n{text}"
        if notes:
            text += f"\n\n{notes}"
        handle.write(text + "\n")
    return tex, md
