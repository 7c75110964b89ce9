"""Interrupts that say what they left: SIGINT and SIGTERM end a command with exit status
130 or 143 and one line naming the files it finished before the signal.

While a command runs, both signals raise :class:`Interrupted` in the main thread. It derives
from ``BaseException`` and not from ``KeyboardInterrupt`` on purpose: samplers (nutpie,
PyMC) and the command-line framework catch ``KeyboardInterrupt`` to return partial draws or
an exit status that was then lost, whereas ``Interrupted`` unwinds the whole command, so
every atomic write removes its temporary file and no partial result is saved.

Every file written through :mod:`servmodel._fileio` is recorded here, so the closing line
can say "nothing written" or name what was kept; directories a command created for its
outputs and left empty are removed.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

_WRITTEN: list[Path] = []
_CREATED_DIRS: list[Path] = []


class Interrupted(BaseException):
    """A command stopped by SIGINT (Ctrl-C) or SIGTERM.

    Attributes
    ----------
    signum
        The signal's number.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """128 plus the signal number, as shells report a command ended by a signal
        (130 for SIGINT, 143 for SIGTERM)."""
        return 128 + self.signum

    @property
    def signal_name(self) -> str:
        """``SIGINT`` or ``SIGTERM``."""
        return signal.Signals(self.signum).name


def record_written(path: Path) -> None:
    """Note that ``path`` was written completely (called after each atomic rename)."""
    _WRITTEN.append(Path(path))


def record_created_dir(path: Path) -> None:
    """Note that a command created directory ``path`` for its outputs."""
    _CREATED_DIRS.append(Path(path))


@contextlib.contextmanager
def signals_interrupt() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM raise :class:`Interrupted` (main thread only;
    elsewhere the block runs with the handlers as they are). The previous handlers are
    restored on exit, and the record of written files starts empty."""
    _WRITTEN.clear()
    _CREATED_DIRS.clear()
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signals = (signal.SIGINT, signal.SIGTERM)
    previous = {s: signal.getsignal(s) for s in signals}

    def handler(signum: int, _frame: object) -> None:
        # a second Ctrl-C must not cut the clean-up of the first one short
        for s in signals:
            signal.signal(s, signal.SIG_IGN)
        raise Interrupted(signum)

    for s in signals:
        signal.signal(s, handler)
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


def clean_up_and_describe(exc: Interrupted, cwd: Path | None = None) -> str:
    """Remove the empty directories the command created; return the closing line."""
    for directory in reversed(_CREATED_DIRS):
        with contextlib.suppress(OSError):
            directory.rmdir()  # only succeeds when empty
    kept = list(dict.fromkeys(p for p in _WRITTEN if p.exists()))
    head = f"interrupted by {exc.signal_name}"
    if not kept:
        return f"{head}; nothing written (earlier outputs are unchanged)"
    names = [_display(p, cwd) for p in kept[:3]]
    more = f" and {len(kept) - 3} more" if len(kept) > 3 else ""
    return (
        f"{head}; kept {len(kept)} file{'s' if len(kept) > 1 else ''} finished before "
        f"it: {', '.join(names)}{more}; no partial file was left (run the command again "
        "to redo the rest)"
    )


def _display(path: Path, cwd: Path | None) -> str:
    base = cwd or Path.cwd()
    with contextlib.suppress(ValueError):
        return str(path.resolve().relative_to(base.resolve()))
    return str(path)
