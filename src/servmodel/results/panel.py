"""The result of every frequentist panel estimator: one type, read-only, saved as JSON."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from servmodel.errors import ResultError, ServmodelError
from servmodel.results.codec import decode, encode
from servmodel.results.serialize import decode_float, register_kind, save_payload
from servmodel.results.stats import FitStats, SampleInfo, VarianceComponents
from servmodel.results.text import panel_summary_text
from servmodel.results.tidy import Inference, coefficient_table
from servmodel.results.wald import WaldTest
from servmodel.spec import ModelSpec, parse_spec

KIND = "panel"

# the records a panel result is built from, importable from here as before
__all__ = ["FitStats", "PanelResult", "SampleInfo", "VarianceComponents"]


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
            "inference": encode(self._inference),
            "fit": encode(self._fit),
            "sample": encode(self._sample),
            "tests": encode(self._tests),
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
        k = len(data["terms"])
        return cls(
            spec=spec,
            terms=data["terms"],
            params=np.array([decode_float(v) for v in data["params"]]),
            cov=np.array([[decode_float(v) for v in row] for row in data["cov"]]).reshape(k, k),
            inference=decode(Inference, data["inference"]),
            fit=decode(FitStats, data["fit"]),
            sample=decode(SampleInfo, data["sample"]),
            tests=[decode(WaldTest, t) for t in data["tests"]],
            notes=data["notes"],
            fingerprint=data["fingerprint"],
            versions=data["versions"],
        )

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the result as JSON (atomically); read it back with
        :func:`servmodel.results.load_result`."""
        return save_payload(KIND, self.to_dict(), path)


register_kind(KIND, PanelResult.from_dict)
