"""Where the structural decomposition finds its tables, and its producer-service codes."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from servmodel.errors import DataError, UsageError
from servmodel.intensity.definitions import REGISTRY, resolve_definitions
from servmodel.intensity.panel import CUSTOM_PREFIX, IntensityPanel
from servmodel.io import IOTable, read_io_long, read_wiod2013_year

EMBEDDED = "wiod2013"

# the tables of a decomposition: the embedded data, a long-format file, or tables in memory
# (e.g. converted from pymrio with servmodel.io.from_pymrio)
TableSource = str | os.PathLike[str] | Mapping[int, IOTable] | Sequence[IOTable] | None


def table_getter(tables: TableSource) -> Callable[[int], IOTable]:
    """A function from a year to its table.

    Parameters
    ----------
    tables
        ``None`` or ``"wiod2013"`` for the embedded tables, the path of a long-format
        table file, a mapping from year to :class:`IOTable`, or a list of tables.

    Raises
    ------
    UsageError
        ``tables`` is none of these.
    """
    if tables is None or (isinstance(tables, str) and tables == EMBEDDED):
        return read_wiod2013_year
    if isinstance(tables, (str, os.PathLike)):
        path = Path(tables)
        if not path.exists():
            raise DataError(
                f"input-output table {path} does not exist; check the path, or use "
                f"{EMBEDDED} for the embedded data"
            )
        cache: dict[int, IOTable] = {}

        def from_file(year: int) -> IOTable:
            if not cache:
                cache.update({t.year: t for t in read_io_long(path)})
            return _pick(cache, year, str(path))

        return from_file
    if isinstance(tables, Mapping):
        by_year = dict(tables)
    elif isinstance(tables, Sequence) and all(isinstance(t, IOTable) for t in tables):
        by_year = {t.year: t for t in tables if isinstance(t, IOTable)}  # narrows for typing
    else:
        raise UsageError(
            "tables must be 'wiod2013', the path of a table file, a mapping from "
            f"year to IOTable or a list of IOTable objects, not "
            f"{type(tables).__name__}"
        )
    for year, table in by_year.items():
        if not isinstance(table, IOTable):
            raise UsageError(f"tables[{year!r}] is a {type(table).__name__}, not an IOTable")
    return lambda year: _pick(by_year, year, "the tables given")


def _pick(by_year: Mapping[int, IOTable], year: int, where: str) -> IOTable:
    if year not in by_year:
        raise DataError(
            f"{where}: no table for {year}; they hold {', '.join(map(str, sorted(by_year)))}"
        )
    return by_year[year]


def definition_codes(
    panel: IntensityPanel,
    definition: str,
    table: IOTable,
    mapping: str | os.PathLike[str] | None = None,
) -> tuple[str, ...]:
    """Producer-service codes of ``definition``: as the panel records them, else from the
    registry, a custom name (``custom:c27+c28``) or the mapping file."""
    recorded = panel.definitions.get(definition)
    if recorded:
        return tuple(recorded)
    if definition in REGISTRY:
        return REGISTRY[definition].codes
    if definition.startswith(CUSTOM_PREFIX):
        return tuple(c for c in definition.removeprefix(CUSTOM_PREFIX).split("+") if c)
    if mapping is None:
        raise UsageError(
            f"definition {definition!r} needs the sector mapping file that "
            "defined it (--mapping) for the structural decomposition"
        )
    from servmodel.intensity.classification import read_sector_mapping

    (resolved,) = resolve_definitions(definition, table.industries, read_sector_mapping(mapping))
    return resolved.codes
