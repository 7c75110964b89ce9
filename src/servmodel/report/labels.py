"""Term labels from a file (TOML or CSV) or from ``TERM=LABEL`` strings.

A TOML file maps terms to labels at the top level or under ``[labels]``; a CSV file has the
columns ``term`` and ``label``. In both the order of the entries is the order of the rows.
"""

from __future__ import annotations

import csv
import os
import tomllib
from collections.abc import Iterable
from pathlib import Path

from servmodel.errors import DataError, UsageError


def read_labels(path: str | os.PathLike[str]) -> tuple[tuple[str, str], ...]:
    """``(term, label)`` pairs from a ``.toml`` or ``.csv`` label file.

    Raises
    ------
    DataError
        The file is missing, unreadable, or not shaped as described in the module.
    """
    p = Path(path)
    if not p.is_file():
        raise DataError(f"label file {p} does not exist; check the path")
    suffix = p.suffix.lower()
    if suffix == ".toml":
        return _toml(p)
    if suffix == ".csv":
        return _csv(p)
    raise UsageError(
        f'label file {p}: use a .toml or .csv file (term = "label" pairs, or columns term,label)'
    )


def _toml(p: Path) -> tuple[tuple[str, str], ...]:
    try:
        doc = tomllib.loads(p.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DataError(f"label file {p} is not valid TOML: {exc}") from exc
    table = doc.get("labels", doc) if set(doc) <= {"labels"} else doc
    if not isinstance(table, dict) or not table:
        raise DataError(
            f"label file {p} holds no labels; write lines such as "
            '"tech_score:trend" = "Technology x trend"'
        )
    pairs = []
    for term, label in table.items():
        if not isinstance(label, str):
            raise DataError(
                f"label file {p}: the label of {term!r} must be a string, not "
                f"{type(label).__name__}"
            )
        pairs.append((str(term), label))
    return tuple(pairs)


def _csv(p: Path) -> tuple[tuple[str, str], ...]:
    try:
        with open(p, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
            fields = [] if not rows else list(rows[0])
    except UnicodeDecodeError as exc:
        raise DataError(f"label file {p} is not UTF-8 text: {exc.reason}") from exc
    if not rows or not {"term", "label"} <= set(fields):
        raise DataError(
            f"label file {p} needs a header row with the columns term,label and one row per term"
        )
    pairs = []
    for i, row in enumerate(rows, start=2):
        term, label = (row.get("term") or "").strip(), (row.get("label") or "").strip()
        if not term or not label:
            raise DataError(f"label file {p}, line {i}: empty term or label")
        pairs.append((term, label))
    return tuple(pairs)


def parse_label_pairs(items: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """``TERM=LABEL`` strings (split at the last ``=``, since terms never hold one)."""
    pairs = []
    for item in items:
        term, sep, label = item.rpartition("=")
        if not sep or not term.strip() or not label.strip():
            raise UsageError(
                f"--rename {item!r}: write TERM=LABEL, e.g. 'tech_score:trend=Technology x trend'"
            )
        pairs.append((term.strip(), label.strip()))
    return tuple(pairs)
