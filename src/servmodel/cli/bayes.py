"""`servmodel bayes`, `servmodel compare`, `servmodel contrast`: the Bayesian workflow."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from servmodel.cli._common import CovariatesOpt, PanelOpt, console, err_console
from servmodel.errors import EstimationError, UsageError
from servmodel.format import fixed, significant
from servmodel.options import IntervalKind, Sampler, validate_choice

if TYPE_CHECKING:
    from servmodel.bayes.claim_checks import ClaimChecks
    from servmodel.results.bayes import BayesResult

SamplerOpt = Annotated[
    str | None,
    typer.Option("--sampler", help="nutpie (default), pymc, or numpyro (optional extra)."),
]


def _size(path: Path) -> str:
    n = path.stat().st_size
    return f"{n / 2**20:.1f} MiB" if n >= 2**20 else f"{n / 1024:.0f} KiB"


def print_bayes(result, plots: list[Path]) -> None:
    """Key parameters, diagnostics against thresholds with the verdict, LOO, timings.

    Terms and parameter names are escaped: rich would read ``tech[high]`` or
    ``b_industry[c10]`` as markup and drop the brackets.
    """
    from servmodel.bayes.diagnostics import UNAVAILABLE, verdict_of

    info = result.info
    console.rule(
        f"[bold]{escape(result.name)}[/bold]: {info.family} likelihood, zeros by "
        f"{info.zeros} ({info.n_zeros} of {info.n_obs:,} observations)"
    )
    s = info.sampler
    console.print(
        f"{s.sampler}: {s.chains} chains x {s.draws} draws after {s.tune} "
        f"tuning steps, seed {s.seed}; compile {significant(info.compile_seconds, 3)} s, "
        f"sampling {significant(info.sampling_seconds, 3)} s"
    )
    console.print(f"zeros: {info.zero_handling}")
    tidy = result.summary
    main = tidy[
        ~tidy["term"].str.contains(r"\[")
        | tidy["term"].str.startswith("tech[")
        | tidy["term"].str.contains(r"\[KOR\]")
    ]
    kind = info.interval.kind.upper()
    level = info.interval.level
    t = Table(
        title=f"Posterior summary (mean, sd, {level:.0%} {kind}; logit scale, time in decades)"
    )
    for col in ("term", "mean", "sd", "low", "high", "r_hat", "ess_bulk"):
        t.add_column(col, justify="left" if col == "term" else "right", no_wrap=col == "term")
    for r in main.itertuples(index=False):
        t.add_row(
            escape(r.term),
            significant(r.estimate),
            significant(r.std_error),
            significant(r.conf_low),
            significant(r.conf_high),
            # NaN: R-hat needs 2+ chains (the diagnostics table and the verdict say so)
            fixed(r.r_hat, 3, missing="n/a"),
            f"{r.ess_bulk:.0f}",
        )
    console.print(t)
    d = Table(title="Convergence diagnostics")
    for col in ("check", "worst value", "threshold", "parameter", "result"):
        d.add_column(col)
    for name, c in result.diagnostics.items():
        if not c.is_available:
            d.add_row(
                name,
                "n/a",
                c.threshold,
                "",
                f"[yellow]n/a: {UNAVAILABLE.get(name, 'not computed')}[/yellow]",
            )
            continue
        d.add_row(
            name,
            significant(c.value),
            c.threshold,
            escape(c.worst_parameter),
            "[green]pass[/green]" if c.passed else "[red]FAIL[/red]",
        )
    console.print(d)
    console.print(f"verdict: {verdict_of(result.diagnostics)}", markup=False, highlight=False)
    loo = info.loo
    console.print(
        f"PSIS-LOO: elpd {loo.elpd:.1f} (SE {loo.se:.1f}), p_loo {loo.p:.1f}, "
        f"{loo.pareto_k_over_07} observations with Pareto k > 0.7"
    )
    for p in plots:
        console.print(f"figure: {p}")


def _plot_paths(target: Path) -> tuple[Path, Path]:
    """The rank and posterior predictive check plots written beside the draws ``target``."""
    stem = target.with_suffix("")
    return Path(f"{stem}_rank.png"), Path(f"{stem}_ppc.png")


def bayes(
    spec: Annotated[
        Path,
        typer.Argument(
            # typer renders help as rich markup: an unescaped "[bayes]" would vanish
            help="A model spec with a \\[bayes] section."
        ),
    ],
    panel: PanelOpt = None,
    covariates: CovariatesOpt = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="netCDF file for the draws (default NAME.nc); NAME.json is written beside it.",
        ),
    ] = None,
    sampler: SamplerOpt = None,
    chains: Annotated[int | None, typer.Option("--chains", min=1)] = None,
    draws: Annotated[int | None, typer.Option("--draws", min=1)] = None,
    tune: Annotated[int | None, typer.Option("--tune", min=0)] = None,
    seed: Annotated[int | None, typer.Option("--seed", min=0)] = None,
    target_accept: Annotated[float | None, typer.Option("--target-accept")] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Exit 1 when a convergence check "
            "fails or cannot be made (R-hat needs 2+ chains) or "
            "the claim-level predictive checks fail; files are "
            "still written.",
        ),
    ] = False,
    progress: Annotated[
        bool, typer.Option("--progress/--no-progress", help="Show the sampler's progress.")
    ] = True,
    interval: Annotated[str, typer.Option("--interval", help="eti or hdi.")] = "eti",
    level: Annotated[float, typer.Option("--level", help="Credible interval level.")] = 0.95,
) -> None:
    """Fit a Bayesian hierarchical model and save its draws (netCDF) and summary (JSON).

    Prints the key parameters, the convergence diagnostics against the accepted thresholds
    (R-hat < 1.01, ESS >= 400, no divergences, BFMI >= 0.3) with a verdict, PSIS-LOO, and
    the claim-level predictive checks (coverage and verdict; details with `servmodel ppc`);
    saves trace/rank and posterior predictive check plots as PNG beside the draws.

    Examples:

      servmodel bayes models/hier_beta.toml

      servmodel bayes models/hier_beta.toml --chains 2 --draws 300 --tune 300 --out quick.nc

      servmodel bayes models/pooled_beta.toml --sampler pymc --seed 7 --strict
    """
    from servmodel._fileio import check_output_file
    from servmodel.bayes.claim_checks import claim_checks
    from servmodel.bayes.fit import fit_bayes, with_settings
    from servmodel.bayes.plots import ppc_plot, rank_plot
    from servmodel.cli.estimate import _panel
    from servmodel.results.tidy import check_level
    from servmodel.spec import load_spec

    check_level(level)
    validate_choice(interval, IntervalKind, "interval")
    if sampler is not None:
        validate_choice(sampler, Sampler, "sampler")
    model_spec = load_spec(spec)
    if model_spec.bayes is None:
        raise UsageError(
            f"{spec} has no [bayes] section; use `servmodel estimate` for panel models"
        )
    target = out if out is not None else Path(f"{model_spec.name}.nc")
    if target.suffix != ".nc":
        raise UsageError(f"--out {target}: use a .nc file name")
    rank_png, ppc_png = _plot_paths(target)
    # every file the command writes, before the panel and the sampling, which can take long
    for path in (target, target.with_suffix(".json"), rank_png, ppc_png):
        check_output_file(path)
    settings = with_settings(
        model_spec.bayes.sampling,
        sampler=sampler,
        chains=chains,
        draws=draws,
        tune=tune,
        seed=seed,
        target_accept=target_accept,
    )
    data = _panel(panel, covariates)
    started = time.perf_counter()
    result = fit_bayes(
        model_spec, data, settings, progress=progress, level=level, interval=interval
    )
    fit_seconds = time.perf_counter() - started
    nc, js = result.save(target)
    plots = [rank_plot(result.idata, rank_png), ppc_plot(result.idata, ppc_png, label=result.name)]
    print_bayes(result, plots)
    # the checks reuse the fit's stored predictive draws: aggregation only, seconds at most
    started = time.perf_counter()
    checks = claim_checks(result)
    check_seconds = time.perf_counter() - started
    print_claim_checks(checks)
    share = check_seconds / fit_seconds
    console.print(
        f"claim-level checks took {check_seconds:.2f} s ({share:.1%} of the fit's "
        f"{fit_seconds:.1f} s)",
        markup=False,
        highlight=False,
    )
    console.print(f"wrote {nc} ({_size(nc)}) and {js} ({_size(js)})")
    if strict and not (result.passed and checks.passed):
        problems = []
        if not result.passed:
            diag = result.diagnostics.items()
            failed = any(not c.passed and c.is_available for _, c in diag)
            problems.append(
                "convergence checks "
                + ("failed" if failed else "could not all be made (R-hat needs 2+ chains)")
            )
        if not checks.passed:
            problems.append("the claim-level predictive checks failed")
        raise EstimationError(
            f"{result.name}: {' and '.join(problems)} (--strict); see the "
            "diagnostics and the claim-level verdict above"
        )


def _check_table_name(out: Path) -> None:
    """Refuse an --out name that is no table format before any work is done."""
    from servmodel._fileio import TABLE_SUFFIXES

    if out.suffix.lower() not in TABLE_SUFFIXES:
        raise UsageError(
            f"--out {out}: the table is written as CSV or Parquet; give a file "
            "name ending in .csv or .parquet"
        )


def load_draws(path: Path) -> BayesResult:
    """Read a Bayesian result with its draws (``load_bayes``); a directory, or a JSON
    summary given for its draws, is named as such, with what to give instead."""
    from servmodel.errors import ResultError
    from servmodel.results.bayes import load_bayes

    if path.is_dir():
        raise UsageError(
            f"{path} is a directory; give the NAME.nc file that `servmodel bayes` wrote"
        )
    draws = path.with_suffix(".nc")
    if path.suffix.lower() == ".json" and path.is_file() and draws.is_file():
        raise ResultError(
            f"{path} is not a netCDF file but the JSON summary of a Bayesian "
            f"fit, without its draws; give {draws}"
        )
    result = load_bayes(path)
    if result.idata is None:
        raise ResultError(
            f"{path} holds no draws; give the NAME.nc file that `servmodel bayes` wrote"
        )
    return result


def _comparators(country: str, versus: str) -> list[str]:
    """The comparators of --versus: each once, none the --country itself."""
    comps = [v.strip() for v in versus.split(",") if v.strip()]
    if not comps:
        raise UsageError(
            "--versus names no comparator; give country codes or groups, e.g. --versus MEX,CHN,oecd"
        )
    if country in comps:
        raise UsageError(
            f"--versus {country} names the --country itself; compare {country} "
            "with other countries or the groups oecd, non_oecd, all"
        )
    twice = sorted({v for v in comps if comps.count(v) > 1})
    if twice:
        raise UsageError(f"--versus lists {', '.join(twice)} twice; name each comparator once")
    return comps


def compare(
    results: Annotated[list[Path], typer.Argument(help="Bayesian results (.nc) to compare.")],
    ic: Annotated[str, typer.Option("--ic", help="loo (default) or waic.")] = "loo",
    out: Annotated[Path | None, typer.Option("--out", help="Write the table (CSV).")] = None,
) -> None:
    """Rank Bayesian models by PSIS-LOO (or WAIC): elpd and its SE, differences to the best
    with their SE, effective number of parameters, stacking weights; warns about
    observations with Pareto k > 0.7.

    Examples:

      servmodel compare hier_beta.nc hier_beta_linear.nc hier_beta_notech.nc pooled_beta.nc

      servmodel compare a.nc b.nc --ic waic --out comparison.csv
    """
    from servmodel._fileio import check_output_file, write_table
    from servmodel.bayes.compare import check_same_sample, compare_models

    if ic not in ("loo", "waic"):
        raise UsageError(f"unknown --ic {ic!r}; choose loo or waic")
    if out is not None:
        _check_table_name(out)
        check_output_file(out)
    loaded = {}
    files: dict[str, Path] = {}
    for p in results:
        r = load_draws(p)
        if r.name in loaded:
            raise UsageError(
                f"{files[r.name]} and {p} are both named {r.name!r}; compare different models"
            )
        loaded[r.name] = r
        files[r.name] = p
    # by file name first, so that the message names the files that differ
    check_same_sample({str(files[name]): r for name, r in loaded.items()})
    cmp = compare_models(loaded, ic=ic)
    t = Table(title=f"Model comparison by {ic.upper()} ({cmp.n_obs:,} observations)")
    for col in ("rank", "model", f"elpd_{ic}", "SE", "elpd_diff", "SE diff", f"p_{ic}", "weight"):
        t.add_column(col, justify="left" if col == "model" else "right")
    for r in cmp.table.itertuples(index=False):
        t.add_row(
            str(r.rank),
            escape(r.model),
            f"{r.elpd:.1f}",
            f"{r.se:.1f}",
            f"{r.elpd_diff:.1f}",
            f"{r.dse:.1f}",
            f"{r.p:.1f}",
            f"{r.weight:.3f}",
        )
    console.print(t)
    for name, n in cmp.pareto_k_bad.items():
        if n:
            err_console.print(
                f"warning: {name}: {n} observations with Pareto k > 0.7; their "
                "LOO estimates are unreliable",
                markup=False,
            )
    if out is not None:
        write_table(cmp.table, out)
        console.print(f"wrote {out}")


def contrast(
    result: Annotated[Path, typer.Argument(help="A Bayesian result (.nc).")],
    country: Annotated[str, typer.Option("--country", help="Country to compare.")] = "KOR",
    versus: Annotated[
        str,
        typer.Option(
            "--versus",
            help="Comparators: country codes and "
            "groups (oecd, non_oecd: members or not in that "
            "year; all), comma-separated.",
        ),
    ] = "MEX,CHN,oecd",
    year: Annotated[int | None, typer.Option("--year", help="Year (default the last).")] = None,
    level: Annotated[float, typer.Option("--level", help="Credible interval level.")] = 0.95,
    out: Annotated[Path | None, typer.Option("--out", help="Write the contrasts (CSV).")] = None,
) -> None:
    """Posterior contrasts of expected manufacturing intensity (output-weighted) between a
    country and its comparators, the probability that it is below each, the probability
    that it ranks lowest of all economies, and the claim probabilities (technology effect >
    0, the country's time slope < 0, its intensity fell).

    Examples:

      servmodel contrast hier_beta.nc --country KOR --versus MEX,CHN,oecd --year 2011
    """
    from servmodel._fileio import check_output_file, write_table
    from servmodel.bayes.contrasts import contrast as run_contrast
    from servmodel.bayes.data import prepare_data
    from servmodel.results.tidy import check_level

    check_level(level)
    comps = _comparators(country, versus)
    if out is not None:
        _check_table_name(out)
        check_output_file(out)
    r = load_draws(result)
    spec = r.spec.replace(source=str(result))
    data = prepare_data(r.rows, spec.data.measure, str(result), r.options.zeros)
    # 0 is a year to refuse, not "the default"
    when = year if year is not None else int(data.frame["year"].max())
    rep = run_contrast(r.idata, r.options, data, country, comps, when, level=level)
    t = Table(
        title=f"Expected manufacturing {spec.data.measure} intensity, {when} "
        f"({spec.data.definition}; output-weighted; {level:.0%} interval)"
    )
    for col in (
        "comparator",
        country,
        "comparator mean",
        "difference",
        "low",
        "high",
        f"P({country} below)",
    ):
        t.add_column(escape(col), justify="left" if col == "comparator" else "right")
    for c in rep.contrasts:
        t.add_row(
            escape(c.comparator),
            f"{c.country_mean:.4f}",
            f"{c.comparator_mean:.4f}",
            f"{c.difference_mean:+.4f}",
            f"{c.difference_low:+.4f}",
            f"{c.difference_high:+.4f}",
            f"{c.prob_below:.3f}",
        )
    console.print(t)
    console.print(
        f"P({country} lowest of {rep.n_economies} economies) = {rep.prob_lowest:.3f}; "
        f"mean rank from the bottom {rep.rank_mean:.1f}"
    )
    for claim, p in rep.claims.items():
        console.print(f"{claim} = {p:.3f}")
    if out is not None:
        write_table(rep.table(), out)
        console.print(f"wrote {out}")


def print_claim_checks(checks: ClaimChecks, countries: tuple[str, ...] = ()) -> None:
    """The coverage and verdict of the claim-level checks, and the rows of ``countries``
    (and the technology gradient) as a table when given."""
    console.print(
        f"claim-level predictive checks ({checks.n_draws} replicated data sets): "
        f"{checks.coverage.describe()}",
        markup=False,
        highlight=False,
    )
    console.print(f"claim-level verdict: {checks.verdict}", markup=False, highlight=False)
    if not countries:
        return
    import pandas as pd

    table = checks.table()
    shown = table[table["country"].isin(countries) | (table["statistic"] == "tech_gradient")]
    # two tables, so that each fits an 80-column terminal
    by_year = shown[shown["statistic"] == "intensity"]
    t = Table(
        title="Manufacturing intensity: observed against posterior predictive (95% "
        "interval, two-sided p)",
        box=box.SIMPLE_HEAD,
    )
    for col in ("country", "year", "observed", "mean", "low", "high", "p"):
        t.add_column(col, justify="left" if col == "country" else "right")
    for r in by_year.itertuples(index=False):
        t.add_row(
            escape(r.country),
            str(r.year),
            significant(r.observed),
            significant(r.mean),
            significant(r.low),
            significant(r.high),
            f"{r.p_value:.3f}",
        )
    console.print(t)
    t = Table(
        title="Trends (per year), technology gradient, ranks (1 = highest)",
        box=None,
        pad_edge=False,
    )
    for col in ("statistic", "country", "year", "observed", "mean", "low", "high", "p"):
        t.add_column(
            col, justify="left" if col in ("statistic", "country") else "right", no_wrap=True
        )
    for r in shown[shown["statistic"] != "intensity"].itertuples(index=False):
        # slopes are small numbers: scientific notation keeps them short and readable
        fmt = "{:.3g}" if r.statistic == "rank" else "{:.2e}"
        t.add_row(
            r.statistic,
            escape(r.country),
            "" if pd.isna(r.year) else str(r.year),
            *(fmt.format(v) for v in (r.observed, r.mean, r.low, r.high)),
            f"{r.p_value:.3f}",
        )
    console.print(t)


def ppc(
    result: Annotated[Path, typer.Argument(help="A Bayesian result (.nc).")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the table of checks (CSV or Parquet).")
    ] = None,
    figure: Annotated[
        Path | None,
        typer.Option(
            "--figure", help="Write the economies' trajectories with predictive bands (PNG)."
        ),
    ] = None,
    country: Annotated[
        str,
        typer.Option("--country", help="Country whose trend, rank and coverage are checked apart."),
    ] = "KOR",
    versus: Annotated[
        str, typer.Option("--versus", help="Comparators printed and drawn large, comma-separated.")
    ] = "MEX,CHN",
) -> None:
    """Claim-level posterior predictive checks: each economy's output-weighted
    manufacturing intensity in each year, each economy's trend, the technology gradient
    (claim C4's coefficient) and the country's rank, observed against replicated data.

    Prints the coverage of the 50% and 95% predictive intervals, the verdict (passes when
    at least 90% of economy-years, the country's trend and the technology gradient lie
    inside their 95% intervals) and the rows of the country and its comparators.

    Examples:

      servmodel ppc hier_beta.nc --out hier_beta_claims.csv --figure hier_beta_claims.png
    """
    from servmodel._fileio import check_output_file, check_suffix, write_table
    from servmodel.bayes.claim_checks import claim_checks

    comps = tuple(v.strip() for v in versus.split(",") if v.strip())
    if out is not None:
        _check_table_name(out)
        check_output_file(out)
    if figure is not None:
        check_suffix(figure, (".png",), "the figure is written as PNG", what="--figure")
        check_output_file(figure)
    r = load_draws(result)
    countries = set(map(str, r.rows["country"])) if r.rows is not None else set()
    if countries and country not in countries:
        from servmodel.bayes.contrasts import _suggest

        raise UsageError(
            f"--country {country} is not in the model's data"
            f"{_suggest(country, sorted(countries))}; it has "
            f"{', '.join(sorted(countries))}"
        )
    checks = claim_checks(r, focus=country)
    console.rule(f"[bold]{escape(r.name)}[/bold]: claim-level posterior predictive checks")
    print_claim_checks(checks, (country, *comps))
    if out is not None:
        write_table(checks.table(), out)
        console.print(f"wrote {out}")
    if figure is not None:
        from servmodel.bayes.plots import claim_check_plot

        claim_check_plot(checks, figure, highlight=(country, *comps))
        console.print(f"figure: {figure}")
