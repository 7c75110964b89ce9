"""Sensitivity grids: TOML -> a frozen, validated :class:`Grid`.

A grid names the quantities whose robustness is in question (targets: a coefficient of a
formula) and the analytic choices to cross (dimensions)::

    name = "producer_services"

    [base]                        # settings every specification shares
    zeros = "drop"                # log and logit: drop | offset | error
    small_sample = true
    level = 0.95                  # confidence level of the intervals

    [[targets]]
    name = "tech"
    label = "Technology level (per class step)"
    formula = "tech_score + center(trend) + log(output)"
    term = "tech_score"
    countries = "all"             # optional restriction, e.g. ["KOR"] or ["oecd_last_year"]

    [targets.dimensions]          # optional: this target's own choices for a dimension
    cov = ["driscoll_kraay"]

    [dimensions]                  # crossed; a dimension left out is held at its default
    definition = ["kibs", "producer", "standard", "broad"]
    measure = ["direct", "direct_domestic", "share_intermediate", "total"]
    estimator = ["pooled", "fe", "fe_twoway", "re", "mundlak", "fd"]
    transform = ["level", "log", "logit"]
    sample = ["all", "oecd_last_year", "1995-2007", "loo"]
    cov = ["clustered:country", "driscoll_kraay"]

    [curve]
    scale = "sd"                  # sd: estimate / sd of the dependent variable; raw

    [prior]                       # servmodel sensitivity-prior
    scales = [0.5, 2.0]
    parameters = ["beta_tech", "tech_trend", "trend"]
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from servmodel._toml import check_keys, read_toml
from servmodel.errors import SpecError
from servmodel.options import ZeroRule, allowed
from servmodel.sensitivity.choices import (
    DEFAULT_CHOICE,
    DIMENSIONS,
    check_choice,
    sample_choice,
    term_in_formula,
)
from servmodel.spec import check_formula_syntax
from servmodel.spec.model import NAME_PATTERN, check_country_groups

TOP_KEYS = ("name", "description", "base", "targets", "dimensions", "curve", "prior")
BASE_KEYS = ("zeros", "offset", "small_sample", "weights", "industries", "level")
TARGET_KEYS = ("name", "label", "formula", "term", "countries", "years", "dimensions")
CURVE_KEYS = ("scale",)
PRIOR_KEYS = ("scales", "parameters", "threshold")
SCALES = ("sd", "raw")
DEFAULT_PRIOR_PARAMETERS = (
    "alpha",
    "beta_tech",
    "tech_trend",
    "trend",
    "sigma_country",
    "sigma_industry",
    "sigma_slope",
    "slope_country",
)


@dataclass(frozen=True)
class Target:
    """A quantity whose robustness is examined.

    Attributes
    ----------
    name
        Short name (letters, digits, ``_``, ``-``, ``.``); names the figure files.
    label
        Words for tables and figure titles.
    formula
        Right-hand side (formulaic syntax, as in a model spec).
    term
        The coefficient reported: a term of ``formula`` or one column of a categorical
        term (``C(industry)[T.c14]``).
    countries
        Countries the target is about (``("all",)``, a group, or codes); the ``sample``
        dimension restricts this set further.
    years
        Years the target is about (``None``: all).
    dimensions
        Choices of this target that replace the grid's for a dimension.
    """

    name: str
    label: str
    formula: str
    term: str
    countries: tuple[str, ...] = ("all",)
    years: tuple[int, ...] | None = None
    dimensions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Base:
    """Settings every specification of the grid shares.

    Attributes
    ----------
    zeros, offset
        ``[dependent]`` rule for exact zeros under log and logit (see
        :class:`servmodel.spec.DependentSpec`).
    small_sample
        Stata-style small-sample corrections (``[frequentist] small_sample``).
    weights
        ``none`` or ``output``.
    industries
        Industries kept (``None``: all).
    level
        Confidence level of the intervals.
    """

    zeros: ZeroRule = "drop"
    offset: float | None = None
    small_sample: bool = True
    weights: str = "none"
    industries: tuple[str, ...] | None = None
    level: float = 0.95


@dataclass(frozen=True)
class PriorPlan:
    """What ``servmodel sensitivity-prior`` does.

    Attributes
    ----------
    scales
        Factors by which every prior scale is multiplied in the refits.
    parameters
        Posterior quantities compared across the refits (names of model variables; a
        vector variable is compared element by element).
    threshold
        Power-scaling sensitivity above which a parameter is flagged (0.05, as in
        Kallioinen et al. and the R package priorsense).
    """

    scales: tuple[float, ...] = (0.5, 2.0)
    parameters: tuple[str, ...] = DEFAULT_PRIOR_PARAMETERS
    threshold: float = 0.05


@dataclass(frozen=True)
class Grid:
    """A validated sensitivity grid.

    Attributes
    ----------
    name, description
        Names the run; shown in the summary.
    base
        Shared settings.
    targets
        The quantities examined.
    dimensions
        Choices per dimension, in display order (every dimension of
        :data:`~servmodel.sensitivity.choices.DIMENSIONS`; those the file leaves out hold
        their default).
    scale
        ``sd`` or ``raw``: the scale of the specification curve and of the summary.
    prior
        Settings of the prior sensitivity analysis.
    source
        The grid file.
    """

    name: str
    targets: tuple[Target, ...]
    dimensions: Mapping[str, tuple[str, ...]]
    base: Base = field(default_factory=Base)
    description: str = ""
    scale: str = "sd"
    prior: PriorPlan = field(default_factory=PriorPlan)
    source: str = "<memory>"

    def choices_for(self, target: Target) -> dict[str, tuple[str, ...]]:
        """The choices crossed for ``target``: the grid's, with the target's overrides."""
        out = dict(self.dimensions)
        out.update(target.dimensions)
        return out

    @property
    def varied(self) -> tuple[str, ...]:
        """Dimensions with more than one choice for some target."""
        return tuple(
            d for d in DIMENSIONS if any(len(self.choices_for(t)[d]) > 1 for t in self.targets)
        )

    def target(self, name: str) -> Target:
        """The target called ``name``."""
        for t in self.targets:
            if t.name == name:
                return t
        raise KeyError(name)


def load_grid(path: str | os.PathLike[str]) -> Grid:
    """Read a sensitivity grid from a TOML file.

    Raises
    ------
    UsageError
        The file does not exist or is a directory.
    SpecError
        TOML syntax errors (line and column), unknown keys, invalid choices, a target term
        its formula cannot produce; the message names the file and the key.
    """
    p = Path(path)
    raw = read_toml(p, "grid", "example: models/sensitivity.toml")
    raw.setdefault("name", p.stem)
    return parse_grid(raw, source=str(p))


def parse_grid(raw: Mapping[str, Any], source: str = "<memory>") -> Grid:
    """Build a :class:`Grid` from TOML-shaped data (see the module docstring)."""
    if not isinstance(raw, Mapping):
        raise SpecError(f"{source}: a grid must be a table of keys")
    check_keys(raw, TOP_KEYS, source, "in the top level", allowed="allowed")
    name = _string(raw, "name", source, "name") or Path(source).stem
    if not NAME_PATTERN.match(name):
        raise SpecError(f"{source}: name: {name!r} must be letters, digits, '_', '-' or '.'")
    description = _string(raw, "description", source, "description") or ""
    dimensions = _dimensions(raw.get("dimensions", {}), source, "[dimensions]")
    full = {d: dimensions.get(d, (DEFAULT_CHOICE[d],)) for d in DIMENSIONS}
    targets = _targets(raw.get("targets"), source)
    curve = _table(raw.get("curve", {}), source, "[curve]", CURVE_KEYS)
    scale = curve.get("scale", "sd")
    if scale not in SCALES:
        raise SpecError(
            f"{source}: [curve] scale: {scale!r}; choose 'sd' (estimate divided by "
            "the standard deviation of the dependent variable, comparable across "
            "measures and transforms) or 'raw'"
        )
    return Grid(
        name=name,
        description=description,
        targets=targets,
        dimensions=full,
        base=_base(raw.get("base", {}), source),
        scale=scale,
        prior=_prior(raw.get("prior", {}), source),
        source=source,
    )


def _table(value: object, source: str, where: str, keys: tuple[str, ...]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise SpecError(f"{source}: {where} must be a table")
    check_keys(value, keys, source, f"in {where}", allowed="allowed")
    return value


def _string(table: Mapping[str, Any], key: str, source: str, where: str) -> str | None:
    value = table.get(key)
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise SpecError(f"{source}: {where} must be a non-empty string, not {value!r}")
    return value


def _string_list(value: object, source: str, where: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        raise SpecError(f"{source}: {where} must be a string or a non-empty list of strings")
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise SpecError(f"{source}: {where}: {item!r} is not a string")
    return tuple(i.strip() for i in items)


def _dimensions(value: object, source: str, where: str) -> dict[str, tuple[str, ...]]:
    table = _table(value, source, where, DIMENSIONS)
    out: dict[str, tuple[str, ...]] = {}
    for dim, choices in table.items():
        values = _string_list(choices, source, f"{where} {dim}")
        for v in values:
            check_choice(dim, v, source)
        repeated = sorted({v for v in values if values.count(v) > 1})
        if repeated:
            raise SpecError(
                f"{source}: {where} {dim}: {', '.join(map(repr, repeated))} listed twice"
            )
        out[dim] = values
    return out


def _targets(value: object, source: str) -> tuple[Target, ...]:
    if value is None:
        raise SpecError(
            f"{source}: no [[targets]]; add at least one, e.g.\n"
            '[[targets]]\nname = "tech"\nformula = "tech_score + trend"\n'
            'term = "tech_score"'
        )
    if not isinstance(value, list) or not value:
        raise SpecError(f"{source}: targets must be an array of tables ([[targets]])")
    out: list[Target] = []
    for i, table in enumerate(value, start=1):
        where = f"[[targets]] #{i}"
        table = _table(table, source, where, TARGET_KEYS)
        for key in ("name", "formula", "term"):
            if key not in table:
                raise SpecError(f"{source}: {where}: missing {key}")
        name = _string(table, "name", source, f"{where} name")
        assert name is not None
        if not NAME_PATTERN.match(name):
            raise SpecError(
                f"{source}: {where} name: {name!r} must be letters, digits, '_', "
                "'-' or '.' (it names the figure files)"
            )
        where = f"[[targets]] {name!r}"
        formula = _string(table, "formula", source, f"{where} formula")
        term = _string(table, "term", source, f"{where} term")
        assert formula is not None and term is not None
        check_formula_syntax(formula, f"{source}: {where}")
        if not term_in_formula(term, formula):
            raise SpecError(
                f"{source}: {where} term: {term!r} is not a term of the formula "
                f"{formula!r}; write it as the formula does (e.g. "
                "'tech_score:center(trend)')"
            )
        countries = _string_list(table.get("countries", "all"), source, f"{where} countries")
        check_country_groups(countries, f"{source}: {where} countries")
        years = None
        if "years" in table and table["years"] != "all":
            parsed = sample_choice(str(table["years"]), f"{source}: {where} years")
            if parsed.kind != "years":
                raise SpecError(
                    f"{source}: {where} years: {table['years']!r} is not a year "
                    "range such as '1995-2011'"
                )
            years = parsed.years
        overrides = _dimensions(table.get("dimensions", {}), source, f"{where} dimensions")
        if any(t.name == name for t in out):
            raise SpecError(f"{source}: two targets are named {name!r}")
        out.append(
            Target(
                name=name,
                label=_string(table, "label", source, f"{where} label") or name,
                formula=formula,
                term=term,
                countries=countries,
                years=years,
                dimensions=overrides,
            )
        )
    return tuple(out)


def _base(value: object, source: str) -> Base:
    table = _table(value, source, "[base]", BASE_KEYS)
    kwargs: dict[str, Any] = {}
    if "zeros" in table:
        if table["zeros"] not in allowed(ZeroRule):
            raise SpecError(
                f"{source}: [base] zeros: {table['zeros']!r}; choose one of "
                f"{', '.join(allowed(ZeroRule))}"
            )
        kwargs["zeros"] = table["zeros"]
    if "offset" in table:
        off = table["offset"]
        if isinstance(off, bool) or not isinstance(off, (int, float)) or not off > 0:
            raise SpecError(f"{source}: [base] offset: {off!r} must be a number > 0")
        kwargs["offset"] = float(off)
    if (kwargs.get("zeros") == "offset") != ("offset" in kwargs):
        raise SpecError(f"{source}: [base] offset is needed with zeros = 'offset' and only then")
    if "small_sample" in table:
        if not isinstance(table["small_sample"], bool):
            raise SpecError(f"{source}: [base] small_sample must be true or false")
        kwargs["small_sample"] = table["small_sample"]
    if "weights" in table:
        if table["weights"] not in ("none", "output"):
            raise SpecError(
                f"{source}: [base] weights: {table['weights']!r}; choose 'none' or 'output'"
            )
        kwargs["weights"] = table["weights"]
    if "industries" in table and table["industries"] != "all":
        kwargs["industries"] = _string_list(table["industries"], source, "[base] industries")
    if "level" in table:
        level = table["level"]
        if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 < level < 1:
            raise SpecError(f"{source}: [base] level: {level!r} must be between 0 and 1, e.g. 0.95")
        kwargs["level"] = float(level)
    return Base(**kwargs)


def _prior(value: object, source: str) -> PriorPlan:
    table = _table(value, source, "[prior]", PRIOR_KEYS)
    kwargs: dict[str, Any] = {}
    if "scales" in table:
        scales = table["scales"]
        if (
            not isinstance(scales, list)
            or not scales
            or any(
                isinstance(s, bool)
                or not isinstance(s, (int, float))
                or not math.isfinite(s)
                or s <= 0
                for s in scales
            )
        ):
            raise SpecError(
                f"{source}: [prior] scales: {scales!r} must be a list of factors "
                "> 0, e.g. [0.5, 2.0]"
            )
        kwargs["scales"] = tuple(float(s) for s in scales)
    if "parameters" in table:
        kwargs["parameters"] = _string_list(table["parameters"], source, "[prior] parameters")
    if "threshold" in table:
        thr = table["threshold"]
        if isinstance(thr, bool) or not isinstance(thr, (int, float)) or not 0 < thr < 1:
            raise SpecError(
                f"{source}: [prior] threshold: {thr!r} must be between 0 and 1 "
                "(0.05 is the usual value)"
            )
        kwargs["threshold"] = float(thr)
    return PriorPlan(**kwargs)
