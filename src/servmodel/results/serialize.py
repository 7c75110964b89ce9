"""The JSON envelope of saved results: a format tag, a version, the kind of result.

A file without servmodel's tag, of a newer format version, or of an unknown kind is refused
with a ``ResultError`` that names the file, so a foreign JSON is never half-read.
"""

from __future__ import annotations

import importlib
import json
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from servmodel._fileio import atomic_open
from servmodel.errors import ResultError

FORMAT_TAG = "servmodel-result"
FORMAT_VERSION = 1

# kind -> function that rebuilds a result from its payload; each result module registers
# itself, so this module does not import the result types (and new families add a kind).
_LOADERS: dict[str, Callable[[dict[str, Any]], Any]] = {}
# kinds whose module is heavy to import (ArviZ) and registers itself only when imported
_LAZY_KINDS = {"bayes": "servmodel.results.bayes"}


def register_kind(kind: str, loader: Callable[[dict[str, Any]], Any]) -> None:
    """Make :func:`load_result` able to read payloads of ``kind``."""
    _LOADERS[kind] = loader


def encode_floats(value: Any) -> Any:
    """Replace NaN and infinities (not valid JSON) by ``None``/strings, recursively."""
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return value
    if isinstance(value, dict):
        return {k: encode_floats(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode_floats(v) for v in value]
    return value


def decode_float(value: Any) -> float:
    """Inverse of :func:`encode_floats` for one number."""
    if value is None:
        return float("nan")
    if value == "inf":
        return float("inf")
    if value == "-inf":
        return float("-inf")
    return float(value)


def save_payload(kind: str, payload: dict[str, Any], path: str | os.PathLike[str]) -> Path:
    """Write ``payload`` under the servmodel envelope to ``path`` (atomically)."""
    doc = {
        "format": FORMAT_TAG,
        "format_version": FORMAT_VERSION,
        "kind": kind,
        "result": encode_floats(payload),
    }
    with atomic_open(path, "w") as handle:
        json.dump(doc, handle, indent=1, allow_nan=False)
        handle.write("\n")
    return Path(path)


def load_result(path: str | os.PathLike[str]) -> Any:
    """Read a result saved by servmodel (any kind).

    Raises
    ------
    ResultError
        The file is missing, is not JSON, lacks servmodel's format tag, has a newer format
        version, an unknown kind, or a payload that does not match its kind.
    """
    p = Path(path)
    if not p.is_file():
        raise ResultError(f"result file {p} does not exist; check the path")
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ResultError(
            f"{p}: not a JSON file ({exc}); servmodel results are JSON written "
            "by `servmodel estimate`"
        ) from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT_TAG:
        raise ResultError(
            f'{p}: not a servmodel result (no "format": "{FORMAT_TAG}" tag); '
            "it was not written by servmodel"
        )
    version = doc.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ResultError(
            f"{p}: result format version {version!r} is newer than this "
            f"servmodel reads ({FORMAT_VERSION}); upgrade servmodel"
        )
    kind = doc.get("kind")
    if kind in _LAZY_KINDS and kind not in _LOADERS:
        importlib.import_module(_LAZY_KINDS[kind])  # registers its loader
    if kind not in _LOADERS:
        raise ResultError(
            f"{p}: unknown result kind {kind!r}; this servmodel reads "
            f"{', '.join(sorted(_LOADERS)) or 'none'}"
        )
    try:
        return _LOADERS[kind](doc["result"])
    except ResultError:
        raise
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise ResultError(
            f"{p}: damaged {kind} result ({type(exc).__name__}: {exc}); re-run the estimation"
        ) from exc
