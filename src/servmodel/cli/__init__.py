"""The ``servmodel`` command line: thin wrappers over the public API."""

from __future__ import annotations

import errno
import signal
import sys
import traceback
import warnings

import typer

from servmodel.cli import bayes, data, decompose, estimate, replicate, sensitivity, table
from servmodel.cli._common import DEBUG, err_console, setup_logging
from servmodel.errors import ServmodelError
from servmodel.interrupts import Interrupted, clean_up_and_describe, signals_interrupt

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
app.command("ppc")(bayes.ppc)
app.command("sensitivity")(sensitivity.sensitivity)
app.command("sensitivity-prior")(sensitivity.sensitivity_prior)
app.command("replicate")(replicate.replicate)
app.command("table")(table.table)
app.command("decompose")(decompose.decompose)


@app.callback()
def _root(
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks on errors."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="More log detail."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only warnings and errors."),
) -> None:
    DEBUG["on"] = debug
    setup_logging(verbose, quiet)


def _error(message: str) -> None:
    """Print one ``error:`` line on stderr (after the traceback under --debug)."""
    if DEBUG["on"]:
        traceback.print_exc()
    err_console.print(f"error: {message}", markup=False, highlight=False, soft_wrap=True)


def _parser_message(exc: Exception) -> str:
    """Click's usage error as one line that points to the command's --help."""
    text = " ".join(exc.format_message().split()).rstrip(".")  # type: ignore[attr-defined]
    ctx = getattr(exc, "ctx", None)
    command = ctx.command_path if ctx is not None else "servmodel"
    if text.endswith("?"):  # click's "Did you mean 'build'?"
        return f"{text} See '{command} --help'"
    return f"{text}; see '{command} --help'"


def _os_error(exc: OSError) -> tuple[str, int]:
    """A file-system error no command foresaw, as a message and an exit code: a path that
    cannot be used is a usage error (2), a failing disk a data error (1)."""
    where = f" {exc.filename}" if exc.filename is not None else ""
    reason = exc.strerror or str(exc)
    path_problem = (
        isinstance(
            exc,
            (
                PermissionError,
                FileNotFoundError,
                IsADirectoryError,
                NotADirectoryError,
                FileExistsError,
            ),
        )
        or exc.errno == errno.ENAMETOOLONG
    )
    if path_problem:
        return (f"cannot use{where}: {reason}; check the path and its permissions", 2)
    return (
        f"cannot read or write{where}: {reason}; check the disk (free space, mounts) and try again",
        1,
    )


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; servmodel's errors become one line on stderr and an exit code."""
    # PyTensor's C backend warns at import when no BLAS library links (pip installs). The
    # default sampler, nutpie, compiles with numba and does not use it; the warning concerns
    # only the speed of --sampler pymc, whose timings the progress display shows anyway.
    warnings.filterwarnings("ignore", message="PyTensor could not link to a BLAS")
    try:
        with signals_interrupt():
            status = app(args=argv, prog_name="servmodel", standalone_mode=False)
        # outside standalone mode the framework returns, rather than raises, the status of
        # an exit it caught (130 for a KeyboardInterrupt raised where no handler of ours
        # ran, e.g. re-raised from a worker); commands themselves return None
        if isinstance(status, int) and not isinstance(status, bool) and status != 0:
            if status == 130:
                err_console.print(
                    clean_up_and_describe(Interrupted(signal.SIGINT)),
                    markup=False,
                    highlight=False,
                    soft_wrap=True,
                )
            return status
    except Interrupted as exc:
        err_console.print(clean_up_and_describe(exc), markup=False, highlight=False, soft_wrap=True)
        return exc.exit_code
    except ServmodelError as exc:
        _error(str(exc))
        return exc.exit_code
    except typer.Abort:
        err_console.print("aborted", markup=False)
        return 130
    except typer.Exit as exc:
        return int(exc.exit_code or 0)
    except _PARSER_ERRORS as exc:  # bad options or arguments: one line, exit 2
        if type(exc).__name__ == "NoArgsIsHelpError":  # a bare group: its help is the answer
            exc.show()  # type: ignore[attr-defined]
        else:
            _error(_parser_message(exc))
        return int(getattr(exc, "exit_code", 2))
    except KeyboardInterrupt:  # outside a command (e.g. while the modules load)
        err_console.print("interrupted; nothing written", markup=False)
        return 130
    except OSError as exc:  # last resort: a permission or disk error no check foresaw
        message, code = _os_error(exc)
        _error(message)
        return code
    return 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
