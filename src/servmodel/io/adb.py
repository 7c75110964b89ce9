"""Reader for the Asian Development Bank's multiregional input-output (ADB MRIO) tables, as
the ADB releases them (one Excel workbook per year, 35 industries, 62 or 72 economies and
the rest of the world).

Asian Development Bank, "ADB Multiregional Input-Output Database",
https://kidb.adb.org/mrio. The 35 industries are those of the WIOD 2013 release (ISIC Rev. 3,
``c1`` ... ``c35``), so the embedded WIOD classification applies to them.

Layout of the table sheet (``ADB MRIO {year}``; the workbook may hold other sheets, such as
a legend, and then the sheet so named is read, else the first):

* rows 1-3: titles (``Multiregional Input-Output Table {year}``, the number of economies,
  the unit);
* row 4: column numbers (``0001`` ...), row 5: labels (the industry names), row 6: the
  economy of each column, row 7: its code, ``c1`` ... ``c35`` for intermediate use and
  ``F1`` ... ``F5`` for each economy's final demand (household, non-profit and government
  consumption, gross fixed capital formation, inventories), followed by the total column;
* from row 8: one row per country-industry, column B its label, C the economy, D the
  industry code; the values start in column E;
* below them, under the economy ``ToT``, the rows ``r60`` (total intermediate inputs),
  ``r99``, ``r61`` ... ``r64`` (taxes, margins, purchases by residents abroad and by
  non-residents, value added at basic prices), ``trs`` (international transport margins)
  and ``r69`` (total inputs, gross output); a footnote may follow. Some empty cells hold a
  single space, read as zero.

The ADB names economies with codes of its own where they differ from ISO 3166 (``PRC``
China, ``TAP`` Taipei,China, ``GER``, ``UKG``, ``INO`` and others); they are mapped to
ISO-3 codes (:data:`ADB_TO_ISO3`, the ADB's codes as listed by the R package mrio of K.
Reyes and in ``data/rev4/adb_country_codes.csv``), so that country information keyed by ISO
codes applies; the rest of the world, ``RoW``, becomes ``ROW``.

The layout was checked against the parsers that read these files: the ``check`` function of
the R package mrio (K. Reyes, ``ksreyes/mrio``), which reads the values from cell E8 and
finds the economies as (columns - 1) / (35 + 5), with the eight rows ``r60`` ... ``r69``
below the country-industries (value added the six between ``r60`` and ``r69``) and final
demand in five columns per economy; the processing scripts of the same author
(``ksreyes/mrio-processing``: five header rows skipped, two header rows of economies and
codes, a footnote row dropped, single-space cells set to zero); a screenshot of the 2022
table in that repository, which shows the title rows, the column numbers, labels, economy and
code rows and the label, economy and code columns described above; and the R script of
``BallavBabu/adb-mrio-current-panel``, which reads sheets named ``ADB MRIO {year}`` (values
E8 onwards, value-added rows directly below the 2,205 country-industry rows of a
63-economy table, output in the column after final demand).

Gross output is the row total (intermediate plus final use) and is checked against the total
column and the ``r69`` row. Reading needs ``python-calamine`` (``pip install
'servmodel[adb]'``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import MappingProxyType

from servmodel.errors import DataError, UsageError
from servmodel.io._release import (
    bottom_row_positions,
    check_sum,
    column_name,
    describe,
    first_mismatch,
    missing_or_special,
    numeric_block,
    read_sheet,
    text,
    year_in_name,
)
from servmodel.io.table import IOTable

EXTRA = "adb"
WHAT = "ADB MRIO table"
ADB_INDUSTRIES: tuple[str, ...] = tuple(f"c{k}" for k in range(1, 36))
ADB_FINAL: tuple[str, ...] = ("F1", "F2", "F3", "F4", "F5")
TOTAL = "ToT"
REST_OF_WORLD = "ROW"
BOTTOM_ROWS: tuple[str, ...] = ("r60", "r99", "r61", "r62", "r63", "r64", "trs", "r69")
# with a column's intermediate inputs, these make up its total input r69 (r60 is the
# intermediate inputs' own total)
VALUE_ADDED_ROWS: tuple[str, ...] = ("r99", "r61", "r62", "r63", "r64", "trs")
# the ADB's economy codes that are not ISO 3166 alpha-3 codes, for the 72 economies of the
# current release (the others are ISO codes already)
ADB_TO_ISO3: MappingProxyType[str, str] = MappingProxyType(
    {
        "BAN": "BGD",
        "BHU": "BTN",
        "BRU": "BRN",
        "CAM": "KHM",
        "DEN": "DNK",
        "FIJ": "FJI",
        "GER": "DEU",
        "INO": "IDN",
        "IRE": "IRL",
        "KUW": "KWT",
        "MAL": "MYS",
        "MLD": "MDV",
        "MON": "MNG",
        "NEP": "NPL",
        "NET": "NLD",
        "PHI": "PHL",
        "POR": "PRT",
        "PRC": "CHN",
        "ROM": "ROU",
        "SIN": "SGP",
        "SPA": "ESP",
        "SRI": "LKA",
        "SWI": "CHE",
        "TAP": "TWN",
        "UAE": "ARE",
        "UKG": "GBR",
        "VIE": "VNM",
    }
)
_SHEET = re.compile(r"^ADB\s*MRIO\b.*?((?:19|20)\d\d)", re.I)
_CODE_ROW, _COUNTRY_ROW, _FIRST_ROW, _FIRST_COL = 6, 5, 7, 4
_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls")


def iso3(code: str) -> str:
    """The ISO-3 code of an ADB economy code (``PRC`` -> ``CHN``); the rest of the world,
    ``RoW``, is ``ROW``; other codes are returned as they are."""
    if code.upper() == "ROW":
        return REST_OF_WORLD
    return ADB_TO_ISO3.get(code, code)


def adb_files(path: str | os.PathLike[str], years: Sequence[int] | None = None) -> dict[int, Path]:
    """The ADB MRIO workbooks at ``path`` (one file, or a directory of them), by year.

    A workbook's year is the first four-digit year in its name (``ADB-MRIO-2022.xlsx``),
    which must be the year its sheet holds; a file given alone is read whatever its name
    (keyed 0 here; its year comes from its sheet, title or name when read).

    Raises
    ------
    DataError
        No workbook found, two workbooks of one year, or a wanted year missing.
    """
    p = Path(path)
    if p.is_file():
        return {0: p}
    if not p.is_dir():
        raise DataError(
            f"{p}: {missing_or_special(p)}; give an ADB MRIO workbook (.xlsx) or "
            "a directory of them"
        )
    found: dict[int, Path] = {}
    for f in sorted(p.iterdir()):
        y = year_in_name(f.name, last=False)
        if (
            f.is_file()
            and f.suffix.lower() in _SUFFIXES
            and y is not None
            and "mrio" in f.name.lower()
            and not f.name.startswith("~$")
        ):
            if y in found:
                raise DataError(f"{p}: two workbooks for {y} ({found[y].name}, {f.name}); keep one")
            found[y] = f
    if not found:
        raise DataError(
            f"{p}: holds no ADB MRIO workbook (an .xlsx file with MRIO and its year in the name)"
        )
    if years is None:
        return dict(sorted(found.items()))
    missing = [y for y in years if y not in found]
    if missing:
        raise DataError(
            f"{p}: no workbook for {missing[0]}; the directory holds "
            f"{', '.join(map(str, sorted(found)))}"
        )
    return {y: found[y] for y in years}


def iter_adb(path: str | os.PathLike[str], years: Iterable[int] | None = None) -> Iterator[IOTable]:
    """Yield the tables of an ADB MRIO workbook or directory one year at a time."""
    wanted = None if years is None else list(years)
    files = adb_files(path, None if Path(path).is_file() else wanted)
    for key, f in files.items():
        yield read_adb_year(f, key, wanted)


def read_adb_year(path: Path, key: int, wanted: Sequence[int] | None) -> IOTable:
    """Read a workbook found by :func:`adb_files` under ``key`` (its name's year, 0 for a
    file given alone) and check that it holds that year, and one of ``wanted``."""
    table = read_adb_file(path)
    if key and table.year != key:
        raise DataError(
            f"{path}: named for {key}, but it holds the table of {table.year}; "
            "rename it after its year"
        )
    if wanted is not None and table.year not in wanted:
        raise DataError(
            f"{path}: holds the table of {table.year}, not of {', '.join(map(str, wanted))}"
        )
    return table


def read_adb_file(path: str | os.PathLike[str], year: int | None = None) -> IOTable:
    """Read one ADB MRIO workbook.

    Parameters
    ----------
    path
        The workbook as downloaded (``.xlsx``).
    year
        The table's year, when neither the sheet name, the title nor the file name
        carries it.

    Returns
    -------
    IOTable
        The economies (ISO-3 codes, ``ROW`` last) x ``c1`` ... ``c35``, final demand in
        ``F1`` ... ``F5``.

    Raises
    ------
    UsageError
        python-calamine is not installed, or the path is not a path.
    DataError
        The file is missing, damaged, laid out otherwise, its labels are not the
        release's, or its values do not add up to the published totals.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise UsageError(f"an ADB MRIO table must be a file path, not {type(path).__name__}")
    p = Path(path)
    if not p.is_file():
        raise DataError(f"{p}: no such file")
    sheet, rows = read_sheet(p, WHAT, EXTRA, pick=_SHEET)
    if len(rows) <= _FIRST_ROW or len(rows[0]) <= _FIRST_COL:
        raise DataError(
            f"{p}: sheet {sheet!r} has {len(rows)} rows; an ADB MRIO table has "
            "seven header rows and the country-industry rows below them"
        )
    y = _year(p, sheet, rows, year)
    first_code = text(rows[_CODE_ROW][_FIRST_COL])
    if first_code != ADB_INDUSTRIES[0] or text(rows[_FIRST_ROW][3]) != ADB_INDUSTRIES[0]:
        raise DataError(
            f"{p}: not laid out as an ADB MRIO table: cell E7 (the first column's industry "
            f"code) holds {first_code!r} and cell D8 {text(rows[_FIRST_ROW][3])!r}, where the "
            f"release has {ADB_INDUSTRIES[0]!r}; is it a table of another release?"
        )

    body = rows[_FIRST_ROW:]
    codes = [text(r[3]) for r in body]
    countries = [text(r[2]) for r in body]
    ni = len(ADB_INDUSTRIES)
    n = next((k for k, c in enumerate(countries) if c == TOTAL or not c), len(body))
    if n == 0 or n % ni:
        raise DataError(
            f"{p} (year {y}): {n} country-industry rows before the rows under "
            f"{TOTAL}; the release has 35 industries per economy (the file may be "
            "incomplete)"
        )
    economies = countries[:n:ni]
    for e, economy in enumerate(economies):
        block = slice(e * ni, (e + 1) * ni)
        k = first_mismatch(codes[block], ADB_INDUSTRIES)
        if k is not None or set(countries[block]) != {economy}:
            k = k or 0
            r = _FIRST_ROW + e * ni + k
            raise DataError(
                f"{p} (year {y}): row {r + 1} is {countries[r - _FIRST_ROW]} "
                f"{codes[r - _FIRST_ROW]!r} where the release has {economy} "
                f"{ADB_INDUSTRIES[k]!r}; its industries are {describe(ADB_INDUSTRIES)}"
            )
    bottom = bottom_row_positions(
        economies, codes[n : n + len(BOTTOM_ROWS) + 8], n, BOTTOM_ROWS, TOTAL, f"{p} (year {y})"
    )

    nf = len(ADB_FINAL)
    # an economy's name may head its first column only (cells merged across its block)
    header_countries: list[str] = []
    for v in rows[_COUNTRY_ROW][_FIRST_COL:]:
        header_countries.append(text(v) or (header_countries[-1] if header_countries else ""))
    header = list(
        zip(header_countries, (text(v) for v in rows[_CODE_ROW][_FIRST_COL:]), strict=True)
    )
    expected = [(c, i) for c in economies for i in ADB_INDUSTRIES] + [
        (c, f) for c in economies for f in ADB_FINAL
    ]
    k = first_mismatch(
        [f"{c} {i}" for c, i in header[: len(expected)]], [f"{c} {i}" for c, i in expected]
    )
    if k is not None:
        got = " ".join(header[k]) if k < len(header) else "nothing (the columns end)"
        raise DataError(
            f"{p} (year {y}): column {column_name(_FIRST_COL + k)} is {got!r} "
            f"where the release has "
            f"{' '.join(expected[k])!r}: intermediate use of the {len(economies)} economies "
            f"of the rows, then their final demand ({', '.join(ADB_FINAL)}), then the total; "
            "the file is incomplete or laid out otherwise"
        )
    width = len(expected) + 1
    if len(header) < width:
        raise DataError(
            f"{p} (year {y}): no total column after the final demand; the file is incomplete"
        )
    values = numeric_block(rows, _FIRST_ROW, _FIRST_ROW + n, _FIRST_COL, _FIRST_COL + width, p)
    Z = values[:, :n]
    F = values[:, n : n + nf * len(economies)]
    published = values[:, -1]
    below_values = numeric_block(
        rows,
        _FIRST_ROW + bottom["r60"],
        _FIRST_ROW + bottom["r69"] + 1,
        _FIRST_COL,
        _FIRST_COL + n,
        p,
    )
    offsets = {code: bottom[code] - bottom["r60"] for code in BOTTOM_ROWS}
    labels = [f"{iso3(c)} {i}" for c in economies for i in ADB_INDUSTRIES]
    x = Z.sum(axis=1) + F.sum(axis=1)
    check_sum(
        p,
        y,
        x,
        published,
        labels,
        "intermediate plus final use (the row total) and the total column",
    )
    output = below_values[offsets["r69"]]
    check_sum(p, y, output, published, labels, "the total input row r69 and the total column")
    inputs = Z.sum(axis=0) + below_values[[offsets[r] for r in VALUE_ADDED_ROWS]].sum(axis=0)
    check_sum(
        p,
        y,
        inputs,
        output,
        labels,
        "intermediate inputs plus the rows "
        + ", ".join(VALUE_ADDED_ROWS)
        + " (the column total) and the total input row r69",
    )
    mapped = [iso3(e) for e in economies]
    if len(set(mapped)) != len(mapped):
        twice = next(c for c in mapped if mapped.count(c) > 1)
        raise DataError(f"{p} (year {y}): two economies map to the ISO code {twice!r}")
    return IOTable(
        Z=Z,
        F=F,
        x=x,
        countries=tuple(mapped),
        industries=ADB_INDUSTRIES,
        final_categories=ADB_FINAL,
        year=y,
        source=p.name,
    )


def _year(p: Path, sheet: str, rows: list[list[object]], given: int | None) -> int:
    """The table's year: given, else from the sheet name, the title row or the file name."""
    if given is not None:
        return int(given)
    for place in (sheet, text(rows[0][0]), p.name):
        y = year_in_name(place)
        if y is not None:
            return y
    raise DataError(
        f"{p}: neither the sheet name {sheet!r}, the title nor the file name "
        "carries the table's year; give the year"
    )
