"""File helpers shared by every stage: atomic writes and table reading by extension."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pandas as pd

from servmodel.errors import DataError, UsageError

TABLE_SUFFIXES = (".csv", ".parquet", ".pq")


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` on success.

    A failure (or a kill) part-way leaves the destination as it was: never a truncated file.
    """
    dest = Path(path)
    parent = dest.parent if str(dest.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(
            f"cannot write {dest}: directory {parent} does not exist; create it first"
        )
    if not os.access(parent, os.W_OK):
        raise UsageError(f"cannot write {dest}: directory {parent} is not writable")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=parent)
    os.close(fd)
    tmp = Path(tmp_name)
    # mkstemp creates 0600; give the file the permissions a plain open() would
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    try:
        yield tmp
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike[str], mode: str = "w") -> Iterator[IO]:
    """Open a temporary file beside ``path`` for writing; rename it into place on success."""
    with atomic_path(path) as tmp:
        encoding = None if "b" in mode else "utf-8"
        with open(tmp, mode, encoding=encoding) as handle:
            yield handle


def table_format(path: str | os.PathLike[str]) -> str:
    """Return ``"csv"`` or ``"parquet"`` from a file name, or raise ``UsageError``."""
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    raise UsageError(
        f"{path}: unknown table format {suffix!r}; use a .csv or .parquet file name"
    )


def read_table(
    path: str | os.PathLike[str],
    what: str = "table",
    dtype: dict[str, type] | None = None,
) -> pd.DataFrame:
    """Read a CSV or Parquet file chosen by its extension, with clear errors.

    Parameters
    ----------
    path
        File to read.
    what
        Words for the file in messages, e.g. ``"covariate file"``.
    dtype
        Column types for CSV files (e.g. ``{"industry": str}`` keeps codes as text).
    """
    p = Path(path)
    fmt = table_format(p)
    if not p.exists():
        raise DataError(f"{what} {p} does not exist; check the path")
    if p.is_dir():
        raise DataError(f"{what} {p} is a directory; give a file")
    if p.stat().st_size == 0:
        raise DataError(f"{what} {p} is empty; it needs a header row and data")
    try:
        if fmt == "csv":
            with open(p, "rb") as handle:
                head = handle.read(4096)
            if head.startswith(b"PAR1"):
                raise DataError(
                    f"{what} {p} is a Parquet file named .csv; rename it to .parquet"
                )
            if b"\x00" in head:
                raise DataError(f"{what} {p} is a binary file, not CSV text")
            return pd.read_csv(p, dtype=dtype)
        return pd.read_parquet(p)
    except DataError:
        raise
    except UnicodeDecodeError as exc:
        raise DataError(f"{what} {p} is not UTF-8 text: {exc.reason}") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"{what} {p} could not be parsed as CSV: {exc}") from exc
    except (OSError, ValueError) as exc:
        raise DataError(f"{what} {p} could not be read as {fmt}: {exc}") from exc


def write_table(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``frame`` as CSV or Parquet (by extension), atomically. Returns the path."""
    fmt = table_format(path)
    with atomic_path(path) as tmp:
        if fmt == "csv":
            frame.to_csv(tmp, index=False, float_format="%.17g")
        else:
            frame.to_parquet(tmp, index=False)
    return Path(path)
