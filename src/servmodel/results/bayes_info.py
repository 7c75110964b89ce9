"""The typed parts of a Bayesian result's JSON summary: diagnostics and fit information.

Kept apart from :mod:`servmodel.results.bayes` (which imports ArviZ) so tables, the report
and the command line read them without loading the draws' libraries.

Every information field is optional: files written before a field existed lack its key, and
the key stays absent when such a file is written again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from servmodel.errors import ResultError, ServmodelError
from servmodel.options import BayesFamily, BayesZeros, IntervalKind
from servmodel.results.codec import Record, codec, register_type
from servmodel.spec import ModelSpec, parse_spec
from servmodel.spec.bayes import SamplerSettings

# a key older files or hand-built results may lack: absent stays absent when written again
_OPTIONAL = codec(omit_none=True)

# the checks of a fit, in the order results store and tables list them
CHECK_NAMES: tuple[str, ...] = ("r_hat", "ess_bulk", "ess_tail", "divergences", "bfmi")


@dataclass(frozen=True)
class CheckResult(Record):
    """One stored convergence check.

    Attributes
    ----------
    value
        The worst value over the parameters (NaN when not available).
    threshold
        The accepted threshold as written, e.g. ``< 1.01``.
    passed
        Whether the check passed (``False`` when not available).
    worst_parameter
        The parameter with the worst value (empty for sampler-wide checks).
    available
        Whether the check could be computed (R-hat needs 2+ chains); ``None`` in files
        written before the flag existed (see :attr:`is_available`).
    """

    value: float
    threshold: str
    passed: bool
    worst_parameter: str = field(default="", metadata=_OPTIONAL)
    available: bool | None = field(default=None, metadata=_OPTIONAL)

    @property
    def is_available(self) -> bool:
        """Whether the check could be computed."""
        if self.available is not None:
            return self.available
        # written before the flag existed: R-hat of one chain was stored as -inf
        return self.value != float("-inf")


@dataclass(frozen=True)
class BayesDiagnostics(Record):
    """The convergence checks of a fit (``None``: not stored in this result).

    Attributes
    ----------
    r_hat
        Largest rank-normalized split R-hat.
    ess_bulk, ess_tail
        Smallest bulk and tail effective sample size.
    divergences
        Divergent transitions.
    bfmi
        Smallest energy Bayesian fraction of missing information.
    """

    OMIT_NONE: ClassVar[bool] = True

    r_hat: CheckResult | None = None
    ess_bulk: CheckResult | None = None
    ess_tail: CheckResult | None = None
    divergences: CheckResult | None = None
    bfmi: CheckResult | None = None

    def items(self) -> tuple[tuple[str, CheckResult], ...]:
        """``(name, check)`` of each stored check, in :data:`CHECK_NAMES` order."""
        pairs = ((name, getattr(self, name)) for name in CHECK_NAMES)
        return tuple((name, check) for name, check in pairs if check is not None)

    @property
    def passed(self) -> bool:
        """True when every stored check passed (none stored: True)."""
        return all(c.passed for _, c in self.items())


@dataclass(frozen=True)
class LooSummary(Record):
    """PSIS-LOO of a fit.

    Attributes
    ----------
    elpd, se
        Expected log pointwise predictive density and its standard error.
    p
        Effective number of parameters.
    pareto_k_over_07
        Observations with Pareto k > 0.7 (``None`` when not stored).
    """

    elpd: float
    se: float
    p: float
    pareto_k_over_07: int | None = field(
        default=None, metadata=codec(key="pareto_k_over_0.7", omit_none=True)
    )


@dataclass(frozen=True)
class CredibleInterval(Record):
    """The interval of the posterior summary: ``eti`` or ``hdi`` at probability ``level``."""

    kind: IntervalKind
    level: float


@dataclass(frozen=True)
class BayesInfo(Record):
    """What a Bayesian fit saw and how it ran (``None``: not stored in this result).

    Attributes
    ----------
    definition, measure
        Producer-service definition and intensity measure.
    n_obs, n_zeros
        Observations and exact zeros among them.
    zeros
        The zero rule (``hurdle``, ``censored``, ``squeeze``).
    zero_handling
        One sentence on what the zero rule did to these data.
    family
        The likelihood (``beta``, ``logitnormal``).
    countries, industries
        What the sample covers.
    years
        First and last year.
    year_center
        The year where time is 0.
    panel_fingerprint
        SHA-256 of the panel the model was fit on.
    sampler
        The settings the sampler ran with (command-line overrides included).
    compile_seconds, sampling_seconds
        Timings.
    loo
        PSIS-LOO.
    interval
        Kind and level of the summary's credible interval.
    versions
        Python and package versions.
    """

    OMIT_NONE: ClassVar[bool] = True

    definition: str | None = None
    measure: str | None = None
    n_obs: int | None = None
    n_zeros: int | None = None
    zeros: BayesZeros | None = None
    zero_handling: str | None = None
    family: BayesFamily | None = None
    countries: tuple[str, ...] | None = None
    industries: tuple[str, ...] | None = None
    years: tuple[int, int] | None = None
    year_center: float | None = None
    panel_fingerprint: str | None = None
    sampler: SamplerSettings | None = None
    compile_seconds: float | None = None
    sampling_seconds: float | None = None
    loo: LooSummary | None = None
    interval: CredibleInterval | None = None
    versions: dict[str, str] | None = None


def _sampler_from(data: Mapping[str, Any]) -> SamplerSettings:
    """Sampler settings as stored (a key this servmodel does not know is ignored)."""
    if not isinstance(data, Mapping):
        raise TypeError(f"sampler settings must be a JSON object, not {type(data).__name__}")
    known = {f.name for f in dataclasses.fields(SamplerSettings)} - {"source"}
    try:
        return SamplerSettings(**{k: v for k, v in data.items() if k in known})
    except ServmodelError as exc:
        raise ResultError(f"the saved sampler settings are not valid: {exc}") from exc


def spec_from(data: Mapping[str, Any], source: str = "<saved result>") -> ModelSpec:
    """The spec stored in a result (TOML-shaped data), read and checked again.

    Raises
    ------
    ResultError
        The stored spec is not a valid spec.
    """
    try:
        return parse_spec(data, source=source)
    except ServmodelError as exc:
        raise ResultError(f"the saved spec is not valid: {exc}") from exc


# a spec's sections are stored as the spec file's TOML tables
register_type(SamplerSettings, SamplerSettings.to_dict, _sampler_from)
register_type(ModelSpec, ModelSpec.to_dict, spec_from)
