"""Reader for the World Input-Output Database, 2016 release (43 economies and the rest of the
world, 56 industries of ISIC Rev. 4, 2000-2014), as its publisher releases it.

Timmer, Los, Stehrer and de Vries (2016), "An Anatomy of the Global Trade Slowdown based on
the WIOD 2016 Release", GGDC research memorandum 162, University of Groningen; tables from
https://www.rug.nl/ggdc/valuechain/wiod/ (``WIOTS_in_EXCEL.zip``, ``WIOTS_in_R.zip``).

Two forms of one year's table are read, each as downloaded:

``WIOT{year}_Nov16_ROW.xlsb`` (Excel binary workbook, one sheet)
    Rows 1-2 hold titles; row 3 the column codes (``A01`` ... ``U`` for each economy's 56
    industries, ``CONS_h``, ``CONS_np``, ``CONS_g``, ``GFCF``, ``INVEN`` for its final use,
    ``GO`` for the total output column), row 4 their descriptions, row 5 the economy of
    each column (``TOT`` for the total), row 6 the column numbers (``c1`` ... ``c61`` within
    an economy, ``c62`` the total). From row 7 on every row is a country-industry: column A
    its industry code, B the description (some with trailing blanks), C the economy, D the
    row number (``r1`` ... ``r56``), E onwards the values. After the 44 x 56 country-industry
    rows come the rows ``II_fob``, ``TXSP``, ``EXP_adj``, ``PURR``, ``PURNR``, ``VA``,
    ``IntTTM`` and ``GO`` (``r65`` ... ``r73``) under the economy ``TOT``.

``WIOT{year}_October16_ROW.RData`` (R data, one data frame ``wiot``)
    Columns ``IndustryCode``, ``IndustryDescription``, ``Country``, ``RNr`` (1 ... 56, and
    65 ... 73 for the rows below), ``Year``, then intermediate use ``AUS1`` ... ``ROW56``,
    final use ``AUS57`` ... ``ROW61`` (the five categories above, in that order, per
    economy) and the total ``TOT``; rows as in the workbook.

The layout was checked against the parsers that read these files: the ``extract_wiod2016``
function of the R package exvatools (E. Quintana), which takes the 2,464 rows and the five
label columns of ``wiot`` before the values, with final use 57-61 per economy; the WIOD 2016
reader of CLIMADA (``climada.engine.supplychain``, which reads the workbook's values from
column E and row 7, the economy in column C) and its test workbook
``WIOTtest_Nov16_ROW.xlsb``, cut from the published 2014 table, whose header rows, row
labels, bottom rows ``r65`` ... ``r73`` and column numbers ``c1`` ... ``c62`` are those above;
and R code reading ``wiot`` by its ``RNr`` and ``Country`` columns.

Gross output is the row total (intermediate plus final use), as in
:func:`servmodel.io.read_io_long`; it is checked against the published ``GO`` column and
row, and the value-added rows against the column totals, so that a damaged or edited file is
refused rather than read. Reading the workbook needs ``python-calamine`` and the R data
``pyreadr`` (``pip install 'servmodel[wiod2016]'``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from servmodel.errors import DataError, UsageError
from servmodel.io._release import (
    bottom_row_positions,
    check_sum,
    describe,
    first_mismatch,
    numeric_block,
    read_sheet,
    require,
    text,
    year_in_name,
)
from servmodel.io.table import IOTable

EXTRA = "wiod2016"
WHAT = "WIOD 2016 table"
WIOD2016_YEARS: tuple[int, ...] = tuple(range(2000, 2015))
WIOD2016_INDUSTRIES: tuple[str, ...] = (
    "A01",
    "A02",
    "A03",
    "B",
    "C10-C12",
    "C13-C15",
    "C16",
    "C17",
    "C18",
    "C19",
    "C20",
    "C21",
    "C22",
    "C23",
    "C24",
    "C25",
    "C26",
    "C27",
    "C28",
    "C29",
    "C30",
    "C31_C32",
    "C33",
    "D35",
    "E36",
    "E37-E39",
    "F",
    "G45",
    "G46",
    "G47",
    "H49",
    "H50",
    "H51",
    "H52",
    "H53",
    "I",
    "J58",
    "J59_J60",
    "J61",
    "J62_J63",
    "K64",
    "K65",
    "K66",
    "L68",
    "M69_M70",
    "M71",
    "M72",
    "M73",
    "M74_M75",
    "N",
    "O84",
    "P85",
    "Q",
    "R_S",
    "T",
    "U",
)
WIOD2016_FINAL: tuple[str, ...] = ("CONS_h", "CONS_np", "CONS_g", "GFCF", "INVEN")
# rows below the country-industries; TOT is their economy and the total column's
BOTTOM_ROWS: tuple[str, ...] = ("II_fob", "TXSP", "EXP_adj", "PURR", "PURNR", "VA", "IntTTM", "GO")
# the rows that, with the column's intermediate inputs, make up its gross output (II_fob is
# the intermediate inputs' own total)
VALUE_ADDED_ROWS: tuple[str, ...] = ("TXSP", "EXP_adj", "PURR", "PURNR", "VA", "IntTTM")
TOTAL = "TOT"
REST_OF_WORLD = "ROW"
EXCEL_NAME = "WIOT{year}_Nov16_ROW.xlsb"
R_NAME = "WIOT{year}_October16_ROW.RData"
_EXCEL = re.compile(r"^WIOT(\d{4})_Nov16_ROW\.xls[xb]$", re.I)
_R = re.compile(r"^WIOT(\d{4})_October16_ROW\.(RData|rda)$", re.I)
_R_SUFFIXES = (".rdata", ".rda")
_EXCEL_SUFFIXES = (".xlsb", ".xlsx")
# the published workbook: header rows (0-based) and where the values start
_CODE_ROW, _COUNTRY_ROW, _FIRST_ROW, _FIRST_COL = 2, 4, 6, 4
_LABEL_COLUMNS = ("IndustryCode", "IndustryDescription", "Country", "RNr", "Year")


@dataclass
class _Grid:
    """A year's table as read from either form: row and column labels and the values."""

    path: Path
    year: int
    row_country: list[str]
    row_code: list[str]
    col_country: list[str]
    col_code: list[str]
    values: np.ndarray  # rows x columns of the labels above
    where_row: Sequence[str]  # how to name a row in a message (cell or data row)


def read_wiod2016_file(path: str | os.PathLike[str], year: int | None = None) -> IOTable:
    """Read one year's WIOD 2016 table (``.xlsb``/``.xlsx`` workbook or ``.RData``).

    Parameters
    ----------
    path
        ``WIOT{year}_Nov16_ROW.xlsb`` or ``WIOT{year}_October16_ROW.RData`` as downloaded
        (an ``.xlsx`` saved from the workbook reads the same).
    year
        The table's year, when the file name does not carry it.

    Returns
    -------
    IOTable
        44 economies (the last ``ROW``) x 56 industries, final use in the five categories
        ``CONS_h``, ``CONS_np``, ``CONS_g``, ``GFCF``, ``INVEN``.

    Raises
    ------
    UsageError
        The reader package for the file's form is not installed, or the path is not a path.
    DataError
        The file is missing, damaged, of another release or laid out otherwise, its labels
        are not the release's, or its values do not add up to the published totals.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise UsageError(f"a WIOD 2016 table must be a file path, not {type(path).__name__}")
    p = Path(path)
    if not p.is_file():
        raise DataError(
            f"{p}: no such file; download {EXCEL_NAME.format(year='YYYY')} or "
            f"{R_NAME.format(year='YYYY')} from the WIOD 2016 release"
        )
    suffix = p.suffix.lower()
    if suffix in _R_SUFFIXES:
        grid = _read_r(p, year)
    elif suffix in _EXCEL_SUFFIXES:
        grid = _read_excel(p, year)
    else:
        raise DataError(
            f"{p}: not a WIOD 2016 table; the release's files end in .xlsb (Excel) or .RData (R)"
        )
    return _assemble(grid)


def wiod2016_files(
    directory: str | os.PathLike[str], years: Sequence[int] | None = None
) -> dict[int, Path]:
    """The yearly files of a WIOD 2016 release in ``directory``, by year.

    A directory may hold the Excel workbooks, the R data files or both; for a year with
    both, the R data file is read (the same table, read faster).

    Parameters
    ----------
    directory
        Where ``WIOT{year}_Nov16_ROW.xlsb`` or ``WIOT{year}_October16_ROW.RData`` lie.
    years
        The years wanted; without them every year found, which must then be consecutive.

    Raises
    ------
    DataError
        No release file in the directory, a wanted year's file missing, or a gap in the
        years found (a year's download missing).
    """
    d = Path(directory)
    if not d.is_dir():
        raise DataError(
            f"{d}: not a directory; give the directory that holds the WIOD 2016 "
            f"files ({EXCEL_NAME.format(year='YYYY')} or "
            f"{R_NAME.format(year='YYYY')})"
        )
    found: dict[int, Path] = {}
    for f in sorted(d.iterdir()):
        match = _R.match(f.name) or _EXCEL.match(f.name)
        if match and f.is_file():
            y = int(match.group(1))
            if y not in found or f.suffix.lower() in _R_SUFFIXES:
                found[y] = f
    if not found:
        raise DataError(
            f"{d}: holds no WIOD 2016 table; the release's files are named "
            f"{EXCEL_NAME.format(year='YYYY')} or {R_NAME.format(year='YYYY')} "
            f"(YYYY = {WIOD2016_YEARS[0]}-{WIOD2016_YEARS[-1]})"
        )
    if years is None:
        span = range(min(found), max(found) + 1)
        missing = [y for y in span if y not in found]
        if missing:
            raise DataError(
                f"{d}: the file of {missing[0]} is missing ({EXCEL_NAME.format(year=missing[0])}"
                f" or {R_NAME.format(year=missing[0])}) between the years found, "
                f"{min(found)}-{max(found)}; download it, or choose --years"
            )
        return dict(sorted(found.items()))
    missing = [y for y in years if y not in found]
    if missing:
        raise DataError(
            f"{d}: no file for {missing[0]} ({EXCEL_NAME.format(year=missing[0])} or "
            f"{R_NAME.format(year=missing[0])}); the directory holds "
            f"{', '.join(map(str, sorted(found)))}"
        )
    return {y: found[y] for y in years}


def iter_wiod2016(
    directory: str | os.PathLike[str], years: Iterable[int] | None = None
) -> Iterator[IOTable]:
    """Yield the tables of a WIOD 2016 directory one year at a time (see
    :func:`wiod2016_files`)."""
    files = wiod2016_files(directory, None if years is None else list(years))
    for y, f in files.items():
        yield read_wiod2016_file(f, y)


def _year(p: Path, given: int | None, pattern: re.Pattern[str], other: str | None) -> int:
    """The table's year: given, else from the release's file name, else from ``other``."""
    if given is not None:
        return int(given)
    match = pattern.match(p.name)
    y = int(match.group(1)) if match else year_in_name(p.name)
    if y is None and other is not None:
        y = year_in_name(other)
    if y is None:
        raise DataError(
            f"{p}: the file name carries no year; keep the release's name "
            f"({EXCEL_NAME.format(year='YYYY')}) or give the year"
        )
    return y


def _read_excel(p: Path, year: int | None) -> _Grid:
    sheet, rows = read_sheet(p, WHAT, EXTRA)
    y = _year(p, year, _EXCEL, sheet)
    if len(rows) <= _FIRST_ROW or len(rows[0]) <= _FIRST_COL:
        raise DataError(
            f"{p}: sheet {sheet!r} has {len(rows)} rows; a WIOD 2016 table has "
            "six header rows and 2,472 rows below them (the file may be "
            "incomplete)"
        )
    first = text(rows[_CODE_ROW][_FIRST_COL])
    if first != WIOD2016_INDUSTRIES[0] or text(rows[_FIRST_ROW][0]) != WIOD2016_INDUSTRIES[0]:
        raise DataError(
            f"{p}: not laid out as a WIOD 2016 release table: cell E3 (the first column's "
            f"industry code) holds {first!r} and cell A7 {text(rows[_FIRST_ROW][0])!r}, "
            f"where the release has {WIOD2016_INDUSTRIES[0]!r}; is it a table of another "
            "release?"
        )
    col_code = [text(v) for v in rows[_CODE_ROW][_FIRST_COL:]]
    col_country = [text(v) for v in rows[_COUNTRY_ROW][_FIRST_COL:]]
    # trailing empty columns and rows (formatting beyond the table) are not part of it
    while col_code and not col_code[-1] and not col_country[-1]:
        col_code.pop()
        col_country.pop()
    body = rows[_FIRST_ROW:]
    last = len(body)
    while last and not any(text(v) for v in body[last - 1][:_FIRST_COL]):
        last -= 1
    body = body[:last]
    values = numeric_block(
        rows, _FIRST_ROW, _FIRST_ROW + len(body), _FIRST_COL, _FIRST_COL + len(col_code), p
    )
    return _Grid(
        path=p,
        year=y,
        row_country=[text(r[2]) for r in body],
        row_code=[text(r[0]) for r in body],
        col_country=col_country,
        col_code=col_code,
        values=values,
        where_row=[f"row {_FIRST_ROW + 1 + k}" for k in range(len(body))],
    )


def _read_r(p: Path, year: int | None) -> _Grid:
    pyreadr = require("pyreadr", "pyreadr", EXTRA, f"{p.name} ({WHAT}, R data)")
    try:
        frames = pyreadr.read_r(str(p))
    except MemoryError:
        raise
    except Exception as exc:  # pyreadr's errors for damaged or foreign files
        raise DataError(
            f"{p}: cannot be read as R data ({type(exc).__name__}: "
            f"{' '.join(str(exc).split())[:200]}); the file may be incomplete "
            "or damaged, download it again"
        ) from exc
    if "wiot" not in frames:
        raise DataError(
            f"{p}: holds no data frame named 'wiot' (it holds "
            f"{', '.join(map(repr, frames)) or 'nothing'}); the WIOD 2016 R files "
            "hold one, wiot; is it a table of another release?"
        )
    frame = frames["wiot"]
    columns = [str(c) for c in frame.columns]
    if columns[: len(_LABEL_COLUMNS)] != list(_LABEL_COLUMNS):
        raise DataError(
            f"{p}: wiot's first columns are {', '.join(columns[:5])}; the WIOD "
            f"2016 release has {', '.join(_LABEL_COLUMNS)}"
        )
    value_cols = columns[len(_LABEL_COLUMNS) :]
    col_country, col_code = [], []
    for c in value_cols:
        match = re.fullmatch(r"([A-Z]{3})(\d+)", c)
        if c == TOTAL:
            col_country.append(TOTAL)
            col_code.append("GO")
        elif match is None:
            raise DataError(
                f"{p}: wiot has a column {c!r}; the WIOD 2016 release names its "
                "columns by economy and number (AUS1 ... ROW61) and TOT"
            )
        else:
            k = int(match.group(2))
            col_country.append(match.group(1))
            col_code.append(
                WIOD2016_INDUSTRIES[k - 1]
                if 1 <= k <= 56
                else WIOD2016_FINAL[k - 57]
                if 57 <= k <= 61
                else c
            )
    years = frame["Year"].dropna().unique()
    named = _R.match(p.name)
    file_year = (
        int(year)
        if year is not None
        else int(named.group(1))
        if named
        else int(years[0])
        if len(years) == 1
        else _year(p, None, _R, None)
    )
    if len(years) and any(int(v) != file_year for v in years):
        raise DataError(
            f"{p}: wiot's Year column holds {', '.join(str(int(v)) for v in years)}"
            f", not {file_year}; is it the file of another year?"
        )
    try:
        values = frame[value_cols].to_numpy(dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise DataError(f"{p}: wiot holds values that are not numbers ({exc})") from exc
    return _Grid(
        path=p,
        year=file_year,
        row_country=[text(v) for v in frame["Country"].astype(object)],
        row_code=[text(v) for v in frame["IndustryCode"].astype(object)],
        col_country=col_country,
        col_code=col_code,
        values=values,
        where_row=[f"data row {k + 1}" for k in range(len(frame))],
    )


def _assemble(g: _Grid) -> IOTable:
    """Check the layout of a year's table and build its :class:`IOTable`."""
    p, y, ni = g.path, g.year, len(WIOD2016_INDUSTRIES)
    n = next((k for k, c in enumerate(g.row_country) if c == TOTAL), len(g.row_country))
    if n == 0 or n % ni:
        raise DataError(
            f"{p} (year {y}): {n} country-industry rows before the rows under "
            f"{TOTAL}; the release has 56 industries per economy (the file may be "
            "incomplete)"
        )
    economies = g.row_country[:n:ni]
    for e, country in enumerate(economies):
        block = slice(e * ni, (e + 1) * ni)
        codes = g.row_code[block]
        k = first_mismatch(codes, WIOD2016_INDUSTRIES)
        if k is not None or set(g.row_country[block]) != {country}:
            k = k or 0
            raise DataError(
                f"{p} (year {y}): {g.where_row[e * ni + k]}: industry {codes[k]!r} of "
                f"{g.row_country[e * ni + k]!r} where the release has "
                f"{WIOD2016_INDUSTRIES[k]!r} of {country!r}; the WIOD 2016 industries are "
                f"{describe(WIOD2016_INDUSTRIES)}"
            )
    bottom = bottom_row_positions(
        economies, g.row_code[n:], n, BOTTOM_ROWS, TOTAL, f"{p} (year {y})"
    )

    nf = len(WIOD2016_FINAL)
    expected_cols = (
        [(c, i) for c in economies for i in WIOD2016_INDUSTRIES]
        + [(c, f) for c in economies for f in WIOD2016_FINAL]
        + [(TOTAL, "GO")]
    )
    found_cols = list(zip(g.col_country, g.col_code, strict=True))
    k = first_mismatch([f"{c} {i}" for c, i in found_cols], [f"{c} {i}" for c, i in expected_cols])
    if k is not None:
        got = " ".join(found_cols[k]) if k < len(found_cols) else "nothing (the columns end)"
        raise DataError(
            f"{p} (year {y}): column {k + 1} of the values is {got!r} where the release has "
            f"{' '.join(expected_cols[k])!r}: intermediate use of the {len(economies)} "
            f"economies of the rows, then their final use ({', '.join(WIOD2016_FINAL)}), then "
            "the total; the file is incomplete or laid out otherwise"
        )
    m = n  # intermediate use: one column per country-industry row
    v = g.values
    Z = v[:n, :m]
    F = v[:n, m : m + nf * len(economies)]
    published = v[:n, -1]
    labels = [f"{c} {i}" for c in economies for i in WIOD2016_INDUSTRIES]
    x = Z.sum(axis=1) + F.sum(axis=1)
    check_sum(
        p,
        y,
        x,
        published,
        labels,
        "intermediate plus final use (the row total) and the total output column GO",
    )
    go_row = v[bottom["GO"], :m]
    check_sum(p, y, go_row, published, labels, "the gross output row GO and column GO")
    inputs = Z.sum(axis=0) + v[[bottom[r] for r in VALUE_ADDED_ROWS], :m].sum(axis=0)
    check_sum(
        p,
        y,
        inputs,
        go_row,
        labels,
        "intermediate inputs plus the rows "
        + ", ".join(VALUE_ADDED_ROWS)
        + " (the column total) and the gross output row GO",
    )
    return IOTable(
        Z=Z,
        F=F,
        x=x,
        countries=tuple(economies),
        industries=WIOD2016_INDUSTRIES,
        final_categories=WIOD2016_FINAL,
        year=y,
        source=p.name,
    )
