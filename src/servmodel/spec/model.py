"""The frozen, validated model specification shared by every estimator family.

A :class:`ModelSpec` has three parts that every family reads the same way (the data
selection, the dependent variable and its transform, the right-hand-side formula) and one
section per estimator family (``[frequentist]`` here; a Bayesian family adds its own section
beside it). Each section is a frozen dataclass that checks its values when it is built, so a
spec made in Python is held to the same rules as one read from TOML; the error names the
spec file and the key as written in TOML (``[frequentist] cov``).
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from servmodel.errors import SpecError
from servmodel.options import (
    ClusterDim,
    CountryGroup,
    CovType,
    Effects,
    Estimator,
    Kernel,
    Measure,
    Transform,
    WeightsOption,
    ZeroRule,
    allowed,
)
from servmodel.spec.formula_guard import check_formula_safety

if TYPE_CHECKING:
    # spec.bayes builds on this module's helpers, so it is imported for annotations only
    from servmodel.spec.bayes import BayesOptions

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
GROUPS: tuple[str, ...] = allowed(CountryGroup)
FAMILIES: tuple[str, ...] = ("frequentist", "bayes")

# Two OECD selections exist: membership year by year (the panel's ``oecd`` column, the
# ``oecd`` comparator of ``servmodel contrast``) and the fixed set of countries that are
# members in the last selected year, with all their years (the sample groups). The old
# group names meant the second; they are refused rather than silently read either way.
RENAMED_GROUPS: dict[str, str] = {"oecd": "oecd_last_year", "non_oecd": "non_oecd_last_year"}


def renamed_group_error(name: str, where: str) -> SpecError:
    """The one-line error for a sample or country group still written ``oecd``/``non_oecd``."""
    new = RENAMED_GROUPS[name]
    who = "OECD members" if name == "oecd" else "not OECD members"
    return SpecError(
        f"{where}: {name!r} is no longer a country group, since OECD membership can be "
        f"counted two ways: write {new!r} for the countries that are {who} in the last "
        f"selected year, with all their years; {name!r} alone means membership year by "
        f"year, as in `servmodel contrast --versus {name}`"
    )


def check_country_groups(countries: tuple[str, ...], where: str) -> None:
    """``SpecError`` if ``countries`` uses a renamed OECD group."""
    for item in countries:
        if isinstance(item, str) and item in RENAMED_GROUPS:
            raise renamed_group_error(item, where)


def _fail(source: str, key: str, message: str) -> SpecError:
    return SpecError(f"{source}: {key}: {message}")


def _choice(source: str, key: str, value: object, literal: object) -> None:
    choices = allowed(literal)
    if value not in choices:
        raise _fail(source, key, f"{value!r} is not allowed; choose one of {', '.join(choices)}")


@dataclass(frozen=True)
class DataSelection:
    """Which rows of the intensity panel a model uses.

    Attributes
    ----------
    definition
        Producer-service definition (a value of the panel's ``definition`` column, e.g.
        ``standard``); checked against the panel when the model is fit.
    measure
        Intensity measure used as the dependent variable.
    countries
        Country codes and groups: ``all``, ``oecd_last_year`` (the countries that are OECD
        members in the last selected year, with all their years), ``non_oecd_last_year``
        (the others); the union of the entries is kept. ``oecd`` and ``non_oecd`` are
        refused (see :data:`RENAMED_GROUPS`).
    exclude_countries
        Country codes removed after ``countries`` is applied.
    years
        Years to keep; ``None`` keeps every year.
    industries
        Manufacturing industry codes to keep; ``None`` keeps every industry.
    panel_source
        The table source to use in a stacked panel (``servmodel data stack``), written
        ``source = "..."`` in TOML; ``None`` for a panel of one source.
    """

    definition: str
    measure: Measure = "direct"
    countries: tuple[str, ...] = ("all",)
    exclude_countries: tuple[str, ...] = ()
    years: tuple[int, ...] | None = None
    industries: tuple[str, ...] | None = None
    panel_source: str | None = None
    source: str = field(default="<memory>", compare=False, repr=False)

    def __post_init__(self) -> None:
        s = self.source
        if not isinstance(self.definition, str) or not self.definition.strip():
            raise _fail(
                s,
                "[data] definition",
                "give a producer-service definition such as "
                "'standard', 'producer', 'kibs' or 'broad'",
            )
        _choice(s, "[data] measure", self.measure, Measure)
        if not self.countries:
            raise _fail(
                s,
                "[data] countries",
                "empty list; use 'all', a group "
                "(oecd_last_year, non_oecd_last_year) or country codes",
            )
        check_country_groups(self.countries, f"{s}: [data] countries")
        if self.years is not None and not self.years:
            raise _fail(s, "[data] years", "no year given; write e.g. '1995-2011' or 'all'")
        if self.industries is not None and not self.industries:
            raise _fail(s, "[data] industries", "empty list; use 'all' or industry codes")
        if self.panel_source is not None and (
            not isinstance(self.panel_source, str) or not self.panel_source.strip()
        ):
            raise _fail(
                s,
                "[data] source",
                "give the name of a table source of the stacked panel, e.g. 'wiod2013'",
            )

    def to_dict(self) -> dict[str, Any]:
        """The section as TOML-shaped data (read back by the spec parser)."""
        out: dict[str, Any] = {
            "definition": self.definition,
            "measure": self.measure,
            "countries": list(self.countries),
            "exclude_countries": list(self.exclude_countries),
            "years": "all" if self.years is None else list(self.years),
            "industries": "all" if self.industries is None else list(self.industries),
        }
        if self.panel_source is not None:
            out["source"] = self.panel_source
        return out


@dataclass(frozen=True)
class DependentSpec:
    """How the measure becomes the dependent variable.

    Attributes
    ----------
    transform
        ``level`` (as is), ``log`` or ``logit`` (for shares in [0, 1]).
    zeros
        What ``log`` and ``logit`` do with exact zeros (and ``logit`` with exact ones):
        ``drop`` the rows (the count is reported), add ``offset`` before transforming
        (``logit`` then uses the empirical logit log((y + c) / (1 - y + c))), or stop with an
        ``error``. Required for ``log`` and ``logit``; not used by ``level``.
    offset
        The constant c added when ``zeros = "offset"``.
    """

    transform: Transform = "level"
    zeros: ZeroRule | None = None
    offset: float | None = None
    source: str = field(default="<memory>", compare=False, repr=False)

    def __post_init__(self) -> None:
        s = self.source
        _choice(s, "[dependent] transform", self.transform, Transform)
        if self.zeros is not None:
            _choice(s, "[dependent] zeros", self.zeros, ZeroRule)
        if self.transform == "level":
            if self.zeros is not None or self.offset is not None:
                raise _fail(
                    s,
                    "[dependent] zeros",
                    "only log and logit need a rule for zeros; "
                    "remove zeros/offset or set transform = 'log' or 'logit'",
                )
            return
        if self.zeros is None:
            raise _fail(
                s,
                "[dependent] zeros",
                f"required with transform = {self.transform!r}: "
                "the data hold exact zeros; choose one of "
                f"{', '.join(allowed(ZeroRule))} (offset needs offset = c > 0)",
            )
        if self.zeros == "offset":
            if self.offset is None:
                raise _fail(
                    s,
                    "[dependent] offset",
                    "required with zeros = 'offset'; "
                    "give the constant added before the transform, e.g. 0.001",
                )
            if not (
                isinstance(self.offset, (int, float))
                and math.isfinite(self.offset)
                and self.offset > 0
            ):
                raise _fail(s, "[dependent] offset", f"{self.offset!r} must be a number > 0")
        elif self.offset is not None:
            raise _fail(
                s,
                "[dependent] offset",
                f"only used with zeros = 'offset', not zeros = {self.zeros!r}; remove it",
            )

    @property
    def label(self) -> str:
        """How the transform is written in tables, e.g. ``log`` or ``log(y + 0.001)``."""
        if self.transform == "level":
            return "level"
        if self.zeros == "offset":
            return f"{self.transform}(y + {self.offset:g})"
        return self.transform

    def to_dict(self) -> dict[str, Any]:
        """The section as TOML-shaped data."""
        out: dict[str, Any] = {"transform": self.transform}
        if self.zeros is not None:
            out["zeros"] = self.zeros
        if self.offset is not None:
            out["offset"] = self.offset
        return out


# Which covariance options each estimator accepts. Between regresses entity means, so it
# has no time dimension to cluster on or to smooth over; first differences need clusters
# that do not change between the two periods of a difference.
_NO_TIME_CLUSTER = {"between", "fd"}
_NO_KERNEL = {"between"}


@dataclass(frozen=True)
class FrequentistOptions:
    """The ``[frequentist]`` section: estimator, effects, covariance, weights.

    Attributes
    ----------
    estimator
        ``pooled`` (OLS), ``fe`` (fixed effects), ``re`` (random effects, Swamy-Arora),
        ``between``, ``fd`` (first differences), ``mundlak`` (correlated random effects:
        random effects with the entity means of the time-varying regressors).
    effects
        For ``fe`` only: ``entity`` (country x industry), ``time`` (year) or ``twoway``.
    cov
        ``unadjusted``, ``robust`` (White), ``clustered`` or ``driscoll_kraay``.
    cluster
        One or two of entity, country, industry, year (``clustered`` only).
    kernel, bandwidth
        Driscoll-Kraay kernel and bandwidth (``None``: the automatic bandwidth).
    weights
        ``none`` or ``output`` (gross output, as analytic weights).
    small_sample
        Stata-style small-sample corrections: (n - 1) / (n - k) and G / (G - 1) for
        clustered covariances, t distributions with G - 1 (clustered) or T - 1
        (Driscoll-Kraay) degrees of freedom. ``False`` uses the asymptotic normal.
    """

    estimator: Estimator
    effects: Effects | None = None
    cov: CovType = "unadjusted"
    cluster: tuple[ClusterDim, ...] = ()
    kernel: Kernel | None = None
    bandwidth: float | None = None
    weights: WeightsOption = "none"
    small_sample: bool = True
    source: str = field(default="<memory>", compare=False, repr=False)

    def __post_init__(self) -> None:
        s = self.source
        _choice(s, "[frequentist] estimator", self.estimator, Estimator)
        if self.estimator == "fe":
            if self.effects is None:
                object.__setattr__(self, "effects", "entity")
            _choice(s, "[frequentist] effects", self.effects, Effects)
        elif self.effects is not None:
            raise _fail(
                s,
                "[frequentist] effects",
                f"only used with estimator = 'fe', not "
                f"{self.estimator!r}; remove it (add C(year) to the formula for year "
                "dummies)",
            )
        _choice(s, "[frequentist] cov", self.cov, CovType)
        _choice(s, "[frequentist] weights", self.weights, WeightsOption)
        if not isinstance(self.small_sample, bool):
            raise _fail(s, "[frequentist] small_sample", "must be true or false")
        if self.cov == "clustered":
            if not self.cluster:
                raise _fail(
                    s,
                    "[frequentist] cluster",
                    "required with cov = 'clustered'; "
                    f"choose one or two of {', '.join(allowed(ClusterDim))}",
                )
            if len(self.cluster) > 2 or len(set(self.cluster)) != len(self.cluster):
                raise _fail(
                    s,
                    "[frequentist] cluster",
                    f"{list(self.cluster)}: give one dimension or two different ones",
                )
            for dim in self.cluster:
                _choice(s, "[frequentist] cluster", dim, ClusterDim)
            if self.estimator in _NO_TIME_CLUSTER and "year" in self.cluster:
                raise _fail(
                    s,
                    "[frequentist] cluster",
                    f"clusters by year are not possible "
                    f"with estimator = {self.estimator!r}; cluster by entity, country "
                    "or industry",
                )
        elif self.cluster:
            raise _fail(
                s,
                "[frequentist] cluster",
                f"only used with cov = 'clustered', not cov = {self.cov!r}; remove it",
            )
        if self.cov == "driscoll_kraay":
            if self.estimator in _NO_KERNEL:
                raise _fail(
                    s,
                    "[frequentist] cov",
                    "driscoll_kraay needs a time dimension; "
                    "the between estimator has none. Use robust or clustered",
                )
            if self.kernel is None:
                object.__setattr__(self, "kernel", "bartlett")
            _choice(s, "[frequentist] kernel", self.kernel, Kernel)
            if self.bandwidth is not None and not (
                isinstance(self.bandwidth, (int, float))
                and not isinstance(self.bandwidth, bool)
                and math.isfinite(self.bandwidth)
                and self.bandwidth >= 0
            ):
                raise _fail(
                    s,
                    "[frequentist] bandwidth",
                    f"{self.bandwidth!r} must be a "
                    "number >= 0 (or leave it out for the automatic bandwidth)",
                )
        elif self.kernel is not None or self.bandwidth is not None:
            raise _fail(
                s,
                "[frequentist] kernel",
                "kernel and bandwidth are only used with cov = 'driscoll_kraay'; remove them",
            )

    def to_dict(self) -> dict[str, Any]:
        """The section as TOML-shaped data."""
        out: dict[str, Any] = {"estimator": self.estimator}
        if self.effects is not None:
            out["effects"] = self.effects
        out["cov"] = self.cov
        if self.cluster:
            out["cluster"] = list(self.cluster)
        if self.kernel is not None:
            out["kernel"] = self.kernel
        if self.bandwidth is not None:
            out["bandwidth"] = self.bandwidth
        out["weights"] = self.weights
        out["small_sample"] = self.small_sample
        return out


@dataclass(frozen=True)
class ModelSpec:
    """One model: data selection, dependent variable, formula, one estimator-family section.

    Attributes
    ----------
    name
        Short name, used for the result file (``NAME.json``).
    data, dependent
        Shared by every estimator family.
    formula
        Right-hand side in Wilkinson notation (formulaic), e.g. ``tech_score:trend``; the
        dependent variable comes from ``data.measure`` and ``dependent.transform``.
        Required by the ``[frequentist]`` family; a ``[bayes]`` section states its own
        structure and may leave it empty.
    frequentist
        The ``[frequentist]`` section, or ``None``.
    bayes
        The ``[bayes]`` section (:class:`servmodel.spec.bayes.BayesOptions`), or ``None``.
        Exactly one of ``frequentist`` and ``bayes`` is set.
    description
        Free text, shown in summaries.
    source
        Where the spec came from (file path), named in error messages.
    """

    name: str
    data: DataSelection
    formula: str = ""
    dependent: DependentSpec = field(default_factory=DependentSpec)
    frequentist: FrequentistOptions | None = None
    bayes: BayesOptions | None = None
    description: str = ""
    source: str = field(default="<memory>", compare=False)

    def __post_init__(self) -> None:
        s = self.source
        if not isinstance(self.name, str) or not NAME_PATTERN.match(self.name):
            raise _fail(
                s,
                "name",
                f"{self.name!r} must be letters, digits, '_', '-' or '.' "
                "(it names the result file)",
            )
        present = [f for f in FAMILIES if getattr(self, f) is not None]
        if not present:
            raise _fail(
                s,
                "[frequentist]",
                "no estimator section; add [frequentist] with "
                "estimator = one of " + ", ".join(allowed(Estimator)) + ", or [bayes]",
            )
        if len(present) > 1:
            raise _fail(
                s,
                "[bayes]",
                "a spec has one estimator section; this one has "
                "[frequentist] and [bayes]; write one spec file for each",
            )
        if not isinstance(self.formula, str):
            raise _fail(s, "formula", f"must be a string, not {type(self.formula).__name__}")
        if self.frequentist is not None and not self.formula.strip():
            raise _fail(
                s,
                "formula",
                "missing; give the right-hand side, e.g. formula = 'tech_score + trend'",
            )
        if self.formula:
            # a spec built in Python is held to the whitelist that a spec file is
            check_formula_safety(self.formula, s)

    @property
    def family(self) -> str:
        """The estimator family: ``frequentist`` or ``bayes``."""
        return "frequentist" if self.frequentist is not None else "bayes"

    def replace(self, **changes: Any) -> ModelSpec:
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """The spec as TOML-shaped data; :func:`servmodel.spec.parse_spec` reads it back."""
        out: dict[str, Any] = {"name": self.name}
        if self.description:
            out["description"] = self.description
        if self.formula:
            out["formula"] = self.formula
        out["data"] = self.data.to_dict()
        out["dependent"] = self.dependent.to_dict()
        if self.frequentist is not None:
            out["frequentist"] = self.frequentist.to_dict()
        if self.bayes is not None:
            out["bayes"] = self.bayes.to_dict()
        return out
