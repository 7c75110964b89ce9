"""The Hausman (1978) test of fixed against random effects, from two fitted results."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from scipy import stats

from servmodel.errors import EstimationError
from servmodel.frequentist.design import INTERCEPT
from servmodel.frequentist.fit import _as_panel, fit
from servmodel.intensity import IntensityPanel
from servmodel.results import HausmanResult, PanelResult
from servmodel.spec import ModelSpec

# Eigenvalues of V_FE - V_RE below this share of the largest count as zero or negative.
EIG_TOL = 1e-10


def hausman(fe: PanelResult, re: PanelResult) -> HausmanResult:
    """Classic Hausman test: H = d' (V_FE - V_RE)^-1 d with d = b_FE - b_RE.

    The coefficients compared are those in both models (the intercept excluded). When
    V_FE - V_RE is not positive definite, which happens in finite samples, its Moore-Penrose
    generalized inverse is used, the degrees of freedom are its rank (as Stata's
    ``hausman``), and the result says so.

    Parameters
    ----------
    fe
        A fixed-effects result (estimator ``fe`` with entity effects), consistent under H0
        and H1.
    re
        A random-effects result (estimator ``re``), efficient under H0, on the same sample.

    Raises
    ------
    EstimationError
        Wrong estimators, a covariance other than ``unadjusted`` (the test needs RE to be
        efficient, so robust covariances invalidate it; use the Mundlak model's test),
        different samples, or no coefficient in common.
    """
    _check_pair(fe, re)
    terms = [t for t in fe.terms if t in re.terms and t != INTERCEPT]
    if not terms:
        raise EstimationError(
            f"{fe.name} and {re.name} have no coefficient in common to compare; the fixed-"
            "effects model needs time-varying regressors that the random-effects model also has"
        )
    b_fe = fe.params[terms].to_numpy()
    b_re = re.params[terms].to_numpy()
    v = fe.cov.loc[terms, terms].to_numpy() - re.cov.loc[terms, terms].to_numpy()
    v = (v + v.T) / 2.0
    d = b_fe - b_re
    eig = np.linalg.eigvalsh(v)
    scale = max(float(np.abs(eig).max()), np.finfo(float).tiny)
    notes: list[str] = []
    if eig.min() > EIG_TOL * scale:
        stat = float(d @ np.linalg.solve(v, d))
        df = len(terms)
        general = False
    else:
        rank = int((np.abs(eig) > EIG_TOL * scale).sum())
        stat = float(d @ np.linalg.pinv(v, rcond=EIG_TOL, hermitian=True) @ d)
        df = rank
        general = True
        notes.append(
            f"V_FE - V_RE is not positive definite (smallest eigenvalue {eig.min():.3g}); the "
            f"Moore-Penrose generalized inverse was used and df = its rank ({rank}). Treat the "
            "test with caution; the Mundlak model's test of the entity means is an "
            "alternative"
        )
    if stat < 0 or df == 0:
        p = float("nan")
        notes.append(
            "the statistic is negative: the data do not meet the asymptotic "
            "assumptions of the test (p-value not reported)"
        )
    else:
        p = float(stats.chi2.sf(stat, df))
    if fe.spec.frequentist is not None and fe.spec.frequentist.effects == "twoway":
        notes.append(
            "the fixed-effects model also has year effects; unless the random-"
            "effects model has year dummies (C(year)), H0 also covers them"
        )
    return HausmanResult(
        fe_name=fe.name,
        re_name=re.name,
        terms=tuple(terms),
        b_fe=tuple(map(float, b_fe)),
        b_re=tuple(map(float, b_re)),
        var_diff_diag=tuple(map(float, np.diag(v))),
        statistic=stat,
        df=df,
        p_value=p,
        generalized_inverse=general,
        min_eigenvalue=float(eig.min()),
        notes=tuple(notes),
    )


def _check_pair(fe: PanelResult, re: PanelResult) -> None:
    fo, ro = fe.spec.frequentist, re.spec.frequentist
    if fo is None or fo.estimator != "fe" or fo.effects not in ("entity", "twoway"):
        raise EstimationError(
            f"{fe.spec.source}: the first model of a Hausman test must use "
            "estimator = 'fe' with entity effects"
        )
    if ro is None or ro.estimator != "re":
        raise EstimationError(
            f"{re.spec.source}: the second model of a Hausman test must use estimator = 're'"
        )
    for r, o in ((fe, fo), (re, ro)):
        if o.cov != "unadjusted":
            raise EstimationError(
                f"{r.spec.source}: the classic Hausman test needs the unadjusted covariance "
                f"(cov = {o.cov!r} here), since RE must be efficient under H0; "
                "`servmodel hausman` refits both models with it, or use the Mundlak model's "
                "test of the entity means, which is cluster-robust"
            )
    if fe.sample.sample_id != re.sample.sample_id:
        raise EstimationError(
            f"{fe.name} ({fe.nobs} obs.) and {re.name} ({re.nobs} obs.) were not estimated on "
            "the same observations, dependent variable and weights; give both specs the same "
            "[data], [dependent] and weights"
        )


def _unadjusted(spec: ModelSpec) -> ModelSpec:
    opts = spec.frequentist
    if opts is None or opts.cov == "unadjusted":
        return spec
    return spec.replace(
        frequentist=dataclasses.replace(
            opts, cov="unadjusted", cluster=(), kernel=None, bandwidth=None
        )
    )


def hausman_from_specs(
    fe_spec: ModelSpec, re_spec: ModelSpec, panel: IntensityPanel | pd.DataFrame
) -> HausmanResult:
    """Fit a fixed- and a random-effects spec with the unadjusted covariance the classic
    test needs, and test one against the other (see :func:`hausman`)."""
    panel = _as_panel(panel)
    refit = [
        s.frequentist is not None and s.frequentist.cov != "unadjusted" for s in (fe_spec, re_spec)
    ]
    out = hausman(fit(_unadjusted(fe_spec), panel), fit(_unadjusted(re_spec), panel))
    if any(refit):
        names = " and ".join(s.name for s, r in zip((fe_spec, re_spec), refit, strict=True) if r)
        note = (
            f"{names} refit with the unadjusted covariance that the classic test needs "
            "(coefficients unchanged)"
        )
        out = dataclasses.replace(out, notes=(note, *out.notes))
    return out
