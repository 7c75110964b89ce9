"""What every command shares: consoles, logging, shared options, the error boundary."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.logging import RichHandler

console = Console()
err_console = Console(stderr=True)

DEBUG = {"on": False}


def setup_logging(verbose: bool, quiet: bool) -> None:
    """Send servmodel's log records (dropped rows, coverage notes) to stderr."""
    level = logging.WARNING if quiet else (logging.DEBUG if verbose else logging.INFO)
    logger = logging.getLogger("servmodel")
    logger.handlers.clear()
    handler = RichHandler(
        console=err_console, show_time=False, show_path=False, markup=False, rich_tracebacks=False
    )
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False


SourceOpt = Annotated[
    str,
    typer.Option(
        "--source",
        help="'wiod2013' (embedded), a long-format IO table CSV/Parquet, "
        "or a published release as downloaded: wiod2016:DIR (WIOD 2016 .xlsb or "
        ".RData files), icio:PATH (an OECD ICIO 2021 or 2023 directory or CSV file), "
        "adb:PATH (an ADB MRIO .xlsx workbook or a directory of them).",
    ),
]
DefinitionOpt = Annotated[
    str,
    typer.Option(
        "--definition",
        help="'all', a name (kibs, producer, standard, broad, mapping), names joined by "
        "commas, or industry codes such as c27,c28,c30.",
    ),
]
YearsOpt = Annotated[
    str | None, typer.Option("--years", help="Years, e.g. 1995-2011 or 2000,2005.")
]
CovariatesOpt = Annotated[
    Path | None,
    typer.Option("--covariates", help="CSV/Parquet keyed by country, industry and/or year."),
]
MappingOpt = Annotated[
    Path | None,
    typer.Option("--mapping", help="Sector mapping (industry, role, tech) for one's own table."),
]
CountriesOpt = Annotated[
    Path | None,
    typer.Option("--countries", help="Country file (code, name, oecd_member_since)."),
]
PanelOpt = Annotated[
    Path | None,
    typer.Option(
        "--panel",
        help="A panel written by `servmodel data build`; default: build "
        "one from the embedded data.",
    ),
]
