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
from servmodel.errors import DataError
from servmodel.intensity.classification import (
    TECH_LEVELS,
    TECH_SCORE,
    CountryInfo,
    IndustryClassification,
)
from servmodel.intensity.definitions import ServiceDefinition, resolve_definitions
from servmodel.intensity.measures import MEASURES, definition_measures, supplier_requirements
from servmodel.io.table import IOTable

log = logging.getLogger(__name__)

KEY_COLUMNS: tuple[str, ...] = ("country", "industry", "year", "definition")
PANEL_COLUMNS: tuple[str, ...] = (
    *KEY_COLUMNS,
    *MEASURES,
    "output",
    "tech",
    "tech_score",
    "oecd",
)
SCOPES: tuple[str, ...] = ("manufacturing", "economy")


@dataclass(frozen=True, eq=False)
class IntensityPanel:
    """Producer-service input intensity by country, manufacturing industry, year, definition.

    Attributes
    ----------
    frame
        One row per (country, industry, year, definition) with the columns of
        :data:`PANEL_COLUMNS` plus any merged covariates. Treat it as read-only.
    aggregates
        Output-weighted measures per (country, year, definition, scope), scope being
        ``manufacturing`` or ``economy`` (all industries). Empty for a panel read from a file.
    dropped
        Country-industry-years left out, with the reason (zero gross output).
    definitions
        Producer-service codes of each definition.
    source
        Where the tables came from.
    """

    frame: pd.DataFrame
    aggregates: pd.DataFrame = field(default_factory=pd.DataFrame)
    dropped: pd.DataFrame = field(default_factory=pd.DataFrame)
    definitions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    source: str = "<memory>"

    def __post_init__(self) -> None:
        object.__setattr__(self, "definitions", MappingProxyType(dict(self.definitions)))
        validate_panel_frame(self.frame, self.source)

    @property
    def covariates(self) -> tuple[str, ...]:
        """Columns merged in beside the standard panel columns."""
        return tuple(c for c in self.frame.columns if c not in PANEL_COLUMNS)

    def fingerprint(self) -> str:
        """SHA-256 of the panel's contents (stable across runs and file formats)."""
        hashed = pd.util.hash_pandas_object(self.frame, index=False).to_numpy()
        digest = hashlib.sha256(hashed.tobytes())
        digest.update(",".join(map(str, self.frame.columns)).encode())
        return digest.hexdigest()

    def write(self, path: str | os.PathLike[str]) -> Path:
        """Write the panel to CSV or Parquet (by extension), atomically."""
        return write_table(self.frame, path)

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
    """Raise ``DataError`` unless ``frame`` has the panel columns and unique keys."""
    missing = [c for c in PANEL_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(
            f"{source}: not an intensity panel; missing column(s) {', '.join(missing)}. "
            "Build one with `servmodel data build --out FILE`"
        )
    dup = frame.duplicated(list(KEY_COLUMNS))
    if dup.any():
        row = frame.loc[dup, list(KEY_COLUMNS)].iloc[0]
        raise DataError(
            f"{source}: duplicate panel key {tuple(row)}; each country, industry, year and "
            "definition may appear once"
        )


def read_panel(path: str | os.PathLike[str]) -> IntensityPanel:
    """Read a panel written by :meth:`IntensityPanel.write` (CSV or Parquet)."""
    frame = read_table(path, what="panel file",
                       dtype={"country": str, "industry": str, "definition": str, "tech": str})
    validate_panel_frame(frame, str(path))
    frame["oecd"] = frame["oecd"].astype("boolean")
    return IntensityPanel(frame=frame, source=str(path))


def _weighted_rows(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Output-weighted mean of each row of ``values`` (NaN cells and zero weights skipped)."""
    w = np.where(np.isfinite(values) & (weights > 0), weights, 0.0)
    total = w.sum(axis=1)
    num = np.where(w > 0, values, 0.0) * w
    return np.divide(num.sum(axis=1), total, out=np.full(len(total), np.nan), where=total > 0)


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
    """
    parts: list[pd.DataFrame] = []
    aggregates: list[pd.DataFrame] = []
    dropped: list[pd.DataFrame] = []
    resolved: tuple[ServiceDefinition, ...] | None = None
    first: IOTable | None = None
    source = "<memory>"
    total = len(tables) if isinstance(tables, Sized) else None
    for done, table in enumerate(tables, start=1):
        if first is None:
            first = table
            source = table.source
            classification.check_covers(table.industries, table.source)
            resolved = resolve_definitions(definitions, table.industries, classification)
        elif (table.countries, table.industries) != (first.countries, first.industries):
            raise DataError(
                f"{table.source} (year {table.year}): countries or industries differ from "
                f"{first.source} (year {first.year}); every year must share one layout"
            )
        assert resolved is not None
        part, agg, drop = _year_rows(table, classification, countries, resolved,
                                     tuple(exclude_countries))
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
    frame = frame.sort_values(list(("definition", "country", "industry", "year")),
                              kind="stable", ignore_index=True)
    drop_frame = pd.concat(dropped, ignore_index=True)
    if len(drop_frame):
        log.warning(
            "dropped %d country-industry-years with zero gross output (%s)",
            len(drop_frame),
            ", ".join(sorted({f"{c} {i}" for c, i in zip(drop_frame["country"],
                                                          drop_frame["industry"])}))[:200],
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
    dropped = pd.DataFrame({
        "country": country[~positive],
        "industry": industry[~positive],
        "year": table.year,
        "reason": "zero gross output",
    })
    tech = np.array([classification.tech[c] for c in industry])
    if countries is None:
        oecd = pd.array([pd.NA] * len(country), dtype="boolean")
    else:
        oecd = pd.array([countries.is_oecd(c, table.year) for c in country], dtype="boolean")
    base = pd.DataFrame({
        "country": country[positive],
        "industry": industry[positive],
        "year": np.full(int(positive.sum()), table.year, dtype=np.int64),
    })
    tail = pd.DataFrame({
        "output": output[positive],
        "tech": pd.Categorical(tech[positive], categories=TECH_LEVELS, ordered=True),
        "tech_score": np.array([TECH_SCORE[t] for t in tech[positive]], dtype=np.int64),
        "oecd": oecd[positive],
    })
    frames, aggs = [], []
    scope_cols = {
        "manufacturing": (np.arange(nc)[:, None] * ni + manu_pos[None, :]),
        "economy": np.arange(nc * ni).reshape(nc, ni),
    }
    for d in definitions:
        rows = np.array([ind_pos[c] for c in d.codes])
        values = definition_measures(req, rows)
        measures = pd.DataFrame({m: values[m][cols][positive] for m in MEASURES})
        frames.append(pd.concat([base.assign(definition=d.name), measures, tail], axis=1))
        for scope, block in scope_cols.items():
            rec = {
                "country": list(table.countries),
                "year": table.year,
                "definition": d.name,
                "scope": scope,
                "output": req.output[block].sum(axis=1),
            }
            for m in MEASURES:
                rec[m] = _weighted_rows(values[m][block], req.output[block])
            aggs.append(pd.DataFrame(rec))
    frame = pd.concat(frames, ignore_index=True)[list(PANEL_COLUMNS)]
    return frame, pd.concat(aggs, ignore_index=True), dropped
