"""`servmodel sensitivity` and `servmodel sensitivity-prior`: which conclusions survive which
choices."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich import box
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from servmodel.cli._common import CovariatesOpt, PanelOpt, console, err_console
from servmodel.errors import UsageError
from servmodel.format import percent, significant

_SHORT = {
    "definition": "defin.",
    "estimator": "estim.",
    "transform": "transf.",
    "interactions and residual": "rest",
}


def _table(title: str) -> Table:
    """A compact table that fits 80 columns."""
    return Table(
        title=title, header_style="bold", box=box.SIMPLE_HEAD, padding=(0, 0, 0, 1), pad_edge=False
    )


class _Bar:
    """A rich progress bar fed by the runner's (done, total) callback."""

    def __init__(self, enabled: bool) -> None:
        self.progress = Progress(
            TextColumn("estimating"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("specifications"),
            TimeElapsedColumn(),
            console=err_console,
            disable=not enabled,
            transient=False,
        )
        self.task: TaskID | None = None

    def __call__(self, done: int, total: int) -> None:
        if total == 0:
            return
        if self.task is None:
            self.progress.start()
            self.task = self.progress.add_task("grid", total=total)
        self.progress.update(self.task, completed=done)

    def stop(self) -> None:
        self.progress.stop()


def print_sensitivity(result) -> None:
    """Summary per target, the dimensions that move the estimates, the skip reasons."""
    grid, stats = result.grid, result.stats
    console.rule(f"[bold]{escape(grid.name)}[/bold]: {stats.specifications:,} specifications")
    console.print(
        f"{stats.computed:,} estimated now, {stats.cached:,} from the cache, "
        f"{stats.skipped_before:,} skipped before fitting; {stats.seconds:.1f} s",
        highlight=False,
    )
    scale = (
        "estimate / SD of the dependent variable" if grid.scale == "sd" else "estimate (raw scale)"
    )
    summary = result.summary()
    for r in summary.itertuples(index=False):
        console.print(f"  {escape(r.target)}: {escape(r.label)}", highlight=False)
    t = _table(f"Robustness by target ({scale}; significance at 5%)")
    t.add_column("target", no_wrap=True)
    for col in ("n", "median", "q25", "q75", "same sign", "signif.", "both"):
        t.add_column(col, justify="right", no_wrap=True)
    for r in summary.itertuples(index=False):
        sign = {1: "+", -1: "-", 0: "0"}[int(r.sign)]
        t.add_row(
            escape(r.target),
            f"{r.specifications:,}",
            significant(r.median, 3),
            significant(r.q25, 3),
            significant(r.q75, 3),
            f"{percent(r.share_same_sign)} ({sign})",
            percent(r.share_significant),
            percent(r.share_significant_same_sign),
        )
    console.print(t)
    console.print(
        "n: specifications estimated (skipped ones are counted below); same sign: "
        "share with the sign of the median; both: significant with that sign",
        style="dim",
        highlight=False,
    )
    dec = result.decomposition()
    if not dec.empty:
        d = _table(
            "Which choices move the estimate (share of the variance of the estimates, "
            "Shapley decomposition; rest: interactions)"
        )
        d.add_column("target", no_wrap=True)
        for dim in (*result.varied, "interactions and residual"):
            d.add_column(_SHORT.get(dim, dim), justify="right", no_wrap=True)
        for target, part in dec.groupby("target", sort=False):
            shares = dict(zip(part["dimension"], part["share"], strict=True))
            d.add_row(
                escape(str(target)),
                *[
                    percent(shares.get(dim, math.nan))
                    for dim in (*result.varied, "interactions and residual")
                ],
            )
        console.print(d)
    reasons = result.skip_reasons()
    if not reasons.empty:
        s = _table("Skipped specifications (all in skipped.csv)")
        for col in ("target", "stage", "n", "reason"):
            s.add_column(col, justify="right" if col == "n" else "left", overflow="fold")
        for r in reasons.head(15).itertuples(index=False):
            s.add_row(escape(r.target), r.stage, f"{r.specifications:,}", escape(r.reason))
        console.print(s)
        if len(reasons) > 15:
            console.print(f"... and {len(reasons) - 15} more reasons", style="dim")


def sensitivity(
    grid: Annotated[
        Path,
        typer.Argument(
            help="Sensitivity grid (TOML), e.g. models/sensitivity.toml.", show_default=False
        ),
    ],
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", help="Local worker processes (-1: all cores).")
    ] = 1,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Address of a Dask distributed scheduler, e.g. "
            "tcp://10.0.0.5:8786 or 10.0.0.5:8786 (the port is required); its workers run the "
            "grid. Checked, and connected to within seconds, before any work.",
        ),
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", help="Directory for the tables and figures.")
    ] = Path("results/sensitivity"),
    panel: PanelOpt = None,
    covariates: CovariatesOpt = None,
    cache: Annotated[
        Path | None,
        typer.Option(
            "--cache",
            help="Directory of cached results (default OUT/cache); an interrupted "
            "run resumes from it.",
        ),
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Compute everything, keep nothing.")
    ] = False,
    figures: Annotated[
        bool, typer.Option("--figures/--no-figures", help="Write the specification curves.")
    ] = True,
    progress: Annotated[
        bool, typer.Option("--progress/--no-progress", help="Show a progress bar.")
    ] = True,
) -> None:
    """Estimate every specification of a sensitivity grid; print the robustness summary and
    write the tables and specification curves.

    Writes OUT/specifications.csv (one row per specification: choices, estimate, SE,
    interval, p, n), skipped.csv (with reasons), summary.csv, by_choice.csv,
    decomposition.csv and spec_curve_TARGET.png/.pdf per target.

    Examples:

      servmodel sensitivity models/sensitivity.toml

      servmodel sensitivity models/sensitivity.toml --jobs 4 --out results/sens

      servmodel sensitivity grid.toml --scheduler tcp://scheduler:8786
    """
    from servmodel._fileio import check_output_dir, check_outputs_in, make_output_dir
    from servmodel.cli.estimate import _panel
    from servmodel.sensitivity import load_grid, run_grid, write_spec_curves
    from servmodel.sensitivity.result import TABLE_NAMES
    from servmodel.sensitivity.runner import connect_scheduler

    loaded = load_grid(grid)
    if scheduler is not None and jobs != 1:
        raise UsageError("give either --jobs or --scheduler, not both")
    # every output before the panel is built; --out is created once the grid has run, so
    # that a failure leaves none
    names = [f"{name}.csv" for name in TABLE_NAMES]
    if figures:  # as write_spec_curves names them
        names += [f"spec_curve_{t.name}.{ext}" for t in loaded.targets for ext in ("png", "pdf")]
    check_outputs_in(out, names, "--out")
    cache_dir = None if no_cache else (cache if cache is not None else out / "cache")
    if cache_dir is not None:
        check_output_dir(cache_dir, "--cache" if cache is not None else "cache directory")
    # connected before the panel is built: an unusable address fails within seconds
    client = connect_scheduler(scheduler) if scheduler is not None else None
    try:
        data = _panel(panel, covariates)
        bar = _Bar(progress)
        try:
            result = run_grid(
                loaded, data, jobs=jobs, scheduler=client, cache_dir=cache_dir, on_progress=bar
            )
        finally:
            bar.stop()
    finally:
        if client is not None:
            client.close()
    print_sensitivity(result)
    make_output_dir(out, "--out")
    paths = list(result.write(out).values())
    if figures:
        table = result.table()
        paths += write_spec_curves(
            table,
            [(t.name, t.label) for t in loaded.targets],
            result.varied,
            out,
            scale=loaded.scale,
            level=loaded.base.level,
        )
    for p in paths:
        console.print(f"[dim]wrote {escape(str(p))}[/dim]", highlight=False)


# below this many draws the power-scaling sensitivities have a noise floor near the usual
# threshold (they are derivatives estimated by importance sampling)
FEW_DRAWS = 2000


def _base_name(parameters: pd.Series) -> pd.Series:
    return parameters.str.replace(r"\[.*\]$", "", regex=True)


def print_prior(ps, comparison_wide, n_draws: int) -> None:
    """Power-scaling verdicts, their meaning, and the refits side by side; the elements of
    vector parameters (one per country) are summarised, all of them are in the CSV files."""
    from servmodel.sensitivity.prior import EXPLAIN

    console.rule(f"[bold]{escape(ps.name)}[/bold]: prior sensitivity")
    console.print(
        "Power-scaling (Kallioinen et al. 2024): how far each posterior moves when "
        "the prior or the likelihood is raised to a power near 1 (importance "
        "sampling, no refit). Values >= "
        f"{ps.threshold:g} count as sensitive. Priors scaled: "
        f"{', '.join(ps.scaled_priors)} (the top level of the hierarchy).",
        highlight=False,
    )
    if n_draws < FEW_DRAWS:
        console.print(
            f"[yellow]note:[/yellow] {n_draws:,} draws: the sensitivities are noisy "
            f"(values near {ps.threshold:g} are not conclusive); fit with at least "
            f"{FEW_DRAWS:,} draws in all chains for the report",
            highlight=False,
        )
    t = _table("")
    for col in ("parameter", "prior", "likelihood", "verdict"):
        t.add_column(
            col, justify="right" if col in ("prior", "likelihood") else "left", no_wrap=True
        )
    colours = {
        "likelihood-sensitive": "green",
        "prior-sensitive": "yellow",
        "prior-data conflict": "red",
        "weak likelihood": "yellow",
        "undetermined": "red",
    }
    table = ps.psens
    base = _base_name(table["parameter"])
    vector = base.map(base.value_counts()) > 1
    for r, is_vector in zip(table.itertuples(index=False), vector, strict=True):
        if is_vector and r.verdict == "likelihood-sensitive":
            continue
        t.add_row(
            escape(r.parameter),
            f"{r.prior:.3f}",
            f"{r.likelihood:.3f}",
            f"[{colours[r.verdict]}]{r.verdict}[/{colours[r.verdict]}]",
        )
    console.print(t)
    for name in dict.fromkeys(base[vector]):
        part = table[base == name]
        ok = int((part["verdict"] == "likelihood-sensitive").sum())
        console.print(
            f"  {escape(name)}: {ok} of {len(part)} elements likelihood-sensitive "
            "(those not listed)",
            highlight=False,
        )
    for v in dict.fromkeys(ps.psens["verdict"]):
        console.print(f"  {v}: {EXPLAIN[v]}", highlight=False)
    if comparison_wide is None:
        return
    for r in ps.refits:
        console.print(f"refit with prior scales x{r.scale:g}: {r.verdict}", highlight=False)
    c = _table(
        "Posterior mean (sd) under scaled priors; shift: change of the mean in "
        "posterior SDs of the original fit"
    )
    c.add_column("parameter", no_wrap=True)
    scales = sorted({s for s in comparison_wide.columns.get_level_values(1)})
    for s in scales:
        c.add_column(f"x{s:g}", justify="right", no_wrap=True)
    c.add_column("max |shift|", justify="right", no_wrap=True)
    names = pd.Series(comparison_wide.index.astype(str), index=comparison_wide.index)
    base = _base_name(names)
    vector = base.map(base.value_counts()) > 1
    shifts = comparison_wide["shift_sd"].abs().max(axis=1)
    for name, row in comparison_wide.iterrows():
        if vector[name]:
            continue
        cells = [f"{row[('mean', s)]:.3g} ({row[('sd', s)]:.2g})" for s in scales]
        c.add_row(escape(str(name)), *cells, f"{shifts[name]:.2f}")
    console.print(c)
    for stem in dict.fromkeys(base[vector]):
        part = shifts[base == stem]
        console.print(
            f"  {escape(stem)} ({len(part)} elements): largest |shift| "
            f"{part.max():.2f} ({escape(str(part.idxmax()))})",
            highlight=False,
        )


def sensitivity_prior(
    result_file: Annotated[
        Path,
        typer.Argument(
            help="Draws of a Bayesian fit (NAME.nc from `servmodel bayes`).", show_default=False
        ),
    ],
    grid: Annotated[
        Path | None,
        typer.Option(
            # "\\[" keeps rich, which renders the help, from reading "[prior]" as markup
            "--grid",
            help="Grid whose \\[prior] section gives the scale factors, the key "
            "parameters and the threshold (default: x0.5 and x2, 0.05).",
        ),
    ] = None,
    refit: Annotated[
        bool,
        typer.Option(
            "--refit/--no-refit", help="Refit with every prior scale multiplied by each factor."
        ),
    ] = True,
    chains: Annotated[
        int | None,
        typer.Option("--chains", min=1, help="Chains of the refits (default: as the original)."),
    ] = None,
    draws: Annotated[int | None, typer.Option("--draws", min=1)] = None,
    tune: Annotated[int | None, typer.Option("--tune", min=0)] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Directory for the tables (default: beside the .nc file)."),
    ] = None,
    progress: Annotated[
        bool, typer.Option("--progress/--no-progress", help="Show the sampler's progress.")
    ] = True,
) -> None:
    """Prior sensitivity of a Bayesian fit: power-scaling verdicts per parameter
    (prior-sensitive, likelihood-sensitive, prior-data conflict) and refits with every prior
    scale multiplied by the grid's factors, compared side by side.

    Writes OUT/NAME_psens.csv and, with refits, OUT/NAME_prior_refits.csv.

    Examples:

      servmodel sensitivity-prior hier_beta.nc --grid models/sensitivity.toml

      servmodel sensitivity-prior hier_beta.nc --draws 500 --tune 500 --chains 2

      servmodel sensitivity-prior hier_beta.nc --no-refit
    """
    from servmodel._fileio import check_outputs_in, make_output_dir, write_table
    from servmodel.bayes.fit import with_settings
    from servmodel.cli.bayes import load_draws
    from servmodel.sensitivity import load_grid
    from servmodel.sensitivity.grid import PriorPlan
    from servmodel.sensitivity.prior import _settings_of, prior_sensitivity

    plan = load_grid(grid).prior if grid is not None else PriorPlan()
    target = out if out is not None else result_file.parent
    result = load_draws(result_file)
    # before the refits; the directory is created when there is a table
    names = [f"{result.name}_psens.csv"] + ([f"{result.name}_prior_refits.csv"] if refit else [])
    check_outputs_in(target, names, "--out")
    settings = with_settings(_settings_of(result), chains=chains, draws=draws, tune=tune)
    ps = prior_sensitivity(
        result,
        plan,
        refit=refit,
        settings=settings,
        progress=progress,
        source=str(grid) if grid is not None else None,
    )
    make_output_dir(target, "--out")
    wide = None
    if not ps.comparison.empty:
        wide = ps.comparison.pivot(
            index="parameter", columns="scale", values=["mean", "sd", "shift_sd"]
        )
    assert result.idata is not None  # load_draws refuses a result without draws
    post = result.idata.posterior
    print_prior(ps, wide, int(post.sizes["chain"] * post.sizes["draw"]))
    paths = [write_table(ps.psens, target / f"{ps.name}_psens.csv")]
    if not ps.comparison.empty:
        paths.append(write_table(ps.comparison, target / f"{ps.name}_prior_refits.csv"))
    for p in paths:
        console.print(f"[dim]wrote {escape(str(p))}[/dim]", highlight=False)
