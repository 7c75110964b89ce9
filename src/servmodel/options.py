"""Allowed option values, each as a ``Literal``, with one validator and shared parsers."""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import Literal, get_args

from servmodel.errors import UsageError

Measure = Literal[
    "direct",
    "direct_domestic",
    "direct_foreign",
    "share_intermediate",
    "total",
    "va_services",
    "va_services_domestic",
    "va_services_foreign",
]
DefinitionName = Literal["kibs", "producer", "standard", "broad"]
Scope = Literal["manufacturing", "economy"]


def allowed(literal: object) -> tuple[str, ...]:
    """The values a ``Literal`` type allows."""
    return tuple(str(v) for v in get_args(literal))


def validate_choice(value: object, literal: object, what: str) -> str:
    """Return ``value`` if ``literal`` allows it, else raise ``UsageError`` naming the choices."""
    choices = allowed(literal)
    if not isinstance(value, str) or value not in choices:
        raise UsageError(f"unknown {what} {value!r}; choose one of {', '.join(choices)}")
    return value


def parse_years(text: str | int | Iterable[int] | None) -> tuple[int, ...] | None:
    """Parse ``"1995-2011"``, ``"2000,2005"`` or ``"1995-2000,2011"`` into sorted years.

    ``None`` means all years; a list (or one int) gives its years. Raises ``UsageError`` on
    malformed text, reversed ranges or a year that is not a whole number.
    """
    if text is None:
        return None
    if not isinstance(text, str):
        return _year_list(text)
    years: set[int] = set()
    for token in (t.strip() for t in text.split(",")):
        if not token:
            continue
        lo, sep, hi = token.partition("-")
        try:
            a = int(lo)
            b = int(hi) if sep else a
        except ValueError:
            raise UsageError(
                f"years {text!r}: {token!r} is not a year or range; write e.g. 1995-2011 or "
                "2000,2005"
            ) from None
        # a typo such as 1995-20011 would otherwise ask for thousands of years
        outside = [y for y in (a, b) if not 1000 <= y <= 9999]
        if outside:
            raise UsageError(
                f"years {text!r}: {outside[0]} is not a four-digit year; write e.g. 1995-2011"
            )
        if b < a:
            raise UsageError(f"years {text!r}: range {token!r} runs backwards; write it as {b}-{a}")
        years.update(range(a, b + 1))
    if not years:
        raise UsageError(f"years {text!r}: no year given")
    return tuple(sorted(years))


def _year_list(values: object) -> tuple[int, ...]:
    """Sorted years of an int or an iterable of them; ``UsageError`` for anything else or
    a fraction (``int(2000.5)`` would silently be 2000)."""
    items = [values] if isinstance(values, numbers.Number) else values
    if not isinstance(items, Iterable):
        raise UsageError(
            f"years {values!r}: give a string such as '1995-2011' or a list of whole years"
        )
    years: set[int] = set()
    for y in items:
        if isinstance(y, str) and y.strip().isdigit():
            y = int(y)
        whole = isinstance(y, numbers.Integral) or (
            isinstance(y, numbers.Real) and float(y).is_integer()
        )
        if not whole or isinstance(y, bool):
            raise UsageError(
                f"years: {y!r} is not a whole year; give years such as "
                "[1995, 2011] or a range such as '1995-2011'"
            )
        years.add(int(y))
    return tuple(sorted(years))


# Model specifications (``models/*.toml``) and the panel estimators. The spec parser turns a
# value outside these into a SpecError that names the file, the key and the choices.
Transform = Literal["level", "log", "logit"]
ZeroRule = Literal["drop", "offset", "error"]
CountryGroup = Literal["all", "oecd_last_year", "non_oecd_last_year"]
Estimator = Literal["pooled", "fe", "re", "between", "fd", "mundlak"]
Effects = Literal["entity", "time", "twoway"]
CovType = Literal["unadjusted", "robust", "clustered", "driscoll_kraay"]
ClusterDim = Literal["entity", "country", "industry", "year"]
Kernel = Literal["bartlett", "parzen", "qs"]
WeightsOption = Literal["none", "output"]

# Bayesian models (``[bayes]`` in a model spec) and their samplers.
BayesFamily = Literal["beta", "logitnormal"]
BayesZeros = Literal["hurdle", "censored", "squeeze"]
VaryingIntercept = Literal["country", "industry"]
TechTerm = Literal["score", "class", "none"]
Parameterization = Literal["efficient", "naive"]
Sampler = Literal["nutpie", "pymc", "numpyro"]
IntervalKind = Literal["eti", "hdi"]
