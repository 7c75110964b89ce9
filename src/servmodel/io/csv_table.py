"""Reader for a user's own input-output table in servmodel's long CSV (or Parquet) format.

Format: one row per non-zero cell, with columns

===================  ============================================================
``supplier_country``  country (region) of the supplying industry
``supplier_industry`` supplying industry code
``user_country``      country (region) of the user
``user_industry``     using industry code, or a final-demand category code
``value``             flow, in any one currency unit
``year``              optional; without it, pass ``year=`` to the reader
===================  ============================================================

Industries are the codes that appear as ``supplier_industry``; a ``user_industry`` code that
never supplies is a final-demand category (reported in the log). Gross output is the row
total (intermediate plus final use), the accounting identity of a use table. A national
table is the case of one country. Cells that are absent are zero.

The file is read in chunks of about a million rows. Each key column becomes small integer
codes as it is read (each chunk's CSV text is factorized; Parquet text is read
dictionary-encoded), so the reader keeps about 13 bytes per cell (four codes, the value and a
year code) rather than four strings, and places the values into each year's dense tables by
code. Defects within a row (a blank key, a value that is not a finite number, a year that is
not a whole number) are reported for the first chunk that has one, as soon as it is read.
"""

from __future__ import annotations

import contextlib
import difflib
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Integral, Real
from pathlib import Path

import numpy as np
import pandas as pd

from servmodel._fileio import CHUNK_ROWS, iter_table, table_columns
from servmodel.errors import DataError, UsageError
from servmodel.io.table import IOTable

log = logging.getLogger(__name__)

KEY_COLUMNS = ("supplier_country", "supplier_industry", "user_country", "user_industry")
REQUIRED_COLUMNS = (*KEY_COLUMNS, "value")
WHAT = "input-output table"


def _line(index: int) -> int:
    """CSV line number of a data row (header is line 1)."""
    return int(index) + 2


def _rename_hint(missing: list[str], found: Sequence[str]) -> str:
    """``; rename usr_country to user_country`` for columns that look misspelt."""
    extra = [str(c) for c in found if c not in REQUIRED_COLUMNS and c != "year"]
    pairs = [
        (near[0], want)
        for want in missing
        if (near := difflib.get_close_matches(want, extra, n=1, cutoff=0.7))
    ]
    return "".join(f"; rename {have} to {want}" for have, want in pairs)


def _code_dtype(size: int) -> type[np.unsignedinteger]:
    """The smallest unsigned integer type that numbers ``size`` labels."""
    for kind in (np.uint8, np.uint16):
        if size <= np.iinfo(kind).max + 1:
            return kind
    return np.uint32


class _Codes:
    """Integer codes of one column's labels, numbered in order of first appearance.

    A chunk is looked up once per distinct label (its categories), never once per cell, so
    each label's text is held once however many rows carry it.
    """

    def __init__(self) -> None:
        self.labels: list[str] = []
        self._index: dict[str, int] = {}

    def encode(self, column: pd.Series) -> tuple[np.ndarray, int | None]:
        """Codes of the cells of ``column`` and the position of its first blank cell.

        A label is the cell's text with surrounding spaces removed; a missing or blank cell
        has no label, and then the codes are empty.
        """
        if isinstance(column.dtype, pd.CategoricalDtype):
            local = column.cat.codes.to_numpy()
            texts = column.cat.categories
        else:  # e.g. a Parquet column of numbers: codes are their text
            local, texts = pd.factorize(column)
        labels = [str(t).strip() for t in texts]
        # the extra last entry is what the code -1 of a missing cell picks
        blank = np.array([lab == "" for lab in labels] + [True])[local]
        if blank.any():
            return np.empty(0, dtype=np.uint8), int(np.flatnonzero(blank)[0])
        for k in pd.unique(local):  # new labels in order of first appearance
            if labels[k] not in self._index:
                self._index[labels[k]] = len(self.labels)
                self.labels.append(labels[k])
        # a dictionary entry no cell uses (Parquet) gets -1; no code points to it
        lut = np.array([self._index.get(lab, -1) for lab in labels], dtype=np.int64)
        return lut[local].astype(_code_dtype(len(self.labels))), None


@dataclass
class _Chunk:
    """The rows of one chunk as codes: ``offset`` is the file position of its first row."""

    offset: int
    codes: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
    value: np.ndarray
    year: np.ndarray | None  # year codes; None when the file has one year

    def rows(self, year: int) -> np.ndarray | slice:
        """Selector of this chunk's rows of year code ``year``."""
        return slice(None) if self.year is None else self.year == year

    def count(self, year: int) -> int:
        """Number of this chunk's rows of year code ``year``."""
        return len(self.value) if self.year is None else int(np.count_nonzero(self.year == year))


def _values(p: Path, column: pd.Series, offset: int) -> np.ndarray:
    """The values of a chunk as float64; ``DataError`` for text or non-finite numbers."""
    numbers = pd.to_numeric(column, errors="coerce")
    text = numbers.isna() & column.notna()
    if text.any():
        i = int(np.flatnonzero(text)[0])
        raise DataError(
            f"{p}: line {_line(offset + i)}: value {column.iloc[i]!r} is not a number; write "
            "plain numbers with a decimal point (no units, currency signs or thousands "
            "separators)"
        )
    values = numbers.to_numpy(dtype=np.float64, na_value=np.nan)
    bad = ~np.isfinite(values)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"{p}: line {_line(offset + i)}: value is {values[i]}; every value must be "
            "a finite number (write 0 or leave the cell out)"
        )
    return values


def _years(p: Path, column: pd.Series, offset: int) -> np.ndarray:
    """The years of a chunk as int64; ``DataError`` for one that is not a whole number."""
    years = pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    bad = ~np.isfinite(years) | (years != np.round(years))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"{p}: line {_line(offset + i)}: year {column.iloc[i]!r} is not a whole number"
        )
    return years.astype(np.int64)


def _read_chunks(
    p: Path, with_year: bool, chunk_rows: int
) -> tuple[list[_Chunk], tuple[_Codes, ...], list[int]]:
    """Read the file chunk by chunk into codes, checking each row as it comes.

    Returns the chunks, the codes of the four key columns and the years of the year column
    in order of first appearance (year code ``k`` is ``years[k]``).
    """
    columns = [*REQUIRED_COLUMNS, *(["year"] if with_year else [])]
    keys = tuple(_Codes() for _ in KEY_COLUMNS)
    years: dict[int, int] = {}
    chunks: list[_Chunk] = []
    offset = 0
    # CSV keys are read as text (pandas' categorical parsing would turn "01" into 1 and
    # "TRUE" into True); each chunk is then factorized, one hash pass per column
    frames = iter_table(
        p,
        columns,
        WHAT,
        dtype=dict.fromkeys(KEY_COLUMNS, str),
        literal=KEY_COLUMNS,
        dictionary=KEY_COLUMNS,
        rows=chunk_rows,
    )
    with contextlib.closing(frames):  # the file is closed at once on an error
        for frame in frames:
            codes = []
            for col, coder in zip(KEY_COLUMNS, keys, strict=True):
                coded, blank = coder.encode(frame[col])
                if blank is not None:
                    raise DataError(f"{p}: line {_line(offset + blank)}: empty {col}")
                codes.append(coded)
            value = _values(p, frame["value"], offset)
            year_codes = None
            if with_year:
                local, seen = pd.factorize(_years(p, frame["year"], offset))
                lut = np.array([years.setdefault(int(y), len(years)) for y in seen], dtype=np.int64)
                year_codes = lut[local].astype(_code_dtype(len(years)))
            chunks.append(
                _Chunk(offset, (codes[0], codes[1], codes[2], codes[3]), value, year_codes)
            )
            offset += len(frame)
            del frame  # the parsed chunk goes before the next is read
    return chunks, keys, list(years)


def _cell_keys(chunk: _Chunk, sizes: tuple[int, ...], rows: np.ndarray | slice) -> np.ndarray:
    """One int64 per row naming its cell (the four key codes in mixed radix)."""
    sc, si, uc, ui = (c[rows].astype(np.int64) for c in chunk.codes)
    return ((sc * sizes[1] + si) * sizes[2] + uc) * sizes[3] + ui


def _first_duplicate(
    chunks: list[_Chunk], sizes: tuple[int, ...], year: int
) -> tuple[int, int] | None:
    """File positions of the first and second rows of year code ``year`` that name one cell,
    for the earliest such second row; ``None`` when every cell appears once.

    A valid table has at most one row per cell of its dense tables, so marking cells in a
    boolean array (one byte per cell, an eighth of the float tables) finds duplicates in one
    pass; a sparse file with few rows for its many possible cells sorts cell keys instead.
    """
    space = int(np.prod(sizes, dtype=object))
    count = sum(c.count(year) for c in chunks)
    if space <= 16 * count + (1 << 24):
        seen = np.zeros(space, dtype=bool)
        for c in chunks:
            seen[_cell_keys(c, sizes, c.rows(year))] = True
        if int(np.count_nonzero(seen)) == count:
            return None
        del seen
    else:
        ordered = np.sort(np.concatenate([_cell_keys(c, sizes, c.rows(year)) for c in chunks]))
        if not (ordered[1:] == ordered[:-1]).any():
            return None
        del ordered
    # a duplicate exists: find its rows (only on the way to an error)
    keys = np.concatenate([_cell_keys(c, sizes, c.rows(year)) for c in chunks])
    where = np.concatenate([c.offset + np.arange(len(c.value))[c.rows(year)] for c in chunks])
    second = int(np.flatnonzero(pd.Series(keys).duplicated().to_numpy())[0])
    first = int(np.flatnonzero(keys == keys[second])[0])
    return int(where[first]), int(where[second])


def _row(chunks: list[_Chunk], position: int) -> tuple[_Chunk, int]:
    """The chunk holding file row ``position`` and the row's index within it."""
    starts = [c.offset for c in chunks]
    k = int(np.searchsorted(starts, position, side="right")) - 1
    return chunks[k], position - chunks[k].offset


def _whole(value: object) -> bool:
    """Whether ``value`` is an integer-valued number (``int(2000.5)`` would be 2000)."""
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, Integral):
        return True
    return isinstance(value, Real) and float(value).is_integer()


def read_io_long(
    path: str | os.PathLike[str],
    year: int | None = None,
    final_categories: tuple[str, ...] | None = None,
    *,
    chunk_rows: int = CHUNK_ROWS,
) -> list[IOTable]:
    """Read a long-format input-output table file into one :class:`IOTable` per year.

    Parameters
    ----------
    path
        CSV or Parquet file in the format described in this module.
    year
        Year of the table when the file has no ``year`` column.
    final_categories
        Final-demand category codes. When given, a ``user_industry`` that is neither an
        industry nor one of these is an error (catches misspelt codes).
    chunk_rows
        Rows read at a time; the memory of one chunk's parsing is bounded by it.

    Returns
    -------
    list of IOTable
        One table per year, in year order.

    Raises
    ------
    UsageError
        ``path`` is not a path, ``year`` is not a whole number or ``chunk_rows`` is not a
        positive whole number.
    DataError
        For a missing or misspelt column, a blank key, text or non-finite numbers in
        ``value``, a year that is not a whole number, negative intermediate flows, duplicate
        cells, or countries that supply but never use.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise UsageError(
            "input-output table must be a file path (str or pathlib.Path), not "
            f"{type(path).__name__} {path!r}"
        )
    if year is not None and not _whole(year):
        raise UsageError(f"year {year!r} is not a whole number; give the table's year, e.g. 2011")
    if not _whole(chunk_rows) or chunk_rows < 1:
        raise UsageError(f"chunk_rows {chunk_rows!r} must be a whole number >= 1")
    chunk_rows = int(chunk_rows)
    p = Path(path)
    found = table_columns(p, WHAT)
    missing = [c for c in REQUIRED_COLUMNS if c not in found]
    if missing:
        raise DataError(
            f"{p}: missing column(s) {', '.join(missing)}; the long IO format needs "
            f"{', '.join(REQUIRED_COLUMNS)} (and optionally year); found "
            f"{', '.join(found)}{_rename_hint(missing, found)}"
        )
    with_year = "year" in found
    if not with_year and year is None:
        raise DataError(f"{p}: no year column; add one or pass the table's year")
    chunks, keys, years = _read_chunks(p, with_year, chunk_rows)
    if sum(len(c.value) for c in chunks) == 0:
        raise DataError(f"{p}: has a header but no data rows")
    if not with_year:
        years = [int(year)]  # type: ignore[arg-type]  # checked above

    sizes = tuple(len(k.labels) for k in keys)
    if np.prod(sizes, dtype=object) >= 2**62:
        raise DataError(
            f"{p}: {sizes[0]} supplier countries, {sizes[1]} supplier industries, {sizes[2]} "
            f"user countries and {sizes[3]} user industries are too many codes for dense "
            "tables; check that the key columns hold codes, not free text"
        )
    found_dups = [
        (d, y) for y in range(len(years)) if (d := _first_duplicate(chunks, sizes, y)) is not None
    ]
    if found_dups:
        # the duplicate whose second row comes first in the file
        (first, second), y = min(found_dups, key=lambda item: item[0][1])
        chunk, i = _row(chunks, first)
        labels = [k.labels[int(c[i])] for k, c in zip(keys, chunk.codes, strict=True)]
        raise DataError(
            f"{p}: lines {_line(first)}, {_line(second)}: duplicate cell "
            f"{labels[0]} {labels[1]} -> {labels[2]} {labels[3]} (year {years[y]}); "
            "sum them into one row"
        )

    countries = tuple(keys[0].labels)
    users = set(keys[2].labels)
    only_supply = [c for c in countries if c not in users]
    only_use = sorted(users - set(countries))
    if only_supply:
        raise DataError(
            f"{p}: country {only_supply[0]!r} appears as supplier but never as user; add the rows "
            "where it is the user country (every country needs its own columns; a national table "
            "uses one country code throughout)"
        )
    if only_use:
        raise DataError(
            f"{p}: country {only_use[0]!r} appears as user but never as supplier; add its rows "
            "or recode it"
        )
    industries = tuple(keys[1].labels)
    fd = tuple(c for c in keys[3].labels if c not in set(industries))
    if final_categories is not None:
        unknown = [c for c in fd if c not in set(final_categories)]
        if unknown:
            raise DataError(
                f"{p}: user_industry {unknown[0]!r} is neither an industry nor a declared "
                f"final-demand category ({', '.join(final_categories)}); check its spelling"
            )
        fd = tuple(final_categories)
    elif fd:
        log.info("%s: final-demand categories taken from user_industry: %s", p.name, ", ".join(fd))

    # per user_industry code: intermediate or final use, and its position among either
    ii = {c: k for k, c in enumerate(industries)}
    fi = {c: k for k, c in enumerate(fd)}
    is_z = np.array([c in ii for c in keys[3].labels])
    u_pos = np.array([ii[c] if c in ii else fi[c] for c in keys[3].labels], dtype=np.intp)
    for chunk in chunks:
        negative = (chunk.value < 0) & is_z[chunk.codes[3]]
        if negative.any():
            i = int(np.flatnonzero(negative)[0])
            raise DataError(
                f"{p}: line {_line(chunk.offset + i)}: negative intermediate flow "
                f"{chunk.value[i]:g}; intermediate flows must be >= 0 (only final-demand "
                "inventory changes may be negative)"
            )

    ci = {c: k for k, c in enumerate(countries)}
    uc_pos = np.array([ci[c] for c in keys[2].labels], dtype=np.intp)
    stride = np.where(is_z, len(industries), len(fd))
    n, ni = len(countries) * len(industries), len(industries)
    order = sorted(range(len(years)), key=years.__getitem__)
    rank = np.argsort(order)  # year code -> position in year order
    # the last year each chunk holds: a chunk is let go once its years are built, so that
    # for a file sorted by year the later tables can reuse the memory of earlier rows
    last = [0 if c.year is None else int(rank[np.unique(c.year)].max()) for c in chunks]
    tables = []
    for done, y in enumerate(order):
        Z = np.zeros((n, n))
        F = np.zeros((n, len(countries) * len(fd)))
        for chunk in chunks:
            rows = chunk.rows(y)
            sc, si, uc, ui = (codes[rows] for codes in chunk.codes)
            supplier = sc.astype(np.intp) * ni + si  # supplier codes are table positions
            user = uc_pos[uc] * stride[ui] + u_pos[ui]
            z = is_z[ui]
            value = chunk.value[rows]
            # no cell repeats (checked above), so assignment is the sum of its one row
            Z[supplier[z], user[z]] = value[z]
            F[supplier[~z], user[~z]] = value[~z]
        x = Z.sum(axis=1) + F.sum(axis=1)
        tables.append(
            IOTable(
                Z=Z,
                F=F,
                x=x,
                countries=countries,
                industries=industries,
                final_categories=fd,
                year=years[y],
                source=p.name,
            )
        )
        del Z, F  # the table holds its own copies
        chunks = [c for c, end in zip(chunks, last, strict=True) if end > done]
        last = [end for end in last if end > done]
    return tables
