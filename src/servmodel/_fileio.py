"""File helpers shared by every stage: atomic writes and table reading by extension."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Generator, Iterable, Iterator
from pathlib import Path
from typing import IO

import pandas as pd

from servmodel.errors import DataError, UsageError
from servmodel.interrupts import record_created_dir, record_written

TABLE_SUFFIXES = (".csv", ".parquet", ".pq")
# pandas' default spellings of a missing CSV cell (pandas.read_csv, ``na_values``)
NA_SPELLINGS = (
    "",
    "#N/A",
    "#N/A N/A",
    "#NA",
    "-1.#IND",
    "-1.#QNAN",
    "-NaN",
    "-nan",
    "1.#IND",
    "1.#QNAN",
    "<NA>",
    "N/A",
    "NA",
    "NULL",
    "NaN",
    "None",
    "n/a",
    "nan",
    "null",
)
# rows per chunk of :func:`iter_table`: a few tens of MB of parsed columns
CHUNK_ROWS = 1 << 20


# What an atomic write adds around NAME for its temporary file: ".NAME." + mkstemp's eight
# random characters + ".tmp"; the file system must allow the longer name too.
TMP_NAME_EXTRA = len(".") + len(".") + 8 + len(".tmp")
# POSIX values, used where the file system cannot be asked (pathconf)
DEFAULT_NAME_MAX = 255
DEFAULT_PATH_MAX = 4096


def check_output_file(path: str | os.PathLike[str]) -> Path:
    """Raise ``UsageError`` unless a file can be written at ``path``; return its directory.

    Commands call it for every file they will write, before their work, so that a
    mistyped or unusable output path fails at once rather than after a long build or fit.
    :func:`atomic_path` calls it again when it writes.

    Only a regular file is ever replaced. A path that exists as anything else is refused:
    a directory, a device (``/dev/null``), a named pipe, a socket, and a symbolic link,
    whatever it points to. The atomic write renames a new file onto the path, which
    would replace a device or a pipe by a plain file, and would replace a link by a
    file while leaving its target as it was (following the link instead would let a link
    planted in a shared directory redirect the write to another file). Directories along
    the path may be links; they are followed as usual.

    A name the file system cannot hold is refused too, counting the temporary name of the
    atomic write (``.NAME.xxxxxxxx.tmp``), as is a path longer than the system allows.

    Parameters
    ----------
    path
        The file to write.

    Returns
    -------
    pathlib.Path
        The directory that will hold it.

    Raises
    ------
    UsageError
        One line naming ``path``, what is wrong and what to do instead.
    """
    dest = Path(path)
    parent = dest.parent if str(dest.parent) else Path(".")
    # lengths first: any stat of an over-long path fails with ENAMETOOLONG
    check_path_length(dest, TMP_NAME_EXTRA)
    _refuse_special(dest)
    if not parent.is_dir():
        if parent.exists():
            raise UsageError(
                f"cannot write {dest}: {parent} is a file, not a directory; choose another path"
            )
        raise UsageError(f"cannot write {dest}: directory {parent} does not exist; create it first")
    if not os.access(parent, os.W_OK):
        raise UsageError(
            f"cannot write {dest}: directory {parent} is not writable; choose "
            "another directory or change its permissions"
        )
    return parent


def check_suffix(
    path: str | os.PathLike[str],
    suffixes: tuple[str, ...],
    written: str,
    what: str = "--out",
) -> None:
    """Raise ``UsageError`` unless the name of ``path`` ends in one of ``suffixes`` (any
    case): a file's name should say what it holds.

    Parameters
    ----------
    path
        The output file.
    suffixes
        Accepted suffixes with their dot, e.g. ``(".json",)``.
    written
        What is written there, for the message, e.g. ``"the test is written as JSON"``.
    what
        The option that names the file.
    """
    p = Path(path)
    if p.suffix.lower() not in suffixes:
        raise UsageError(
            f"{what} {p}: {written}; give a file name ending in {' or '.join(suffixes)}"
        )


def check_outputs_in(
    directory: str | os.PathLike[str], names: Iterable[str], what: str = "--out"
) -> list[Path]:
    """Check an output directory (which may not exist yet) and the files to be written in
    it, before any work; see :func:`check_output_dir` and :func:`check_output_file`.

    Parameters
    ----------
    directory
        The output directory; created later, by :func:`make_output_dir`.
    names
        File names the command will write in it.
    what
        The option that names the directory, for messages.

    Returns
    -------
    list of pathlib.Path
        ``directory / name`` for each name.
    """
    d = Path(directory)
    check_output_dir(d, what)
    paths = [d / name for name in names]
    for p in paths:
        if d.is_dir():
            check_output_file(p)
        else:  # nothing can be in its way yet, only its length
            check_path_length(p, TMP_NAME_EXTRA)
    return paths


def check_path_length(
    path: str | os.PathLike[str], extra: int = 0, what: str | None = None
) -> None:
    """Raise ``UsageError`` if ``path`` is longer than the file system allows.

    Every name along the path must fit the file system's ``NAME_MAX`` (the last one with
    ``extra`` more bytes, e.g. :data:`TMP_NAME_EXTRA` for a temporary file beside it),
    and the absolute path ``PATH_MAX``. Checked without touching ``path`` itself.

    Parameters
    ----------
    path
        A file or directory to be written.
    extra
        Bytes the writer adds to the last name.
    what
        The option that names a directory (``--out``); ``None`` for a file.
    """
    p = Path(path)
    start = f"cannot write {p}" if what is None else f"cannot create {what} {p}"
    absolute = Path(os.path.abspath(p))
    name_max, path_max = _limits(absolute.parent)
    for part in absolute.parts[1:-1]:
        if len(os.fsencode(part)) > name_max:
            raise UsageError(
                f"{start}: the directory name {part[:40]}... is too long "
                f"({len(os.fsencode(part))} bytes; at most {name_max}); give "
                "a shorter name"
            )
    size = len(os.fsencode(absolute.name))
    if size + extra > name_max:
        noun = "file name" if what is None else "directory name"
        room = f" as {extra} more go to the temporary file written first" if extra else ""
        raise UsageError(
            f"{start}: the {noun} is too long ({size} bytes; at most "
            f"{name_max - extra}{room}); give a shorter name"
        )
    # PATH_MAX counts the terminating NUL byte
    total = len(os.fsencode(str(absolute))) + extra
    if total >= path_max:
        counted = " with the temporary file" if extra else ""
        raise UsageError(
            f"{start}: the path is too long ({total} bytes{counted}; at most "
            f"{path_max - 1}); give a shorter path"
        )


def _limits(directory: Path) -> tuple[int, int]:
    """``NAME_MAX`` and ``PATH_MAX`` of the file system that holds ``directory`` (asked of
    its nearest existing ancestor), or the POSIX values where it cannot tell."""
    probe = directory
    while True:
        try:
            if probe.is_dir():
                break
        except OSError:
            pass
        if probe == probe.parent:
            return DEFAULT_NAME_MAX, DEFAULT_PATH_MAX
        probe = probe.parent
    limits = []
    for key, default in (("PC_NAME_MAX", DEFAULT_NAME_MAX), ("PC_PATH_MAX", DEFAULT_PATH_MAX)):
        try:
            value = os.pathconf(probe, key)
        except (OSError, ValueError, AttributeError):  # AttributeError: no pathconf
            value = -1
        limits.append(value if value > 0 else default)
    return limits[0], limits[1]


# the kinds of file an output path must not be, by the test of their stat mode
_SPECIAL_KINDS = (
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
    (stat.S_ISFIFO, "named pipe (FIFO)"),
    (stat.S_ISSOCK, "socket"),
)


def _refuse_special(dest: Path) -> None:
    """Raise ``UsageError`` if ``dest`` exists and is not a regular file (links are not
    followed: see :func:`check_output_file`)."""
    try:
        mode = os.lstat(dest).st_mode
    except FileNotFoundError:
        return
    except NotADirectoryError:  # a file along the path: reported by the caller
        return
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise UsageError(f"cannot write {dest}: it is a directory; give a file name")
    if stat.S_ISLNK(mode):
        raise UsageError(
            f"cannot write {dest}: it is a symbolic link to "
            f"{os.readlink(dest)}, not a regular file; remove the link or give "
            "another file name (servmodel replaces only regular files)"
        )
    raise UsageError(
        f"cannot write {dest}: it is {_kind_of(dest)}, not a regular file; give "
        "the name of a regular file"
    )


def _kind_of(path: Path) -> str:
    """``a file``, ``a named pipe (FIFO)``, ...: what is at ``path`` (links followed)."""
    mode = path.stat().st_mode
    if stat.S_ISREG(mode):
        return "a file"
    return "a " + next((k for test, k in _SPECIAL_KINDS if test(mode)), "special file")


def check_output_dir(path: str | os.PathLike[str], what: str = "--out") -> None:
    """Raise ``UsageError`` unless directory ``path`` exists or could be created, without
    creating it: a command that fails later then leaves no empty directory behind."""
    p = Path(path)
    check_path_length(p, what=what)
    if p.exists():
        if not p.is_dir():
            raise UsageError(f"{what} {p} is {_kind_of(p)}; give a directory")
        if not os.access(p, os.W_OK):
            raise UsageError(
                f"{what} {p} is not writable; choose another directory or change its permissions"
            )
        return
    ancestor = p.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if ancestor.exists() and not ancestor.is_dir():
        raise UsageError(
            f"cannot create {what} {p}: {ancestor} is a file, not a directory; choose another path"
        )
    if not os.access(ancestor, os.W_OK):
        raise UsageError(
            f"cannot create {what} {p}: directory {ancestor} is not writable; "
            "choose another directory or change its permissions"
        )


def make_output_dir(path: str | os.PathLike[str], what: str = "--out") -> Path:
    """Create directory ``path`` (and its parents) once there is something to write."""
    p = Path(path)
    check_output_dir(p, what)
    # the directories about to be created, outermost first, so that an interrupted
    # command can remove those it leaves empty
    new = [d for d in (p, *p.parents) if not d.exists()][::-1]
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(
            f"cannot create {what} {p}: {exc.strerror}; choose another directory"
        ) from exc
    for d in new:
        record_created_dir(d)
    return p


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` on success.

    A failure (or a kill) part-way leaves the destination as it was: never a truncated file.
    """
    dest = Path(path)
    parent = check_output_file(dest)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=parent)
    os.close(fd)
    tmp = Path(tmp_name)
    # mkstemp creates 0600; give the file the permissions a plain open() would
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    try:
        yield tmp
        # again at the rename: the work may have taken long, and what is at the path now
        # is what the rename would replace
        _refuse_special(dest)
        os.replace(tmp, dest)
        record_written(dest)
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
    raise UsageError(f"{path}: unknown table format {suffix!r}; use a .csv or .parquet file name")


def read_table(
    path: str | os.PathLike[str],
    what: str = "table",
    dtype: dict[str, type] | None = None,
    literal: tuple[str, ...] = (),
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
    literal
        CSV columns whose text is kept as written: only an empty cell is missing, so that
        codes such as ``NA`` (Namibia) or ``None`` are not read as missing values.
    """
    p = Path(path)
    fmt = table_format(p)
    with _read_errors(p, fmt, what):
        _check_source(p, fmt, what)
        if fmt == "csv":
            if not literal:
                return pd.read_csv(p, dtype=dtype)
            return pd.read_csv(
                p, dtype=dtype, keep_default_na=False, na_values=_na_values(p, literal)
            )
        return pd.read_parquet(p)


def table_columns(path: str | os.PathLike[str], what: str = "table") -> list[str]:
    """Column names of a CSV or Parquet file, read from its header (or schema) alone.

    Runs the checks of :func:`read_table` (missing, empty or mislabelled file). Pandas'
    stored index columns of a Parquet file are left out, as :func:`read_table` leaves them.
    """
    p = Path(path)
    fmt = table_format(p)
    with _read_errors(p, fmt, what):
        _check_source(p, fmt, what)
        if fmt == "csv":
            return [str(c) for c in pd.read_csv(p, nrows=0).columns]
        import pyarrow.parquet as pq

        names = pq.read_schema(p).names
        return [c for c in names if not (c.startswith("__index_level_") and c.endswith("__"))]


def iter_table(
    path: str | os.PathLike[str],
    columns: list[str],
    what: str = "table",
    dtype: dict[str, type] | None = None,
    literal: tuple[str, ...] = (),
    dictionary: tuple[str, ...] = (),
    rows: int = CHUNK_ROWS,
) -> Generator[pd.DataFrame, None, None]:
    """Read a CSV or Parquet file in chunks of at most ``rows`` rows, with clear errors.

    Memory is bounded by one chunk, not by the file: the reader of a table with tens of
    millions of rows keeps only what it derives from each chunk.

    Parameters
    ----------
    path
        File to read; check its columns first with :func:`table_columns`.
    columns
        Columns to read (all must exist).
    what
        Words for the file in messages.
    dtype
        Column types for CSV files (e.g. ``{"industry": str}`` keeps codes as text).
    literal
        CSV columns whose text is kept as written (see :func:`read_table`).
    dictionary
        Parquet text columns read dictionary-encoded, i.e. as pandas categoricals (other
        column types are read as stored).
    rows
        Rows per chunk.

    Yields
    ------
    pandas.DataFrame
        The next chunk, index starting at 0.
    """
    p = Path(path)
    fmt = table_format(p)
    with _read_errors(p, fmt, what):
        _check_source(p, fmt, what)
        if fmt == "csv":
            na = _na_values(p, literal) if literal else None
            with pd.read_csv(
                p,
                usecols=columns,
                dtype=dtype,
                chunksize=rows,
                keep_default_na=not literal,
                na_values=na,
            ) as reader:
                for chunk in reader:
                    yield chunk.reset_index(drop=True)
            return
        import pyarrow.parquet as pq

        # without pre-buffering: a pre-buffering reader keeps the raw bytes of every row
        # group it has read until the end, i.e. as much memory as the file has bytes
        with pq.ParquetFile(p, read_dictionary=list(dictionary), pre_buffer=False) as handle:
            for batch in handle.iter_batches(batch_size=rows, columns=columns):
                yield batch.to_pandas()


def _na_values(p: Path, literal: tuple[str, ...]) -> dict[str, list[str]]:
    """``na_values`` for ``pandas.read_csv``: only an empty cell is missing in ``literal``."""
    header = pd.read_csv(p, nrows=0).columns
    return {c: ([""] if c in literal else list(NA_SPELLINGS)) for c in header}


def _check_source(p: Path, fmt: str, what: str) -> None:
    """Raise ``DataError`` for a missing, empty or mislabelled file before parsing it."""
    if not p.exists():
        raise DataError(f"{what} {p} does not exist; check the path")
    if p.is_dir():
        raise DataError(f"{what} {p} is a directory; give a file")
    if p.stat().st_size == 0:
        raise DataError(f"{what} {p} is empty; it needs a header row and data")
    if fmt == "csv":
        with open(p, "rb") as handle:
            head = handle.read(4096)
        if head.startswith(b"PAR1"):
            raise DataError(f"{what} {p} is a Parquet file named .csv; rename it to .parquet")
        if b"\x00" in head:
            raise DataError(
                f"{what} {p} is a binary file, not CSV text; give a CSV "
                "text file, or a .parquet file name for Parquet data"
            )


@contextlib.contextmanager
def _read_errors(p: Path, fmt: str, what: str) -> Iterator[None]:
    """Turn a parser's exception into a ``DataError`` that names the file."""
    try:
        yield
    except DataError:
        raise
    except UnicodeDecodeError as exc:
        raise DataError(f"{what} {p} is not UTF-8 text: {exc.reason}") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"{what} {p} could not be parsed as CSV: {exc}") from exc
    except (OSError, ValueError, *_arrow_errors()) as exc:  # type: ignore[misc]
        raise DataError(
            f"{what} {p} could not be read as {fmt} ({exc}); check that it is "
            f"a complete {fmt} file and that its name ends in the right suffix"
        ) from exc


def _arrow_errors() -> tuple[type[Exception], ...]:
    """Arrow's exception base (a damaged Parquet file can raise ones that are not
    ``ValueError``); imported only once an exception needs matching."""
    import pyarrow

    return (pyarrow.ArrowException,)


def write_table(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``frame`` as CSV or Parquet (by extension), atomically. Returns the path."""
    fmt = table_format(path)
    with atomic_path(path) as tmp:
        if fmt == "csv":
            frame.to_csv(tmp, index=False, float_format="%.17g")
        else:
            frame.to_parquet(tmp, index=False)
    return Path(path)
