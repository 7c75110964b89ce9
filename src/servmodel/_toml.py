"""Reading servmodel's TOML files (model specs, sensitivity grids) with clear errors.

Every message names the file (or the ``source`` given for text and tables built in memory)
and, for keys, the section and what is allowed, so that a mistake can be fixed without
reading the code. The readers of each kind of file check the values themselves.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from servmodel.errors import SpecError, UsageError

_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def parse_toml(text: str, source: str) -> dict[str, Any]:
    """Parse TOML text.

    Parameters
    ----------
    text
        The TOML document.
    source
        Where the text came from (a file name), named in the error message.

    Returns
    -------
    dict
        The document's tables.

    Raises
    ------
    SpecError
        The text is not valid TOML: ``SOURCE: TOML syntax error at line L, column C:
        REASON``.
    """
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib puts the position at the end, in parentheses; it reads better first
        message = str(exc)
        where = _TOML_POSITION.search(message)
        reason = _TOML_POSITION.sub("", message).strip()
        at = f" at line {where.group(1)}, column {where.group(2)}" if where else ""
        raise SpecError(f"{source}: TOML syntax error{at}: {reason}") from exc


def read_toml(path: Path, what: str, hint: str) -> dict[str, Any]:
    """Read a TOML file.

    Parameters
    ----------
    path
        The file.
    what
        What the file is, in words (``model spec``, ``grid``), for the messages.
    hint
        Where to find examples, said when the file does not exist
        (``examples: models/``).

    Returns
    -------
    dict
        The document's tables.

    Raises
    ------
    UsageError
        The file does not exist or is a directory or other special file.
    SpecError
        The file is not UTF-8 or not valid TOML (with line and column).
    """
    if not path.exists():
        raise UsageError(f"{what} {path} does not exist; check the path ({hint})")
    if path.is_dir():
        raise UsageError(f"{what} {path} is a directory; give a .toml file")
    if not path.is_file():
        # a device or a pipe would read as an empty document and fail later, obscurely
        raise UsageError(f"{what} {path} is not a regular file; give a .toml file")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SpecError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    return parse_toml(text, str(path))


def check_keys(
    table: Mapping[str, Any],
    known: tuple[str, ...],
    source: str,
    where: str,
    *,
    allowed: str = "allowed keys",
) -> None:
    """Refuse a key of ``table`` that is not in ``known``, suggesting the nearest one.

    Parameters
    ----------
    table
        A TOML table.
    known
        Its allowed keys, in the order the message lists them.
    source
        The file (named first in the message).
    where
        The table, with its preposition: ``at [data]``, ``in [dimensions]``.
    allowed
        Words before the list of allowed keys.

    Raises
    ------
    SpecError
        ``SOURCE: unknown key 'KEY' WHERE (did you mean 'NEAR'?); ALLOWED: KEYS``.
    """
    for key in table:
        if key not in known:
            near = difflib.get_close_matches(str(key), known, n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            raise SpecError(
                f"{source}: unknown key {key!r} {where}{hint}; {allowed}: {', '.join(known)}"
            )
