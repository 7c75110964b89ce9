"""Read model specifications from TOML (or TOML-shaped dicts) into :class:`ModelSpec`.

The reader checks keys and types section by section, so every mistake is reported with the
file, the key and what is allowed; values and cross-field rules are checked by the frozen
dataclasses of :mod:`servmodel.spec.model`.
"""

from __future__ import annotations

import dataclasses
import os
import typing
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from servmodel._toml import check_keys, read_toml
from servmodel.errors import SpecError, UsageError
from servmodel.options import parse_years
from servmodel.spec.formula import check_formula_syntax
from servmodel.spec.model import (
    DataSelection,
    DependentSpec,
    FrequentistOptions,
    ModelSpec,
)

TOP_KEYS = ("name", "description", "formula", "data", "dependent", "frequentist", "bayes")
SECTION_KEYS: Mapping[str, tuple[str, ...]] = {
    "data": (
        "definition",
        "measure",
        "countries",
        "exclude_countries",
        "years",
        "industries",
        "source",
    ),
    "dependent": ("transform", "zeros", "offset"),
    "frequentist": (
        "estimator",
        "effects",
        "cov",
        "cluster",
        "kernel",
        "bandwidth",
        "weights",
        "small_sample",
    ),
}


def load_spec(path: str | os.PathLike[str]) -> ModelSpec:
    """Read one model specification from a TOML file.

    Parameters
    ----------
    path
        A ``.toml`` file (see ``models/`` for examples).

    Returns
    -------
    ModelSpec
        The validated spec; ``name`` defaults to the file name without ``.toml``.

    Raises
    ------
    UsageError
        The file does not exist or is a directory.
    SpecError
        TOML syntax errors (with line and column), unknown keys, wrong types and values
        that are not allowed (with the key and the allowed values).
    """
    p = Path(path)
    raw = read_toml(p, "model spec", "examples: models/")
    raw.setdefault("name", p.stem)
    return parse_spec(raw, source=str(p))


def parse_spec(raw: Mapping[str, Any], source: str = "<memory>") -> ModelSpec:
    """Build a :class:`ModelSpec` from TOML-shaped data (as ``ModelSpec.to_dict`` writes it).

    Parameters
    ----------
    raw
        Top-level keys ``name``, ``description``, ``formula`` and the sections ``data``,
        ``dependent``, ``frequentist``.
    source
        Where ``raw`` came from, named in error messages.
    """
    if not isinstance(raw, Mapping):
        raise SpecError(f"{source}: a model spec must be a table of keys, not {type(raw).__name__}")
    check_keys(raw, TOP_KEYS, source, "at top level")
    name = _get(raw, "name", source, "name", str, "a string")
    formula = _get(raw, "formula", source, "formula", str, "a string such as 'tech_score + trend'")
    if formula is None and "bayes" not in raw:
        raise SpecError(
            f"{source}: formula: missing; give the right-hand side, e.g. "
            "formula = 'tech_score + trend'"
        )
    if formula is not None:
        check_formula_syntax(formula, source)
    description = _get(raw, "description", source, "description", str, "a string") or ""
    data = _data(_section(raw, "data", source, required=True), source)
    dependent = _dependent(_section(raw, "dependent", source, required=False), source)
    freq_raw = _section(raw, "frequentist", source, required=False)
    frequentist = _frequentist(freq_raw, source) if freq_raw is not None else None
    bayes = _bayes(raw["bayes"], source) if "bayes" in raw else None
    return ModelSpec(
        name=name if name is not None else Path(source).stem,
        formula=formula or "",
        data=data,
        dependent=dependent,
        frequentist=frequentist,
        bayes=bayes,
        description=description,
        source=source,
    )


def _bayes(table: Any, source: str) -> Any:
    """The ``[bayes]`` section, read by the fields of its dataclasses."""
    from servmodel.spec.bayes import BayesOptions

    if not isinstance(table, Mapping):
        raise SpecError(f"{source}: bayes must be a [bayes] table, not {_kind(table)}")
    return _dataclass_section(BayesOptions, table, source, "bayes")


def _dataclass_section(cls: type, table: Mapping[str, Any], source: str, label: str) -> Any:
    """Build the frozen dataclass ``cls`` from a TOML table: keys are its fields (nested
    tables for dataclass fields, lists become tuples); the dataclass checks the values."""
    known = {f.name: f for f in dataclasses.fields(cls) if f.name != "source"}
    check_keys(table, tuple(known), source, f"at [{label}]")
    kwargs: dict[str, Any] = {"source": source}
    hints = typing.get_type_hints(cls)
    for key, value in table.items():
        hint = hints.get(key)
        if isinstance(hint, type) and dataclasses.is_dataclass(hint):
            if not isinstance(value, Mapping):
                raise SpecError(
                    f"{source}: {label}.{key} must be a [{label}.{key}] table, not "
                    f"{_kind(value)} ({_show(value)})"
                )
            kwargs[key] = _dataclass_section(hint, value, source, f"{label}.{key}")
        elif isinstance(value, Mapping):
            raise SpecError(f"{source}: [{label}] {key} must be a value, not a table")
        else:
            kwargs[key] = tuple(value) if isinstance(value, list) else value
    return cls(**kwargs)


def _section(
    raw: Mapping[str, Any], name: str, source: str, required: bool
) -> Mapping[str, Any] | None:
    table = raw.get(name)
    if table is None:
        if required:
            raise SpecError(
                f"{source}: [{name}]: missing section; it needs at least "
                f"{SECTION_KEYS[name][0]} (keys: {', '.join(SECTION_KEYS[name])})"
            )
        return None
    if not isinstance(table, Mapping):
        raise SpecError(
            f"{source}: {name} must be a [{name}] table, not {_kind(table)} ({_show(table)})"
        )
    check_keys(table, SECTION_KEYS[name], source, f"at [{name}]")
    return table


def _show(value: object) -> str:
    """A value as it is written in TOML (true, not True)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def _kind(value: object) -> str:
    names = {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a table",
    }
    return names.get(type(value), type(value).__name__)


def _get(
    table: Mapping[str, Any],
    key: str,
    source: str,
    label: str,
    types: type | tuple[type, ...],
    expected: str,
) -> Any:
    if key not in table:
        return None
    value = table[key]
    # TOML booleans are ints in Python; a number key never accepts true/false
    ok = isinstance(value, types) and not (
        isinstance(value, bool) and bool not in (types if isinstance(types, tuple) else (types,))
    )
    if not ok:
        raise SpecError(
            f"{source}: {label} must be {expected}, not {_kind(value)} ({_show(value)})"
        )
    return value


def _str_list(
    table: Mapping[str, Any], key: str, source: str, label: str, example: str
) -> tuple[str, ...] | None:
    value = _get(
        table, key, source, label, (str, list), f"a string or a list of strings such as {example}"
    )
    if value is None:
        return None
    items = [value] if isinstance(value, str) else value
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise SpecError(
                f"{source}: {label}: {item!r} is not a code; give strings such as {example}"
            )
    return tuple(i.strip() for i in items)


def _data(table: Mapping[str, Any] | None, source: str) -> DataSelection:
    assert table is not None
    label = "[data] {}".format
    definition = _get(
        table, "definition", source, label("definition"), str, "a string such as 'standard'"
    )
    if definition is None:
        raise SpecError(
            f"{source}: [data] definition: missing; name the producer-service "
            "definition, e.g. definition = 'standard' (kibs, producer, standard, "
            "broad)"
        )
    kwargs: dict[str, Any] = {"definition": definition, "source": source}
    measure = _get(table, "measure", source, label("measure"), str, "a string")
    if measure is not None:
        kwargs["measure"] = measure
    countries = _str_list(
        table, "countries", source, label("countries"), "['KOR', 'oecd_last_year']"
    )
    if countries is not None:
        kwargs["countries"] = countries
    exclude = _str_list(table, "exclude_countries", source, label("exclude_countries"), "['LUX']")
    if exclude is not None:
        kwargs["exclude_countries"] = exclude
    kwargs["years"] = _years(table, source)
    industries = _str_list(table, "industries", source, label("industries"), "['c9', 'c14']")
    if industries is not None and industries != ("all",):
        kwargs["industries"] = industries
    panel_source = _get(
        table,
        "source",
        source,
        label("source"),
        str,
        "the name of a table source of a stacked panel, such as 'wiod2013'",
    )
    if panel_source is not None:
        kwargs["panel_source"] = panel_source
    return DataSelection(**kwargs)


def _years(table: Mapping[str, Any], source: str) -> tuple[int, ...] | None:
    value = _get(
        table,
        "years",
        source,
        "[data] years",
        (str, list, int),
        "'all', a range such as '1995-2011' or a list of years",
    )
    if value is None or value == "all":
        return None
    if isinstance(value, int):
        value = [value]
    if isinstance(value, list):
        bad = [v for v in value if not isinstance(v, int) or isinstance(v, bool)]
        if bad:
            raise SpecError(
                f"{source}: [data] years: {bad[0]!r} is not a year; give integers "
                "such as [1995, 2011] or a range such as '1995-2011'"
            )
        return parse_years(value)
    try:
        return parse_years(value)
    except UsageError as exc:
        raise SpecError(f"{source}: [data] {exc}") from exc


def _dependent(table: Mapping[str, Any] | None, source: str) -> DependentSpec:
    if table is None:
        return DependentSpec(source=source)
    label = "[dependent] {}".format
    kwargs: dict[str, Any] = {"source": source}
    for key in ("transform", "zeros"):
        value = _get(table, key, source, label(key), str, "a string")
        if value is not None:
            kwargs[key] = value
    offset = _get(table, "offset", source, label("offset"), (int, float), "a number > 0")
    if offset is not None:
        kwargs["offset"] = float(offset)
    return DependentSpec(**kwargs)


def _frequentist(table: Mapping[str, Any], source: str) -> FrequentistOptions:
    label = "[frequentist] {}".format
    kwargs: dict[str, Any] = {"source": source}
    readers: dict[str, Callable[[], Any]] = {
        "estimator": lambda: _get(table, "estimator", source, label("estimator"), str, "a string"),
        "effects": lambda: _get(table, "effects", source, label("effects"), str, "a string"),
        "cov": lambda: _get(table, "cov", source, label("cov"), str, "a string"),
        "cluster": lambda: _str_list(
            table, "cluster", source, label("cluster"), "'country' or ['entity', 'year']"
        ),
        "kernel": lambda: _get(table, "kernel", source, label("kernel"), str, "a string"),
        "bandwidth": lambda: _get(
            table, "bandwidth", source, label("bandwidth"), (int, float), "a number >= 0"
        ),
        "weights": lambda: _get(table, "weights", source, label("weights"), str, "a string"),
        "small_sample": lambda: _get(
            table, "small_sample", source, label("small_sample"), bool, "true or false"
        ),
    }
    for key, read in readers.items():
        value = read()
        if value is not None:
            kwargs[key] = value
    if "estimator" not in kwargs:
        raise SpecError(
            f"{source}: [frequentist] estimator: missing; choose one of pooled, "
            "fe, re, between, fd, mundlak"
        )
    if "bandwidth" in kwargs:
        kwargs["bandwidth"] = float(kwargs["bandwidth"])
    return FrequentistOptions(**kwargs)
