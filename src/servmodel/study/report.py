"""Write the replication report (Markdown, readable on GitHub) from the study's outputs."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from servmodel._fileio import atomic_open
from servmodel.results.provenance import package_versions
from servmodel.study.claims import CLAIMS, RULES
from servmodel.study.descriptive import FOCUS, OECD_LABEL
from servmodel.study.run import StudyOutputs

SYMBOL = {"supported": "supported", "contradicted": "**contradicted**",
          "inconclusive": "inconclusive"}
CITATION = (
    "Timmer, M. P., Dietzenbacher, E., Los, B., Stehrer, R. and de Vries, G. J. (2015), "
    "\"An Illustrated User Guide to the World Input-Output Database: the Case of Global "
    "Automotive Production\", *Review of International Economics* 23(3), 575-605; values as "
    "stored in the `wiod` R package 0.4.0 (B. Quast and O. Reiter)."
)


def _md(frame: pd.DataFrame, floatfmt: str = ".4f") -> str:
    return frame.to_markdown(index=False, floatfmt=floatfmt)


def _fmt(x: float, digits: int = 4) -> str:
    return "." if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}g}"


def claim_matrix_markdown(verdicts: pd.DataFrame) -> str:
    """One row per measure and claim, one column per definition."""
    order = [d for d in ("kibs", "producer", "standard", "broad")
             if d in set(verdicts["definition"])]
    order += [d for d in dict.fromkeys(verdicts["definition"]) if d not in order]
    wide = verdicts.pivot_table(index=["measure", "claim"], columns="definition",
                                values="verdict", aggfunc="first")[order]
    wide = wide.map(lambda s: SYMBOL.get(s, s)).reset_index()
    return _md(wide)


def _comparator_table(comps: pd.DataFrame) -> str:
    first, last = int(comps["year"].min()), int(comps["year"].max())
    sub = comps[comps["year"].isin([first, last])]
    wide = sub.pivot_table(index=["definition", "year"], columns="series", values="value")
    cols = [FOCUS, "MEX", "CHN", OECD_LABEL]
    return _md(wide[[c for c in cols if c in wide.columns]].reset_index())


def _rank_table(ranks: pd.DataFrame) -> str:
    k = ranks[ranks["country"] == FOCUS].drop(columns="country")
    return _md(k, floatfmt=".4f")


def _panel_table(out: StudyOutputs) -> str:
    rows = []
    for name, res in out.panel_results.items():
        t = res.tidy()
        t = t[~t["term"].str.startswith(("C(", "Intercept"))]
        for r in t.itertuples(index=False):
            rows.append({"model": name, "term": r.term, "estimate": r.estimate,
                         "std. error": r.std_error, "p": r.p_value})
    return _md(pd.DataFrame(rows))


def _bayes_table(out: StudyOutputs) -> str:
    rows = []
    for name, res in out.bayes_results.items():
        d = res.diagnostics
        loo = res.info["loo"]
        rows.append({"model": name, "elpd_loo": loo["elpd"], "SE": loo["se"],
                     "p_loo": loo["p"], "max R-hat": d["r_hat"]["value"],
                     "min bulk ESS": d["ess_bulk"]["value"],
                     "divergences": d["divergences"]["value"],
                     "checks": "pass" if res.passed else "FAIL"})
    return _md(pd.DataFrame(rows), floatfmt=".3f")


def _flagship_terms(out: StudyOutputs) -> str:
    flagship = next(iter(out.bayes_results.values()))
    t = flagship.summary
    keep = t[~t["term"].str.contains(r"\[") | t["term"].str.contains(r"\[KOR")]
    level = flagship.info["interval"]["level"]
    return _md(keep[["term", "estimate", "std_error", "conf_low", "conf_high", "r_hat",
                     "ess_bulk"]].rename(columns={
                         "estimate": "posterior mean", "std_error": "sd",
                         "conf_low": f"{level:.0%} low", "conf_high": f"{level:.0%} high"}))


def write_report(out: StudyOutputs, command: str) -> Path:
    """Write ``report.md`` into the output directory and return its path."""
    s = out.settings
    versions = package_versions()
    for name in ("pymc", "arviz", "nutpie"):
        from importlib import metadata

        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    v = out.verdicts
    counts = v["verdict"].value_counts()
    lines: list[str] = []
    add = lines.append
    add("# Producer services in Korean manufacturing: a replication on WIOD 2013")
    add("")
    add(f"Made by `{command}` ({'quick settings' if s.quick else 'full settings'}, seed "
        f"{s.seed}) with " + ", ".join(f"{k} {versions[k]}" for k in sorted(versions)) + ".")
    add("")
    add("## What was done")
    add("")
    add("A 2013 study of the Korean economy argued from input-output tables that (C1) "
        "producer-service use across the Korean economy rises steadily, (C2) in Korean "
        "manufacturing it rises slowly or not at all, (C3) Korean manufacturing uses fewer "
        "producer services than Mexico's, China's and the OECD countries', (C4) higher-"
        "technology manufacturing uses more, and (C5) the producer-service input coefficient "
        "of Korean manufacturing is falling. This report tests each claim on the WIOD 2013 "
        "world input-output tables (40 economies, 14 manufacturing industries, 1995-2011) "
        "under four definitions of producer services (kibs, producer, standard, broad) and "
        "four measures (direct input coefficient, its domestic part, the share of "
        "intermediate inputs, and the total requirement from the world Leontief inverse), "
        "with panel and Bayesian hierarchical models beside the descriptive evidence.")
    add("")
    add("## Data")
    add("")
    add(f"World Input-Output Database, 2013 release: {CITATION} Every flow is rounded to a "
        f"whole million US dollars; {len(out.panel.dropped)} country-industry-years with zero "
        "gross output are left out.")
    add("")
    add("## Claim robustness matrix")
    add("")
    add(f"Across {len(v)} claim x definition x measure cells: "
        + ", ".join(f"{counts.get(k, 0)} {k}" for k in ("supported", "contradicted",
                                                      "inconclusive"))
        + ". The data do not support every claim under every definition; where a verdict "
        "flips with the definition or the measure, the claim depends on that choice.")
    add("")
    add(claim_matrix_markdown(v))
    add("")
    add("Rules:")
    add("")
    for c in CLAIMS:
        add(f"- **{c}** ({CLAIMS[c]}): {RULES[c]}")
    add("")
    add("The number behind each verdict (`data/claim_verdicts.csv` has all of them), for the "
        "direct coefficient:")
    add("")
    direct = v[v["measure"] == "direct"][["claim", "definition", "verdict", "evidence"]]
    add(_md(direct))
    add("")
    if out.contrast is not None:
        rep = out.contrast
        flagship = next(iter(out.bayes_results.values()))
        add(f"Posterior probabilities from the flagship Bayesian model `{flagship.name}` "
            f"({flagship.info['definition']} definition, {flagship.info['measure']} "
            f"coefficient):")
        add("")
        for c in rep.contrasts:
            add(f"- P(KOR below {c.comparator} in {c.year}) = {c.prob_below:.3f}; difference "
                f"{c.difference_mean:+.4f} [{c.difference_low:+.4f}, {c.difference_high:+.4f}]")
        add(f"- P(KOR lowest of {rep.n_economies} economies) = {rep.prob_lowest:.3f}")
        for claim, p in rep.claims.items():
            add(f"- {claim} = {p:.3f}")
        add("")
    add("## Korea against its comparators")
    add("")
    add(f"![Korea against its comparators]({out.figures['comparators']})")
    add("")
    add("Output-weighted manufacturing `direct` intensity in the first and last year "
        f"({OECD_LABEL}: the OECD members of that year other than Korea):")
    add("")
    add(_comparator_table(out.comparators))
    add("")
    add("Korea's rank among the 40 economies (1 = highest intensity):")
    add("")
    add(_rank_table(out.ranks))
    add("")
    add("## Technology gradient")
    add("")
    add(f"![Technology gradient]({out.figures['tech_gradient']})")
    add("")
    add("## Korea: whole economy and manufacturing")
    add("")
    add(f"![Korea economy-wide and manufacturing]({out.figures['economy']})")
    add("")
    add("## Panel models")
    add("")
    add("Slopes of the panel models in `models/` (standard definition, log direct "
        "coefficient; full results in `models/panel/*.json`):")
    add("")
    add(_panel_table(out))
    add("")
    if "main_models.md" in out.tables:
        add(f"The main coefficient table, panel and Bayesian models side by side "
            f"([LaTeX]({out.tables['main_models.tex']}), "
            f"[Markdown]({out.tables['main_models.md']})):")
        add("")
        add((s.out / out.tables["main_models.md"]).read_text().strip())
        add("")
    if out.bayes_results:
        add("## Bayesian models")
        add("")
        if s.quick:
            add("Quick settings: two models with 2 chains x 250 draws, too short to meet the "
                "convergence thresholds (R-hat < 1.01, ESS >= 400); run `servmodel replicate` "
                "without `--quick` before interpreting these posteriors.")
            add("")
        add(_bayes_table(out))
        add("")
        add("Flagship posterior (logit scale; time in decades):")
        add("")
        add(_flagship_terms(out))
        add("")
        add("LOO comparison (stacking weights):")
        add("")
        add(_md(out.comparison.table, floatfmt=".3f"))
        add("")
        add(f"![Posterior contrasts]({out.figures['contrasts']})")
        add("")
        add(f"![Posterior predictive check]({out.figures['ppc']})")
        add("")
    add("## Files")
    add("")
    for f in sorted(set(out.files), key=str):
        add(f"- `{f}`")
    add("")
    path = s.out / "report.md"
    with atomic_open(path) as handle:
        handle.write("\n".join(lines))
    return path
