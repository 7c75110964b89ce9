"""One entry point per output: text formats to a string, any format to a file."""

from __future__ import annotations

import os
from pathlib import Path

from servmodel._fileio import atomic_path
from servmodel.errors import UsageError
from servmodel.report.options import SUFFIX_FORMATS, check_format
from servmodel.report.table import Table

TEXT_FORMATS: tuple[str, ...] = ("latex", "markdown", "html", "csv")


def render(table: Table, fmt: str, standalone: bool = False) -> str:
    """The table as text: ``latex``, ``markdown``, ``html`` or ``csv``.

    Parameters
    ----------
    table
        A built table.
    fmt
        Output format; ``docx`` is binary, see :func:`write` and
        :func:`servmodel.report.to_docx.docx_bytes`.
    standalone
        LaTeX only: a whole document (with the packages it needs) instead of a ``table``
        float to ``\\input``.
    """
    fmt = check_format(fmt)
    if fmt == "latex":
        from servmodel.report.to_latex import render_latex

        return render_latex(table, standalone=standalone)
    if fmt == "markdown":
        from servmodel.report.to_markdown import render_markdown

        return render_markdown(table)
    if fmt == "html":
        from servmodel.report.to_html import render_html

        return render_html(table)
    if fmt == "csv":
        from servmodel.report.to_csv import render_csv

        return render_csv(table)
    raise UsageError("docx is a binary format; write it to a file with --out TABLE.docx")


def format_for(path: str | os.PathLike[str]) -> str:
    """The format a file name asks for (``.tex``, ``.md``, ``.html``, ``.csv``, ``.docx``)."""
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIX_FORMATS:
        raise UsageError(
            f"cannot tell the table format from {str(path)!r}; give --format "
            f"or a file name ending in {', '.join(SUFFIX_FORMATS)}"
        )
    return SUFFIX_FORMATS[suffix]


def write(
    table: Table, path: str | os.PathLike[str], fmt: str | None = None, standalone: bool = False
) -> Path:
    """Write the table to ``path`` (atomically) in ``fmt`` (default: from the suffix)."""
    fmt = check_format(fmt) if fmt is not None else format_for(path)
    dest = Path(path)
    if dest.is_dir():
        raise UsageError(f"--out {dest} is a directory; give a file name such as table.tex")
    if fmt == "docx":
        from servmodel.report.to_docx import docx_bytes

        data = docx_bytes(table)
        with atomic_path(dest) as tmp:
            tmp.write_bytes(data)
        return dest
    text = render(table, fmt, standalone=standalone)
    # newline="" keeps the "\n" line ends on every platform (CSV and LaTeX alike)
    with atomic_path(dest) as tmp, open(tmp, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    return dest
