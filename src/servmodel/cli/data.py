"""`servmodel data`: build the intensity panel and summarise it."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from servmodel.cli._common import (
    CountriesOpt,
    CovariatesOpt,
    DefinitionOpt,
    MappingOpt,
    PanelOpt,
    SourceOpt,
    YearsOpt,
    console,
    err_console,
)
from servmodel.errors import DataError, UsageError
from servmodel.intensity import IntensityPanel, panel_from_source, read_panel
from servmodel.intensity.summary import summarize_panel
from servmodel.io import WIOD_YEARS
from servmodel.options import Measure, parse_years, validate_choice

app = typer.Typer(
    help="Build and summarise the producer-service intensity panel.", no_args_is_help=True
)


def build_with_progress(
    source: str,
    years: str | None,
    definition: str,
    mapping: Path | None,
    countries: Path | None,
    covariates: Path | None,
    show: bool = True,
) -> IntensityPanel:
    """Build a panel, showing a progress bar over years on stderr (unless ``show`` is off
    or the command runs with --quiet)."""
    wanted = parse_years(years)
    total = (
        len(wanted) if wanted is not None else (len(WIOD_YEARS) if source == "wiod2013" else None)
    )
    # off when stderr is a file or a pipe: there a bar is only a stray blank line
    with Progress(
        TextColumn("building panel"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=err_console,
        transient=True,
        disable=not (show and err_console.is_terminal and not _quiet()),
    ) as bar:
        task = bar.add_task("", total=total)
        return panel_from_source(
            source,
            years=wanted,
            definitions=definition,
            mapping=mapping,
            countries=countries,
            covariates=covariates,
            progress=lambda y: bar.update(task, description=str(y)),
            on_progress=lambda done, n: bar.update(task, completed=done, total=n),
        )


def _quiet() -> bool:
    """Whether the command runs with --quiet (servmodel's log shows warnings only)."""
    return logging.getLogger("servmodel").getEffectiveLevel() > logging.INFO


def select_panel(panel: IntensityPanel, definition: str, years: str | None) -> IntensityPanel:
    """Keep the requested definitions and years of a panel read from a file."""
    if len(panel.sources) > 1:
        raise DataError(
            f"{panel.source}: stacks the table sources {', '.join(panel.sources)}; "
            "summarize the panel of each source (the files given to "
            "`servmodel data stack`)"
        )
    f = panel.frame
    keep = np.ones(len(f), dtype=bool)
    if definition != "all":
        names = [d.strip() for d in definition.split(",") if d.strip()]
        unknown = sorted(set(names) - set(f["definition"]))
        if unknown:
            raise DataError(
                f"{panel.source}: no definition {', '.join(unknown)} in the panel; it holds "
                f"{', '.join(sorted(f['definition'].unique()))}"
            )
        keep &= f["definition"].isin(names).to_numpy()
    wanted = parse_years(years)
    if wanted is not None:
        keep &= f["year"].isin(wanted).to_numpy()
    if not keep.any():
        have = sorted(f["year"].unique())
        raise DataError(
            f"{panel.source}: no rows for years {years}; the panel covers "
            f"{have[0]}-{have[-1]}, choose --years within it"
        )
    return panel.with_frame(f.loc[keep].reset_index(drop=True))


@app.command("build")
def build(
    out: Annotated[Path, typer.Option("--out", help="Output file: .csv or .parquet.")],
    source: SourceOpt = "wiod2013",
    definition: DefinitionOpt = "all",
    years: YearsOpt = None,
    covariates: CovariatesOpt = None,
    mapping: MappingOpt = None,
    countries: CountriesOpt = None,
    progress: Annotated[
        bool, typer.Option("--progress/--no-progress", help="Show a progress bar over years.")
    ] = True,
) -> None:
    """Build the panel (country x industry x year x definition) and write it to OUT.

    Examples:

      servmodel data build --out panel.csv

      servmodel data build --definition kibs --years 2000-2011 --out kibs.parquet

      servmodel data build --definition c27,c28,c30 --covariates rd.csv --out panel.csv

      servmodel data build --source my_table.csv --mapping sectors.csv --out mine.csv

      servmodel data build --source icio:ICIO2023/ --years 2015-2020 --out icio.csv

      servmodel data build --source wiod2016:WIOTS_in_R/ --out wiod2016.csv
    """
    from servmodel._fileio import check_output_file, table_format

    table_format(out)  # reject a bad extension or an unwritable path before the work
    check_output_file(out)
    panel = build_with_progress(
        source, years, definition, mapping, countries, covariates, show=progress
    )
    panel.write(out)
    f = panel.frame
    counts = " x ".join(
        _count(f[col].nunique(), one, many)
        for col, one, many in (
            ("country", "country", "countries"),
            ("industry", "industry", "industries"),
            ("year", "year", "years"),
            ("definition", "definition", "definitions"),
        )
    )
    console.print(
        f"wrote {out}: {len(f):,} rows = {counts} ({len(panel.dropped)} zero-output rows dropped)"
    )


def _count(n: int, one: str, many: str) -> str:
    """``1 country``, ``2 countries``."""
    return f"{n} {one if n == 1 else many}"


@app.command("stack")
def stack(
    panels: Annotated[
        list[Path],
        typer.Argument(
            help="Panel files written by `servmodel data build`, one per table source.",
            show_default=False,
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="Output file: .csv or .parquet.")],
    names: Annotated[
        str | None,
        typer.Option(
            "--names",
            help="The source name of each panel, joined by commas (default: the "
            "file names without their suffix).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Put panels of different table sources side by side, with a `source` column.

    A model spec picks one source with `source = "NAME"` in its \\[data] section, so that
    the same model can be fitted to each series (say WIOD 2013, 1995-2011, and a Rev. 4
    release over the years it covers).

    Examples:

      servmodel data build --out wiod2013.csv

      servmodel data build --source icio:ICIO2023/ --out icio2023.csv

      servmodel data stack wiod2013.csv icio2023.csv --out both.csv
    """
    from servmodel._fileio import check_output_file, table_format
    from servmodel.intensity import stack_panels

    table_format(out)
    check_output_file(out)
    labels = (
        [n.strip() for n in names.split(",")] if names is not None else [p.stem for p in panels]
    )
    if names is None and len(set(labels)) != len(labels):
        raise UsageError(
            f"the panel files {', '.join(str(p) for p in panels)} share a name; "
            "give each a source name with --names, e.g. --names wiod2013,icio2023"
        )
    stacked = stack_panels([read_panel(p) for p in panels], labels)
    stacked.write(out)
    parts = []
    for name, rows in stacked.frame.groupby("source", sort=False):
        parts.append(f"{name} ({len(rows):,} rows, {rows['year'].min()}-{rows['year'].max()})")
    console.print(f"wrote {out}: {len(stacked.frame):,} rows from {', '.join(parts)}")


@app.command("summary")
def summary(
    panel: PanelOpt = None,
    source: SourceOpt = "wiod2013",
    definition: DefinitionOpt = "all",
    years: YearsOpt = None,
    measure: Annotated[str, typer.Option("--measure", help="Measure to rank by.")] = "direct",
    highlight: Annotated[
        str | None,
        typer.Option(
            "--highlight",
            help="Country to highlight (default KOR, when the panel has it).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Coverage, mean intensity by definition, and each country's rank in manufacturing
    intensity in the first and last year (1 = highest), with one country highlighted.

    Examples:

      servmodel data summary

      servmodel data summary --definition standard --measure total

      servmodel data summary --panel panel.csv --highlight MEX
    """
    validate_choice(measure, Measure, "measure")
    if panel is not None:
        data = select_panel(read_panel(panel), definition, years)
    else:
        data = build_with_progress(source, years, definition, None, None, None)
    if highlight is not None and highlight not in set(data.frame["country"]):
        raise UsageError(
            f"--highlight {highlight!r} is not a country of the panel; choose "
            f"one of {', '.join(sorted(data.frame['country'].unique()))}"
        )
    s = summarize_panel(data, measure)
    cov = Table(title=f"Coverage ({data.source})")
    for col in ("definition", "rows", "countries", "industries", "years", "zeros in " + measure):
        cov.add_column(col, justify="right" if col != "definition" else "left")
    for r in s.coverage.itertuples():
        cov.add_row(
            r.definition,
            f"{r.rows:,}",
            str(r.countries),
            str(r.industries),
            f"{r.first_year}-{r.last_year}",
            str(r.zeros),
        )
    console.print(cov)
    if panel is None:
        console.print(f"{len(data.dropped)} country-industry-years with zero gross output dropped")
    means = Table(title="Mean intensity by definition (unweighted)")
    means.add_column("definition")
    value_cols = [c for c in s.means.columns if c != "definition"]
    for c in value_cols:
        means.add_column(c, justify="right")
    for r in s.means.itertuples(index=False):
        means.add_row(r[0], *(f"{v:.4f}" for v in r[1:]))
    console.print(means)
    years_ = sorted(int(c.split("_")[1]) for c in s.ranks.columns if c.startswith("rank_"))
    for d, part in s.ranks.groupby("definition", sort=False):
        t = Table(
            title=f"Manufacturing {measure} intensity (output-weighted), {d}; rank 1 = highest"
        )
        t.add_column("country")
        for y in years_:
            t.add_column(f"{measure} {y}", justify="right")
            t.add_column(f"rank {y}", justify="right")
        for r in part.itertuples(index=False):
            row = r._asdict()
            cells = [str(row["country"])]
            for y in years_:
                cells += [f"{row[f'{measure}_{y}']:.4f}", str(row[f"rank_{y}"])]
            style = "bold reverse" if row["country"] == (highlight or "KOR") else None
            t.add_row(*cells, style=style)
        console.print(t)


@app.command("va-origin")
def va_origin(
    country: Annotated[str, typer.Option("--country", help="The exporting economy, e.g. KOR.")],
    year: Annotated[int, typer.Option("--year", help="Year of the table.")],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write every origin to this .csv or .parquet file; without it the "
            "largest origins are shown.",
            show_default=False,
        ),
    ] = None,
    source: SourceOpt = "wiod2013",
    definition: Annotated[
        str,
        typer.Option(
            "--definition",
            help="Producer-service definition whose industries are flagged as services (one name).",
        ),
    ] = "standard",
    mapping: MappingOpt = None,
    top: Annotated[int, typer.Option("--top", help="Origins shown on the terminal.")] = 15,
) -> None:
    """Value added in an economy's manufacturing exports, by origin economy and industry.

    The block diag(v) B diag(e) of the value added in exports (v value added per unit of
    output, B the world Leontief inverse, e gross exports), summed over the economy's
    manufacturing industries: which economies' industries, services among them, the
    exports carry.

    Examples:

      servmodel data va-origin --country KOR --year 2011

      servmodel data va-origin --country KOR --year 2011 --out kor_2011_va.csv
    """
    from servmodel._fileio import check_output_file, table_format, write_table
    from servmodel.intensity.sources import value_added_origin_from_source

    if out is not None:
        table_format(out)
        check_output_file(out)
    if top < 1:
        raise UsageError(f"--top {top}: give a number of rows of at least 1")
    frame = value_added_origin_from_source(country, year, source, definition, mapping)
    total = frame["value_added"].sum()
    services = frame[frame["service"]]
    summary = (
        f"{country} {year}: value added in manufacturing exports {total:,.0f}; "
        f"services ({definition}) {services['share'].sum():.1%} "
        f"(domestic {services.loc[services['domestic'], 'share'].sum():.1%}, "
        f"foreign {services.loc[~services['domestic'], 'share'].sum():.1%})"
    )
    if out is not None:
        write_table(frame, out)
        console.print(f"wrote {out}: {len(frame):,} origins; {summary}")
        return
    console.print(summary)
    t = Table(
        title=f"Largest origins of the value added in {country}'s manufacturing exports, {year}"
    )
    for col in ("origin", "industry", "service", "value added", "share"):
        t.add_column(col, justify="right" if col in ("value added", "share") else "left")
    for r in frame.head(top).itertuples(index=False):
        t.add_row(
            r.origin_country,
            r.origin_industry,
            "yes" if r.service else "",
            f"{r.value_added:,.1f}",
            f"{r.share:.2%}",
        )
    console.print(t)
