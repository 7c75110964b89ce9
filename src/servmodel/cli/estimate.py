"""`servmodel estimate` and `servmodel hausman`: fit model specs, print, save JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from servmodel.cli._common import CovariatesOpt, PanelOpt, console, err_console
from servmodel.errors import EstimationError, ServmodelError, UsageError
from servmodel.format import MISSING, fixed, pvalue, significant
from servmodel.intensity import IntensityPanel, merge_covariates, read_panel
from servmodel.results import HausmanResult, PanelResult
from servmodel.results.text import fit_lines
from servmodel.results.tidy import check_level
from servmodel.spec import ModelSpec, load_spec

SpecsArg = Annotated[
    list[Path],
    typer.Argument(
        help="Model specification files (TOML), e.g. models/*.toml.", show_default=False
    ),
]
LevelOpt = Annotated[float, typer.Option("--level", help="Confidence level of the intervals.")]


def _is_grid(path: Path) -> bool:
    """A sensitivity grid file (``[[targets]]``), which `models/*.toml` also matches."""
    import tomllib

    try:
        return "targets" in tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False  # load_spec reports what is wrong with it


def _load_specs(paths: list[Path]) -> list[ModelSpec]:
    grids = [p for p in paths if _is_grid(p)]
    for p in grids:
        err_console.print(
            f"skipped {p}: a sensitivity grid; run it with `servmodel sensitivity`",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    paths = [p for p in paths if p not in grids]
    if not paths:
        raise UsageError(
            "no model specs to estimate; sensitivity grids run with `servmodel sensitivity`"
        )
    specs = [load_spec(p) for p in paths]
    seen: dict[str, Path] = {}
    for path, spec in zip(paths, specs, strict=True):
        if spec.name in seen:
            raise UsageError(
                f"{path} and {seen[spec.name]} are both named {spec.name!r}; their "
                "results would overwrite each other; rename one (name = ...)"
            )
        seen[spec.name] = path
    return specs


def _panel(panel: Path | None, covariates: Path | None) -> IntensityPanel:
    if panel is not None:
        data = read_panel(panel)
        if covariates is not None:
            data, _ = merge_covariates(data, covariates)
        return data
    from servmodel.cli.data import build_with_progress

    return build_with_progress("wiod2013", None, "all", None, None, covariates)


def _check_out(out: Path, names: list[str]) -> None:
    """Fail before any work when --out cannot be the results directory (made on first save,
    so that a failed run leaves none behind) or a result file ``names`` cannot be written."""
    from servmodel._fileio import check_outputs_in

    check_outputs_in(out, names, "--out")


def print_result(result: PanelResult, level: float) -> None:
    """Print one model: fit statistics, coefficient table, notes."""
    # every text from the data or the spec is escaped: rich would read "C(industry)[c10]"
    # or "[data]" as markup and drop the brackets
    title = f"[bold]{escape(result.name)}[/bold]"
    if result.spec.description:
        title += f": {escape(result.spec.description)}"
    console.rule(title)
    info = Table(show_header=False, box=None, pad_edge=False)
    info.add_column(style="dim", no_wrap=True)
    info.add_column()
    for label, value in fit_lines(result):
        info.add_row(escape(label), escape(value))
    console.print(info)
    pct = f"{100 * level:g}%"
    coef = Table(box=None, header_style="bold", pad_edge=False, padding=(0, 1))
    coef.add_column("term", overflow="fold")
    stat = "t" if result.inference.distribution == "t" else "z"
    for col in ("estimate", "std. error", stat, "p", f"{pct} low", f"{pct} high"):
        coef.add_column(col, justify="right", no_wrap=True)
    # significant digits: small coefficients keep their precision (-0.001032, not -0.0010)
    for r in result.tidy(level).itertuples(index=False):
        coef.add_row(
            escape(r.term),
            significant(r.estimate),
            significant(r.std_error),
            fixed(r.statistic, 2),
            pvalue(r.p_value, 3, MISSING),
            significant(r.conf_low),
            significant(r.conf_high),
        )
    console.print(coef)
    for note in result.notes:
        console.print(f"[yellow]note:[/yellow] {escape(note)}", highlight=False)


def estimate(
    specs: SpecsArg,
    panel: PanelOpt = None,
    out: Annotated[
        Path,
        typer.Option("--out", help="Directory for one JSON result per model (created if missing)."),
    ] = Path("results"),
    covariates: CovariatesOpt = None,
    level: LevelOpt = 0.95,
) -> None:
    """Estimate each model spec, print a summary and write OUT/NAME.json per model.

    Without --panel the panel is built from the embedded WIOD 2013 tables.

    If some specs fail, the others are still estimated and saved; exit code 1.

    Bayesian specs (a bayes section) are skipped with a note: `servmodel bayes` fits them.

    Examples:

      servmodel estimate models/fe_twoway.toml

      servmodel estimate models/*.toml --out results/panel

      servmodel estimate my_model.toml --panel panel.parquet --covariates rd.csv
    """
    from servmodel._fileio import make_output_dir
    from servmodel.frequentist import fit

    check_level(level)
    loaded = _load_specs(specs)
    skipped = [s for s in loaded if s.frequentist is None]
    loaded = [s for s in loaded if s.frequentist is not None]
    if not loaded:
        raise UsageError(
            f"{skipped[0].source} is a {skipped[0].family} spec (no [frequentist] "
            "section); fit Bayesian specs with `servmodel bayes`"
        )
    for s in skipped:
        err_console.print(
            f"skipped {s.source}: a {s.family} spec; fit it with `servmodel bayes`",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    _check_out(out, [f"{s.name}.json" for s in loaded])
    data = _panel(panel, covariates)
    failed: list[tuple[str, ServmodelError]] = []
    for spec in loaded:
        try:
            result = fit(spec, data)
        except ServmodelError as exc:
            if len(loaded) == 1:
                raise
            err_console.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
            failed.append((spec.name, exc))
            continue
        print_result(result, level)
        make_output_dir(out, "--out")
        path = result.save(out / f"{spec.name}.json")
        console.print(f"[dim]saved {escape(str(path))}[/dim]", highlight=False)
    if failed:
        raise EstimationError(
            f"{len(failed)} of {len(loaded)} models failed: "
            f"{', '.join(n for n, _ in failed)} (see the messages above)"
        )


def print_hausman(result: HausmanResult) -> None:
    """Print a Hausman test."""
    console.rule(
        f"[bold]Hausman test[/bold]: {escape(result.fe_name)} (FE) vs {escape(result.re_name)} (RE)"
    )
    console.print(
        "H0: the difference in coefficients is not systematic (the unit effects are "
        "uncorrelated with the regressors)"
    )
    console.print(
        f"chi2({result.df}) = {result.statistic:.3f}    p = {pvalue(result.p_value, 3, MISSING)}",
        highlight=False,
    )
    t = Table(box=None, header_style="bold", pad_edge=False, padding=(0, 1))
    t.add_column("term", overflow="fold")
    for col in ("b (FE)", "b (RE)", "difference", "s.e. of diff."):
        t.add_column(col, justify="right", no_wrap=True)
    for r in result.table().itertuples(index=False):
        cells = (r.b_fe, r.b_re, r.difference, r.std_error)
        t.add_row(escape(r.term), *(significant(v) for v in cells))
    console.print(t)
    for note in result.notes:
        console.print(f"[yellow]note:[/yellow] {escape(note)}", highlight=False)


def hausman(
    fe_spec: Annotated[
        Path, typer.Argument(help="Fixed-effects spec (estimator = 'fe').", show_default=False)
    ],
    re_spec: Annotated[
        Path, typer.Argument(help="Random-effects spec (estimator = 're').", show_default=False)
    ],
    panel: PanelOpt = None,
    covariates: CovariatesOpt = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write the test as JSON to this file (a .json name)."),
    ] = None,
) -> None:
    """Hausman test of fixed against random effects.

    Both models are refit with the unadjusted covariance that the classic test needs.

    Examples:

      servmodel hausman models/fe.toml models/re.toml

      servmodel hausman models/fe.toml models/re.toml --out results/hausman.json
    """
    from servmodel._fileio import check_output_file, check_suffix
    from servmodel.frequentist import hausman_from_specs

    fe, re = _load_specs([fe_spec, re_spec])
    if out is not None:
        # JSON like every result of `servmodel estimate`; the name should say so
        check_suffix(out, (".json",), "the test is written as JSON")
        check_output_file(out)  # before the two fits
    result = hausman_from_specs(fe, re, _panel(panel, covariates))
    print_hausman(result)
    if out is not None:
        result.save(out)
        console.print(f"[dim]saved {escape(str(out))}[/dim]", highlight=False)
