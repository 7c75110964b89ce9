"""Resolve a ``[data]`` selection against a panel: the rows every estimator family uses.

One implementation for every family, so that ``countries = ["oecd_last_year"]`` or ``years``
mean the same rows in a panel model and in a Bayesian one. It works on integer codes of the
label columns (:class:`PanelCodes`); a panel frame is coded on the fly, and callers that fit
many models on one panel keep its codes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from servmodel.errors import EstimationError, SpecError
from servmodel.spec.model import GROUPS, DataSelection


def _natural_key(label: str) -> tuple[object, ...]:
    """Sort key that orders the digits in a label as numbers."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", label))


@dataclass(frozen=True)
class Coded:
    """A label column as codes into its sorted labels."""

    codes: np.ndarray
    labels: tuple[str, ...]

    @classmethod
    def of(cls, column: pd.Series) -> Coded:
        """Code a label column; labels in natural order (c3, c4, ..., c16, not c10 first)."""
        codes, uniques = pd.factorize(column, sort=True)
        labels = [str(u) for u in uniques]
        order = sorted(range(len(labels)), key=lambda i: _natural_key(labels[i]))
        if order != list(range(len(labels))):
            rank = np.empty(len(order), dtype=np.int64)
            rank[order] = np.arange(len(order))
            codes = np.where(codes >= 0, rank[codes], codes)
            labels = [labels[i] for i in order]
        return cls(codes.astype(np.int64), tuple(labels))

    def code_of(self, label: str) -> int | None:
        """The code of ``label`` (``None`` if absent)."""
        try:
            return self.labels.index(label)
        except ValueError:
            return None

    def codes_of(self, labels: tuple[str, ...] | list[str]) -> np.ndarray:
        """Codes of those ``labels`` that exist."""
        found = (self.code_of(x) for x in labels)
        return np.array([c for c in found if c is not None], dtype=np.int64)

    def labels_at(self, positions: np.ndarray) -> np.ndarray:
        """Labels at row ``positions`` (object array)."""
        return np.asarray(self.labels, dtype=object)[self.codes[positions]]


@dataclass(frozen=True, eq=False)
class PanelCodes:
    """The columns a selection reads, as arrays.

    Attributes
    ----------
    definition, country, industry
        Coded label columns.
    year
        Years (int64).
    oecd
        OECD membership as 1.0 / 0.0, NaN where unknown.
    source
        The coded ``source`` column of a stacked panel; ``None`` for a panel of one source.
    """

    definition: Coded
    country: Coded
    industry: Coded
    year: np.ndarray
    oecd: np.ndarray
    source: Coded | None = None

    @classmethod
    def of(cls, frame: pd.DataFrame) -> PanelCodes:
        """Code the panel ``frame``."""
        oecd = frame["oecd"]
        oecd_values = (
            oecd.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
            if not pd.api.types.is_float_dtype(oecd)
            else oecd.to_numpy(dtype=float)
        )
        return cls(
            definition=Coded.of(frame["definition"]),
            country=Coded.of(frame["country"]),
            industry=Coded.of(frame["industry"]),
            year=frame["year"].to_numpy(dtype=np.int64),
            oecd=oecd_values,
            source=Coded.of(frame["source"]) if "source" in frame.columns else None,
        )


@dataclass(frozen=True)
class Selection:
    """Panel rows that match a data selection.

    Attributes
    ----------
    positions
        Row positions in the panel frame, in panel order.
    countries
        Countries the selection resolved to (groups expanded), sorted.
    """

    positions: np.ndarray
    countries: tuple[str, ...]


def _unknown(source: str, key: str, wanted: tuple[str, ...], known: set[str], what: str) -> None:
    missing = [c for c in wanted if c not in known]
    if missing:
        listing = ", ".join(sorted(known)[:45])
        raise SpecError(
            f"{source}: {key}: {', '.join(map(repr, missing))} not in the panel; "
            f"its {what} are {listing}"
        )


def select_rows(
    panel: pd.DataFrame | PanelCodes, sel: DataSelection, source: str = "<memory>"
) -> Selection:
    """The panel rows that ``sel`` selects.

    Parameters
    ----------
    panel
        The panel frame (``IntensityPanel.frame``) or its :class:`PanelCodes`.
    sel
        The ``[data]`` section.
    source
        The spec file, named in messages.

    Notes
    -----
    The groups ``oecd_last_year`` and ``non_oecd_last_year`` are the countries that are
    (are not) OECD members in the last selected year, with all their years: a fixed set of
    countries, so that no country enters the sample in the year it joins. (Membership year
    by year is the panel's ``oecd`` column, a different selection.)

    Raises
    ------
    SpecError
        A definition, country, group, year or industry the panel does not hold (the message
        lists what it holds).
    EstimationError
        The selection leaves no rows.
    """
    codes = panel if isinstance(panel, PanelCodes) else PanelCodes.of(panel)
    k = codes.definition.code_of(sel.definition)
    if k is None:
        raise SpecError(
            f"{source}: [data] definition: {sel.definition!r} is not in the panel; "
            f"it holds {', '.join(codes.definition.labels)}"
        )
    in_definition = codes.definition.codes == k
    of_source = _source_rows(codes, sel, source)
    base = np.flatnonzero(in_definition if of_source is None else in_definition & of_source)
    if len(base) == 0:
        raise SpecError(
            f"{source}: [data] definition: {sel.definition!r} is not in the rows "
            f"of source {sel.panel_source!r}; choose a definition of that source"
        )
    keep = np.ones(len(base), dtype=bool)
    year = codes.year[base]
    if sel.years is not None:
        known_years = set(np.unique(year).tolist())
        missing = [y for y in sel.years if y not in known_years]
        if missing:
            raise SpecError(
                f"{source}: [data] years: {', '.join(map(str, missing[:10]))} not in the panel, "
                f"which covers {min(known_years)}-{max(known_years)}"
            )
        keep &= np.isin(year, np.asarray(sel.years))
    if sel.industries is not None:
        ind = codes.industry
        present = {ind.labels[c] for c in np.unique(ind.codes[base])}
        _unknown(source, "[data] industries", sel.industries, present, "industries")
        keep &= np.isin(ind.codes[base], ind.codes_of(sel.industries))
    countries = _resolve_countries(codes, base[keep], sel, source)
    if sel.countries != ("all",) or sel.exclude_countries:
        keep &= np.isin(codes.country.codes[base], codes.country.codes_of(countries))
    positions = base[keep]
    if len(positions) == 0:
        industries = "all" if sel.industries is None else ", ".join(sel.industries)
        raise EstimationError(
            f"{source}: the data selection leaves no observations (definition "
            f"{sel.definition}, countries {', '.join(sel.countries)}, years "
            f"{_span(sel.years)}, industries {industries}); widen [data]"
        )
    return Selection(positions, tuple(countries))


def _source_rows(codes: PanelCodes, sel: DataSelection, source: str) -> np.ndarray | None:
    """The rows of the table source ``[data] source`` names in a stacked panel (``None``:
    every row, for a panel of one source)."""
    if codes.source is None:
        if sel.panel_source is not None:
            raise SpecError(
                f"{source}: [data] source: {sel.panel_source!r}, but the panel has "
                "no source column (it is built from one table source); remove "
                "the key, or stack panels with `servmodel data stack`"
            )
        return None
    labels = codes.source.labels
    if sel.panel_source is None:
        if len(labels) > 1:
            raise SpecError(
                f"{source}: [data] source: the panel stacks the table sources "
                f"{', '.join(labels)}; choose one, e.g. source = {labels[0]!r}"
            )
        return None
    k = codes.source.code_of(sel.panel_source)
    if k is None:
        raise SpecError(
            f"{source}: [data] source: {sel.panel_source!r} is not a source of the "
            f"panel; it stacks {', '.join(labels)}"
        )
    return codes.source.codes == k


def _span(years: tuple[int, ...] | None) -> str:
    if years is None:
        return "all"
    return f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])


def _resolve_countries(
    codes: PanelCodes, rows: np.ndarray, sel: DataSelection, source: str
) -> list[str]:
    ctry = codes.country
    known = {ctry.labels[c] for c in np.unique(ctry.codes[rows])}
    wanted: set[str] = set()
    for item in sel.countries:
        if item == "all":
            wanted |= known
        elif item in ("oecd_last_year", "non_oecd_last_year"):
            wanted |= _oecd_group(codes, rows, item, source)
        elif item in known:
            wanted.add(item)
        else:
            _unknown(
                source, "[data] countries", (item,), known | set(GROUPS), "countries and groups"
            )
    _unknown(source, "[data] exclude_countries", sel.exclude_countries, known, "countries")
    wanted -= set(sel.exclude_countries)
    return sorted(wanted)


def _oecd_group(codes: PanelCodes, rows: np.ndarray, group: str, source: str) -> set[str]:
    """Countries that are (``oecd_last_year``) or are not (``non_oecd_last_year``) OECD
    members in the last selected year."""
    year = codes.year[rows]
    last_rows = rows[year == year.max()]
    member = codes.oecd[last_rows]
    country = codes.country.labels_at(last_rows)
    unknown = sorted(set(country[np.isnan(member)]))
    if unknown:
        raise SpecError(
            f"{source}: [data] countries: group {group!r} needs OECD membership, "
            f"which the panel lacks for {', '.join(unknown[:10])}; list countries "
            "by code or build the panel with a country file (--countries)"
        )
    return set(country[member == (1.0 if group == "oecd_last_year" else 0.0)])
