"""Published releases named as ``KIND:PATH``: which reader, which files, which years.

``--source`` (and ``source=`` of :func:`servmodel.intensity.panel_from_source`) takes, beside
``wiod2013`` and a long-format file, a publisher's release as downloaded:

=============  ================================================================
``wiod2016:``  a directory of the WIOD 2016 release's yearly files, Excel
               (``WIOT{year}_Nov16_ROW.xlsb``) or R (``WIOT{year}_October16_ROW.RData``),
               or one such file
``icio:``      a directory of one OECD ICIO edition's yearly CSV files, or one file;
               the edition (2021 or 2023) is told from the files
``adb:``       an ADB MRIO workbook (``.xlsx``), or a directory of them
=============  ================================================================

:func:`open_release` finds the files (and fails before any table is read when a year's
file is missing); :meth:`Release.tables` reads them one year at a time.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from servmodel.errors import DataError, UsageError
from servmodel.io import adb, icio, wiod2016
from servmodel.io._release import year_in_name
from servmodel.io.table import IOTable

KINDS = MappingProxyType(
    {
        "wiod2016": "a directory of WIOD 2016 files (WIOT{year}_Nov16_ROW.xlsb or "
        "WIOT{year}_October16_ROW.RData)",
        "icio": "an OECD ICIO directory or CSV file (ICIO2021_{year}.csv, {year}.csv, "
        "{year}_SML.csv)",
        "adb": "an ADB MRIO workbook (.xlsx) or a directory of them",
    }
)
_SOURCE = re.compile(r"^([A-Za-z][A-Za-z0-9_]+):(.*)$", re.S)


@dataclass(frozen=True)
class Release:
    """The files of one publisher's release that a source names.

    Attributes
    ----------
    kind
        ``wiod2016``, ``icio`` or ``adb``.
    edition
        ``wiod2016``, ``icio2021``, ``icio2023`` or ``adb``: what decides the industry
        classification.
    path
        The directory or file given.
    files
        The files by year (an ADB workbook given alone is keyed 0: its sheet gives the
        year when read).
    name
        The release in words, e.g. ``OECD ICIO 2023 edition``.
    rest_of_world
        The release's rest-of-the-world region, kept in the world Leontief inverse and left
        out of the panel.
    read
        Reads one file: ``read(path, key, years wanted)``.
    """

    kind: str
    edition: str
    path: Path
    files: dict[int, Path]
    name: str
    rest_of_world: str
    read: Callable[[Path, int, Sequence[int] | None], IOTable] = field(repr=False, compare=False)

    @property
    def label(self) -> str:
        """``OECD ICIO 2023 edition (/data/icio)``: the panel's ``source``."""
        return f"{self.name} ({self.path})"

    def tables(self, years: Sequence[int] | None = None) -> ReleaseTables:
        """The tables of ``years`` (all files when ``None``), read one at a time."""
        return ReleaseTables(self, years)


class ReleaseTables:
    """The tables of a release's files, read one year at a time, with their count."""

    def __init__(self, release: Release, years: Sequence[int] | None) -> None:
        self.release = release
        self.years = None if years is None else tuple(years)

    def __len__(self) -> int:
        return len(self.release.files)

    def __iter__(self) -> Iterator[IOTable]:
        for key, path in self.release.files.items():
            yield self.release.read(path, key, self.years)


def split_source(source: object) -> tuple[str, str] | None:
    """``("icio", "/data/icio")`` for ``"icio:/data/icio"``; ``None`` for anything that does
    not name a release (``wiod2013``, a file path, a path object, a drive letter such as
    ``C:\\``), and for an existing file whose name merely holds a colon."""
    if not isinstance(source, str):
        return None
    match = _SOURCE.match(source)
    if match is None or Path(source).exists():
        return None
    return match.group(1), match.group(2)


def open_release(source: str, years: Sequence[int] | None = None) -> Release:
    """The release that ``source`` (``KIND:PATH``) names, with the files of ``years``.

    Parameters
    ----------
    source
        ``wiod2016:PATH``, ``icio:PATH`` or ``adb:PATH`` (see the module's table).
    years
        The years wanted; without them every year found.

    Raises
    ------
    UsageError
        ``source`` is not of the form ``KIND:PATH`` or names an unknown kind.
    DataError
        Nothing of that release at ``PATH``, or a wanted year's file missing.
    """
    parts = split_source(source)
    if parts is None:
        raise UsageError(
            f"source {source!r} is not of the form KIND:PATH; use "
            + ", ".join(f"{k}:PATH" for k in KINDS)
        )
    kind, raw = parts
    if kind not in KINDS:
        raise UsageError(
            f"--source {source}: unknown kind {kind!r}; use wiod2013 (embedded), a long-format "
            "table file, or " + "; ".join(f"{k}:PATH for {what}" for k, what in KINDS.items())
        )
    if not raw.strip():
        raise UsageError(f"--source {source}: give the path after '{kind}:', {KINDS[kind]}")
    path = Path(os.path.expanduser(raw))
    wanted = None if years is None else list(years)
    if kind == "wiod2016":
        files = (
            {_single_year(path, wanted): path}
            if path.is_file()
            else wiod2016.wiod2016_files(path, wanted)
        )
        return Release(
            kind,
            "wiod2016",
            path,
            files,
            "WIOD 2016 release",
            wiod2016.REST_OF_WORLD,
            lambda p, year, _wanted: wiod2016.read_wiod2016_file(p, year),
        )
    if kind == "icio":
        edition, files = icio.icio_files(path, wanted)
        return Release(
            kind,
            edition,
            path,
            files,
            icio.EDITION_NAMES[edition],
            icio.REST_OF_WORLD,
            lambda p, year, _wanted: icio.read_icio_file(p, year, edition),
        )
    files = adb.adb_files(path, None if path.is_file() else wanted)
    return Release(kind, "adb", path, files, "ADB MRIO", adb.REST_OF_WORLD, adb.read_adb_year)


def _single_year(path: Path, wanted: list[int] | None) -> int:
    """The year of one WIOD 2016 file given alone (from its name)."""
    y = year_in_name(path.name)
    if y is None:
        raise DataError(
            f"{path}: the file name carries no year; keep the release's name "
            f"({wiod2016.EXCEL_NAME.format(year='YYYY')})"
        )
    if wanted is not None and wanted != [y]:
        raise DataError(f"{path}: holds the table of {y}, not of {', '.join(map(str, wanted))}")
    return y
