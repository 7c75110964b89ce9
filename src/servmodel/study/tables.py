"""The replication's data tables: one frame per table, written to ``tables/`` in LaTeX and
Markdown and embedded in the report from the same frame."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from servmodel.study.descriptive import FOCUS, OECD_LABEL

if TYPE_CHECKING:
    from servmodel.report.table import Table
    from servmodel.sensitivity.prior import PriorSensitivity

DEFINITION_ORDER = ("kibs", "producer", "standard", "broad")
# verdicts the report prints in bold
BOLD = frozenset({"contradicted"})
CONFLICT = "prior-data conflict"
# the comparison's columns as the report names them (the CSV keeps compare_models' names)
LOO_LABELS = {"weight": "stacking weight", "weight_pbma": "pseudo-BMA+ weight"}


@dataclass(frozen=True)
class StudyTable:
    """A table of the study.

    Attributes
    ----------
    name
        File stem under ``tables/``.
    caption
        Caption (LaTeX) and heading (Markdown).
    frame
        The cells.
    digits
        Decimals of the numbers.
    bold
        Booleans of ``frame``'s shape: the cells the report prints in bold (the table
        files print none), or ``None``.
    """

    name: str
    caption: str
    frame: pd.DataFrame
    digits: int = 4
    bold: pd.DataFrame | None = None

    def table(self, caption: bool = True, emphasis: bool = False) -> Table:
        """The frame as a data :class:`~servmodel.report.Table`.

        Parameters
        ----------
        caption
            Give the table its caption and cross-reference label (``tab:NAME``, dashes for
            underscores); without, the bare table (as the report embeds it).
        emphasis
            Print the :attr:`bold` cells in bold.
        """
        from servmodel.report.frame import frame_table

        return frame_table(
            self.frame,
            self.caption if caption else "",
            f"tab:{self.name.replace('_', '-')}" if caption else "",
            self.digits,
            bold=self.bold if emphasis else None,
        )


def claim_matrix(verdicts: pd.DataFrame) -> pd.DataFrame:
    """One row per measure and claim, one column per definition (the verdicts)."""
    order = [d for d in DEFINITION_ORDER if d in set(verdicts["definition"])]
    order += [d for d in dict.fromkeys(verdicts["definition"]) if d not in order]
    wide = verdicts.pivot_table(
        index=["measure", "claim"], columns="definition", values="verdict", aggfunc="first"
    )[order]
    wide.columns.name = None
    return wide.reset_index()


def claim_matrix_table(verdicts: pd.DataFrame) -> StudyTable:
    """The claim robustness matrix; contradicted cells in bold in the report."""
    frame = claim_matrix(verdicts)
    defs = [c for c in frame.columns if c not in ("measure", "claim")]
    bold = pd.DataFrame(
        {c: frame[c].isin(BOLD) if c in defs else False for c in frame.columns},
        index=frame.index,
    )
    return StudyTable(
        "claim_matrix",
        "Claim robustness matrix: verdict per claim, measure and producer-service definition",
        frame,
        bold=bold,
    )


def claim_evidence(verdicts: pd.DataFrame, measure: str = "direct") -> StudyTable:
    """The number and rule behind each verdict for one measure."""
    frame = verdicts.loc[
        verdicts["measure"] == measure, ["claim", "definition", "verdict", "evidence"]
    ].reset_index(drop=True)
    return StudyTable(
        f"claim_evidence_{measure}",
        f"The evidence behind each verdict ({measure} coefficient)",
        frame,
    )


def comparators(by_measure: dict[str, pd.DataFrame]) -> StudyTable:
    """Korea, Mexico, China and the OECD average in the first and last year, for each
    measure (``comparator_series`` frames keyed by measure)."""
    parts = []
    for measure, comps in by_measure.items():
        first, last = int(comps["year"].min()), int(comps["year"].max())
        sub = comps[comps["year"].isin([first, last])]
        wide = sub.pivot_table(index=["definition", "year"], columns="series", values="value")
        cols = [c for c in (FOCUS, "MEX", "CHN", OECD_LABEL) if c in wide.columns]
        wide = wide[cols]
        wide.columns.name = None
        parts.append(wide.reset_index().assign(measure=measure))
    frame = pd.concat(parts, ignore_index=True)
    frame = frame[["measure", *[c for c in frame.columns if c != "measure"]]]
    years = sorted(set(frame["year"]))
    return StudyTable(
        "comparators",
        "Output-weighted manufacturing intensity, "
        f"{years[0]} and {years[-1]}: "
        f"{', '.join(f'`{m}`' for m in by_measure)}",
        frame,
    )


def services_va_exports(shares: pd.DataFrame, definitions: tuple[str, ...]) -> StudyTable:
    """Services value-added share of manufacturing gross exports (total, domestic,
    foreign) in the first and last year, for ``definitions``, in that order."""
    first, last = int(shares["year"].min()), int(shares["year"].max())
    rows = []
    for d in definitions:
        for component in ("total", "domestic", "foreign"):
            for year in (first, last):
                cell = shares[
                    (shares["definition"] == d)
                    & (shares["component"] == component)
                    & (shares["year"] == year)
                ].set_index("series")["value"]
                rows.append(
                    {
                        "definition": d,
                        "component": component,
                        "year": year,
                        **{k: cell.get(k) for k in (FOCUS, "MEX", "CHN", OECD_LABEL)},
                    }
                )
    return StudyTable(
        "services_va_exports",
        "Services value added in manufacturing gross "
        f"exports (share of the exports), {first} and {last}",
        pd.DataFrame(rows),
        digits=3,
    )


def decomposition_mix(decompositions: dict) -> StudyTable:
    """Korea's change over time and its last-year gaps, with the industry-mix part of each
    (the rest is the industries' own purchases)."""
    from servmodel.study.decomposition import mix_table

    frame = mix_table(decompositions)
    order = {d: k for k, d in enumerate(DEFINITION_ORDER)}
    frame = frame.sort_values(
        ["definition", "measure"],
        key=lambda c: c.map(order) if c.name == "definition" else c,
        kind="stable",
        ignore_index=True,
    )
    return StudyTable(
        "decomposition_mix",
        f"{FOCUS}: change over time and gaps to the "
        "comparators, and the part of each due to industry mix (output "
        "weights), symmetric shift-share",
        frame,
    )


def korea_ranks(ranks: pd.DataFrame) -> StudyTable:
    """Korea's rank among all economies, per definition, in the first and last year."""
    frame = ranks[ranks["country"] == FOCUS].drop(columns="country").reset_index(drop=True)
    return StudyTable(
        "korea_ranks", f"{FOCUS}'s rank among the economies (1 = highest intensity)", frame
    )


def panel_slopes(panel_results: dict) -> StudyTable:
    """The slopes of every panel model (fixed-effect dummies and intercepts left out)."""
    rows = []
    for name, res in panel_results.items():
        t = res.tidy()
        t = t[~t["term"].str.startswith(("C(", "Intercept"))]
        for r in t.itertuples(index=False):
            rows.append(
                {
                    "model": name,
                    "term": r.term,
                    "estimate": r.estimate,
                    "std. error": r.std_error,
                    "p": r.p_value,
                }
            )
    return StudyTable(
        "panel_slopes",
        "Slopes of the panel models (log direct coefficient, standard definition)",
        pd.DataFrame(rows),
    )


def bayes_diagnostics(bayes_results: dict) -> StudyTable:
    """Fit and convergence of each Bayesian model."""
    rows = []
    for name, res in bayes_results.items():
        d, loo = res.diagnostics, res.info.loo
        rows.append(
            {
                "model": name,
                "elpd_loo": loo.elpd,
                "SE": loo.se,
                "p_loo": loo.p,
                "max R-hat": d.r_hat.value,
                "min bulk ESS": round(d.ess_bulk.value),
                "divergences": int(d.divergences.value),
                "checks": "pass" if res.passed else "FAIL",
            }
        )
    return StudyTable(
        "bayes_diagnostics", "Bayesian models: fit and convergence", pd.DataFrame(rows), digits=3
    )


def flagship_terms(result) -> StudyTable:
    """The flagship's population-level terms and Korea's own effects."""
    t = result.summary
    keep = t[~t["term"].str.contains(r"\[") | t["term"].str.contains(r"\[KOR")]
    level = result.info.interval.level
    frame = keep[
        ["term", "estimate", "std_error", "conf_low", "conf_high", "r_hat", "ess_bulk"]
    ].rename(
        columns={
            "estimate": "posterior mean",
            "std_error": "sd",
            "conf_low": f"{level:.0%} low",
            "conf_high": f"{level:.0%} high",
        }
    )
    ess = frame["ess_bulk"].round()
    frame = frame.assign(ess_bulk=ess.astype("int64") if ess.notna().all() else ess)
    return StudyTable(
        "flagship_posterior",
        f"Flagship posterior ({result.name}; logit scale, time in decades)",
        frame.reset_index(drop=True),
    )


def loo_comparison(table: pd.DataFrame) -> StudyTable:
    """The LOO comparison: elpd, its difference to the best with that difference's SE
    (``dse``), stacking and pseudo-BMA+ weights.

    Parameters
    ----------
    table
        :attr:`servmodel.bayes.compare.Comparison.table`.

    Returns
    -------
    StudyTable
        ``loo_comparison``, the weight columns named for what they are.
    """
    frame = table.reset_index(drop=True).rename(columns=LOO_LABELS)
    return StudyTable(
        "loo_comparison",
        "Model comparison by PSIS-LOO: elpd difference to the "
        "best with its SE (dse), stacking and pseudo-BMA+ (Bayesian bootstrap) "
        "weights",
        frame,
        digits=3,
    )


def top_level_sensitivity(ps: PriorSensitivity) -> pd.DataFrame:
    """The power-scaling rows of the top-level parameters (every element of a vector one).

    Parameters
    ----------
    ps
        :func:`servmodel.sensitivity.prior.prior_sensitivity` of a fit.

    Returns
    -------
    pandas.DataFrame
        ``parameter``, ``prior``, ``likelihood`` (sensitivities) and ``verdict``, in the
        order of ``ps.psens``.
    """
    base = ps.psens["parameter"].str.replace(r"\[.*\]$", "", regex=True)
    return ps.psens[base.isin(ps.scaled_priors)].reset_index(drop=True)


def prior_sensitivity(ps: PriorSensitivity) -> StudyTable:
    """Power-scaling prior and likelihood sensitivity and the verdict per top-level
    parameter; prior-data conflict in bold in the report.

    Parameters
    ----------
    ps
        :func:`servmodel.sensitivity.prior.prior_sensitivity` of the flagship (refits are
        not shown).

    Returns
    -------
    StudyTable
        ``prior_sensitivity``.
    """
    frame = top_level_sensitivity(ps)
    bold = pd.DataFrame(False, index=frame.index, columns=frame.columns)
    bold["verdict"] = frame["verdict"] == CONFLICT
    return StudyTable(
        "prior_sensitivity",
        f"Prior sensitivity of {ps.name}: power-scaling "
        "of the top-level priors and of the likelihood (sensitive at "
        f"{ps.threshold:g} or more)",
        frame,
        digits=3,
        bold=bold,
    )


def contrasts(table: pd.DataFrame) -> StudyTable:
    """The posterior contrasts of Korea against each comparator."""
    return StudyTable(
        "posterior_contrasts",
        "Posterior contrasts of expected manufacturing intensity",
        table.reset_index(drop=True),
    )


def sensitivity_summary(summary: pd.DataFrame, labels: dict[str, str]) -> StudyTable:
    """Robustness of each sensitivity target across its specifications."""
    frame = summary.assign(target=summary["target"].map(lambda t: labels.get(t, t)))
    frame = frame[
        [
            "target",
            "specifications",
            "median",
            "q25",
            "q75",
            "share_same_sign",
            "share_significant",
            "share_significant_same_sign",
        ]
    ].rename(
        columns={
            "share_same_sign": "same sign",
            "share_significant": "significant",
            "share_significant_same_sign": "significant, same sign",
        }
    )
    return StudyTable(
        "sensitivity_summary",
        "Specification curve: robustness by target "
        "(estimates in standard deviations of the outcome; 5% level)",
        frame.reset_index(drop=True),
        digits=4,
    )


def sensitivity_decomposition(
    decomposition: pd.DataFrame, labels: dict[str, str], dimensions: tuple[str, ...]
) -> StudyTable:
    """Share of the variance of the estimates due to each choice (in the grid's order of
    ``dimensions``), per target."""
    wide = decomposition.pivot_table(
        index="target", columns="dimension", values="share", sort=False
    )
    order = [d for d in (*dimensions, "interactions and residual") if d in wide.columns]
    wide = wide[order]
    wide.columns.name = None
    wide.index = [labels.get(t, t) for t in wide.index]
    frame = wide.rename_axis("target").reset_index()
    return StudyTable(
        "sensitivity_decomposition",
        "Which choices move the estimates (share of their variance, Shapley decomposition)",
        frame,
        digits=2,
    )
