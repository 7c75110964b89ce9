"""Property-based checks of the model-spec reader: random valid specs round-trip through
``ModelSpec.to_dict`` and through TOML text, and random corruptions (unknown keys, wrong
types, values out of range, TOML syntax errors) give a SpecError and nothing else."""

from __future__ import annotations

import copy
import datetime as dt
import math
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servmodel.errors import SpecError, UsageError
from servmodel.spec import load_spec, parse_spec
from servmodel.spec.bayes import BayesOptions, Priors, SamplerSettings

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

ESTIMATORS = ("pooled", "fe", "re", "between", "fd", "mundlak")
COVS = ("unadjusted", "robust", "clustered", "driscoll_kraay")
CLUSTER_DIMS = ("entity", "country", "industry", "year")
MEASURES = ("direct", "direct_domestic", "direct_foreign", "share_intermediate", "total")
DEFINITIONS = ("kibs", "producer", "standard", "broad", "c27,c28")
FORMULAS = ("tech_score + trend", "tech_score:trend", "tech_score * trend",
            "korea + C(industry) + center(trend)", "log(output) + trend",
            "C(year) + tech_score", "I(trend ** 2) + korea")
PRIOR_NAMES = tuple(f for f in Priors.__dataclass_fields__ if f != "source")
PRIOR_SCALES = tuple(p for p in PRIOR_NAMES if not p.endswith("_mean"))

NAME = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,15}", fullmatch=True)
TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=30)
FINITE = st.floats(allow_nan=False, allow_infinity=False, width=64)
POSITIVE = st.floats(min_value=1e-6, max_value=1e6, allow_nan=False)


# ------------------------------------------------------------------ a small TOML writer

def _escape(text: str) -> str:
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _key(k: str) -> str:
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else _escape(k)


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return _escape(v)
    if isinstance(v, (dt.datetime, dt.date)):
        return v.isoformat()
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(type(v))


def to_toml(doc: dict[str, Any], prefix: str = "") -> str:
    """TOML text of a dict: scalars first, then one [table] per nested dict."""
    lines = [f"{_key(k)} = {_value(v)}" for k, v in doc.items() if not isinstance(v, dict)]
    for k, v in doc.items():
        if isinstance(v, dict):
            name = f"{prefix}{_key(k)}"
            lines.append(f"\n[{name}]")
            lines.append(to_toml(v, name + "."))
    return "\n".join(lines) + "\n"


def load_text(text: str) -> Any:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "spec.toml"
        path.write_text(text, encoding="utf-8")
        return load_spec(path)


# ------------------------------------------------------------------ valid specs

@st.composite
def data_sections(draw) -> dict[str, Any]:
    out: dict[str, Any] = {"definition": draw(st.sampled_from(DEFINITIONS))}
    if draw(st.booleans()):
        out["measure"] = draw(st.sampled_from(MEASURES))
    codes = st.sampled_from(["all", "oecd_last_year", "non_oecd_last_year", "KOR", "MEX",
                             "CHN", "DEU"])
    if draw(st.booleans()):
        out["countries"] = draw(st.one_of(codes, st.lists(codes, min_size=1, max_size=3,
                                                          unique=True)))
    if draw(st.booleans()):
        out["exclude_countries"] = draw(st.lists(st.sampled_from(["LUX", "RoW", "TWN"]),
                                                 max_size=2, unique=True))
    if draw(st.booleans()):
        first = draw(st.integers(1995, 2011))
        out["years"] = draw(st.one_of(
            st.just("all"),
            st.just(first),
            st.integers(first, 2011).map(lambda last: f"{first}-{last}"),
            st.lists(st.integers(1995, 2011), min_size=1, max_size=4, unique=True)
            .map(sorted),
        ))
    if draw(st.booleans()):
        out["industries"] = draw(st.one_of(
            st.just("all"),
            st.lists(st.sampled_from([f"c{k}" for k in range(3, 17)]), min_size=1,
                     max_size=4, unique=True)))
    return out


@st.composite
def dependent_sections(draw) -> dict[str, Any] | None:
    transform = draw(st.sampled_from(["level", "log", "logit", None]))
    if transform is None:
        return None
    out: dict[str, Any] = {"transform": transform}
    if transform != "level":
        out["zeros"] = draw(st.sampled_from(["drop", "offset", "error"]))
        if out["zeros"] == "offset":
            out["offset"] = draw(st.one_of(POSITIVE, st.integers(1, 5)))
    return out


@st.composite
def frequentist_sections(draw) -> dict[str, Any]:
    estimator = draw(st.sampled_from(ESTIMATORS))
    out: dict[str, Any] = {"estimator": estimator}
    if estimator == "fe" and draw(st.booleans()):
        out["effects"] = draw(st.sampled_from(["entity", "time", "twoway"]))
    covs = [c for c in COVS if not (estimator == "between" and c == "driscoll_kraay")]
    cov = draw(st.sampled_from(covs + ["default"]))
    if cov != "default":
        out["cov"] = cov
    if cov == "clustered":
        dims = [d for d in CLUSTER_DIMS if not (estimator in ("between", "fd") and d == "year")]
        chosen = draw(st.lists(st.sampled_from(dims), min_size=1, max_size=2, unique=True))
        out["cluster"] = chosen[0] if len(chosen) == 1 and draw(st.booleans()) else chosen
    if cov == "driscoll_kraay":
        if draw(st.booleans()):
            out["kernel"] = draw(st.sampled_from(["bartlett", "parzen", "qs"]))
        if draw(st.booleans()):
            out["bandwidth"] = draw(st.one_of(st.integers(0, 10),
                                              st.floats(0, 20, allow_nan=False)))
    if draw(st.booleans()):
        out["weights"] = draw(st.sampled_from(["none", "output"]))
    if draw(st.booleans()):
        out["small_sample"] = draw(st.booleans())
    return out


@st.composite
def bayes_sections(draw) -> dict[str, Any]:
    out: dict[str, Any] = {}
    intercepts = draw(st.lists(st.sampled_from(["country", "industry"]), max_size=2,
                               unique=True))
    tech = draw(st.sampled_from(["score", "class", "none"]))
    choices = {
        "family": st.sampled_from(["beta", "logitnormal"]),
        "zeros": st.sampled_from(["hurdle", "squeeze"]),
        "intercepts": st.just(intercepts),
        "country_slopes": st.booleans(),
        "tech": st.just(tech),
        "parameterization": st.sampled_from(["efficient", "naive"]),
    }
    for key, strategy in choices.items():
        if draw(st.booleans()):
            out[key] = draw(strategy)
    # tech defaults to "score" and tech_trend to true: a spec without tech needs both stated
    if tech == "none":
        out["tech"], out["tech_trend"] = "none", False
    elif draw(st.booleans()):
        out["tech_trend"] = draw(st.booleans())
    if set(out.get("intercepts", ("country", "industry"))) == {"country", "industry"}:
        if draw(st.booleans()):
            out["cells"] = draw(st.booleans())
    priors = {}
    for name in draw(st.lists(st.sampled_from(PRIOR_NAMES), max_size=5, unique=True)):
        priors[name] = draw(st.floats(-50, 50, allow_nan=False) if name.endswith("_mean")
                            else POSITIVE)
    if priors or draw(st.booleans()):
        out["priors"] = priors
    sampling_choices = {
        "sampler": st.sampled_from(["nutpie", "pymc", "numpyro"]),
        "chains": st.integers(1, 8),
        "draws": st.integers(1, 5000),
        "tune": st.integers(0, 5000),
        "target_accept": st.floats(0.01, 0.99, allow_nan=False),
        "seed": st.integers(0, 2**31),
        "low_rank_mass_matrix": st.booleans(),
    }
    sampling = {k: draw(s) for k, s in sampling_choices.items() if draw(st.booleans())}
    if sampling:
        out["sampling"] = sampling
    return out


@st.composite
def specs(draw) -> dict[str, Any]:
    """A TOML-shaped valid model spec (frequentist or Bayesian)."""
    raw: dict[str, Any] = {"name": draw(NAME)}
    if draw(st.booleans()):
        raw["description"] = draw(TEXT)
    raw["data"] = draw(data_sections())
    dep = draw(dependent_sections())
    if dep is not None:
        raw["dependent"] = dep
    if draw(st.booleans()):
        raw["formula"] = draw(st.sampled_from(FORMULAS))
        raw["frequentist"] = draw(frequentist_sections())
    else:
        if draw(st.booleans()):
            raw["formula"] = draw(st.sampled_from(FORMULAS))
        raw["bayes"] = draw(bayes_sections())
    return raw


def _expected_years(value: Any) -> tuple[int, ...] | None:
    if value == "all" or value is None:
        return None
    if isinstance(value, int):
        return (value,)
    if isinstance(value, str):
        first, last = (int(v) for v in value.split("-"))
        return tuple(range(first, last + 1))
    return tuple(value)


def _as_tuple(value: Any) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def check_fields(raw: dict[str, Any], spec: Any) -> None:
    """Every field of ``spec`` equals the value written in ``raw`` (or the documented
    default where the key is absent)."""
    assert spec.name == raw["name"]
    assert spec.description == raw.get("description", "")
    assert spec.formula == raw.get("formula", "")
    d = raw["data"]
    assert spec.data.definition == d["definition"]
    assert spec.data.measure == d.get("measure", "direct")
    assert spec.data.countries == _as_tuple(d.get("countries", "all"))
    assert spec.data.exclude_countries == tuple(d.get("exclude_countries", ()))
    assert spec.data.years == _expected_years(d.get("years"))
    ind = d.get("industries", "all")
    assert spec.data.industries == (None if ind == "all" else tuple(ind))
    dep = raw.get("dependent", {})
    assert spec.dependent.transform == dep.get("transform", "level")
    assert spec.dependent.zeros == dep.get("zeros")
    assert spec.dependent.offset == dep.get("offset")
    if "frequentist" in raw:
        f, fo = raw["frequentist"], spec.frequentist
        assert spec.bayes is None and spec.family == "frequentist"
        assert fo.estimator == f["estimator"]
        assert fo.effects == f.get("effects", "entity" if f["estimator"] == "fe" else None)
        assert fo.cov == f.get("cov", "unadjusted")
        assert fo.cluster == _as_tuple(f.get("cluster", ()))
        default_kernel = "bartlett" if fo.cov == "driscoll_kraay" else None
        assert fo.kernel == f.get("kernel", default_kernel)
        assert fo.bandwidth == f.get("bandwidth")
        assert fo.weights == f.get("weights", "none")
        assert fo.small_sample is f.get("small_sample", True)
    else:
        b, bo = raw["bayes"], spec.bayes
        assert spec.frequentist is None and spec.family == "bayes"
        default = BayesOptions()
        for key in ("family", "zeros", "country_slopes", "cells", "tech", "tech_trend",
                    "parameterization"):
            assert getattr(bo, key) == b.get(key, getattr(default, key))
        assert bo.intercepts == tuple(b.get("intercepts", default.intercepts))
        for key in PRIOR_NAMES:
            assert getattr(bo.priors, key) == b.get("priors", {}).get(
                key, getattr(Priors(), key))
        for key in SamplerSettings.__dataclass_fields__:
            if key != "source":
                assert getattr(bo.sampling, key) == b.get("sampling", {}).get(
                    key, getattr(SamplerSettings(), key))


@SETTINGS
@given(raw=specs())
def test_valid_specs_parse_to_their_values_and_round_trip(raw):
    spec = parse_spec(copy.deepcopy(raw), "random.toml")
    check_fields(raw, spec)
    # ModelSpec's own writer, read back
    assert parse_spec(spec.to_dict(), "again.toml") == spec
    # TOML text written here, read by the file loader
    assert load_text(to_toml(raw)) == spec
    assert load_text(to_toml(spec.to_dict())) == spec


# ------------------------------------------------------------------ corruptions

# the Python types each leaf accepts (bool is not an int here, as in TOML)
ACCEPTS: dict[tuple[str, ...], tuple[type, ...]] = {
    ("name",): (str,), ("description",): (str,), ("formula",): (str,),
    ("data", "definition"): (str,), ("data", "measure"): (str,),
    ("data", "countries"): (str, list), ("data", "exclude_countries"): (str, list),
    ("data", "years"): (str, list, int), ("data", "industries"): (str, list),
    ("dependent", "transform"): (str,), ("dependent", "zeros"): (str,),
    ("dependent", "offset"): (int, float),
    ("frequentist", "estimator"): (str,), ("frequentist", "effects"): (str,),
    ("frequentist", "cov"): (str,), ("frequentist", "cluster"): (str, list),
    ("frequentist", "kernel"): (str,), ("frequentist", "bandwidth"): (int, float),
    ("frequentist", "weights"): (str,), ("frequentist", "small_sample"): (bool,),
    ("bayes", "family"): (str,), ("bayes", "zeros"): (str,), ("bayes", "intercepts"): (list,),
    ("bayes", "country_slopes"): (bool,), ("bayes", "cells"): (bool,),
    ("bayes", "tech"): (str,), ("bayes", "tech_trend"): (bool,),
    ("bayes", "parameterization"): (str,),
    **{("bayes", "priors", p): (int, float) for p in PRIOR_NAMES},
    ("bayes", "sampling", "sampler"): (str,), ("bayes", "sampling", "chains"): (int,),
    ("bayes", "sampling", "draws"): (int,), ("bayes", "sampling", "tune"): (int,),
    ("bayes", "sampling", "target_accept"): (int, float),
    ("bayes", "sampling", "seed"): (int,),
    ("bayes", "sampling", "low_rank_mass_matrix"): (bool,),
}
SECTIONS = (("data",), ("dependent",), ("frequentist",), ("bayes",), ("bayes", "priors"),
            ("bayes", "sampling"))
KNOWN_KEYS = {p[-1] for p in ACCEPTS} | {"data", "dependent", "frequentist", "bayes",
                                         "priors", "sampling"}

TOML_SCALARS = st.one_of(
    st.booleans(), st.integers(-2**63, 2**63 - 1), st.floats(width=64), TEXT,
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)),
)
TOML_VALUES = st.recursive(
    TOML_SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(min_size=1, max_size=5), inner,
                                            max_size=3)),
    max_leaves=6,
)


def _kind(value: Any) -> type:
    return bool if isinstance(value, bool) else type(value)


def _get_table(raw: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    table = raw
    for key in path:
        table = table.setdefault(key, {})
    return table


def _leaves(raw: dict[str, Any]) -> list[tuple[str, ...]]:
    return [p for p in ACCEPTS if _has(raw, p)]


def _has(raw: dict[str, Any], path: tuple[str, ...]) -> bool:
    table: Any = raw
    for key in path:
        if not isinstance(table, dict) or key not in table:
            return False
        table = table[key]
    return True


def _set(raw: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    _get_table(raw, path[:-1])[path[-1]] = value


def parse_or_spec_error(raw: Any) -> Any:
    """The spec, or ``None`` after a SpecError; any other exception fails the test."""
    try:
        return parse_spec(raw, "fuzz.toml")
    except SpecError as exc:
        message = str(exc)
        assert message.startswith("fuzz.toml") and "\n" not in message
        return None


@SETTINGS
@given(raw=specs(), data=st.data())
def test_unknown_keys_are_spec_errors_naming_the_key(raw, data):
    sections = [()] + [s for s in SECTIONS if _has(raw, s)]
    where = data.draw(st.sampled_from(sections), label="section")
    key = data.draw(st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12)
                    .filter(lambda k: k not in KNOWN_KEYS and k != "source"), label="key")
    _get_table(raw, where)[key] = data.draw(TOML_SCALARS, label="value")
    with pytest.raises(SpecError, match=f"unknown key '{key}'"):
        parse_spec(raw, "fuzz.toml")


WRONG = {
    bool: st.booleans(), int: st.integers(-10**6, 10**6), float: st.floats(-1e6, 1e6),
    str: st.sampled_from(["x", "", "1.5", "true", "[1]"]),
    list: st.lists(st.integers(0, 3), max_size=3),
    dict: st.dictionaries(st.sampled_from(["a", "b"]), st.integers(), max_size=2),
    dt.date: st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2020, 1, 1)),
}


@SETTINGS
@given(raw=specs(), data=st.data())
def test_values_of_the_wrong_type_are_spec_errors(raw, data):
    path = data.draw(st.sampled_from(_leaves(raw)), label="key")
    kinds = [k for k in WRONG if k not in ACCEPTS[path]
             and not (k is int and float in ACCEPTS[path])]
    kind = data.draw(st.sampled_from(kinds), label="type")
    _set(raw, path, data.draw(WRONG[kind], label="value"))
    with pytest.raises(SpecError):
        parse_spec(raw, "fuzz.toml")


@SETTINGS
@given(raw=specs(), data=st.data())
def test_sections_that_are_not_tables_are_spec_errors(raw, data):
    path = data.draw(st.sampled_from([s for s in SECTIONS if _has(raw, s)]), label="section")
    _set(raw, path, data.draw(st.one_of(TOML_SCALARS, st.lists(st.integers(), max_size=2)),
                              label="value"))
    with pytest.raises(SpecError):
        parse_spec(raw, "fuzz.toml")


@SETTINGS
@given(raw=specs(), data=st.data())
def test_any_toml_value_anywhere_gives_a_spec_or_a_spec_error(raw, data):
    targets = _leaves(raw) + [s for s in SECTIONS if _has(raw, s)]
    path = data.draw(st.sampled_from(targets), label="key")
    _set(raw, path, data.draw(TOML_VALUES, label="value"))
    parse_or_spec_error(raw)


@SETTINGS
@given(raw=specs(), formula=TEXT)
def test_random_formulas_give_a_spec_or_a_spec_error(raw, formula):
    raw["formula"] = formula
    parse_or_spec_error(raw)


NEGATIVE_OR_ZERO = st.one_of(st.just(0.0), st.just(-0.0), st.floats(max_value=-1e-12,
                                                                     allow_infinity=False,
                                                                     allow_nan=False))
NOT_FINITE = st.sampled_from([math.inf, -math.inf, math.nan])


@st.composite
def out_of_range(draw) -> tuple[dict[str, Any], tuple[str, ...]]:
    """A valid spec with one value outside its allowed range, and that key's path."""
    raw = draw(specs())
    bad_choice = st.sampled_from(["", "other", "FE", "Pooled", " fe"])
    options: list[tuple[tuple[str, ...], st.SearchStrategy]] = [
        (("name",), st.sampled_from(["", "a b", "-x", "x/y", "é", "_x"])),
        (("data", "measure"), bad_choice),
        (("data", "definition"), st.sampled_from(["", "  "])),
        (("data", "countries"), st.sampled_from([[], [""], ["  "]])),
        (("data", "industries"), st.sampled_from([[], [""]])),
        (("data", "years"), st.sampled_from(["", "2011-1995", "19x5", "1995-", [], [1995.0],
                                             [True], "1995-20011", "1-1000000000", "95-99"])),
        (("dependent", "transform"), bad_choice),
    ]
    if "frequentist" in raw:
        est = raw["frequentist"]["estimator"]
        options += [
            (("frequentist", "estimator"), bad_choice),
            (("frequentist", "cov"), bad_choice),
            (("frequentist", "weights"), bad_choice),
            (("frequentist", "effects"),
             bad_choice if est == "fe" else st.sampled_from(["entity", "time"])),
        ]
        if raw["frequentist"].get("cov") == "clustered":
            options.append((("frequentist", "cluster"), st.sampled_from(
                [[], ["entity", "country", "industry"], ["country", "country"], ["region"]])))
        if raw["frequentist"].get("cov") == "driscoll_kraay":
            options += [(("frequentist", "bandwidth"),
                         st.one_of(st.floats(max_value=-1e-9, allow_nan=False), NOT_FINITE)),
                        (("frequentist", "kernel"), bad_choice)]
    else:
        options += [
            (("bayes", "family"), bad_choice),
            (("bayes", "intercepts"), st.sampled_from([["country", "country"], ["year"],
                                                       ["industry", "cell"]])),
            (("bayes", "priors", "_scale"), st.one_of(NEGATIVE_OR_ZERO, NOT_FINITE)),
            (("bayes", "priors", "_mean"), NOT_FINITE),
            (("bayes", "sampling", "chains"), st.integers(max_value=0)),
            (("bayes", "sampling", "draws"), st.integers(max_value=0)),
            (("bayes", "sampling", "tune"), st.integers(max_value=-1)),
            (("bayes", "sampling", "seed"), st.integers(max_value=-1)),
            (("bayes", "sampling", "target_accept"), st.one_of(
                st.floats(min_value=1.0), st.floats(max_value=0.0), st.just(math.nan))),
            (("bayes", "sampling", "sampler"), bad_choice),
        ]
    if raw.get("dependent", {}).get("zeros") == "offset":
        options.append((("dependent", "offset"), st.one_of(NEGATIVE_OR_ZERO, NOT_FINITE)))
    path, strategy = draw(st.sampled_from(options))
    if path[-1] in ("_scale", "_mean"):
        names = PRIOR_SCALES if path[-1] == "_scale" else tuple(
            p for p in PRIOR_NAMES if p.endswith("_mean"))
        path = (*path[:-1], draw(st.sampled_from(names)))
    _set(raw, path, draw(strategy))
    return raw, path


@SETTINGS
@given(case=out_of_range())
def test_values_out_of_range_are_spec_errors_naming_the_key(case):
    raw, path = case
    with pytest.raises(SpecError) as info:
        parse_spec(raw, "fuzz.toml")
    message = str(info.value)
    assert message.startswith("fuzz.toml: ") and "\n" not in message
    assert path[-1] in message


SYNTAX_BREAKS = (
    lambda t: t.replace('"', "", 1),            # an unterminated string
    lambda t: t.replace("\n[data]", "\n[data", 1),  # an unterminated table header
    lambda t: t.replace(" = ", " ", 1),         # a key without '='
    lambda t: t + "\n[data]\n",                 # a table defined twice
    lambda t: "name = 'x'\n" + t,                # a key given twice
    lambda t: t + "key = \n",                   # a key without a value
    lambda t: t + "[[\n",                       # a broken array-of-tables header
)


@SETTINGS
@given(raw=specs(), breaker=st.sampled_from(SYNTAX_BREAKS))
def test_toml_syntax_errors_are_spec_errors_with_a_position(raw, breaker):
    text = breaker(to_toml(raw))
    with pytest.raises(SpecError, match=r"TOML syntax error at line \d+, column \d+"):
        load_text(text)


@SETTINGS
@given(raw=specs(), data=st.data())
def test_random_edits_of_the_text_give_a_spec_or_a_spec_error(raw, data):
    text = bytearray(to_toml(raw).encode())
    for _ in range(data.draw(st.integers(1, 4), label="edits")):
        pos = data.draw(st.integers(0, len(text) - 1), label="position")
        action = data.draw(st.sampled_from(["delete", "insert", "replace", "truncate"]))
        byte = data.draw(st.integers(0, 255), label="byte")
        if action == "delete":
            del text[pos]
        elif action == "insert":
            text.insert(pos, byte)
        elif action == "replace":
            text[pos] = byte
        else:
            del text[pos:]
        if not text:
            break
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "spec.toml"
        path.write_bytes(bytes(text))
        try:
            load_spec(path)
        except SpecError as exc:
            assert "\n" not in str(exc)


def test_missing_file_and_directory_are_usage_errors(tmp_path):
    with pytest.raises(UsageError, match="does not exist"):
        load_spec(tmp_path / "none.toml")
    with pytest.raises(UsageError, match="is a directory"):
        load_spec(tmp_path)


@pytest.mark.parametrize("raw", [None, 5, "name = 'x'", [], ["a"]])
def test_a_spec_that_is_not_a_table_is_a_spec_error(raw):
    with pytest.raises(SpecError, match="must be a table of keys"):
        parse_spec(raw, "fuzz.toml")


@pytest.mark.parametrize("value", ["country", 1, True, 2.5])
def test_intercepts_that_are_not_a_list_are_spec_errors(value):
    raw = {"name": "m", "data": {"definition": "standard"}, "bayes": {"intercepts": value}}
    with pytest.raises(SpecError, match=r"\[bayes\] intercepts: .* must be a list"):
        parse_spec(raw, "fuzz.toml")


@pytest.mark.parametrize("years", ["1995-20011", "1-1000000000", "95-99"])
def test_year_ranges_need_four_digit_years(years):
    raw = {"name": "m", "formula": "trend", "data": {"definition": "standard", "years": years},
           "frequentist": {"estimator": "pooled"}}
    with pytest.raises(SpecError, match=r"\[data\] years .* is not a four-digit year"):
        parse_spec(raw, "fuzz.toml")
