"""The ``servmodel`` command line: thin wrappers over the public API."""

from __future__ import annotations

import sys
import traceback

import typer

from servmodel.cli import bayes, data, estimate, replicate, sensitivity, table
from servmodel.cli._common import DEBUG, err_console, setup_logging
from servmodel.errors import ServmodelError

# Recent Typer releases vendor click (typer._click); older ones raise click's own exceptions.
_PARSER_ERRORS: tuple[type[Exception], ...] = ()
try:  # pragma: no cover - depends on the installed typer
    from typer._click.exceptions import ClickException as _VendoredClickException

    _PARSER_ERRORS += (_VendoredClickException,)
except ImportError:  # pragma: no cover
    pass
try:  # pragma: no cover
    from click.exceptions import ClickException as _ClickException

    _PARSER_ERRORS += (_ClickException,)
except ImportError:  # pragma: no cover
    pass

app = typer.Typer(
    name="servmodel",
    help="Producer-service input intensity of manufacturing: data, panel and Bayesian "
    "models, tables. Exit codes: 0 success, 1 data or model error, 2 usage error.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(data.app, name="data")
app.command("estimate")(estimate.estimate)
app.command("hausman")(estimate.hausman)
app.command("bayes")(bayes.bayes)
app.command("compare")(bayes.compare)
app.command("contrast")(bayes.contrast)
app.command("sensitivity")(sensitivity.sensitivity)
app.command("sensitivity-prior")(sensitivity.sensitivity_prior)
app.command("replicate")(replicate.replicate)
app.command("table")(table.table)


@app.callback()
def _root(
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks on errors."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="More log detail."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only warnings and errors."),
) -> None:
    DEBUG["on"] = debug
    setup_logging(verbose, quiet)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; servmodel's errors become one line on stderr and an exit code."""
    try:
        app(args=argv, standalone_mode=False)
    except ServmodelError as exc:
        if DEBUG["on"]:
            traceback.print_exc()
        err_console.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        return exc.exit_code
    except typer.Abort:
        err_console.print("aborted", markup=False)
        return 130
    except typer.Exit as exc:
        return int(exc.exit_code or 0)
    except _PARSER_ERRORS as exc:  # bad options or arguments: usage shown, exit 2
        exc.show()  # type: ignore[attr-defined]
        return int(getattr(exc, "exit_code", 2))
    except KeyboardInterrupt:
        err_console.print("interrupted", markup=False)
        return 130
    return 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
