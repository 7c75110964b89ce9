"""Plain-text summaries of results (for ``print`` in a notebook or a log)."""

from __future__ import annotations

from typing import Protocol

import pandas as pd

from servmodel.format import MISSING, fixed_or_scientific, pvalue
from servmodel.results.stats import FitStats, SampleInfo
from servmodel.results.tidy import Inference
from servmodel.results.wald import WaldTest
from servmodel.spec import ModelSpec


# What the summaries read from a result; the result modules import this one, so it names
# no result class.
class PanelSummarySource(Protocol):
    """What :func:`fit_lines` and :func:`panel_summary_text` read from a panel result."""

    @property
    def name(self) -> str: ...
    @property
    def spec(self) -> ModelSpec: ...
    @property
    def estimator(self) -> str: ...
    @property
    def inference(self) -> Inference: ...
    @property
    def fit(self) -> FitStats: ...
    @property
    def sample(self) -> SampleInfo: ...
    @property
    def tests(self) -> tuple[WaldTest, ...]: ...
    @property
    def notes(self) -> tuple[str, ...]: ...
    def tidy(self, level: float = 0.95) -> pd.DataFrame: ...


class HausmanSummarySource(Protocol):
    """What :func:`hausman_summary_text` reads from a Hausman test."""

    @property
    def fe_name(self) -> str: ...
    @property
    def re_name(self) -> str: ...
    @property
    def df(self) -> int: ...
    @property
    def statistic(self) -> float: ...
    @property
    def p_value(self) -> float: ...
    @property
    def notes(self) -> tuple[str, ...]: ...
    def table(self) -> pd.DataFrame: ...


_R2_LABELS = {
    "fe": "R-squared (effects removed)",
    "re": "R-squared (GLS-transformed)",
    "mundlak": "R-squared (GLS-transformed)",
    "between": "R-squared (entity means)",
    "fd": "R-squared (differences)",
}


def fit_lines(result: PanelSummarySource) -> list[tuple[str, str]]:
    """Label/value pairs describing the fit, shared by the text and the CLI summaries."""
    f = result.fit
    s = result.sample
    rows = [
        ("Estimator", f.estimator),
        ("Dependent", f"{s.dependent} ({s.definition})"),
        ("Observations", f"{f.nobs:,}"),
        ("Entities (country x industry)", f"{f.entities:,}"),
        ("Years", f"{f.periods} ({s.years[0]}-{s.years[-1]})" if s.years else "0"),
        ("Covariance", f.cov_type),
    ]
    for dim, n in f.clusters:
        rows.append((f"Clusters ({dim})", f"{n:,}"))
    rows.append(("Inference", result.inference.label))
    rows += [
        (_R2_LABELS.get(result.estimator, "R-squared"), fixed_or_scientific(f.r2)),
        ("R-squared within", fixed_or_scientific(f.r2_within)),
        ("R-squared between", fixed_or_scientific(f.r2_between)),
        ("R-squared overall", fixed_or_scientific(f.r2_overall)),
    ]
    if f.f_test is not None:
        stat, p = fixed_or_scientific(f.f_test.statistic, 3), pvalue(f.f_test.p_value, 4, MISSING)
        rows.append((f"{f.f_test.distribution} slopes = 0", f"{stat} (p {p})"))
    vc = f.variance_components
    if vc is not None:
        sigma_u = fixed_or_scientific(vc.sigma2_effects**0.5)
        sigma_e = fixed_or_scientific(vc.sigma2_idiosyncratic**0.5)
        rows.append(("sigma_u / sigma_e", f"{sigma_u} / {sigma_e}"))
        rows.append(("rho", fixed_or_scientific(vc.rho)))
        theta = (
            fixed_or_scientific(vc.theta_min)
            if abs(vc.theta_max - vc.theta_min) < 1e-12
            else f"{fixed_or_scientific(vc.theta_min)}-{fixed_or_scientific(vc.theta_max)}"
        )
        rows.append(("theta", theta))
    for t in result.tests:
        stat, p = fixed_or_scientific(t.statistic, 3), pvalue(t.p_value, 4, MISSING)
        rows.append((t.name, f"{t.distribution} = {stat} (p {p})"))
    dropped = ", ".join(f"{n} {reason}" for reason, n in s.dropped if n)
    if dropped:
        rows.append(("Rows dropped", dropped))
    return rows


def panel_summary_text(result: PanelSummarySource, level: float = 0.95) -> str:
    """Coefficient table and fit statistics as fixed-width text."""
    tidy = result.tidy(level)
    width = max([len("term"), *(len(t) for t in tidy["term"])])
    pct = f"{100 * level:g}%"
    head = (
        f"{'term':<{width}}  {'estimate':>11} {'std.error':>11} {'stat':>8} "
        f"{'p':>8}  [{pct} conf. interval]"
    )
    lines = [f"{result.name}: {result.spec.description}".rstrip(": "), "=" * len(head)]
    label_w = max(len(k) for k, _ in fit_lines(result))
    lines += [f"{k:<{label_w}}  {v}" for k, v in fit_lines(result)]
    lines += ["-" * len(head), head, "-" * len(head)]
    for r in tidy.itertuples(index=False):
        est, se = fixed_or_scientific(r.estimate), fixed_or_scientific(r.std_error)
        stat, p = fixed_or_scientific(r.statistic, 2), pvalue(r.p_value, 4, MISSING)
        low, high = fixed_or_scientific(r.conf_low), fixed_or_scientific(r.conf_high)
        lines.append(f"{r.term:<{width}}  {est:>11} {se:>11} {stat:>8} {p:>8}  [{low}, {high}]")
    lines.append("-" * len(head))
    lines += [f"Note: {n}" for n in result.notes]
    return "\n".join(lines)


def hausman_summary_text(result: HausmanSummarySource) -> str:
    """The Hausman statistic, the compared coefficients and the notes as text."""
    lines = [
        f"Hausman test: {result.fe_name} (fixed effects) vs {result.re_name} (random effects)",
        "H0: the difference in coefficients is not systematic (effects uncorrelated "
        "with the regressors)",
        f"chi2({result.df}) = {fixed_or_scientific(result.statistic, 3)}   "
        f"p = {pvalue(result.p_value, 4, MISSING)}",
    ]
    t = result.table()
    width = max([4, *(len(x) for x in t["term"])])
    lines.append(
        f"{'term':<{width}}  {'b_fe':>11} {'b_re':>11} {'difference':>11} {'std.error':>11}"
    )
    for r in t.itertuples(index=False):
        cells = (r.b_fe, r.b_re, r.difference, r.std_error)
        lines.append(
            f"{r.term:<{width}}  " + " ".join(f"{fixed_or_scientific(v):>11}" for v in cells)
        )
    lines += [f"Note: {n}" for n in result.notes]
    return "\n".join(lines)
