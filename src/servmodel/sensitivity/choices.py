"""The values a sensitivity dimension can take, and what each means for a model spec.

Every choice is written in the grid file as a short string (``fe_twoway``,
``clustered:country``, ``1995-2007``, ``loo``) so that a grid reads like the list of
alternatives in a paper's robustness section. This module turns those strings into the
pieces of a :class:`servmodel.spec.ModelSpec` and says, before anything is fitted, which
formula terms an estimator cannot identify.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from servmodel.errors import SpecError, UsageError
from servmodel.options import ClusterDim, Measure, Transform, allowed, parse_years
from servmodel.spec import formula_variables, parsed_formula
from servmodel.spec.model import RENAMED_GROUPS, renamed_group_error

DIMENSIONS: tuple[str, ...] = ("definition", "measure", "estimator", "transform", "sample", "cov")

# A dimension left out of a grid is held at this value (the baseline of models/pooled.toml).
DEFAULT_CHOICE: dict[str, str] = {
    "definition": "standard",
    "measure": "direct",
    "estimator": "pooled",
    "transform": "log",
    "sample": "all",
    "cov": "clustered:country",
}

# estimator choice -> ([frequentist] estimator, effects)
ESTIMATORS: dict[str, tuple[str, str | None]] = {
    "pooled": ("pooled", None),
    "fe": ("fe", "entity"),
    "fe_time": ("fe", "time"),
    "fe_twoway": ("fe", "twoway"),
    "re": ("re", None),
    "mundlak": ("mundlak", None),
    "fd": ("fd", None),
    "between": ("between", None),
}

ESTIMATOR_LABELS: dict[str, str] = {
    "pooled": "pooled OLS",
    "fe": "FE (unit)",
    "fe_time": "FE (year)",
    "fe_twoway": "FE (unit, year)",
    "re": "random effects",
    "mundlak": "Mundlak",
    "fd": "first differences",
    "between": "between",
}

# Panel variables that never change within a country x industry unit, and the variable
# that is the same for every unit in a year: unit effects (and first differences) remove
# the first, year effects the second.
UNIT_INVARIANT = frozenset(
    {
        "tech_score",
        "tech",
        "korea",
        "industry",
        "country",
        "tech_low",
        "tech_medium_low",
        "tech_medium_high",
        "tech_high",
    }
)
YEAR_INVARIANT = frozenset({"trend", "year"})

# OECD members (or not) in the last selected year, with all their years
_SAMPLE_GROUPS = ("all", "oecd_last_year", "non_oecd_last_year")
_YEARS = re.compile(r"^\d{4}(\s*-\s*\d{4})?(\s*,\s*\d{4}(\s*-\s*\d{4})?)*$")


def check_choice(dimension: str, value: object, source: str) -> str:
    """Return ``value`` if it is a valid choice of ``dimension``; ``SpecError`` otherwise."""
    where = f"{source}: [dimensions] {dimension}"
    if not isinstance(value, str) or not value.strip():
        raise SpecError(
            f"{where}: {value!r} is not a choice; write strings such as "
            f"{DEFAULT_CHOICE[dimension]!r}"
        )
    if dimension == "measure" and value not in allowed(Measure):
        raise SpecError(
            f"{where}: {value!r} is not a measure; choose from {', '.join(allowed(Measure))}"
        )
    if dimension == "transform" and value not in allowed(Transform):
        raise SpecError(
            f"{where}: {value!r} is not a transform; choose from {', '.join(allowed(Transform))}"
        )
    if dimension == "estimator" and value not in ESTIMATORS:
        raise SpecError(
            f"{where}: {value!r} is not an estimator; choose from {', '.join(ESTIMATORS)}"
        )
    if dimension == "cov":
        cov_options(value, where)
    if dimension == "sample":
        sample_choice(value, where)
    return value


def cov_options(value: str, where: str = "<memory>") -> dict[str, Any]:
    """``[frequentist]`` covariance keys of a ``cov`` choice.

    ``unadjusted``, ``robust``, ``clustered:DIM`` or ``clustered:DIM+DIM`` (DIM one of
    entity, country, industry, year), ``driscoll_kraay`` (automatic bandwidth) or
    ``driscoll_kraay:BANDWIDTH`` (Bartlett kernel).
    """
    kind, _, arg = value.partition(":")
    if kind in ("unadjusted", "robust") and not arg:
        return {"cov": kind}
    if kind == "clustered" and arg:
        dims = tuple(d.strip() for d in arg.split("+"))
        bad = [d for d in dims if d not in allowed(ClusterDim)]
        if bad or len(dims) > 2 or len(set(dims)) != len(dims):
            raise SpecError(
                f"{where}: {value!r}: cluster on one or two different dimensions "
                f"of {', '.join(allowed(ClusterDim))}, e.g. 'clustered:country' "
                "or 'clustered:country+year'"
            )
        return {"cov": "clustered", "cluster": dims}
    if kind == "driscoll_kraay":
        if not arg:
            return {"cov": "driscoll_kraay", "kernel": "bartlett"}
        try:
            bandwidth = float(arg)
        except ValueError:
            bandwidth = -1.0
        if not bandwidth >= 0:
            raise SpecError(
                f"{where}: {value!r}: the bandwidth after ':' must be a number "
                ">= 0, e.g. 'driscoll_kraay:2'"
            )
        return {"cov": "driscoll_kraay", "kernel": "bartlett", "bandwidth": bandwidth}
    raise SpecError(
        f"{where}: {value!r} is not a covariance; write 'unadjusted', 'robust', "
        "'clustered:country' (or another dimension, or two joined by '+'), "
        "'driscoll_kraay' or 'driscoll_kraay:2'"
    )


@dataclass(frozen=True)
class SampleChoice:
    """A ``sample`` choice.

    Attributes
    ----------
    kind
        ``group`` (all, oecd_last_year, non_oecd_last_year), ``years`` (a window),
        ``loo`` (leave one country out: one specification per country) or ``without``
        (named countries left out).
    group
        For ``group``: ``all``, ``oecd_last_year`` or ``non_oecd_last_year`` (the
        countries that are, or are not, OECD members in the last selected year, with all
        their years).
    years
        For ``years``: the years kept.
    countries
        For ``without``: the countries left out.
    """

    kind: str
    group: str = "all"
    years: tuple[int, ...] | None = None
    countries: tuple[str, ...] = ()


def sample_choice(value: str, where: str = "<memory>") -> SampleChoice:
    """Parse a ``sample`` choice: ``all``, ``oecd_last_year``, ``non_oecd_last_year``, a year
    window such as ``1995-2007``, ``loo`` (leave each country out in turn) or
    ``without:CHN,MEX``. The old ``oecd`` and ``non_oecd`` are refused with their new
    spelling."""
    text = value.strip()
    if text in RENAMED_GROUPS:
        raise renamed_group_error(text, where)
    if text in _SAMPLE_GROUPS:
        return SampleChoice("group", group=text)
    if text == "loo":
        return SampleChoice("loo")
    if text.startswith("without:"):
        codes = tuple(c.strip() for c in text[len("without:") :].split(",") if c.strip())
        if not codes:
            raise SpecError(
                f"{where}: {value!r}: name the countries to leave out, e.g. 'without:CHN,MEX'"
            )
        return SampleChoice("without", countries=codes)
    if _YEARS.match(text):
        try:
            return SampleChoice("years", years=parse_years(text))
        except UsageError as exc:
            raise SpecError(f"{where}: {exc}") from exc
    raise SpecError(
        f"{where}: {value!r} is not a sample; write 'all', 'oecd_last_year', "
        "'non_oecd_last_year', a year window such as '1995-2007', 'loo' (leave "
        "one country out) or 'without:CHN,MEX'"
    )


def formula_terms(formula: str) -> tuple[str, ...]:
    """The terms of ``formula`` as formulaic writes them (``1`` for the intercept)."""
    return tuple(str(t) for t in parsed_formula(formula))


def term_variables(term: str) -> frozenset[str]:
    """The data variables of one formula term."""
    return frozenset() if term in ("1", "0") else formula_variables(term)


def absorbed_by(estimator: str, effects: str | None) -> tuple[str, ...]:
    """Which kinds of invariance an estimator removes: ``unit``, ``year`` or both."""
    if estimator == "fd" or (estimator == "fe" and effects in ("entity", "twoway")):
        kinds = ["unit"]
    else:
        kinds = []
    if estimator == "fe" and effects in ("time", "twoway"):
        kinds.append("year")
    return tuple(kinds)


def absorbed_term(term: str, kinds: tuple[str, ...]) -> str | None:
    """The invariance (``unit`` or ``year``) that removes ``term``, or ``None``."""
    variables = term_variables(term)
    if not variables:
        return None
    if "unit" in kinds and variables <= UNIT_INVARIANT:
        return "unit"
    if "year" in kinds and variables <= YEAR_INVARIANT:
        return "year"
    return None


def formula_for(formula: str, estimator: str, effects: str | None) -> tuple[str, tuple[str, ...]]:
    """``formula`` without the terms that ``estimator`` cannot identify.

    Time-invariant terms (the technology level, Korea, industry dummies) have no within-unit
    variation under unit effects or first differences, and functions of the trend none
    within a year under year effects; such nuisance terms are dropped, as Stata and fixest
    drop collinear regressors, and listed so that the table shows what was estimated.

    Returns
    -------
    (str, tuple of str)
        The formula to estimate (unchanged if nothing is dropped) and the dropped terms.
    """
    kinds = absorbed_by(estimator, effects)
    if not kinds:
        return formula, ()
    terms = formula_terms(formula)
    dropped = tuple(t for t in terms if absorbed_term(t, kinds) is not None)
    if not dropped:
        return formula, ()
    kept = [t for t in terms if t not in dropped and t != "1"]
    if not kept:
        return "", dropped
    prefix = "" if "1" in terms else "0 + "
    return prefix + " + ".join(kept), dropped


def term_in_formula(term: str, formula: str) -> bool:
    """True if ``term`` names a column that ``formula`` can produce: one of its terms, or
    a column of a categorical term (``C(industry)[T.c4]``, ``C(industry)[c4]:trend``)."""
    terms = formula_terms(formula)
    if term in terms or (term == "Intercept" and "1" in terms):
        return True
    stripped = re.sub(r"\[[^\]]*\]", "", term)
    return stripped != term and stripped in terms
