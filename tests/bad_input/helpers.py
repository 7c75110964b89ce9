"""What every bad-input case checks: the exit code, one ``error:`` line that names the
mistake and its fix, no traceback, and nothing written."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from servmodel.cli import main


def run(capsys, args: Sequence[object]) -> tuple[int, str, str]:
    """Run ``servmodel ARGS`` in this process; return (exit code, stdout, stderr)."""
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def error_line(out: str, err: str, traceback: bool = False) -> str:
    """The single ``error:`` line, which must end stderr; a traceback only when asked."""
    lines = [ln for ln in err.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith("error:")]
    assert len(errors) == 1, err
    assert lines[-1] == errors[0], f"output after the error line:\n{err}"
    assert ("Traceback" in out + err) is traceback, err
    return errors[0]


def expect_error(capsys, args: Sequence[object], code: int, what: Sequence[str],
                 fix: Sequence[str]) -> str:
    """Run ``args`` and check the exit code and that the error line holds every word of
    ``what`` (the file, key or value at fault) and of ``fix`` (what to do instead)."""
    got, out, err = run(capsys, args)
    line = error_line(out, err)
    assert got == code, f"exit code {got}, expected {code}: {line}"
    for word in (*what, *fix):
        assert word in line, f"{word!r} missing from: {line}"
    return line


def assert_not_written(path: Path) -> None:
    """Neither ``path`` nor a temporary file of its atomic write is left behind."""
    assert not path.exists(), f"{path} was left behind"
    if path.parent.is_dir():
        leftovers = sorted(path.parent.glob(f".{path.name}.*.tmp"))
        assert not leftovers, f"temporary files left behind: {leftovers}"
