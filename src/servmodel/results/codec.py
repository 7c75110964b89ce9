"""One JSON encoder/decoder for result files, driven by dataclass fields and type hints.

:func:`encode` turns a dataclass into the JSON-ready dict of its fields, in field order
(tuples become lists, nested dataclasses dicts); :func:`decode` rebuilds it from the
annotations: ``float`` through :func:`~servmodel.results.serialize.decode_float` (so ``null``
reads as NaN and ``"inf"`` as infinity), ``int`` and ``bool`` converted, ``str`` checked,
``X | None``, ``tuple[X, ...]``, ``tuple[X, Y]``, ``list[X]``, ``dict[str, X]``, ``Literal``
and nested dataclasses followed. Non-finite floats are written by
:func:`~servmodel.results.serialize.save_payload`, not here.

A class whose keys are all optional sets ``OMIT_NONE: ClassVar[bool] = True``: each field
then behaves as ``codec(omit_none=True)``. Field metadata adjusts one field (see
:func:`codec`): its JSON key, whether it is
left out when ``None`` (keys a file may lack), whether it is not stored at all, and hooks
for a value the annotations cannot describe (a data frame). Types outside results
(a spec's sections) register their own hooks with :func:`register_type`.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, Literal, TypeVar, get_args, get_origin

from servmodel.results.serialize import decode_float

T = TypeVar("T")

_META = "servmodel.codec"
# type -> (encode, decode) for values that are not plain dataclasses of JSON values
_TYPES: dict[type, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {}


@dataclasses.dataclass(frozen=True)
class _FieldOptions:
    key: str | None = None
    omit_none: bool = False
    stored: bool = True
    encode: Callable[[Any], Any] | None = None
    decode: Callable[[Any], Any] | None = None


def codec(
    *,
    key: str | None = None,
    omit_none: bool = False,
    stored: bool = True,
    encode: Callable[[Any], Any] | None = None,
    decode: Callable[[Any], Any] | None = None,
) -> dict[str, Any]:
    """Field metadata with instructions for the codec: ``field(metadata=codec(...))``.

    Parameters
    ----------
    key
        The JSON key, when it is not the field's name (e.g. ``pareto_k_over_0.7``).
    omit_none
        Leave the key out when the value is ``None``, and read a missing key as the
        field's default: for keys that older files or hand-built results lack.
    stored
        ``False`` for a field that is not written (draws kept beside the JSON); the
        decoder takes it from its keyword arguments or the default.
    encode, decode
        Hooks for the field's value, in place of the type-driven conversion.
    """
    return {_META: _FieldOptions(key, omit_none, stored, encode, decode)}


def register_type(tp: type, encode: Callable[[Any], Any], decode: Callable[[Any], Any]) -> None:
    """Encode and decode every value annotated as ``tp`` with these hooks."""
    _TYPES[tp] = (encode, decode)


def _options(f: dataclasses.Field[Any]) -> _FieldOptions:
    opts = f.metadata.get(_META)
    return opts if isinstance(opts, _FieldOptions) else _FieldOptions()


def encode(value: Any) -> Any:
    """JSON-ready data of ``value`` (a dataclass, a container or a plain value).

    Scalars are passed through unchanged (an ``int`` in a ``float`` field stays an int), so
    a file is written exactly as the values were computed.
    """
    for tp, (enc, _) in _TYPES.items():
        if isinstance(value, tp):
            return enc(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        all_optional = getattr(value, "OMIT_NONE", False)
        for f in dataclasses.fields(value):
            opts = _options(f)
            if not opts.stored:
                continue
            item = getattr(value, f.name)
            if item is None and (opts.omit_none or all_optional):
                continue
            out[opts.key or f.name] = opts.encode(item) if opts.encode else encode(item)
        return out
    if isinstance(value, Mapping):
        return {k: encode(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [encode(v) for v in value]
    return value


def decode(cls: type[T], data: Any, **unstored: Any) -> T:
    """Rebuild the dataclass ``cls`` from :func:`encode` output.

    Keys the class does not know are ignored (a newer servmodel may add some); a missing
    key raises ``KeyError`` unless the field is ``omit_none`` or not stored.

    Parameters
    ----------
    cls
        A dataclass.
    data
        Its JSON form (a mapping).
    **unstored
        Values of the fields that are not stored (``stored=False``).

    Raises
    ------
    KeyError, TypeError, ValueError
        A missing key or a value of the wrong kind (``load_result`` reports them as a
        damaged file).
    """
    if not isinstance(data, Mapping):
        raise TypeError(f"{cls.__name__} must be a JSON object, not {type(data).__name__}")
    hints = _hints(cls)
    kwargs: dict[str, Any] = {}
    all_optional = getattr(cls, "OMIT_NONE", False)
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        opts = _options(f)
        if not opts.stored:
            if f.name in unstored:
                kwargs[f.name] = unstored[f.name]
            continue
        key = opts.key or f.name
        if key not in data:
            if opts.omit_none or all_optional:
                continue
            raise KeyError(key)
        value = data[key]
        kwargs[f.name] = opts.decode(value) if opts.decode else _decode(hints[f.name], value)
    return cls(**kwargs)


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    """The resolved annotations of ``cls`` (resolved once per class)."""
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _decode(hint: Any, value: Any) -> Any:
    """``value`` read as the annotation ``hint``."""
    if hint is Any:
        return value
    origin = get_origin(hint)
    args = get_args(hint)
    if origin in (types.UnionType, typing.Union):
        if value is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]  # only X | None is used
        return _decode(inner, value)
    if hint in _TYPES:
        return _TYPES[hint][1](value)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return decode(hint, value)
    if hint is float:
        return decode_float(value)
    if hint is bool:
        return bool(value)
    if hint is int:
        return int(value)
    if hint is str:
        if not isinstance(value, str):
            raise TypeError(f"expected a string, got {type(value).__name__} {value!r}")
        return value
    if origin is Literal:
        return value
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], v) for v in _sequence(value))
        return tuple(_decode(a, v) for a, v in zip(args, _sequence(value), strict=True))
    if origin is list:
        return [_decode(args[0], v) for v in _sequence(value)]
    if origin in (dict, Mapping):
        if not isinstance(value, Mapping):
            raise TypeError(f"expected a JSON object, got {type(value).__name__}")
        return {k: _decode(args[1], v) for k, v in value.items()}
    raise TypeError(f"the result codec cannot read a {hint!r}")


def _sequence(value: Any) -> list[Any] | tuple[Any, ...]:
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"expected a JSON list, got {type(value).__name__}")
    return value


class Record:
    """``to_dict``/``from_dict`` of a dataclass through :func:`encode` and :func:`decode`."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (non-finite floats are encoded when the file is written)."""
        out: dict[str, Any] = encode(self)
        return out

    @classmethod
    def from_dict(cls: type[T], data: Mapping[str, Any]) -> T:
        """Inverse of :meth:`to_dict`."""
        return decode(cls, data)
