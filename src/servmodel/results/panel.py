"""The result of every frequentist panel estimator: one type, read-only, saved as JSON."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from servmodel.errors import ResultError, ServmodelError
from servmodel.results.serialize import decode_float, register_kind, save_payload
from servmodel.results.tidy import Inference, coefficient_table
from servmodel.results.wald import WaldTest
from servmodel.spec import ModelSpec, parse_spec

KIND = "panel"


@dataclass(frozen=True)
class VarianceComponents:
    """Random-effects variance components (Swamy-Arora).

    Attributes
    ----------
    sigma2_effects, sigma2_idiosyncratic
        Variances of the entity effect u_i and of the idiosyncratic error e_it.
    rho
        Share of the effect in the total error variance.
    theta_min, theta_max
        Range of the quasi-demeaning weight theta_i (one value in a balanced panel).
    """

    sigma2_effects: float
    sigma2_idiosyncratic: float
    rho: float
    theta_min: float
    theta_max: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> VarianceComponents:
        """Inverse of :meth:`to_dict`."""
        return cls(
            **{
                k: decode_float(data[k])
                for k in ("sigma2_effects", "sigma2_idiosyncratic", "rho", "theta_min", "theta_max")
            }
        )


@dataclass(frozen=True)
class FitStats:
    """Fit statistics of a panel model.

    Attributes
    ----------
    estimator
        Readable estimator name, e.g. ``Fixed effects (entity, year)``.
    nobs, entities, periods
        Observations used (entities for the between estimator; differences for first
        differences), country x industry units, years.
    clusters
        ``(dimension, number of clusters)`` pairs; empty unless clustered.
    r2, r2_within, r2_between, r2_overall
        The estimator's own R-squared (on the data the estimator regresses: demeaned for
        fixed effects, quasi-demeaned for random effects, means for between, differences for
        first differences) and the within, between and overall R-squared of linearmodels:
        1 - SSR / TSS of the model's coefficients applied to the demeaned data, the entity
        means and the data. Unlike Stata's squared correlations these can be negative.
    df_model, df_resid
        Model and residual degrees of freedom, effects counted.
    cov_type
        The covariance estimator in words.
    f_test
        Joint test that all slopes are zero with the model's covariance (``None`` without
        slopes).
    variance_components
        Random-effects variance components (``re`` and ``mundlak`` only).
    """

    estimator: str
    nobs: int
    entities: int
    periods: int
    clusters: tuple[tuple[str, int], ...]
    r2: float
    r2_within: float
    r2_between: float
    r2_overall: float
    df_model: int
    df_resid: int
    cov_type: str
    f_test: WaldTest | None = None
    variance_components: VarianceComponents | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        out = {
            k: v
            for k, v in self.__dict__.items()
            if k not in ("f_test", "variance_components", "clusters")
        }
        out["clusters"] = [list(c) for c in self.clusters]
        out["f_test"] = None if self.f_test is None else self.f_test.to_dict()
        vc = self.variance_components
        out["variance_components"] = None if vc is None else vc.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FitStats:
        """Inverse of :meth:`to_dict`."""
        f = data["f_test"]
        vc = data["variance_components"]
        return cls(
            estimator=data["estimator"],
            nobs=int(data["nobs"]),
            entities=int(data["entities"]),
            periods=int(data["periods"]),
            clusters=tuple((str(d), int(n)) for d, n in data["clusters"]),
            r2=decode_float(data["r2"]),
            r2_within=decode_float(data["r2_within"]),
            r2_between=decode_float(data["r2_between"]),
            r2_overall=decode_float(data["r2_overall"]),
            df_model=int(data["df_model"]),
            df_resid=int(data["df_resid"]),
            cov_type=data["cov_type"],
            f_test=None if f is None else _wald_from_dict(f),
            variance_components=None if vc is None else VarianceComponents.from_dict(vc),
        )


def _wald_from_dict(data: Mapping[str, Any]) -> WaldTest:
    return WaldTest(
        data["name"],
        tuple(data["terms"]),
        decode_float(data["statistic"]),
        int(data["df_num"]),
        None if data["df_denom"] is None else float(data["df_denom"]),
        decode_float(data["p_value"]),
    )


@dataclass(frozen=True)
class SampleInfo:
    """Which observations a model used and why others were left out.

    Attributes
    ----------
    definition, measure
        Producer-service definition and intensity measure.
    dependent
        The dependent variable as written in tables, e.g. ``log(direct)``.
    countries, industries, years
        What the estimation sample covers.
    trend_origin
        The year where ``trend`` is 0.
    rows_selected
        Panel rows matching the data selection, before any row was dropped.
    dropped
        ``(reason, rows)`` for each rule that removed rows (zeros under ``log``, missing
        values, ...).
    sample_id
        Hash of the rows and values used; two results with equal ids used the same sample.
    """

    definition: str
    measure: str
    dependent: str
    countries: tuple[str, ...]
    industries: tuple[str, ...]
    years: tuple[int, ...]
    trend_origin: int
    rows_selected: int
    dropped: tuple[tuple[str, int], ...]
    sample_id: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        out = dict(self.__dict__)
        for k in ("countries", "industries", "years"):
            out[k] = list(out[k])
        out["dropped"] = [list(d) for d in self.dropped]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SampleInfo:
        """Inverse of :meth:`to_dict`."""
        return cls(
            definition=data["definition"],
            measure=data["measure"],
            dependent=data["dependent"],
            countries=tuple(data["countries"]),
            industries=tuple(data["industries"]),
            years=tuple(int(y) for y in data["years"]),
            trend_origin=int(data["trend_origin"]),
            rows_selected=int(data["rows_selected"]),
            dropped=tuple((str(r), int(n)) for r, n in data["dropped"]),
            sample_id=data["sample_id"],
        )


class PanelResult:
    """Estimates of one panel model, with the spec, the sample and the fit statistics.

    Every estimator (pooled, fixed effects, random effects, between, first differences,
    Mundlak) returns this type. Properties are read-only and return copies.

    Parameters
    ----------
    spec
        The specification that was estimated.
    terms, params, cov
        Coefficient names, estimates and their covariance (as reported: small-sample
        corrections applied).
    inference
        Reference distribution for tests and intervals.
    fit, sample
        Fit statistics and sample description.
    tests
        Further joint tests (e.g. the Mundlak test of the entity means).
    notes
        Sentences the reader of the estimates should see (rows dropped, weak clusters...).
    fingerprint
        SHA-256 of the panel the model was fit on.
    versions
        Package versions.
    """

    __slots__ = (
        "_cov",
        "_fingerprint",
        "_fit",
        "_inference",
        "_notes",
        "_params",
        "_sample",
        "_spec",
        "_terms",
        "_tests",
        "_versions",
    )

    def __init__(
        self,
        spec: ModelSpec,
        terms: Sequence[str],
        params: np.ndarray,
        cov: np.ndarray,
        inference: Inference,
        fit: FitStats,
        sample: SampleInfo,
        tests: Sequence[WaldTest] = (),
        notes: Sequence[str] = (),
        fingerprint: str = "",
        versions: Mapping[str, str] | None = None,
    ) -> None:
        k = len(terms)
        params = np.array(params, dtype=float).reshape(-1)
        cov = np.array(cov, dtype=float)
        if params.shape != (k,) or cov.shape != (k, k):
            raise ValueError(
                f"{k} terms need {k} estimates and a {k}x{k} covariance; got "
                f"{params.shape} and {cov.shape}"
            )
        params.flags.writeable = False
        cov.flags.writeable = False
        self._spec = spec
        self._terms = tuple(str(t) for t in terms)
        self._params = params
        self._cov = cov
        self._inference = inference
        self._fit = fit
        self._sample = sample
        self._tests = tuple(tests)
        self._notes = tuple(notes)
        self._fingerprint = fingerprint
        self._versions = MappingProxyType(dict(versions or {}))

    # --- identity -----------------------------------------------------------------------
    @property
    def name(self) -> str:
        """The spec's name."""
        return self._spec.name

    @property
    def spec(self) -> ModelSpec:
        """The specification that produced this result."""
        return self._spec

    @property
    def estimator(self) -> str:
        """The ``[frequentist] estimator`` of the spec."""
        assert self._spec.frequentist is not None
        return self._spec.frequentist.estimator

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the panel data the model was fit on."""
        return self._fingerprint

    @property
    def versions(self) -> Mapping[str, str]:
        """Python and package versions at estimation time."""
        return self._versions

    # --- estimates ----------------------------------------------------------------------
    @property
    def terms(self) -> tuple[str, ...]:
        """Coefficient names, in order."""
        return self._terms

    @property
    def params(self) -> pd.Series:
        """Estimates, indexed by term."""
        return pd.Series(self._params.copy(), index=list(self._terms), name="estimate")

    @property
    def std_errors(self) -> pd.Series:
        """Standard errors, indexed by term."""
        return pd.Series(np.sqrt(np.diag(self._cov)), index=list(self._terms), name="std_error")

    @property
    def cov(self) -> pd.DataFrame:
        """Covariance of the estimates."""
        return pd.DataFrame(self._cov.copy(), index=list(self._terms), columns=list(self._terms))

    @property
    def inference(self) -> Inference:
        """Reference distribution of the tests (t with its df, or normal)."""
        return self._inference

    def tidy(self, level: float = 0.95) -> pd.DataFrame:
        """One row per coefficient: term, estimate, std_error, statistic, p_value, conf_low,
        conf_high (interval at confidence ``level``)."""
        return coefficient_table(
            self._terms, self._params, np.sqrt(np.diag(self._cov)), self._inference, level
        )

    # --- fit and sample -----------------------------------------------------------------
    @property
    def fit(self) -> FitStats:
        """Fit statistics (nobs, entities, periods, clusters, R-squared, F, covariance)."""
        return self._fit

    @property
    def nobs(self) -> int:
        """Observations used."""
        return self._fit.nobs

    @property
    def sample(self) -> SampleInfo:
        """The estimation sample and the rows left out."""
        return self._sample

    @property
    def tests(self) -> tuple[WaldTest, ...]:
        """Further joint tests."""
        return self._tests

    @property
    def notes(self) -> tuple[str, ...]:
        """Sentences about the estimation the reader should see."""
        return self._notes

    def __repr__(self) -> str:
        f = self._fit
        return (
            f"PanelResult(name={self.name!r}, estimator={f.estimator!r}, nobs={f.nobs}, "
            f"terms={len(self._terms)}, cov={f.cov_type!r})"
        )

    def summary(self, level: float = 0.95) -> str:
        """A plain-text summary (coefficients and fit statistics)."""
        from servmodel.results.text import panel_summary_text

        return panel_summary_text(self, level)

    # --- persistence --------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Everything in the result as JSON-ready data."""
        return {
            "spec": self._spec.to_dict(),
            "spec_source": self._spec.source,
            "terms": list(self._terms),
            "params": self._params.tolist(),
            "cov": self._cov.tolist(),
            "inference": self._inference.to_dict(),
            "fit": self._fit.to_dict(),
            "sample": self._sample.to_dict(),
            "tests": [t.to_dict() for t in self._tests],
            "notes": list(self._notes),
            "fingerprint": self._fingerprint,
            "versions": dict(self._versions),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PanelResult:
        """Rebuild a result from :meth:`to_dict` output."""
        try:
            spec = parse_spec(data["spec"], source=data.get("spec_source", "<saved result>"))
        except ServmodelError as exc:
            raise ResultError(f"the saved spec is not valid: {exc}") from exc
        inf = data["inference"]
        return cls(
            spec=spec,
            terms=data["terms"],
            params=np.array([decode_float(v) for v in data["params"]]),
            cov=np.array([[decode_float(v) for v in row] for row in data["cov"]]).reshape(
                len(data["terms"]), len(data["terms"])
            ),
            inference=Inference(inf["distribution"], inf["df"]),
            fit=FitStats.from_dict(data["fit"]),
            sample=SampleInfo.from_dict(data["sample"]),
            tests=[_wald_from_dict(t) for t in data["tests"]],
            notes=data["notes"],
            fingerprint=data["fingerprint"],
            versions=data["versions"],
        )

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the result as JSON (atomically); read it back with
        :func:`servmodel.results.load_result`."""
        return save_payload(KIND, self.to_dict(), path)


register_kind(KIND, PanelResult.from_dict)
