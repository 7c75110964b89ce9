"""Reader for the OECD Inter-Country Input-Output (ICIO) tables, 2021 and 2023 editions, as
the OECD releases them (one CSV file per year).

OECD (2021, 2023), "OECD Inter-Country Input-Output Database",
http://oe.cd/icio; the layout below is the one of the files and of the ReadMe workbooks
that come with them.

2021 edition, ``ICIO2021_{year}.csv`` (1995-2018)
    66 economies and the rest of the world (``ROW``), 45 industries of ISIC Rev. 4 coded
    without section letters (``01T02``, ``26``, ``64T66``); labels join economy and code,
    ``KOR_26``. After the economies' rows and columns come those of the split economies
    ``MX1``, ``MX2`` (Mexico) and ``CN1``, ``CN2`` (China), which have no final demand of
    their own. Then the final-demand columns of each economy, ``{economy}_HFCE``,
    ``_NPISH``, ``_GGFC``, ``_GFCF``, ``_INVNT``, ``_DPABR``, and the total column
    ``TOTAL``. Below the country-industry rows: one ``{economy}_TAXSUB`` row per economy
    (taxes less subsidies on products), ``VALU`` (value added) and ``OUTPUT``.

2023 edition, ``{year}.csv`` with the splits and ``{year}_SML.csv`` without (1995-2020)
    76 economies and ``ROW``, 45 industries coded with section letters (``A01_02``,
    ``C10T12``, ``J61``, ``K``); the same six final-demand columns per economy; the total
    column ``OUT``; below the country-industry rows ``TLS`` (taxes less subsidies), ``VA``
    and ``OUT``.

Split economies are summed back into their economy (rows and columns of ``MX1``, ``MX2``
into ``MEX``, of ``CN1``, ``CN2`` into ``CHN``), as pymrio's parser and the exvatools
package do, so every edition and file gives one table of its economies. The edition is told
from the layout (the total column ``TOTAL`` or ``OUT``, the industry codes) and must agree
with the file's name.

The layout was checked against the parsers that read these files: pymrio's ``parse_oecd``
(``pymrio.tools.ioparser``: total columns ``OUT``/``TOTAL``, total rows ``OUT``/``OUTPUT``,
factor rows ``TLS``, ``VA``, ``VALU``, ``*TAXSUB``, final demand by the suffixes above, read
here also where spelled ``_NPS``, ``_DIRP`` or ``_DIRPA`` as that parser allows, labels
split at the first underscore, ``MX``/``CN`` splits summed into ``MEX``/``CHN``; the 2023
names as fixed for pymrio issue 157, "OECD v2023 Final demand is not parsed correctly") and
the ``extract_icio`` function of the R package exvatools (2021 edition: 67 economies, the
splits ``MX1``, ``MX2``, ``CN1``, ``CN2`` after them, 45 industries, six final-demand
categories per economy).

pymrio's ``parse_oecd`` reads both editions' values correctly, but this reader parses the
file itself, because ``parse_oecd``

* drops the published totals (the ``TOTAL``/``OUT`` column and the ``OUTPUT``/``OUT`` row)
  before anything can be checked against them, and reads a file cut short, or a row that
  lost its last cells, without complaint (empty cells become zeros);
* orders economies and industries alphabetically (it selects rows and columns with
  ``Index.difference``), so ``ROW`` falls between ``ROU`` and ``RUS`` and the industries
  leave the published order;
* builds the table through label-aligned pandas operations that copy the whole table
  several times, where one pass over the numbers suffices.

pymrio is used in the tests as a second reader of the same files.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from servmodel.errors import DataError, UsageError
from servmodel.io._release import (
    check_sum,
    describe,
    first_mismatch,
    missing_or_special,
    year_in_name,
)
from servmodel.io.table import IOTable

ICIO_EDITIONS: tuple[str, ...] = ("icio2021", "icio2023")
ICIO_FINAL: tuple[str, ...] = ("HFCE", "NPISH", "GGFC", "GFCF", "INVNT", "DPABR")
# other spellings of two final-demand suffixes that pymrio's parser also accepts; read as
# the names above
FINAL_ALIASES: dict[str, str] = {"NPS": "NPISH", "DIRP": "DPABR", "DIRPA": "DPABR"}
ICIO_INDUSTRIES: dict[str, tuple[str, ...]] = {
    "icio2021": (
        "01T02",
        "03",
        "05T06",
        "07T08",
        "09",
        "10T12",
        "13T15",
        "16",
        "17T18",
        "19",
        "20",
        "21",
        "22",
        "23",
        "24",
        "25",
        "26",
        "27",
        "28",
        "29",
        "30",
        "31T33",
        "35",
        "36T39",
        "41T43",
        "45T47",
        "49",
        "50",
        "51",
        "52",
        "53",
        "55T56",
        "58T60",
        "61",
        "62T63",
        "64T66",
        "68",
        "69T75",
        "77T82",
        "84",
        "85",
        "86T88",
        "90T93",
        "94T96",
        "97T98",
    ),
    "icio2023": (
        "A01_02",
        "A03",
        "B05_06",
        "B07_08",
        "B09",
        "C10T12",
        "C13T15",
        "C16",
        "C17_18",
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
        "C31T33",
        "D",
        "E",
        "F",
        "G",
        "H49",
        "H50",
        "H51",
        "H52",
        "H53",
        "I",
        "J58T60",
        "J61",
        "J62_63",
        "K",
        "L",
        "M",
        "N",
        "O",
        "P",
        "Q",
        "R",
        "S",
        "T",
    ),
}
EDITION_NAMES: dict[str, str] = {
    "icio2021": "OECD ICIO 2021 edition",
    "icio2023": "OECD ICIO 2023 edition",
}
REST_OF_WORLD = "ROW"
# split economies and the economy each is summed into
SPLITS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^MX\d+$"), "MEX"),
    (re.compile(r"^CN\d+$"), "CHN"),
)


@dataclass(frozen=True)
class _Layout:
    """What tells an edition's file apart: its total column, output and value-added rows."""

    total_column: str
    output_row: str
    value_added_rows: tuple[str, ...]  # exact labels summed with the taxes into output
    tax_suffix: str | None  # "_TAXSUB": one taxes row per economy, summed too
    names: re.Pattern[str]  # the file names of the edition, the year as group 1
    example: str


_LAYOUTS: dict[str, _Layout] = {
    "icio2021": _Layout(
        "TOTAL",
        "OUTPUT",
        ("VALU",),
        "_TAXSUB",
        re.compile(r"^ICIO2021_(\d{4})\.csv$", re.I),
        "ICIO2021_{year}.csv",
    ),
    "icio2023": _Layout(
        "OUT",
        "OUT",
        ("TLS", "VA"),
        None,
        re.compile(r"^(\d{4})(?:_SML)?\.csv$", re.I),
        "{year}.csv",
    ),
}


def icio_edition_of_name(name: str) -> str | None:
    """The edition whose file names ``name`` follows (``ICIO2021_2015.csv`` ->
    ``"icio2021"``, ``2015_SML.csv`` -> ``"icio2023"``), or ``None``."""
    return next((e for e, lay in _LAYOUTS.items() if lay.names.match(name)), None)


def icio_files(
    path: str | os.PathLike[str], years: Sequence[int] | None = None
) -> tuple[str, dict[int, Path]]:
    """The edition and the yearly files of an ICIO directory (or of one file).

    Parameters
    ----------
    path
        A directory holding ``ICIO2021_{year}.csv`` or ``{year}.csv`` / ``{year}_SML.csv``
        files, or one such file. For a year with both a ``{year}.csv`` and a
        ``{year}_SML.csv``, the smaller ``_SML`` file is read (the splits of the other are
        summed into the same table).
    years
        Years wanted; without them every year found.

    Returns
    -------
    tuple
        The edition (``"icio2021"`` or ``"icio2023"``) and the files by year. For one file
        whose name is not the publisher's, the edition comes from its layout.

    Raises
    ------
    DataError
        Nothing of an ICIO edition found, files of two editions in one directory, or a
        wanted year missing.
    """
    p = Path(path)
    if p.is_file():
        edition = icio_edition_of_name(p.name) or _layout_of(p, _header(p))
        y = _year_of(p, edition)
        if years is not None and list(years) != [y]:
            raise DataError(f"{p}: holds the table of {y}, not of {', '.join(map(str, years))}")
        return edition, {y: p}
    if not p.is_dir():
        raise DataError(
            f"{p}: {missing_or_special(p)}; give an ICIO CSV file or the "
            "directory of an edition's yearly files (ICIO2021_YYYY.csv, "
            "YYYY.csv or YYYY_SML.csv)"
        )
    by_edition: dict[str, dict[int, Path]] = {}
    for f in sorted(p.iterdir()):
        named = icio_edition_of_name(f.name)
        if named is None or not f.is_file():
            continue
        y = int(_LAYOUTS[named].names.match(f.name).group(1))  # type: ignore[union-attr]
        files = by_edition.setdefault(named, {})
        if y not in files or f.stem.upper().endswith("_SML"):
            files[y] = f
    if not by_edition:
        raise DataError(
            f"{p}: holds no OECD ICIO table; the 2021 edition's files are named "
            "ICIO2021_YYYY.csv, the 2023 edition's YYYY.csv and YYYY_SML.csv "
            "(unpack the downloaded archives first)"
        )
    if len(by_edition) > 1:
        examples = [next(iter(f.values())).name for f in by_edition.values()]
        raise DataError(
            f"{p}: holds files of two ICIO editions ({', '.join(examples)}); "
            "point to one edition's directory or file"
        )
    ((edition, found),) = by_edition.items()
    if years is None:
        return edition, dict(sorted(found.items()))
    missing = [y for y in years if y not in found]
    if missing:
        raise DataError(
            f"{p}: no file for {missing[0]} "
            f"({_LAYOUTS[edition].example.format(year=missing[0])}); the directory holds "
            f"{', '.join(map(str, sorted(found)))}"
        )
    return edition, {y: found[y] for y in years}


def iter_icio(
    path: str | os.PathLike[str], years: Iterable[int] | None = None
) -> Iterator[IOTable]:
    """Yield the tables of an ICIO directory or file one year at a time (see
    :func:`icio_files`)."""
    edition, files = icio_files(path, None if years is None else list(years))
    for y, f in files.items():
        yield read_icio_file(f, y, edition)


def read_icio_file(
    path: str | os.PathLike[str], year: int | None = None, edition: str | None = None
) -> IOTable:
    """Read one year's ICIO table.

    Parameters
    ----------
    path
        ``ICIO2021_{year}.csv``, ``{year}.csv`` or ``{year}_SML.csv`` as downloaded.
    year
        The table's year, when the file name does not carry it.
    edition
        ``"icio2021"`` or ``"icio2023"``, when known; it must match the file's layout.

    Returns
    -------
    IOTable
        The economies (``ROW`` last) x 45 industries, split economies summed into theirs,
        final demand in the six categories ``HFCE``, ``NPISH``, ``GGFC``, ``GFCF``,
        ``INVNT``, ``DPABR``.

    Raises
    ------
    UsageError
        ``path`` is not a path or ``edition`` is not an ICIO edition.
    DataError
        The file is missing, cut short or damaged, of another edition or laid out
        otherwise, its labels are not the edition's, or its values do not add up to the
        published totals.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise UsageError(f"an ICIO table must be a file path, not {type(path).__name__}")
    if edition is not None and edition not in _LAYOUTS:
        raise UsageError(f"ICIO edition {edition!r}: use one of {', '.join(ICIO_EDITIONS)}")
    p = Path(path)
    if not p.is_file():
        raise DataError(f"{p}: no such file")
    header = _header(p)
    layout_edition = _layout_of(p, header)
    named = icio_edition_of_name(p.name)
    for claimed in (named, edition):
        if claimed is not None and claimed != layout_edition:
            raise DataError(
                f"{p}: named or given as the {EDITION_NAMES[claimed]} but laid out as the "
                f"{EDITION_NAMES[layout_edition]} (its last column is "
                f"{header[-1]!r}); is it a file of another edition?"
            )
    y = int(year) if year is not None else _year_of(p, layout_edition)
    labels, values = _read_values(p, header)
    return _assemble(p, y, layout_edition, header, labels, values)


def _header(p: Path) -> list[str]:
    """The column labels of the file's first line."""
    try:
        with open(p, newline="", encoding="utf-8-sig") as handle:
            header = next(csv.reader(handle), [])
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DataError(f"{p}: cannot be read as a CSV file ({exc}); is it an ICIO table?") from exc
    return [h.strip() for h in header]


def _layout_of(p: Path, header: list[str]) -> str:
    """The edition whose layout the header follows."""
    last = header[-1] if header else ""
    for edition, layout in _LAYOUTS.items():
        if last == layout.total_column:
            return edition
    raise DataError(
        f"{p}: not laid out as an OECD ICIO table: its last column is {last!r}, where the "
        "2021 edition has TOTAL and the 2023 edition OUT"
    )


def _year_of(p: Path, edition: str) -> int:
    match = _LAYOUTS[edition].names.match(p.name)
    y = int(match.group(1)) if match else year_in_name(p.name)
    if y is None:
        raise DataError(
            f"{p}: the file name carries no year; keep the publisher's name "
            f"({_LAYOUTS[edition].example.format(year='YYYY')}) or give the year"
        )
    return y


def _read_values(p: Path, header: list[str]) -> tuple[list[str], np.ndarray]:
    """Row labels and the values of every column after the first, read in one pass.

    The file is parsed by Arrow's CSV reader (every value column as float64, so a text
    cell or a row with missing cells is an error rather than a zero); an empty cell is
    zero, as in pymrio's parser.
    """
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    names = [f"c{k}" for k in range(len(header))]
    try:
        table = pa_csv.read_csv(
            p,
            read_options=pa_csv.ReadOptions(skip_rows=1, column_names=names, block_size=1 << 24),
            convert_options=pa_csv.ConvertOptions(
                column_types={"c0": pa.string(), **{n: pa.float64() for n in names[1:]}},
                strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, OSError) as exc:
        message = " ".join(str(exc).split())
        col = re.search(r"CSV column #(\d+)", message)
        where = f" (column {header[int(col.group(1))]!r})" if col else ""
        raise DataError(
            f"{p}: cannot be read as an ICIO table{where}: {message[:240]}; the "
            "file may be incomplete or damaged, download it again"
        ) from exc
    labels = [("" if v is None else str(v).strip()) for v in table.column(0).to_pylist()]
    values = np.empty((table.num_rows, len(names) - 1), dtype=np.float64, order="F")
    for k in range(1, len(names)):
        column = table.column(k)
        values[:, k - 1] = column.to_numpy(zero_copy_only=False)
        if column.null_count:  # empty cells
            np.nan_to_num(values[:, k - 1], copy=False, nan=0.0, posinf=np.inf, neginf=-np.inf)
    del table
    return labels, values


def _final_name(label: str) -> str:
    """``MEX_DIRP`` -> ``MEX_DPABR`` (see :data:`FINAL_ALIASES`); other labels unchanged."""
    economy, sep, code = label.rpartition("_")
    return f"{economy}_{FINAL_ALIASES[code]}" if sep and code in FINAL_ALIASES else label


def _split_label(label: str) -> tuple[str, str]:
    economy, _, code = label.partition("_")
    return economy, code


def _parent(economy: str) -> str | None:
    return next((parent for pattern, parent in SPLITS if pattern.match(economy)), None)


def _assemble(
    p: Path, y: int, edition: str, header: list[str], labels: list[str], values: np.ndarray
) -> IOTable:
    """Check the file's layout, sum the split economies and build the :class:`IOTable`."""
    layout = _LAYOUTS[edition]
    industries = ICIO_INDUSTRIES[edition]
    ni = len(industries)
    bottom_labels = {layout.output_row, *layout.value_added_rows}

    def is_bottom(label: str) -> bool:
        return label in bottom_labels or bool(
            layout.tax_suffix and label.endswith(layout.tax_suffix)
        )

    n_file = next((k for k, lab in enumerate(labels) if is_bottom(lab)), len(labels))
    if n_file == 0 or n_file % ni:
        raise DataError(
            f"{p} (year {y}): {n_file} country-industry rows before the rows "
            f"{', '.join(sorted(bottom_labels))}; the {EDITION_NAMES[edition]} has "
            f"{ni} industries per economy (the file may be incomplete)"
        )
    row_labels = labels[:n_file]
    file_economies = []
    for start in range(0, n_file, ni):
        block = [_split_label(lab) for lab in row_labels[start : start + ni]]
        economy = block[0][0]
        codes = [code for _, code in block]
        k = first_mismatch(codes, industries)
        if k is not None or any(e != economy for e, _ in block):
            k = k or 0
            raise DataError(
                f"{p} (year {y}): row {start + k + 2} is labelled "
                f"{row_labels[start + k]!r} where the {EDITION_NAMES[edition]} has "
                f"{economy}_{industries[k]}; its industries are {describe(industries)}"
                f"{_other_edition(codes, edition)}"
            )
        file_economies.append(economy)
    if len(set(file_economies)) != len(file_economies):
        twice = next(e for e in file_economies if file_economies.count(e) > 1)
        raise DataError(f"{p} (year {y}): economy {twice!r} has two blocks of rows")
    economies = [e for e in file_economies if _parent(e) is None]
    for e in file_economies:
        parent = _parent(e)
        if parent is not None and parent not in economies:
            raise DataError(
                f"{p} (year {y}): the split economy {e!r} has no {parent!r} to be summed into"
            )

    fd_labels = [f"{e}_{f}" for e in economies for f in ICIO_FINAL]
    expected = [*row_labels, *fd_labels, layout.total_column]
    found = [_final_name(lab) for lab in header[1:]]
    k = first_mismatch(found, expected)
    if k is not None:
        got = repr(found[k]) if k < len(found) else "nothing (the header ends)"
        raise DataError(
            f"{p} (year {y}): column {k + 2} is {got} where the {EDITION_NAMES[edition]} has "
            f"{expected[k]!r}: the country-industries in the order of the rows, then each "
            f"economy's final demand ({', '.join(ICIO_FINAL)}), then "
            f"{layout.total_column}; the file is incomplete or laid out otherwise"
        )
    below = labels[n_file:]
    missing = [b for b in (*layout.value_added_rows, layout.output_row) if b not in below]
    if layout.tax_suffix and not any(lab.endswith(layout.tax_suffix) for lab in below):
        missing.insert(0, f"*{layout.tax_suffix}")
    if missing:
        raise DataError(
            f"{p} (year {y}): the rows {', '.join(missing)} are missing below the "
            "country-industry rows; the file is incomplete, download it again"
        )

    split = [_parent(e) is not None for e in file_economies]
    if split != sorted(split):  # a split economy before an economy: put the splits last
        blocks = [b for b, s in enumerate(split) if not s] + [b for b, s in enumerate(split) if s]
        index = np.concatenate([np.arange(b * ni, (b + 1) * ni) for b in blocks])
        values = values[
            np.ix_(np.r_[index, n_file : values.shape[0]], np.r_[index, n_file : values.shape[1]])
        ]
        file_economies = [file_economies[b] for b in blocks]
    # each file block of rows (and columns) and the block of the table it is summed into
    position = {e: k for k, e in enumerate(economies)}
    target = [position[_parent(e) or e] for e in file_economies]
    Z, F, published, bottom_z = _sum_splits(values, target, ni, n_file, len(fd_labels))

    table_labels = [f"{e} {i}" for e in economies for i in industries]
    x = Z.sum(axis=1) + F.sum(axis=1)
    check_sum(
        p,
        y,
        x,
        published,
        table_labels,
        "intermediate plus final demand (the row "
        f"total) and the total column {layout.total_column}",
    )
    output = bottom_z[below.index(layout.output_row)]
    check_sum(
        p,
        y,
        output,
        published,
        table_labels,
        f"the output row {layout.output_row} and the total column {layout.total_column}",
    )
    added = [
        k
        for k, lab in enumerate(below)
        if lab in layout.value_added_rows or (layout.tax_suffix and lab.endswith(layout.tax_suffix))
    ]
    inputs = Z.sum(axis=0) + bottom_z[added].sum(axis=0)
    taxes = "the *_TAXSUB rows" if layout.tax_suffix else ""
    check_sum(
        p,
        y,
        inputs,
        output,
        table_labels,
        "intermediate inputs plus "
        + " and ".join(filter(None, [taxes, ", ".join(layout.value_added_rows)]))
        + f" (the column total) and the output row {layout.output_row}",
    )
    return IOTable(
        Z=Z,
        F=F,
        x=x,
        countries=tuple(economies),
        industries=industries,
        final_categories=ICIO_FINAL,
        year=y,
        source=p.name,
    )


def _sum_splits(
    values: np.ndarray, target: list[int], ni: int, n_file: int, n_final: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Intermediate use, final demand, the total column and the bottom rows' intermediate
    part, with each file block of ``ni`` rows and columns summed into block ``target[b]``.

    The economies come first, in their own order, and the split economies after them (as
    in the files), so the table is the file's leading blocks, to which each split block is
    added in place (``values`` is the reader's own array): one pass over the values, no
    copy of the table.
    """
    g = len(set(target))  # the economies: blocks 0 .. g-1, each its own target
    n = g * ni
    splits = [(b, t) for b, t in enumerate(target) if b >= g]
    Z = values[:n, :n]  # views: the sums below write only into these blocks
    F = values[:n, n_file : n_file + n_final]
    published = values[:n, -1]
    bottom_z = values[n_file:, :n]
    for b, t in splits:
        rb, rt = slice(b * ni, (b + 1) * ni), slice(t * ni, (t + 1) * ni)
        Z[rt] += values[rb, :n]  # the split's sales to the economies
        Z[:, rt] += values[:n, rb]  # the economies' sales to the split
        for b2, t2 in splits:  # sales between split economies
            Z[rt, t2 * ni : (t2 + 1) * ni] += values[rb, b2 * ni : (b2 + 1) * ni]
        F[rt] += values[rb, n_file : n_file + n_final]
        published[rt] += values[rb, -1]
        bottom_z[:, rt] += values[n_file:, rb]
    return Z, F, published, bottom_z


def _other_edition(codes: list[str], edition: str) -> str:
    """``; these are the codes of the 2023 edition`` when the codes are another edition's."""
    for other, known in ICIO_INDUSTRIES.items():
        if other != edition and list(codes) == list(known):
            return f"; these are the codes of the {EDITION_NAMES[other]}"
    return ""
