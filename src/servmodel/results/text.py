"""Plain-text summaries of results (for ``print`` in a notebook or a log)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from servmodel.results.hausman import HausmanResult
    from servmodel.results.panel import PanelResult


def _num(value: float, digits: int = 4) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "."
    if value != 0 and (abs(value) < 10**-digits or abs(value) >= 10**6):
        return f"{value:.{digits}e}"
    return f"{value:.{digits}f}"


def _pvalue(p: float) -> str:
    if p is None or math.isnan(p):
        return "."
    return "<0.0001" if p < 1e-4 else f"{p:.4f}"


_R2_LABELS = {
    "fe": "R-squared (effects removed)",
    "re": "R-squared (GLS-transformed)",
    "mundlak": "R-squared (GLS-transformed)",
    "between": "R-squared (entity means)",
    "fd": "R-squared (differences)",
}


def fit_lines(result: PanelResult) -> list[tuple[str, str]]:
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
        (_R2_LABELS.get(result.estimator, "R-squared"), _num(f.r2)),
        ("R-squared within", _num(f.r2_within)),
        ("R-squared between", _num(f.r2_between)),
        ("R-squared overall", _num(f.r2_overall)),
    ]
    if f.f_test is not None:
        rows.append(
            (
                f"{f.f_test.distribution} slopes = 0",
                f"{_num(f.f_test.statistic, 3)} (p {_pvalue(f.f_test.p_value)})",
            )
        )
    vc = f.variance_components
    if vc is not None:
        rows.append(
            (
                "sigma_u / sigma_e",
                f"{_num(vc.sigma2_effects**0.5)} / {_num(vc.sigma2_idiosyncratic**0.5)}",
            )
        )
        rows.append(("rho", _num(vc.rho)))
        theta = (
            _num(vc.theta_min)
            if abs(vc.theta_max - vc.theta_min) < 1e-12
            else f"{_num(vc.theta_min)}-{_num(vc.theta_max)}"
        )
        rows.append(("theta", theta))
    for t in result.tests:
        rows.append((t.name, f"{t.distribution} = {_num(t.statistic, 3)} (p {_pvalue(t.p_value)})"))
    dropped = ", ".join(f"{n} {reason}" for reason, n in s.dropped if n)
    if dropped:
        rows.append(("Rows dropped", dropped))
    return rows


def panel_summary_text(result: PanelResult, level: float = 0.95) -> str:
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
        lines.append(
            f"{r.term:<{width}}  {_num(r.estimate):>11} {_num(r.std_error):>11} "
            f"{_num(r.statistic, 2):>8} {_pvalue(r.p_value):>8}  "
            f"[{_num(r.conf_low)}, {_num(r.conf_high)}]"
        )
    lines.append("-" * len(head))
    lines += [f"Note: {n}" for n in result.notes]
    return "\n".join(lines)


def hausman_summary_text(result: HausmanResult) -> str:
    """The Hausman statistic, the compared coefficients and the notes as text."""
    lines = [
        f"Hausman test: {result.fe_name} (fixed effects) vs {result.re_name} (random effects)",
        "H0: the difference in coefficients is not systematic (effects uncorrelated "
        "with the regressors)",
        f"chi2({result.df}) = {_num(result.statistic, 3)}   p = {_pvalue(result.p_value)}",
    ]
    t = result.table()
    width = max([4, *(len(x) for x in t["term"])])
    lines.append(
        f"{'term':<{width}}  {'b_fe':>11} {'b_re':>11} {'difference':>11} {'std.error':>11}"
    )
    for r in t.itertuples(index=False):
        lines.append(
            f"{r.term:<{width}}  {_num(r.b_fe):>11} {_num(r.b_re):>11} "
            f"{_num(r.difference):>11} {_num(r.std_error):>11}"
        )
    lines += [f"Note: {n}" for n in result.notes]
    return "\n".join(lines)
