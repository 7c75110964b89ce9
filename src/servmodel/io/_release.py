"""What the readers of published releases share: optional packages, sheets, numbers, checks.

The readers of :mod:`servmodel.io.wiod2016`, :mod:`servmodel.io.icio` and
:mod:`servmodel.io.adb` take a publisher's file as it is downloaded, find its blocks by the
labels of the published layout, and hand the numbers to :class:`~servmodel.io.IOTable`. What
they have in common lives here: importing an optional reader package with one line naming
the extra that installs it, reading one sheet of a workbook, turning a block of cells into
numbers (a blank cell, or one holding only spaces, is zero; text is an error naming the
cell), and checking a table against the totals its publisher printed beside it.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from servmodel.errors import DataError, UsageError

# A table is refused when one of its published totals differs from the sum of its parts by
# more than this share of the total (plus ABSOLUTE, in the table's unit, for totals near
# zero). Publishers balance their tables to rounding; a block cut short, a row pasted twice
# or a cell edited by hand breaks an identity by far more.
RELATIVE = 1e-3
ABSOLUTE = 1e-3


def require(module: str, package: str, extra: str, what: str) -> ModuleType:
    """Import an optional package, or say in one line how to install it.

    Parameters
    ----------
    module
        Module to import, e.g. ``"python_calamine"``.
    package
        Its name on the package index, e.g. ``"python-calamine"``.
    extra
        The servmodel extra that installs it, e.g. ``"wiod2016"``.
    what
        What needs it (a file), for the message.

    Raises
    ------
    UsageError
        When the package is not installed.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise UsageError(
            f"reading {what} needs the package {package}, which is not installed; install "
            f"it with pip install 'servmodel[{extra}]'"
        ) from exc


def column_name(col: int) -> str:
    """Spreadsheet name of the 0-based column ``col`` (``4`` -> ``E``, ``26`` -> ``AA``)."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def cell_name(row: int, col: int) -> str:
    """Spreadsheet name of the cell at 0-based ``row`` and ``col`` (``0, 4`` -> ``E1``)."""
    return f"{column_name(col)}{row + 1}"


def read_sheet(
    path: Path, what: str, extra: str, pick: re.Pattern[str] | None = None
) -> tuple[str, list[list[Any]]]:
    """The cells of one sheet of an Excel workbook (``.xlsx`` or ``.xlsb``), row by row.

    Parameters
    ----------
    path
        The workbook.
    what
        What the file is (``"WIOD 2016 table"``), for messages.
    extra
        The servmodel extra that installs the Excel reader.
    pick
        The first sheet whose name matches is read; without a match (or without ``pick``)
        the first sheet is.

    Returns
    -------
    tuple
        The sheet's name and its rows from cell A1 on, every row as long as the widest
        (an empty cell is ``""``).

    Raises
    ------
    DataError
        The file is not a workbook that can be read (damaged, cut short, another format).
    """
    calamine = require("python_calamine", "python-calamine", extra, f"{path.name} ({what})")
    try:
        book = calamine.CalamineWorkbook.from_path(str(path))
        names = list(book.sheet_names)
        if not names:
            raise DataError(f"{path}: the workbook has no sheets; is it a {what}?")
        name = next((n for n in names if pick is not None and pick.search(n)), names[0])
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except (DataError, MemoryError):
        raise
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise DataError(
            f"{path}: cannot be read as an Excel workbook ({type(exc).__name__}: "
            f"{' '.join(str(exc).split())[:200]}); the file may be incomplete or damaged, "
            "download it again"
        ) from exc
    return name, rows


def text(value: object) -> str:
    """A label cell as text without surrounding blanks (numbers such as 1.0 become ``1``)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() if value is not None else ""


def numeric_block(
    rows: Sequence[Sequence[Any]], r0: int, r1: int, c0: int, c1: int, path: Path
) -> np.ndarray:
    """Cells ``rows[r0:r1][c0:c1]`` as a float64 array.

    An empty cell, or one holding only blanks (some releases store empty cells as a single
    space), is zero. Any other text is an error naming the cell.
    """
    block = [row[c0:c1] for row in rows[r0:r1]]
    try:
        return np.array(block, dtype=np.float64)
    except (ValueError, TypeError):
        pass  # some cell is not a number: find the blanks and name anything else
    cells = np.array(block, dtype=object)
    is_text = np.vectorize(lambda v: isinstance(v, str), otypes=[bool])(cells)
    blank = np.zeros_like(is_text)
    if is_text.any():
        blank[is_text] = [not v.strip() for v in cells[is_text]]
    bad = is_text & ~blank
    if not bad.any():
        kinds = np.vectorize(
            lambda v: isinstance(v, (int, float)) and not isinstance(v, bool), otypes=[bool]
        )(cells)
        bad = ~kinds & ~blank
    if bad.any():
        r, c = (int(k) for k in np.argwhere(bad)[0])
        raise DataError(
            f"{path}: cell {cell_name(r0 + r, c0 + c)} holds {cells[r, c]!r} where the table "
            "has a number; the file is not laid out as the release publishes it, or was "
            "edited"
        )
    cells[blank] = 0.0
    return cells.astype(np.float64)


def check_sum(
    path: Path, year: int, parts: np.ndarray, total: np.ndarray, labels: Sequence[str], what: str
) -> None:
    """``DataError`` where ``parts`` (a computed sum) and the published ``total`` disagree.

    Parameters
    ----------
    parts, total
        The computed and the published totals, one per label.
    labels
        What each entry is (``"KOR C26"``).
    what
        The identity, e.g. ``"intermediate plus final use (row total)"`` and
        ``"total output column"``, as ``(computed, published)`` in one phrase.
    """
    gap = np.abs(parts - total)
    bad = gap > RELATIVE * np.maximum(np.abs(total), np.abs(parts)) + ABSOLUTE
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        more = int(bad.sum()) - 1
        raise DataError(
            f"{path} (year {year}): {labels[k]}: {what} differ, {parts[k]:.6g} against "
            f"{total[k]:.6g}{f', and {more} more' if more else ''}; the table does not add "
            "up as published: the file may be incomplete, damaged or edited, download it "
            "again"
        )


def year_in_name(name: str, last: bool = True) -> int | None:
    """The last (or first) four-digit year (1900-2099) in a file name, or ``None``."""
    found = re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", name)
    return int(found[-1 if last else 0]) if found else None


def first_mismatch(found: Sequence[str], expected: Sequence[str]) -> int | None:
    """Position of the first label of ``found`` that differs from ``expected`` (or where
    one list ends before the other); ``None`` when they are equal."""
    for k, (a, b) in enumerate(zip(found, expected, strict=False)):
        if a != b:
            return k
    if len(found) != len(expected):
        return min(len(found), len(expected))
    return None


def bottom_row_positions(
    economies: Sequence[str],
    below: Sequence[str],
    n: int,
    wanted: Sequence[str],
    total: str,
    where: str,
) -> dict[str, int]:
    """Rows of the bottom block (value added, output, ...) below ``n`` country-industry rows.

    ``below`` holds the codes of the rows after the country-industry rows. Raises
    ``DataError`` when an economy has two blocks of rows or a bottom row is missing (a
    truncated download, mostly).
    """
    if len(set(economies)) != len(economies):
        raise DataError(f"{where}: economy {economies[0]!r} has two blocks of rows")
    missing = [b for b in wanted if b not in below]
    if missing:
        raise DataError(
            f"{where}: the rows {', '.join(missing)} under {total} are "
            "missing below the country-industry rows; the file is incomplete, "
            "download it again"
        )
    return {code: n + list(below).index(code) for code in wanted}


def missing_or_special(path: Path) -> str:
    """Why a path that is neither a regular file nor a directory cannot be read."""
    return "not a regular file or directory" if path.exists() else "no such file or directory"


def describe(labels: Sequence[str], limit: int = 6) -> str:
    """``a, b, c ... (45 in all)`` for a message."""
    shown = ", ".join(labels[:limit])
    return f"{shown} ... ({len(labels)} in all)" if len(labels) > limit else shown
