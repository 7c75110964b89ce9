"""The ``[bayes]`` section of a model spec: likelihood, structure, priors, sampler defaults."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any

from servmodel.options import (
    BayesFamily,
    BayesZeros,
    Parameterization,
    Sampler,
    TechTerm,
    VaryingIntercept,
)
from servmodel.spec.model import _choice, _fail


@dataclass(frozen=True)
class Priors:
    """Prior locations and scales; every scale must be a number > 0.

    Time enters in decades and the technology score is centred at 2.5, so on the logit scale
    ``trend_sd`` is the prior scale of a change per 10 years and ``tech_sd`` that of one step
    of technology class. ``sigma_*`` are half-normal scales of group-level standard
    deviations (``sigma_cell_slope`` of country x industry slopes per decade,
    ``sigma_country_year`` of economy x year effects); the Beta precision has a log-normal
    prior (``log_phi_mean``, ``log_phi_sd``). The hurdle's logit of a zero is
    ``zero_intercept + zero_log_output * standardized log output`` with normal priors
    (``zero_intercept_*``, ``zero_slope_*``).
    """

    intercept_mean: float = -2.0
    intercept_sd: float = 1.5
    tech_sd: float = 1.0
    trend_sd: float = 1.0
    tech_trend_sd: float = 0.5
    sigma_country: float = 1.0
    sigma_industry: float = 1.0
    sigma_slope: float = 0.5
    sigma_cell: float = 1.0
    sigma_cell_slope: float = 0.25
    sigma_country_year: float = 0.25
    log_phi_mean: float = 3.0
    log_phi_sd: float = 1.5
    sigma_obs: float = 1.0
    zero_intercept_mean: float = -4.0
    zero_intercept_sd: float = 2.0
    zero_slope_mean: float = 0.0
    zero_slope_sd: float = 1.0
    source: str = field(default="<memory>", compare=False, repr=False)

    def __post_init__(self) -> None:
        for f in fields(self):
            if f.name == "source":
                continue
            value = getattr(self, f.name)
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not math.isfinite(value)
            ):
                raise _fail(
                    self.source, f"[bayes.priors] {f.name}", f"{value!r} must be a finite number"
                )
            object.__setattr__(self, f.name, float(value))
            if not f.name.endswith("_mean") and value <= 0:
                raise _fail(
                    self.source, f"[bayes.priors] {f.name}", f"{value!r} is a scale and must be > 0"
                )

    def scaled(self, factor: float) -> Priors:
        """The same priors with every scale (not location) multiplied by ``factor``."""
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "source"}
        return Priors(
            **{k: (v if k.endswith("_mean") else v * factor) for k, v in values.items()},
            source=self.source,
        )

    def to_dict(self) -> dict[str, float]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "source"}


# nutpie takes its seed as an unsigned 64-bit integer and fails on a larger one only once it
# starts; PyMC's samplers accept any non-negative integer
SEED_MAX = 2**64 - 1


@dataclass(frozen=True)
class SamplerSettings:
    """Default sampler settings of a spec (the command line can override each).

    ``low_rank_mass_matrix`` (nutpie only) adapts a diagonal plus low-rank mass matrix; on
    the flagship model it raises the minimum effective sample size per second about tenfold
    over the diagonal default, because the hurdle's intercept and slope and the global
    intercept and industry effects are strongly correlated a posteriori.
    """

    sampler: Sampler = "nutpie"
    chains: int = 4
    draws: int = 1000
    tune: int = 1000
    target_accept: float = 0.9
    seed: int = 20131
    low_rank_mass_matrix: bool = True
    source: str = field(default="<memory>", compare=False, repr=False)

    def __post_init__(self) -> None:
        s = self.source
        _choice(s, "[bayes.sampling] sampler", self.sampler, Sampler)
        if not isinstance(self.low_rank_mass_matrix, bool):
            raise _fail(s, "[bayes.sampling] low_rank_mass_matrix", "must be true or false")
        for key in ("chains", "draws"):
            value = getattr(self, key)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise _fail(s, f"[bayes.sampling] {key}", f"{value!r} must be an integer >= 1")
        if isinstance(self.tune, bool) or not isinstance(self.tune, int) or self.tune < 0:
            raise _fail(s, "[bayes.sampling] tune", f"{self.tune!r} must be an integer >= 0")
        seed = self.seed
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= SEED_MAX:
            raise _fail(
                s, "[bayes.sampling] seed", f"{seed!r} must be an integer between 0 and 2**64 - 1"
            )
        ta = self.target_accept
        if isinstance(ta, bool) or not isinstance(ta, (int, float)) or not 0 < ta < 1:
            raise _fail(s, "[bayes.sampling] target_accept", f"{ta!r} must be in (0, 1)")

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "source"}


@dataclass(frozen=True)
class BayesOptions:
    """The ``[bayes]`` section.

    Attributes
    ----------
    family
        ``beta`` (mean-precision Beta, logit link) or ``logitnormal`` (Gaussian on the logit
        scale; densities carry the Jacobian so LOO compares it with the Beta).
    zeros
        ``hurdle``: exact zeros are a separate outcome whose probability is modelled (logit
        link on standardized log gross output: small industries round to zero more often);
        ``censored``: a share is recorded as 0 when its flow was rounded to 0, so a zero
        says the share lay below half ``rounding_unit`` divided by the industry's gross
        output (Beta family only; no parameters of its own);
        ``squeeze``: Smithson and Verkuilen's transform (y (n - 1) + 1/2) / n moves every
        value into (0, 1).
    rounding_unit
        The unit the table's flows are rounded to, in the units of gross output (the
        embedded WIOD 2013 tables: 1, a million US dollars); used by ``censored`` zeros.
    intercepts
        Varying intercepts: any of ``country``, ``industry`` (crossed).
    country_slopes
        Varying time slopes by country.
    cells
        Country x industry intercepts (sum to zero over countries and over industries).
    cell_slopes
        Country x industry time slopes around the country slope (sum to zero over countries
        and over industries; non-centred): an economy's industries may move apart.
    country_years
        Economy x year effects shared by an economy's industries (a bad year, 2009), each
        economy's effects orthogonal to a constant and a linear trend over the years, so they
        never trade off against the country intercept or slope; non-centred.
    tech
        Technology level as an industry-level predictor: ``score`` (1..4, centred),
        ``class`` (three contrasts against low) or ``none``.
    tech_trend
        Technology x time interaction.
    parameterization
        ``efficient``: centred group effects, country effects summing to zero, technology as
        the mean of the industry effects; ``naive``: free intercept, non-centred effects,
        technology as a plain covariate (kept as the benchmark's baseline).
    """

    family: BayesFamily = "beta"
    zeros: BayesZeros = "hurdle"
    intercepts: tuple[VaryingIntercept, ...] = ("country", "industry")
    country_slopes: bool = True
    cells: bool = False
    cell_slopes: bool = False
    country_years: bool = False
    tech: TechTerm = "score"
    tech_trend: bool = True
    parameterization: Parameterization = "efficient"
    rounding_unit: float = 1.0
    priors: Priors = field(default_factory=Priors)
    sampling: SamplerSettings = field(default_factory=SamplerSettings)
    source: str = field(default="<memory>", compare=False, repr=False)

    def __post_init__(self) -> None:
        s = self.source
        _choice(s, "[bayes] family", self.family, BayesFamily)
        _choice(s, "[bayes] zeros", self.zeros, BayesZeros)
        _choice(s, "[bayes] tech", self.tech, TechTerm)
        _choice(s, "[bayes] parameterization", self.parameterization, Parameterization)
        # a string would be read letter by letter, a number not at all
        if not isinstance(self.intercepts, (tuple, list)):
            raise _fail(
                s,
                "[bayes] intercepts",
                f"{self.intercepts!r} must be a list such as "
                "['country', 'industry'] (or [] for none)",
            )
        for v in self.intercepts:
            _choice(s, "[bayes] intercepts", v, VaryingIntercept)
        if len(set(self.intercepts)) != len(self.intercepts):
            raise _fail(s, "[bayes] intercepts", "a group is listed twice")
        for key in ("country_slopes", "cells", "cell_slopes", "country_years", "tech_trend"):
            if not isinstance(getattr(self, key), bool):
                raise _fail(s, f"[bayes] {key}", "must be true or false")
        unit = self.rounding_unit
        if (
            isinstance(unit, bool)
            or not isinstance(unit, (int, float))
            or not (math.isfinite(unit) and unit > 0)
        ):
            raise _fail(
                s,
                "[bayes] rounding_unit",
                f"{unit!r} must be a number > 0 (the unit "
                "flows are rounded to, in the units of gross output)",
            )
        object.__setattr__(self, "rounding_unit", float(unit))
        if self.zeros == "censored" and self.family != "beta":
            raise _fail(
                s,
                "[bayes] zeros",
                "censored zeros need family = 'beta'; use zeros = 'hurdle' with the logit-normal",
            )
        if self.tech == "none" and self.tech_trend:
            raise _fail(
                s,
                "[bayes] tech_trend",
                "needs a technology term; set tech = 'score' or 'class', or tech_trend = false",
            )
        if self.cells and set(self.intercepts) != {"country", "industry"}:
            raise _fail(
                s,
                "[bayes] cells",
                "country x industry effects need varying intercepts for both country and industry",
            )
        if self.cell_slopes and not (self.cells and self.country_slopes):
            raise _fail(
                s,
                "[bayes] cell_slopes",
                "country x industry slopes vary around the "
                "country slopes and need the country x industry intercepts: set "
                "cells = true and country_slopes = true",
            )
        if self.country_years and "country" not in self.intercepts:
            raise _fail(
                s,
                "[bayes] country_years",
                "economy x year effects vary around a country's level: add 'country' to intercepts",
            )

    def to_dict(self) -> dict[str, Any]:
        return {
            "family": self.family,
            "zeros": self.zeros,
            "intercepts": list(self.intercepts),
            "country_slopes": self.country_slopes,
            "cells": self.cells,
            "cell_slopes": self.cell_slopes,
            "country_years": self.country_years,
            "tech": self.tech,
            "tech_trend": self.tech_trend,
            "parameterization": self.parameterization,
            "rounding_unit": self.rounding_unit,
            "priors": self.priors.to_dict(),
            "sampling": self.sampling.to_dict(),
        }
