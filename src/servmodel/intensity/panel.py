"""The tidy intensity panel (country x manufacturing industry x year x definition)."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterable, Mapping, Sequence, Sized
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd

from servmodel._fileio import read_table, write_table
from servmodel.errors import DataError, UsageError
from servmodel.intensity._checks import (
    blank_cells,
    duplicate_columns,
    path_argument,
    show,
    whole_numbers,
)
from servmodel.intensity.classification import (
    TECH_LEVELS,
    TECH_SCORE,
    CountryInfo,
    IndustryClassification,
)
from servmodel.intensity.definitions import (
    MAPPING_DEFINITION,
    REGISTRY,
    ServiceDefinition,
    resolve_definitions,
)
from servmodel.intensity.measures import (
    MEASURES,
    definition_measures,
    supplier_requirements,
)
from servmodel.intensity.value_added import gross_exports, services_value_added
from servmodel.io.table import IOTable

log = logging.getLogger(__name__)

KEY_COLUMNS: tuple[str, ...] = ("country", "industry", "year", "definition")
PANEL_COLUMNS: tuple[str, ...] = (
    *KEY_COLUMNS,
    *MEASURES,
    "output",
    "exports",
    "tech",
    "tech_score",
    "oecd",
)
SCOPES: tuple[str, ...] = ("manufacturing", "economy")
# weights of the aggregates: gross output, or gross exports (the TiVA form of the value-added
# measures: the services value-added share of gross exports)
WEIGHTS: tuple[str, ...] = ("output", "exports")
# the optional column of a stacked panel (`servmodel data stack`): which table source each
# row was built from; with it a country, industry, year and definition may appear once per
# source
SOURCE_COLUMN = "source"
# text columns of a panel file, read as written: only an empty cell is missing, so that a
# country code such as NA (Namibia) stays a code
TEXT_COLUMNS: tuple[str, ...] = ("country", "industry", "definition", "tech", SOURCE_COLUMN)
CUSTOM_PREFIX = "custom:"


def key_columns(frame: pd.DataFrame) -> tuple[str, ...]:
    """The columns that name a row: :data:`KEY_COLUMNS`, and ``source`` in a stacked
    panel."""
    return (*KEY_COLUMNS, SOURCE_COLUMN) if SOURCE_COLUMN in frame.columns else KEY_COLUMNS


@dataclass(frozen=True, eq=False)
class IntensityPanel:
    """Producer-service input intensity by country, manufacturing industry, year, definition.

    Attributes
    ----------
    frame
        One row per (country, industry, year, definition) with the columns of
        :data:`PANEL_COLUMNS` plus any merged covariates. Treat it as read-only.
    aggregates
        Weighted means of the measures per (country, year, definition, scope, weight),
        scope being ``manufacturing`` or ``economy`` (all industries) and weight ``output``
        (gross output) or ``exports`` (gross exports: the TiVA form, e.g. the services
        value-added share of manufacturing exports), with the scope's total ``output`` and
        ``exports``. Empty for a panel read from a file.
    dropped
        Country-industry-years left out, with the reason (zero gross output).
    definitions
        Producer-service codes of each definition.
    source
        Where the tables came from.

    A stacked panel (:func:`stack_panels`) has one more text column, ``source``, naming
    the table source of each row; its keys are unique per source.
    """

    frame: pd.DataFrame
    aggregates: pd.DataFrame = field(default_factory=pd.DataFrame)
    dropped: pd.DataFrame = field(default_factory=pd.DataFrame)
    definitions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    source: str = "<memory>"

    def __post_init__(self) -> None:
        if not isinstance(self.frame, pd.DataFrame):
            raise UsageError(
                "an IntensityPanel's frame must be a pandas DataFrame, not "
                f"{type(self.frame).__name__}"
            )
        object.__setattr__(self, "definitions", MappingProxyType(dict(self.definitions)))
        validate_panel_frame(self.frame, self.source)

    @property
    def covariates(self) -> tuple[str, ...]:
        """Columns merged in beside the standard panel columns."""
        return tuple(c for c in self.frame.columns if c not in PANEL_COLUMNS and c != SOURCE_COLUMN)

    @property
    def sources(self) -> tuple[str, ...]:
        """The table sources of a stacked panel, in order of appearance (empty otherwise)."""
        if SOURCE_COLUMN not in self.frame.columns:
            return ()
        return tuple(str(s) for s in pd.unique(self.frame[SOURCE_COLUMN]))

    def fingerprint(self) -> str:
        """SHA-256 of the panel's contents (stable across runs and file formats)."""
        hashed = pd.util.hash_pandas_object(self.frame, index=False).to_numpy()
        digest = hashlib.sha256(hashed.tobytes())
        digest.update(",".join(map(str, self.frame.columns)).encode())
        return digest.hexdigest()

    def write(self, path: str | os.PathLike[str]) -> Path:
        """Write the panel to CSV or Parquet (by extension), atomically."""
        return write_table(self.frame, path_argument(path, "panel output"))

    def with_frame(self, frame: pd.DataFrame) -> IntensityPanel:
        """A copy of this panel with another frame (same metadata)."""
        return IntensityPanel(frame, self.aggregates, self.dropped, self.definitions, self.source)

    def __repr__(self) -> str:
        f = self.frame
        return (
            f"IntensityPanel(rows={len(f)}, countries={f['country'].nunique()}, "
            f"industries={f['industry'].nunique()}, years={f['year'].nunique()}, "
            f"definitions={sorted(f['definition'].unique())})"
        )


def validate_panel_frame(frame: pd.DataFrame, source: str) -> None:
    """Raise ``DataError`` unless ``frame`` has the panel columns and unique keys.

    This is the check of every :class:`IntensityPanel`; a panel file gets the full check
    of its cells as well (:func:`check_panel_file`).
    """
    missing = [c for c in PANEL_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(
            f"{source}: not an intensity panel; missing column(s) {', '.join(missing)}. "
            "Build one with `servmodel data build --out FILE`"
        )
    keys = list(key_columns(frame))
    dup = frame.duplicated(keys).to_numpy()
    if dup.any():
        second = int(np.flatnonzero(dup)[0])
        row = frame[keys].iloc[second]
        same = (frame[keys] == row).all(axis=1).to_numpy()
        first = int(np.flatnonzero(same)[0]) if same.any() else second
        per = " per source" if SOURCE_COLUMN in keys else ""
        raise DataError(
            f"{source}: data rows {first + 1} and {second + 1}: duplicate panel key "
            f"{tuple(row)}; each country, industry, year and definition may appear once{per}"
        )


def read_panel(path: str | os.PathLike[str]) -> IntensityPanel:
    """Read a panel written by :meth:`IntensityPanel.write` (CSV or Parquet).

    Every cell is checked on entry (see :func:`check_panel_file`), so that a hand-edited
    or foreign file fails here, with the file, column, data row and fix named, rather than
    with a traceback or a silently wrong fit later.

    Raises
    ------
    UsageError
        ``path`` is not a path, or its suffix is not ``.csv`` or ``.parquet``.
    DataError
        The file is missing or unreadable, or a column or cell is not what
        ``servmodel data build`` writes.
    """
    p = path_argument(path, "panel file")
    repeated = duplicate_columns(p, "panel file")
    if repeated:
        raise DataError(
            f"{p}: column {repeated[0]!r} appears more than once in the header; "
            "keep one of them (rename or delete the others)"
        )
    frame = read_table(
        p, what="panel file", dtype=dict.fromkeys(TEXT_COLUMNS, str), literal=TEXT_COLUMNS
    )
    return IntensityPanel(frame=check_panel_file(frame, str(p)), source=str(p))


def stack_panels(panels: Sequence[IntensityPanel], names: Sequence[str]) -> IntensityPanel:
    """Put panels built from different table sources side by side, in one panel.

    The rows of each panel are kept as they are and labelled with its name in a ``source``
    column, so that, say, WIOD 2013 (1995-2011, ISIC Rev. 3 industries) and a Rev. 4
    release (WIOD 2016 or an ICIO edition) stand in one file over the years they share. A
    model picks one source with ``[data] source`` (see :mod:`servmodel.spec`): the two
    series are not one panel, since their industries and tables differ.

    Parameters
    ----------
    panels
        Two or more panels (as :func:`read_panel` or :func:`build_panel` return them), none
        of them stacked already.
    names
        The source name of each panel, e.g. ``wiod2013`` and ``icio2023``.

    Returns
    -------
    IntensityPanel
        The rows of every panel, with ``source`` as the first column; covariates that a
        panel lacks are empty in its rows.

    Raises
    ------
    UsageError
        Fewer than two panels, names that do not match them one to one, or a blank or
        repeated name.
    DataError
        A panel that stacks sources already.
    """
    if isinstance(panels, IntensityPanel) or not all(isinstance(p, IntensityPanel) for p in panels):
        raise UsageError("panels must be a list of IntensityPanel objects")
    if len(panels) < 2:
        raise UsageError("give at least two panels to stack")
    names = [str(n).strip() for n in names]
    if len(names) != len(panels):
        raise UsageError(
            f"{len(names)} source names for {len(panels)} panels; give one name per panel"
        )
    if not all(names) or len(set(names)) != len(names):
        raise UsageError(
            f"source names {', '.join(map(repr, names))}: each panel needs a name of its own"
        )
    frames = []
    for panel, name in zip(panels, names, strict=True):
        if SOURCE_COLUMN in panel.frame.columns:
            raise DataError(
                f"{panel.source}: stacks the sources {', '.join(panel.sources)} "
                "already; stack the panels it was made from, all at once"
            )
        frame = panel.frame.copy()
        frame.insert(0, SOURCE_COLUMN, name)
        frames.append(frame)
    frame = pd.concat(frames, ignore_index=True, sort=False)
    frame["tech"] = pd.Categorical(frame["tech"].astype(str), categories=TECH_LEVELS, ordered=True)
    frame["oecd"] = frame["oecd"].astype("boolean")
    return IntensityPanel(
        frame=frame,
        source="stack of "
        + ", ".join(f"{n} ({p.source})" for p, n in zip(panels, names, strict=True)),
    )


def check_panel_file(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    """Check every column of a panel read from a file; return it with the types of a panel.

    Rows are named by their data row (1 for the first row below the header) and, once the
    key columns are checked, by their key. A valid panel comes back as it was read, except
    that ``oecd`` becomes pandas' nullable boolean and columns read as text that hold only
    numbers (a year, a score, a covariate) become numbers.

    Parameters
    ----------
    frame
        The file's rows, as read.
    source
        The file, for messages.

    Returns
    -------
    pandas.DataFrame
        The checked rows.

    Raises
    ------
    DataError
        A missing or repeated column, no rows, a missing key, a year that is not a whole
        number, an unknown definition, technology class or score, a score that does not
        match its class, an OECD flag that is not boolean, an infinite (or text) measure or
        covariate, or gross output that is not a finite number > 0.
    """
    if any(c not in frame.columns for c in PANEL_COLUMNS):
        validate_panel_frame(frame, source)  # names the missing columns
    repeated = frame.columns[frame.columns.duplicated()]
    if len(repeated):
        raise DataError(
            f"{source}: column {repeated[0]!r} appears more than once; keep one "
            "of them (rename or delete the others)"
        )
    if len(frame) == 0:
        raise DataError(
            f"{source}: the panel has a header but no data rows; build one with "
            "`servmodel data build --out FILE`"
        )
    out = frame.copy(deep=False)

    for col in ("country", "industry", "definition", SOURCE_COLUMN):
        if col not in out.columns:
            continue  # source: only in a stacked panel
        if not (
            pd.api.types.is_string_dtype(out[col])
            or isinstance(out[col].dtype, pd.CategoricalDtype)
        ):
            # e.g. numeric industry codes of a Parquet file: the panel's codes are text
            out[col] = out[col].astype("str").where(out[col].notna())
        blank = blank_cells(out[col])
        if blank.any():
            raise DataError(
                f"{source}: data row {_first(blank) + 1}, column {col!r}: {col} is missing; "
                "every row needs its country, industry, year and definition (and, in a "
                "stacked panel, its source; fill in the cell, or rebuild the panel with "
                "`servmodel data build`)"
            )
    years, bad = whole_numbers(out["year"])
    if bad.any():
        i = _first(bad)
        raise DataError(
            f"{source}: data row {i + 1}, column 'year': {_cell(out['year'], i)} is not a "
            "whole year; write years as integers such as 2011"
        )
    if out["year"].dtype != np.int64:
        out["year"] = years.astype(np.int64)
    names = pd.Series(pd.unique(out["definition"].astype(str)))
    unknown = names[~names.map(_known_definition)]
    if len(unknown):
        i = _first((out["definition"].astype(str) == unknown.iloc[0]).to_numpy())
        raise DataError(
            f"{source}: data row {i + 1}, column 'definition': {unknown.iloc[0]!r} is not a "
            f"producer-service definition; use {', '.join(REGISTRY)}, {MAPPING_DEFINITION} "
            f"or {CUSTOM_PREFIX}CODE+CODE+... as `servmodel data build` names them"
        )
    validate_panel_frame(out, source)  # unique keys, now that every key is valid

    def where(i: int, col: str) -> str:
        key = " ".join(str(out[k].iloc[i]) for k in key_columns(out))
        return f"{source}: data row {i + 1} ({key}), column {col!r}"

    for col in (*MEASURES, "output", "exports"):
        values = _numbers(
            out,
            col,
            where,
            "write a plain number, or leave the cell empty where the measure is undefined",
        )
        if col == "exports":
            # NaN: a national table without an exports category; negative values occur
            # where inventories abroad fall (WIOD's final demand holds inventory changes)
            if np.isinf(values).any():
                i = _first(np.isinf(values))
                raise DataError(
                    f"{where(i, col)}: gross exports {_cell(out[col], i)} are not finite; "
                    "correct the cell, or leave it empty where exports are unknown"
                )
        elif col == "output":
            with np.errstate(invalid="ignore"):
                bad = ~(np.isfinite(values) & (values > 0))
            if bad.any():
                i = _first(bad)
                raise DataError(
                    f"{where(i, col)}: gross output {_cell(out[col], i)} is not a finite "
                    "number > 0; correct it or delete the row (`servmodel data build` leaves "
                    "out rows with zero output)"
                )
        elif np.isinf(values).any():
            i = _first(np.isinf(values))
            # NaN is a measure that is undefined (share_intermediate of an industry that
            # buys nothing); an infinity is never a valid intensity
            raise DataError(
                f"{where(i, col)}: {_cell(out[col], i)} is not finite; intensities are "
                "finite numbers (leave the cell empty where a measure is undefined, or "
                "rebuild the panel with `servmodel data build`)"
            )

    tech = out["tech"].astype(object)
    bad = ~tech.isin(TECH_LEVELS).to_numpy()
    if bad.any():
        i = _first(bad)
        raise DataError(
            f"{where(i, 'tech')}: {_cell(out['tech'], i)} is not a technology class; use one "
            f"of {', '.join(TECH_LEVELS)}"
        )
    scores, bad = whole_numbers(out["tech_score"])
    with np.errstate(invalid="ignore"):
        bad |= ~np.isin(scores, list(TECH_SCORE.values()))
    if bad.any():
        i = _first(bad)
        raise DataError(
            f"{where(i, 'tech_score')}: {_cell(out['tech_score'], i)} is not a technology "
            "score; use the whole numbers 1 to 4 (1 = low, 2 = medium-low, 3 = medium-high, "
            "4 = high)"
        )
    expected = tech.map(TECH_SCORE).to_numpy(dtype=np.float64)
    bad = scores != expected
    if bad.any():
        i = _first(bad)
        raise DataError(
            f"{where(i, 'tech_score')}: {int(scores[i])} does not match tech "
            f"{tech.iloc[i]!r} (score {int(expected[i])}); correct one of them"
        )
    if not pd.api.types.is_integer_dtype(out["tech_score"]):
        out["tech_score"] = scores.astype(np.int64)

    out["oecd"] = _oecd(out["oecd"], where)

    for col in (c for c in out.columns if c not in PANEL_COLUMNS and c != SOURCE_COLUMN):
        if pd.api.types.is_bool_dtype(out[col]):
            continue
        values = _numbers(
            out, col, where, "covariates are numeric; remove the column or correct the cell"
        )
        if np.isinf(values).any():
            i = _first(np.isinf(values))
            raise DataError(
                f"{where(i, col)}: {_cell(out[col], i)} is not finite; covariates are finite "
                "numbers (leave the cell empty where a value is missing)"
            )
    return out


def _first(mask: np.ndarray) -> int:
    """Position of the first true cell."""
    return int(np.flatnonzero(mask)[0])


def _cell(column: pd.Series, i: int) -> str:
    """The value at position ``i`` for a message (``an empty cell`` when missing)."""
    value = column.iloc[i]
    if not isinstance(value, str) and pd.isna(value):
        return "an empty cell"
    return show(value)


def _known_definition(name: str) -> bool:
    """Whether ``name`` is a definition name as :func:`build_panel` writes it."""
    if name in REGISTRY or name == MAPPING_DEFINITION:
        return True
    codes = name.removeprefix(CUSTOM_PREFIX).split("+")
    return name.startswith(CUSTOM_PREFIX) and all(c.strip() for c in codes)


def _numbers(
    frame: pd.DataFrame, col: str, where: Callable[[int, str], str], fix: str
) -> np.ndarray:
    """Column ``col`` as float64 (replaced in ``frame`` when it was read as text);
    ``DataError`` naming the first cell that holds text that is not a number."""
    column = frame[col]
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return column.to_numpy(dtype=np.float64, na_value=np.nan)
    converted = pd.to_numeric(column.astype(object), errors="coerce")
    text = (converted.isna() & column.notna()).to_numpy()
    if pd.api.types.is_bool_dtype(column):
        text = column.notna().to_numpy()
    if text.any():
        i = _first(text)
        raise DataError(f"{where(i, col)}: {_cell(column, i)} is not a number; {fix}")
    frame[col] = converted.astype(np.float64)
    return frame[col].to_numpy(dtype=np.float64, na_value=np.nan)


# OECD membership as `servmodel data build` writes it (bool in Parquet, True/False in CSV,
# empty where unknown) and as other tools round-trip it (true/TRUE, 0/1)
_OECD_TEXT = {"true": True, "false": False, "1": True, "0": False, "1.0": True, "0.0": False}


def _oecd(column: pd.Series, where: Callable[[int, str], str]) -> pd.Series:
    """The ``oecd`` column as nullable boolean; ``DataError`` for a cell that is not."""
    if pd.api.types.is_bool_dtype(column):
        return column.astype("boolean")

    def flag(value: object) -> bool | None:
        if isinstance(value, (bool, np.bool_)):
            return bool(value)
        if isinstance(value, str):
            return _OECD_TEXT.get(value.strip().lower())
        if isinstance(value, (int, float, np.integer, np.floating)) and value in (0, 1):
            return bool(value)
        return None

    present = column.notna().to_numpy()
    flags = {v: flag(v) for v in pd.unique(column[present])}
    bad = [v for v, f in flags.items() if f is None]
    if bad:
        i = _first(present & column.isin(bad).to_numpy())
        raise DataError(
            f"{where(i, 'oecd')}: {_cell(column, i)} is not an OECD membership flag; write "
            "True or False (or leave the cell empty where it is unknown)"
        )
    mapped = column.astype(object).where(present, None).map(flags, na_action="ignore")
    return mapped.astype("boolean")


def _weighted_rows(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted mean over the last axis of ``values`` (weights broadcast against it): NaN
    cells, and weights that are NaN or not positive (negative exports, where inventories
    abroad fell), are left out."""
    w = np.where(np.isfinite(values) & (weights > 0), weights, 0.0)
    total = w.sum(axis=-1)
    num = (np.where(w > 0, values, 0.0) * w).sum(axis=-1)
    return np.divide(num, total, out=np.full(total.shape, np.nan), where=total > 0)


def build_panel(
    tables: Iterable[IOTable],
    classification: IndustryClassification,
    countries: CountryInfo | None = None,
    definitions: str | Sequence[str] = "all",
    exclude_countries: Sequence[str] = ("RoW",),
    progress: Callable[[int], None] | None = None,
    on_progress: Callable[[int, int | None], None] | None = None,
) -> IntensityPanel:
    """Build the intensity panel from input-output tables.

    Parameters
    ----------
    tables
        One :class:`IOTable` per year (an iterator is consumed one table at a time).
    classification
        Manufacturing industries and their technology classes.
    countries
        OECD membership by year; without it ``oecd`` is missing (``<NA>``).
    definitions
        Producer-service definitions, as accepted by :func:`resolve_definitions`.
    exclude_countries
        Regions kept in the world Leontief inverse but left out of the panel (WIOD's
        rest of the world).
    progress
        Called with each year once it is done.
    on_progress
        Called with (years done, years in all) once each year is done; the total is
        ``None`` when ``tables`` is an iterator of unknown length.

    Returns
    -------
    IntensityPanel
        Rows sorted by definition, country, industry, year.

    Raises
    ------
    UsageError
        An argument of the wrong kind (tables that are not :class:`IOTable` objects, a
        classification or country information of another type).
    DataError
        No tables, tables whose layouts or years clash, or definitions the tables cannot
        serve.
    """
    if not isinstance(classification, IndustryClassification):
        raise UsageError(
            f"classification must be an IndustryClassification, not {type(classification).__name__}"
        )
    if countries is not None and not isinstance(countries, CountryInfo):
        raise UsageError(f"countries must be a CountryInfo or None, not {type(countries).__name__}")
    if isinstance(tables, (str, bytes, IOTable)) or not isinstance(tables, Iterable):
        raise UsageError(
            "tables must be a list (or iterator) of IOTable objects, one per "
            f"year, not {type(tables).__name__}"
        )
    parts: list[pd.DataFrame] = []
    aggregates: list[pd.DataFrame] = []
    dropped: list[pd.DataFrame] = []
    resolved: tuple[ServiceDefinition, ...] | None = None
    first: IOTable | None = None
    source = "<memory>"
    total = len(tables) if isinstance(tables, Sized) else None
    for done, table in enumerate(tables, start=1):
        if not isinstance(table, IOTable):
            raise UsageError(f"tables must hold IOTable objects, not {type(table).__name__}")
        if first is None:
            first = table
            source = table.source
            classification.check_covers(table.industries, table.source)
            classification.check_export_categories(table.final_categories, table.source)
            if table.n_countries == 1 and not classification.export_categories:
                log.info(
                    "%s: a national table; its exports are unknown (give the final-"
                    "demand category of exports the role 'exports' in the sector "
                    "mapping), and value added from other economies is not in it "
                    "(va_services and va_services_foreign are NaN)",
                    table.source,
                )
            elif table.n_countries == 1:
                log.info(
                    "%s: a national table; value added from other economies is not in "
                    "it (va_services and va_services_foreign are NaN)",
                    table.source,
                )
            resolved = resolve_definitions(definitions, table.industries, classification)
        elif (table.countries, table.industries) != (first.countries, first.industries):
            raise DataError(
                f"{table.source} (year {table.year}): countries or industries differ from "
                f"{first.source} (year {first.year}); every year must share one layout"
            )
        assert resolved is not None
        part, agg, drop = _year_rows(
            table, classification, countries, resolved, tuple(exclude_countries)
        )
        parts.append(part)
        aggregates.append(agg)
        dropped.append(drop)
        if progress is not None:
            progress(table.year)
        if on_progress is not None:
            on_progress(done, total)
    if first is None or resolved is None:
        raise DataError("no input-output tables were given; select at least one year")
    years = [p["year"].iloc[0] for p in parts if len(p)]
    if len(set(years)) != len(years):
        raise DataError("two tables share one year; give each year once")
    frame = pd.concat(parts, ignore_index=True)
    frame = frame.sort_values(
        list(("definition", "country", "industry", "year")), kind="stable", ignore_index=True
    )
    drop_frame = pd.concat(dropped, ignore_index=True)
    if len(drop_frame):
        log.warning(
            "dropped %d country-industry-years with zero gross output (%s)",
            len(drop_frame),
            ", ".join(
                sorted(
                    {
                        f"{c} {i}"
                        for c, i in zip(drop_frame["country"], drop_frame["industry"], strict=True)
                    }
                )
            )[:200],
        )
    return IntensityPanel(
        frame=frame,
        aggregates=pd.concat(aggregates, ignore_index=True),
        dropped=drop_frame,
        definitions={d.name: d.codes for d in resolved},
        source=source,
    )


def _year_rows(
    table: IOTable,
    classification: IndustryClassification,
    countries: CountryInfo | None,
    definitions: tuple[ServiceDefinition, ...],
    exclude: tuple[str, ...],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Panel rows, aggregates and dropped rows of one year."""
    req = supplier_requirements(table)
    nc, ni = table.n_countries, table.n_industries
    ind_pos = {c: k for k, c in enumerate(table.industries)}
    manu_pos = np.array([ind_pos[c] for c in classification.manufacturing])
    keep_c = np.array([c not in exclude for c in table.countries])
    cols = (np.flatnonzero(keep_c)[:, None] * ni + manu_pos[None, :]).reshape(-1)
    country = np.repeat(np.asarray(table.countries)[keep_c], len(manu_pos))
    industry = np.tile(np.asarray(classification.manufacturing), int(keep_c.sum()))
    output = req.output[cols]
    positive = output > 0
    dropped = pd.DataFrame(
        {
            "country": country[~positive],
            "industry": industry[~positive],
            "year": table.year,
            "reason": "zero gross output",
        }
    )
    tech = np.array([classification.tech[c] for c in industry])
    if countries is None:
        oecd = pd.array([pd.NA] * len(country), dtype="boolean")
    else:
        oecd = pd.array([countries.is_oecd(c, table.year) for c in country], dtype="boolean")
    exports = gross_exports(table, classification.export_categories)
    definition_rows = {d.name: np.array([ind_pos[c] for c in d.codes]) for d in definitions}
    # one solve per economy and definition with the LU factor already computed
    value_added = services_value_added(req.lu, table, req.value_added, definition_rows)
    # every measure of every definition as one array (definitions, measures, n), so that
    # the rows and the aggregates of the year are each built as one frame
    stacked = np.empty((len(definitions), len(MEASURES), nc * ni))
    for k, d in enumerate(definitions):
        values = definition_measures(req, definition_rows[d.name])
        values.update(value_added[d.name])
        for m, name in enumerate(MEASURES):
            stacked[k, m] = values[name]
    names = np.array([d.name for d in definitions], dtype=object)
    keep = cols[positive]
    nd, kept = len(definitions), len(keep)
    tech_kept = tech[positive]
    columns: dict[str, object] = {
        "country": np.tile(country[positive], nd),
        "industry": np.tile(industry[positive], nd),
        "year": np.full(nd * kept, table.year, dtype=np.int64),
        "definition": np.repeat(names, kept),
    }
    for m, name in enumerate(MEASURES):
        columns[name] = stacked[:, m, keep].reshape(-1)
    columns.update(
        {
            "output": np.tile(output[positive], nd),
            "exports": np.tile(exports[keep], nd),
            "tech": pd.Categorical(np.tile(tech_kept, nd), categories=TECH_LEVELS, ordered=True),
            "tech_score": np.tile(np.array([TECH_SCORE[t] for t in tech_kept], dtype=np.int64), nd),
            "oecd": pd.array(
                np.tile(np.asarray(oecd[positive], dtype=object), nd), dtype="boolean"
            ),
        }
    )
    frame = pd.DataFrame(columns)[list(PANEL_COLUMNS)]
    return frame, _year_aggregates(table, manu_pos, names, stacked, req.output, exports), dropped


def _year_aggregates(
    table: IOTable,
    manu_pos: np.ndarray,
    names: np.ndarray,
    stacked: np.ndarray,
    output: np.ndarray,
    exports: np.ndarray,
) -> pd.DataFrame:
    """Weighted means of every measure per country, for manufacturing and the whole
    economy, weighted by output and by exports: one frame for the year."""
    nc, ni = table.n_countries, table.n_industries
    blocks = {
        "manufacturing": (np.arange(nc)[:, None] * ni + manu_pos[None, :]),
        "economy": np.arange(nc * ni).reshape(nc, ni),
    }
    parts: dict[str, list[np.ndarray]] = {
        k: [] for k in ("country", "definition", "scope", "weight", "output", "exports", *MEASURES)
    }
    for scope, block in blocks.items():
        for weight, w in (("output", output), ("exports", exports)):
            # (definitions, measures, countries, industries of the block)
            means = _weighted_rows(stacked[:, :, block], w[block])
            for k, name in enumerate(names):
                parts["country"].append(np.asarray(table.countries, dtype=object))
                parts["definition"].append(np.full(nc, name, dtype=object))
                parts["scope"].append(np.full(nc, scope, dtype=object))
                parts["weight"].append(np.full(nc, weight, dtype=object))
                parts["output"].append(output[block].sum(axis=1))
                parts["exports"].append(exports[block].sum(axis=1))
                for m, measure in enumerate(MEASURES):
                    parts[measure].append(means[k, m])
    data = {k: np.concatenate(v) for k, v in parts.items()}
    frame = pd.DataFrame(data)
    frame.insert(1, "year", table.year)
    return frame[
        ["country", "year", "definition", "scope", "weight", "output", "exports", *MEASURES]
    ]
