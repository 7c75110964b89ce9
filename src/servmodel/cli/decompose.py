"""`servmodel decompose`: shift-share and structural decomposition of the aggregates."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from servmodel.cli._common import (
    CountriesOpt,
    MappingOpt,
    PanelOpt,
    SourceOpt,
    console,
)
from servmodel.errors import DataError, UsageError
from servmodel.options import parse_years


def decompose(
    country: Annotated[str, typer.Option("--country", help="The economy, e.g. KOR.")] = "KOR",
    start: Annotated[
        int | None,
        typer.Option(
            "--start", help="Start year (default: the panel's first).", show_default=False
        ),
    ] = None,
    end: Annotated[
        int | None,
        typer.Option("--end", help="End year (default: the panel's last).", show_default=False),
    ] = None,
    definition: Annotated[
        str, typer.Option("--definition", help="One producer-service definition.")
    ] = "standard",
    measure: Annotated[str, typer.Option("--measure", help="One measure.")] = "direct",
    versus: Annotated[
        str | None,
        typer.Option(
            "--versus",
            help="Decompose the gap to these comparators instead: economy codes and "
            "groups (oecd, non_oecd: members or not in that year; all), comma-separated.",
            show_default=False,
        ),
    ] = None,
    year: Annotated[
        str | None,
        typer.Option(
            "--year",
            help="Year(s) of the gaps of --versus, e.g. 2011 or 1995,2011 (default: the end year).",
            show_default=False,
        ),
    ] = None,
    sda: Annotated[
        bool,
        typer.Option(
            "--sda",
            help="Structural decomposition of the Leontief measure (--measure total) "
            "by the parts of the change in input coefficients.",
        ),
    ] = False,
    sourcing: Annotated[
        bool,
        typer.Option(
            "--sourcing",
            help="Require the split into domestic and imported services (direct "
            "only; direct gets it anyway).",
        ),
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="Tidy table: .csv or .parquet.", show_default=False)
    ] = None,
    tables: Annotated[
        Path | None,
        typer.Option(
            "--tables", help="Write STEM.tex/.md and STEM_industries.tex/.md.", show_default=False
        ),
    ] = None,
    figure: Annotated[
        Path | None, typer.Option("--figure", help="Waterfall figure (.png).", show_default=False)
    ] = None,
    panel: PanelOpt = None,
    source: SourceOpt = "wiod2013",
    mapping: MappingOpt = None,
    countries: CountriesOpt = None,
) -> None:
    """Split the change of an economy's output-weighted manufacturing intensity over time,
    or its gap to comparators, into within industries and industry mix (composition).

    Examples:

      servmodel decompose --country KOR --start 1995 --end 2011 --out kor.csv

      servmodel decompose --country KOR --versus OECD,MEX,CHN --year 2011 --out gaps.csv

      servmodel decompose --measure total --sda --tables kor_sda --figure kor_sda.png
    """
    from servmodel._fileio import check_output_file, check_suffix, table_format, write_table
    from servmodel.cli.data import build_with_progress, select_panel
    from servmodel.decompose import check_additivity, decompose_change, decompose_gap, tidy_frame
    from servmodel.decompose.figure import waterfall_figure
    from servmodel.decompose.report import write_tables
    from servmodel.decompose.selection import comparator_name
    from servmodel.intensity import read_panel
    from servmodel.options import Measure, validate_choice

    # every argument and output path is checked before the panel is built
    validate_choice(measure, Measure, "measure")
    if "," in definition or definition == "all":
        raise UsageError(f"--definition {definition!r}: give one definition, e.g. standard")
    if sourcing and measure != "direct":
        raise UsageError(
            f"--sourcing: measure {measure!r} has no sourcing split; only direct "
            "splits into domestic and imported services"
        )
    if sda and measure != "total":
        raise UsageError(
            f"--sda decomposes the Leontief measure; use --measure total, not {measure!r}"
        )
    comparators: list[str] = []
    if versus is not None:
        if sda:
            raise UsageError("--sda decomposes a change over time; leave out --versus")
        comparators = [comparator_name(v) for v in versus.split(",") if v.strip()]
        if not comparators:
            raise UsageError("--versus names no comparator; e.g. --versus OECD,MEX,CHN")
        if country in comparators:
            raise UsageError(f"--versus {country} names the --country itself")
        twice = sorted({c for c in comparators if comparators.count(c) > 1})
        if twice:
            raise UsageError(f"--versus lists {', '.join(twice)} twice; name each once")
    elif year is not None:
        raise UsageError(
            "--year gives the year of the gaps of --versus; for a change over "
            "time use --start and --end"
        )
    if start is not None and end is not None and start >= end:
        raise UsageError(f"--start {start} must come before --end {end}")
    gap_years = parse_years(year) if year is not None else None
    if out is not None:
        table_format(out)
        check_output_file(out)
    if tables is not None:
        for suffix in (".tex", ".md"):
            check_output_file(tables.with_suffix(suffix))
            check_output_file(tables.with_name(tables.name + "_industries").with_suffix(suffix))
    if figure is not None:
        check_suffix(figure, (".png",), "the figure is written as PNG", "--figure")
        check_output_file(figure)

    if panel is not None:
        data = select_panel(read_panel(panel), definition, None)
    else:
        data = build_with_progress(source, None, definition, mapping, countries, None)
    years = sorted(int(y) for y in data.frame["year"].unique())
    first = years[0] if start is None else start
    last = years[-1] if end is None else end
    if versus is None:
        if len(years) < 2:
            raise DataError(
                f"{data.source}: the panel holds only the year {years[0]}; a "
                "change over time needs two years"
            )
        results = [
            decompose_change(
                data,
                country,
                first,
                last,
                definition,
                measure,
                sourcing=sourcing or None,
                sda=sda,
                tables=source,
                mapping=mapping,
            )
        ]
    else:
        results = [
            decompose_gap(data, country, comp, y, definition, measure, sourcing=sourcing or None)
            for y in (gap_years or (last,))
            for comp in comparators
        ]
    for r in results:
        check_additivity(r)
    written = []
    if out is not None:
        write_table(tidy_frame(results), out)
        written.append(str(out))
    if tables is not None:
        written += [str(p) for p in write_tables(results, tables)]
    if figure is not None:
        written.append(str(waterfall_figure(results, figure)))
    _show(results)
    if written:
        console.print("wrote " + ", ".join(written))


def _show(results: list) -> None:
    """The economy-level components on the terminal: one column per decomposition."""
    names = list(dict.fromkeys(k for r in results for k in r.totals()))
    t = Table(
        title=f"Decomposition of output-weighted manufacturing intensity "
        f"({results[0].definition}, {results[0].measure})"
    )
    t.add_column("component")
    for r in results:
        t.add_column(
            f"{r.country} {r.start}-{r.end}"
            if r.kind == "change"
            else f"{r.country} vs {r.comparator} {r.end}",
            justify="right",
        )
    for n in names:
        t.add_row(n, *(f"{r.totals()[n]:+.5f}" if n in r.totals() else "" for r in results))
    console.print(t)
