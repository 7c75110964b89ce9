"""Write the replication report (Markdown, readable on GitHub) from the study's outputs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pandas as pd

from servmodel._fileio import atomic_open
from servmodel.report.render import render
from servmodel.results.provenance import package_versions
from servmodel.study.claims import CLAIMS, RULES
from servmodel.study.descriptive import OECD_LABEL
from servmodel.study.run import StudyOutputs

if TYPE_CHECKING:
    from servmodel.results.bayes import BayesResult

CITATION = (
    "Timmer, M. P., Dietzenbacher, E., Los, B., Stehrer, R. and de Vries, G. J. (2015), "
    '"An Illustrated User Guide to the World Input-Output Database: the Case of Global '
    'Automotive Production", *Review of International Economics* 23(3), 575-605; values as '
    "stored in the `wiod` R package 0.4.0 (B. Quast and O. Reiter)."
)


T = TypeVar("T")


def _required(value: T | None, what: str) -> T:
    """A study output that a section reads: the study fills it before the report."""
    if value is None:
        raise ValueError(f"the study has no {what}; run_study fills it before the report")
    return value


def _table(out: StudyOutputs, name: str) -> str:
    """The Markdown of the study table ``name``, linked to its LaTeX and Markdown files."""
    t = out.study_tables[name]
    # the report's own heading introduces the table: no caption, verdicts in bold
    text = render(t.table(caption=False, emphasis=True), "markdown").rstrip("\n")
    files = [
        f"[{suffix}]({out.tables[f'{name}.{suffix}']})"
        for suffix in ("tex", "md")
        if f"{name}.{suffix}" in out.tables
    ]
    return text + ("\n\n" + "Table files: " + ", ".join(files) if files else "")


def _sensitivity_section(out: StudyOutputs, add) -> None:
    result = _required(out.sensitivity, "sensitivity grid")
    stats, grid = result.stats, result.grid
    dims = ", ".join(f"{d} ({len(grid.dimensions[d])})" for d in result.varied)
    add("## Sensitivity: the specification curve")
    add("")
    add(
        f"Every target below was estimated under every combination of {dims} "
        f"(`models/sensitivity.toml`{', reduced by --quick' if out.settings.quick else ''}): "
        f"{stats.specifications - stats.skipped_before:,} specifications estimated, "
        f"{stats.skipped_before:,} skipped before fitting with a stated reason "
        "(`sensitivity/skipped.csv`), for example the technology level under unit fixed "
        "effects, which absorb it. Estimates are in standard deviations of the dependent "
        "variable, so that levels, logs and logits and measures of different size compare."
    )
    add("")
    add(
        "Per target: the number of specifications, the median estimate and its quartiles, "
        "the share of specifications with the median's sign, the share significant at 5% and "
        "the share significant with that sign:"
    )
    add("")
    add(_table(out, "sensitivity_summary"))
    add("")
    add(
        "Which choices move the estimates: the share of the variance of the estimates due to "
        "each dimension (Shapley decomposition of the R-squared of a regression of the "
        "estimates on the choices; the rest is interactions):"
    )
    add("")
    add(_table(out, "sensitivity_decomposition"))
    add("")
    for t in grid.targets:
        key = f"spec_curve_{t.name}"
        if key in out.figures:
            add(f"![Specification curve: {t.label}]({out.figures[key]})")
            add("")


def _services_va_section(out: StudyOutputs, add) -> None:
    """Services value added in manufacturing exports, the measure of today's literature."""
    add("## Services value added in manufacturing exports")
    add("")
    add(
        "The services value added embodied in a unit of manufacturing output, "
        "`va_services` = sum over service industries i (every origin) of v_i B[i, j], with v "
        "value added per unit of output and B the world Leontief inverse, split into value "
        "added from the exporter's own service industries (domestic) and from other "
        "economies' (foreign), and weighted by gross exports: the share of manufacturing "
        "gross exports that is services value added, the form of the OECD-WTO Trade in "
        "Value Added indicators. Value added is gross output minus intermediate inputs, so "
        "it includes net taxes on products and international transport margins. Shown for "
        "all services (WIOD c19-c35, ISIC Rev.3 G-P, as TiVA counts services) and for the "
        "standard producer-service definition; every definition is in "
        "`data/services_va_exports.csv`."
    )
    add("")
    add(f"![Services value added in manufacturing exports]({out.figures['services_va']})")
    add("")
    add(_table(out, "services_va_exports"))
    add("")
    add(
        "For context, not as a test: on the OECD-WTO TiVA tables, Lanz and Maurer (2015, "
        "WTO Working Paper ERSD-2015-03) find services value added to be about a third of "
        "developed economies' manufacturing exports, and foreign services value added about "
        "12%; the measure and its domestic and foreign split follow Miroudot and Cadestin "
        '(2017, "Services in global value chains: from inputs to value-creating '
        'activities", OECD Trade Policy Papers 197). Their tables, years and services '
        "classification differ from WIOD 2013's, so only the order of magnitude compares."
    )
    add("")


def _check_note(checks, keys: tuple[tuple, ...]) -> str:
    """`` (check: ...)`` for the claim-level checks of ``keys`` (statistic, country,
    year); the rows missing from the checks are skipped."""
    table = checks.table()
    notes, outside = [], []
    for statistic, country, year in keys:
        rows = table[table["statistic"] == statistic]
        if country is not None:
            rows = rows[rows["country"] == country]
        if year is not None:
            rows = rows[rows["year"].astype(str) == str(year)]
        if rows.empty:
            continue
        r = rows.iloc[0]
        what = " ".join(str(v) for v in (statistic, country, year) if v not in (None, ""))
        inside = r["low"] <= r["observed"] <= r["high"]
        notes.append(
            f"{what} observed {r['observed']:.4g} in [{r['low']:.4g}, {r['high']:.4g}]"
            if inside
            else f"{what} observed {r['observed']:.4g} outside [{r['low']:.4g}, {r['high']:.4g}]"
        )
        if not inside:
            outside.append(what)
    if not notes:
        return ""
    if outside:
        return (
            " — **the model does not reproduce the data**, so this probability is not "
            "counted as evidence (" + "; ".join(notes) + ")"
        )
    return " — check: " + "; ".join(notes)


def expected_intensity_note(result: BayesResult) -> str:
    """What the posterior contrasts and the claim probabilities of ``result`` read, in
    words: the quantity whose replicates the claim-level checks compare with the data.

    Parameters
    ----------
    result
        The fit the contrasts were computed from (its spec says whether the model has
        economy x year effects).

    Returns
    -------
    str
        One paragraph for the report.
    """
    bayes = result.spec.bayes
    year_effect = (
        "including the economy x year effect"
        if bayes is not None and bayes.country_years
        else "(this model has no economy x year effect)"
    )
    return (
        "The contrasts, the rank and the probability that Korea's intensity fell read the "
        "model's expected output-weighted manufacturing intensity of the economy in that "
        "year: each industry's expected share (exact zeros included), "
        f"{year_effect}, weighted by the industries' observed gross outputs in that "
        "year. It is the aggregate whose replicates (noise of the shares included) the "
        "claim-level checks compare with the data. The technology and time-slope "
        "probabilities read the model's coefficients (logit scale)."
    )


def _listing(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return " and ".join(filter(None, [", ".join(items[:-1]), *items[-1:]]))


def _names(params: list[str]) -> str:
    return _listing([f"`{p}`" for p in params])


def prior_sensitivity_note(table: pd.DataFrame, n_draws: int | None = None) -> str:
    """Which top-level parameters show prior-data conflict (and which are prior-sensitive
    or undetermined), in words.

    Parameters
    ----------
    table
        ``parameter``, ``prior``, ``likelihood`` and ``verdict`` of the top-level
        parameters (:func:`servmodel.study.tables.top_level_sensitivity`).
    n_draws
        Posterior draws behind the diagnostics; below the command's minimum the note says
        that they are noisy.

    Returns
    -------
    str
        One paragraph for the report.
    """
    from servmodel.cli.sensitivity import FEW_DRAWS
    from servmodel.sensitivity.prior import EXPLAIN

    by = {
        v: list(table.loc[table["verdict"] == v, "parameter"])
        for v in dict.fromkeys(table["verdict"])
    }
    conflict = by.pop("prior-data conflict", [])
    parts = [
        f"Prior-data conflict in {_names(conflict)}: {EXPLAIN['prior-data conflict']}."
        if conflict
        else f"None of the {len(table)} top-level parameters shows prior-data conflict."
    ]
    fine = by.pop("likelihood-sensitive", [])
    parts += [
        f"{verdict.capitalize()}: {_names(names)} ({EXPLAIN[verdict]})."
        for verdict, names in by.items()
    ]
    parts.append(
        f"{len(fine)} of {len(table)} are likelihood-sensitive: {EXPLAIN['likelihood-sensitive']}."
    )
    if n_draws is not None and n_draws < FEW_DRAWS:
        parts.append(
            f"With {n_draws:,} draws the sensitivities are noisy, and values near "
            "the threshold are not conclusive."
        )
    return " ".join(parts)


def loo_note(table: pd.DataFrame, seed: int, z: float = 2.0) -> str:
    """Why the report reads the elpd differences rather than the stacking weights, and
    which models the data do not tell apart from the best.

    Parameters
    ----------
    table
        :attr:`servmodel.bayes.compare.Comparison.table` (best first).
    seed
        Seed of the Bayesian bootstrap of the pseudo-BMA+ weights.
    z
        Models whose elpd difference to the best is under ``z`` standard errors of that
        difference count as not distinguished from it.

    Returns
    -------
    str
        One paragraph for the report.
    """
    best, rest = table.iloc[0], table.iloc[1:]
    close = rest[rest["elpd_diff"] <= z * rest["dse"]]
    far = rest.drop(close.index)
    text = (
        "Stacking weights of models with near-equal elpd are unstable: refits that differ "
        "by Monte Carlo error alone move weight between them, so no conclusion rests on "
        "them. The pseudo-BMA+ weights (Bayesian bootstrap, seed "
        f"{seed}) are a smooth function of the pointwise elpd and change gradually with "
        "it; decisions rest on the elpd differences relative to their standard errors "
        "(`dse`)."
    )
    cells = [f"`{r.model}` ({r.elpd_diff:.1f}, SE {r.dse:.1f})" for r in close.itertuples()]
    if cells:
        verb = "is" if len(cells) == 1 else "are"
        text += (
            f" {_listing(cells)} {verb} within {z:g} standard errors of "
            f"`{best['model']}`: the data do not tell them apart."
        )
    if not far.empty:
        text += (
            f" {_names(list(far['model']))} {'is' if len(far) == 1 else 'are'} more "
            f"than {z:g} standard errors below `{best['model']}`."
        )
    return text


def _claim_statistics(claim: str) -> tuple[tuple, ...]:
    """The check statistics a claim probability is about."""
    if "technology" in claim or "high-tech" in claim:
        return (("tech_gradient", None, None),)
    if "time slope" in claim:
        country = claim.split("(")[1].split(" ")[0]
        return (("trend", country if country != "common" else "KOR", None),)
    if "intensity" in claim and "<" in claim:  # P(KOR intensity 2011 < 1995)
        words = claim.strip("P()").replace("<", " ").split()
        return (("intensity", words[0], words[2]), ("intensity", words[0], words[3]))
    return ()


def _claim_checks_section(out: StudyOutputs, add) -> None:
    """Coverage of every Bayesian model's claim-level checks, and the flagship's figure."""
    add("### Claim-level posterior predictive checks")
    add("")
    add(
        "Replicated data sets from each model's posterior predictive distribution (Beta "
        "noise and exact zeros included), aggregated with the observed output weights into "
        "the quantities the claims are decided on: each economy's manufacturing intensity in "
        "each year, its trend, the technology gradient of C4 and Korea's rank. Coverage of "
        "the economy-year intensities and the verdict (`data/claim_ppc.csv` has every "
        "statistic with its interval and predictive p-value; `servmodel ppc RESULT.nc` "
        "prints the same for any fit):"
    )
    add("")
    for name, c in out.claim_checks.items():
        add(f"- `{name}`: {c.coverage.describe()}. {c.verdict}")
    add("")
    add(f"![Claim-level checks of the flagship]({out.figures['claim_ppc']})")
    add("")


def _prior_sensitivity_section(out: StudyOutputs, add) -> None:
    """The flagship's power-scaling verdicts and which parameters show prior-data conflict."""
    from servmodel.study.tables import top_level_sensitivity

    ps = _required(out.prior_sensitivity, "prior sensitivity")
    result = out.bayes_results.get(ps.name)
    post = result.idata.posterior if result is not None and result.idata is not None else None
    n_draws = int(post.sizes["chain"] * post.sizes["draw"]) if post is not None else None
    add(
        f"Prior sensitivity of `{ps.name}` by power-scaling (Kallioinen et al. 2024; "
        f"`servmodel sensitivity-prior RESULT.nc --no-refit`): each top-level prior, or the "
        "likelihood, is raised to a power near 1 and the shift of each posterior is measured "
        "by importance sampling, without refitting; a sensitivity of "
        f"{ps.threshold:g} or more counts as sensitive. "
        + prior_sensitivity_note(top_level_sensitivity(ps), n_draws)
        + " `data/prior_sensitivity.csv` has every quantity diagnosed, the key quantities of "
        "`models/sensitivity.toml` included."
    )
    add("")
    add(_table(out, "prior_sensitivity"))
    add("")


def _decomposition_section(out: StudyOutputs, add) -> None:
    """How much of Korea's fall and of its gaps is industry mix."""
    change, *_ = out.decompositions[("standard", "direct")]
    add("## Industry mix or industries' own purchases")
    add("")
    add(
        "An output-weighted aggregate moves because each industry buys more or fewer "
        "producer services (`within`) or because output shifts between industries that buy "
        "many and industries that buy few (`composition`, the industry mix). The symmetric "
        "shift-share split, with average weights and average intensities of the two sides, "
        "adds up exactly: change = within + composition (`servmodel decompose`). For the "
        f"standard definition and the direct coefficient, Korea's aggregate went from "
        f"{change.base_level:.4f} ({change.start}) to {change.level:.4f} ({change.end}): "
        f"{change.change:+.4f}, of which {change.within:+.4f} within and "
        f"{change.composition:+.4f} industry mix. Claim C5w in the matrix above asks "
        "whether the coefficient falls at constant 1995 output weights."
    )
    add("")
    add(f"![Decomposition, standard definition, direct]({out.figures['decomposition']})")
    add("")
    add(
        "Every definition and measure (gaps: Korea minus the comparator in the last year; "
        "`data/decomposition.csv` has each industry's contribution):"
    )
    add("")
    add(_table(out, "decomposition_mix"))
    add("")


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
    v = _required(out.verdicts, "claim verdicts")
    counts = v["verdict"].value_counts()
    lines: list[str] = []
    add = lines.append
    add("# Producer services in Korean manufacturing: a replication on WIOD 2013")
    add("")
    add(
        f"Made by `{command}` ({'quick settings' if s.quick else 'full settings'}, seed "
        f"{s.seed}) with " + ", ".join(f"{k} {versions[k]}" for k in sorted(versions)) + "."
    )
    add("")
    add("## What was done")
    add("")
    add(
        "A 2013 study of the Korean economy argued from input-output tables that (C1) "
        "producer-service use across the Korean economy rises steadily, (C2) in Korean "
        "manufacturing it rises slowly or not at all, (C3) Korean manufacturing uses fewer "
        "producer services than Mexico's, China's and the OECD countries', (C4) higher-"
        "technology manufacturing uses more, and (C5) the producer-service input coefficient "
        "of Korean manufacturing is falling. This report tests each claim on the WIOD 2013 "
        "world input-output tables (40 economies, 14 manufacturing industries, 1995-2011) "
        "under four definitions of producer services (kibs, producer, standard, broad) and "
        "six measures (direct input coefficient, its domestic part, the share of "
        "intermediate inputs, the total requirement from the world Leontief inverse, and the "
        "services value added embodied per unit of output, in all and from domestic "
        "services), "
        "with panel and Bayesian hierarchical models beside the descriptive evidence."
    )
    add("")
    add("## Data")
    add("")
    add(
        f"World Input-Output Database, 2013 release: {CITATION} Every flow is rounded to a "
        f"whole million US dollars; {len(_required(out.panel, 'panel').dropped)} country-industry-years with zero "
        "gross output are left out."
    )
    add("")
    add("## Claim robustness matrix")
    add("")
    add(
        f"Across {len(v)} claim x definition x measure cells: "
        + ", ".join(
            f"{counts.get(k, 0)} {k}" for k in ("supported", "contradicted", "inconclusive")
        )
        + ". The data do not support every claim under every definition; where a verdict "
        "flips with the definition or the measure, the claim depends on that choice."
    )
    add("")
    add(_table(out, "claim_matrix"))
    add("")
    add("Rules:")
    add("")
    for claim in CLAIMS:
        add(f"- **{claim}** ({CLAIMS[claim]}): {RULES[claim]}")
    add("")
    add(
        "The number behind each verdict (`data/claim_verdicts.csv` has all of them), for the "
        "direct coefficient:"
    )
    add("")
    add(_table(out, "claim_evidence_direct"))
    add("")
    if out.contrast is not None:
        rep = out.contrast
        flagship = next(iter(out.bayes_results.values()))
        add(
            f"Posterior probabilities from the flagship Bayesian model `{flagship.name}` "
            f"({flagship.info.definition} definition, {flagship.info.measure} "
            f"coefficient). {expected_intensity_note(flagship)}"
        )
        add("")
        checks = out.claim_checks.get(flagship.name)
        check = (
            (lambda *keys: _check_note(checks, keys)) if checks is not None else (lambda *keys: "")
        )
        for c in rep.contrasts:
            add(
                f"- P(KOR below {c.comparator} in {c.year}) = {c.prob_below:.3f}; difference "
                f"{c.difference_mean:+.4f} [{c.difference_low:+.4f}, {c.difference_high:+.4f}]"
                + check(("intensity", "KOR", c.year), ("intensity", c.comparator, c.year))
            )
        last = max(c.year for c in rep.contrasts) if rep.contrasts else None
        add(
            f"- P(KOR lowest of {rep.n_economies} economies) = {rep.prob_lowest:.3f}"
            + check(("rank", "KOR", last))
        )
        for claim, p in rep.claims.items():
            add(f"- {claim} = {p:.3f}" + check(*_claim_statistics(claim)))
        add("")
        if checks is not None:
            add(
                "Each probability is followed by the claim-level posterior predictive check "
                "of the statistic it is about (observed value against its 95% posterior "
                "predictive interval, replicated shares aggregated with the observed output "
                "weights; see below); where the observed value lies outside, the model does "
                "not reproduce the data and the probability is not counted as evidence."
            )
            add("")
    add("## Korea against its comparators")
    add("")
    add(f"![Korea against its comparators]({out.figures['comparators']})")
    add("")
    add(
        "Output-weighted manufacturing intensity, `direct` coefficient and services value "
        "added per unit of output (`va_services`), in the first and last year "
        f"({OECD_LABEL}: the OECD members of that year other than Korea):"
    )
    add("")
    add(_table(out, "comparators"))
    add("")
    add("Korea's rank among the 40 economies (1 = highest intensity):")
    add("")
    add(_table(out, "korea_ranks"))
    add("")
    if out.services_va is not None:
        _services_va_section(out, add)
    if out.decompositions:
        _decomposition_section(out, add)
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
    add(
        "Slopes of the panel models in `models/` (standard definition, log direct "
        "coefficient; full results in `models/panel/*.json`):"
    )
    add("")
    add(_table(out, "panel_slopes"))
    add("")
    if "main_models.md" in out.tables:
        add(
            f"The main coefficient table, panel and Bayesian models side by side "
            f"([LaTeX]({out.tables['main_models.tex']}), "
            f"[Markdown]({out.tables['main_models.md']})):"
        )
        add("")
        add((s.out / out.tables["main_models.md"]).read_text().strip())
        add("")
    if out.bayes_results:
        add("## Bayesian models")
        add("")
        if s.quick:
            add(
                "Quick settings: two models with 2 chains x 250 draws, too short to meet the "
                "convergence thresholds (R-hat < 1.01, ESS >= 400); run `servmodel replicate` "
                "without `--quick` before interpreting these posteriors."
            )
            add("")
        add(_table(out, "bayes_diagnostics"))
        add("")
        add("Flagship posterior (logit scale; time in decades):")
        add("")
        add(_table(out, "flagship_posterior"))
        add("")
        if out.prior_sensitivity is not None:
            _prior_sensitivity_section(out, add)
        add(
            "LOO comparison: the elpd difference to the best model with its standard error "
            "(`dse`), stacking weights and pseudo-BMA+ weights:"
        )
        add("")
        add(_table(out, "loo_comparison"))
        add("")
        add(loo_note(_required(out.comparison, "model comparison").table, s.seed))
        add("")
        add(
            "Posterior contrasts of Korea's expected output-weighted manufacturing intensity "
            "(the quantity defined with the claim probabilities above):"
        )
        add("")
        add(_table(out, "posterior_contrasts"))
        add("")
        add(f"![Posterior contrasts]({out.figures['contrasts']})")
        add("")
        add(f"![Posterior predictive check]({out.figures['ppc']})")
        add("")
        if out.claim_checks:
            _claim_checks_section(out, add)
    if out.sensitivity is not None:
        _sensitivity_section(out, add)
    add("## Files")
    add("")
    for f in sorted(set(out.files), key=str):
        add(f"- `{f}`")
    add("")
    path = s.out / "report.md"
    with atomic_open(path) as handle:
        handle.write("\n".join(lines))
    return path
