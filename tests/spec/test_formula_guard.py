"""Formulas cannot run code: a whitelist refuses every part that is not a variable, a
number, a formula operator or a documented transform, before anything is evaluated.

Each hostile formula carries a payload that would leave a trace if it ran: a file created
in the test's folder, or an import of a module whose name only this test uses (recorded by
a finder on ``sys.meta_path``). Formulas are tried at every place a formula enters: a spec
file read by ``servmodel estimate``, a sensitivity grid target, a ``ModelSpec`` built in
Python, and formulaic's evaluation through servmodel's own parser.
"""

from __future__ import annotations

import importlib.abc
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servmodel.errors import SpecError
from servmodel.sensitivity import parse_grid
from servmodel.spec import (
    DataSelection,
    FrequentistOptions,
    ModelSpec,
    check_formula_syntax,
    parse_spec,
    parsed_formula,
)

CANARY = "servmodel_canary_module"


class ImportRecorder(importlib.abc.MetaPathFinder):
    """Records every attempt to import the canary module (and finds nothing)."""

    def __init__(self) -> None:
        self.attempts: list[str] = []

    def find_spec(self, fullname, path, target=None):  # noqa: D102
        if fullname.startswith(CANARY):
            self.attempts.append(fullname)
        return None


@pytest.fixture()
def imports():
    recorder = ImportRecorder()
    sys.meta_path.insert(0, recorder)
    try:
        yield recorder
    finally:
        sys.meta_path.remove(recorder)


def payloads(target: Path) -> list[str]:
    """Python expressions that create ``target`` or import the canary if evaluated."""
    t = str(target)
    return [
        f"open('{t}', 'w')",
        f"exec(\"open('{t}', 'w')\")",
        f"eval(\"open('{t}', 'w')\")",
        f"__import__('{CANARY}')",
        f"getattr(__import__('{CANARY}'), 'x')",
        f"__builtins__['open']('{t}', 'w')",
        f"__builtins__.__import__('{CANARY}')",
        f"log.__globals__['__builtins__']['open']('{t}', 'w')",
        "().__class__.__base__.__subclasses__()",
        f"np.lib.npyio.__builtins__['open']('{t}', 'w')",
        "C.__call__.__globals__",
        f"(lambda: open('{t}', 'w'))()",
        f"[open('{t}', 'w') for _ in (1,)]",
        "compile('1', 'x', 'eval')",
        "globals()",
        "vars()",
        "breakpoint()",
        f"pd.read_csv('{t}')",
        f"np.save('{t}', 1)",
        f"C(industry, levels=open('{t}', 'w'))",
        f"C(industry, Treatment(open('{t}', 'w')))",
        f"C(industry, contr.treatment(open('{t}', 'w')))",
        f"log(output, out=open('{t}', 'w'))",
        f"I(*[open('{t}', 'w')])",
        f"f'{{open(\"{t}\", \"w\")}}'",
        "I(9 ** 9 ** 9)",
        "I(trend ** 10 ** 8)",
    ]


WRAPPERS = ("{p}", "trend + {p}", "{{{p}}}", "trend:{{{p}}}", "I({p})", "log({p})",
            "center({p}) + trend", "C({p})", "trend + C(industry, {p})", "({p}) * trend")


def _small_frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 12
    return pd.DataFrame({"trend": np.arange(n, dtype=float), "output": rng.uniform(1, 2, n),
                         "industry": ["c3", "c4", "c5"] * 4})


def assert_no_trace(target: Path, imports: ImportRecorder) -> None:
    assert not target.exists(), f"a formula created {target}"
    assert not imports.attempts, f"a formula imported {imports.attempts}"


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_hostile_formulas_are_refused_before_evaluation(data, tmp_path, imports):
    target = tmp_path / "created_by_formula"
    payload = data.draw(st.sampled_from(payloads(target)), label="payload")
    wrapper = data.draw(st.sampled_from(WRAPPERS), label="wrapper")
    formula = wrapper.format(p=payload)
    with pytest.raises(SpecError, match="formula"):
        check_formula_syntax(formula, "hostile.toml")
    # the evaluation path refuses on its own too, for callers that skip the syntax check
    with pytest.raises(SpecError):
        parsed_formula(formula).get_model_matrix(_small_frame())
    with pytest.raises(SpecError):
        ModelSpec(name="m", formula=formula, data=DataSelection("standard"),
                  frequentist=FrequentistOptions("pooled"))
    assert_no_trace(target, imports)


FUZZ_ALPHABET = "abcdeoptnrsilgCIT_()[]{}.,:+-*/%^|~@'\"=0123456789 \\\n"


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(formula=st.text(alphabet=FUZZ_ALPHABET, max_size=40))
def test_random_formulas_are_refused_or_evaluate_safely(formula, tmp_path, imports):
    """Any text either fails with a SpecError or is a formula of allowed parts only, which
    then evaluates (or fails to) without leaving a trace."""
    try:
        check_formula_syntax(formula, "fuzz.toml")
    except SpecError:
        return
    frame = _small_frame().assign(a=1.0, b=2.0, c=3.0, d=4.0, e=5.0)
    try:
        parsed_formula(formula).get_model_matrix(frame)
    except SpecError:
        pytest.fail(f"{formula!r} passed the syntax check but was refused at evaluation")
    except Exception:  # noqa: BLE001 - formulaic's own errors on odd but harmless input
        pass
    assert_no_trace(tmp_path / "never", imports)


@pytest.mark.parametrize("formula", [
    "tech_score + center(trend) + tech_score:center(trend) + log(output)",
    "korea + korea:trend + C(industry)",
    "C(industry, Treatment('c5')):trend",
    "I(trend ** 2) + korea - 1",
    "(tech_score + korea) ** 2",
    "0 + log10(output) + log2(output) + exp(-trend) + scale(trend) + standardize(trend)",
    "{trend / 2} + I(-trend)",
])
def test_documented_formulas_are_accepted_and_evaluate(formula):
    check_formula_syntax(formula, "ok.toml")
    frame = _small_frame().assign(tech_score=np.tile([1.0, 2.0, 3.0], 4),
                                  korea=np.repeat([0.0, 1.0], 6))
    matrix = parsed_formula(formula).get_model_matrix(frame, output="numpy")
    assert matrix.shape[0] == len(frame)
    assert np.isfinite(np.asarray(matrix, dtype=float)).all()


def test_reference_level_is_honoured():
    frame = _small_frame()
    matrix = parsed_formula("C(industry, Treatment('c5'))").get_model_matrix(frame)
    assert list(matrix.columns) == ["Intercept", "C(industry, Treatment('c5'))[T.c3]",
                                    "C(industry, Treatment('c5'))[T.c4]"]


@pytest.mark.parametrize(("formula", "part"), [
    ("trend + exec('x')", "'exec(...)' is not an allowed function"),
    ("np.log(output)", "np.log(output)"),
    ("C(industry)[0]", "C(industry)[0]"),
    ("trend | korea", "'|' is not an allowed operator"),
    ("trend / korea", "'/' is not an allowed operator"),
    ("trend + __class__", "'__class__' starts with '_'"),
    ("trend + I(trend ** trend)", "exponent"),
    ("trend + open", "'open' is the name of a Python built-in"),
    ("trend + `a b`", "'a b' is not a plain variable name"),
    ("scale(trend, center=False)", "keyword"),
])
def test_refusal_names_the_offending_part(formula, part):
    with pytest.raises(SpecError) as info:
        check_formula_syntax(formula, "m.toml")
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("m.toml: formula:")
    assert part in message
    assert "formulas may use" in message


def test_over_long_formula_is_refused():
    with pytest.raises(SpecError, match="2000"):
        check_formula_syntax(" + ".join(["trend"] * 1000), "long.toml")


def test_grid_target_with_a_payload_is_refused(tmp_path, imports):
    target = tmp_path / "pwned"
    raw = {"name": "g", "targets": [
        {"name": "t", "formula": f"tech_score + {{open('{target}', 'w')}}",
         "term": "tech_score"}],
        "dimensions": {"definition": ["standard"]}}
    with pytest.raises(SpecError, match="open"):
        parse_grid(raw, source="grid.toml")
    assert_no_trace(target, imports)


def test_spec_dict_with_a_payload_is_refused(imports):
    raw = {"name": "m", "formula": f"trend + __import__('{CANARY}')",
           "data": {"definition": "standard"}, "frequentist": {"estimator": "pooled"}}
    with pytest.raises(SpecError, match="__import__"):
        parse_spec(raw, "dict")
    assert not imports.attempts


def test_a_refused_formula_is_refused_every_time_naming_each_source():
    """Passes are remembered (a grid checks a few formulas thousands of times); refusals
    are not, so each message names the place the formula came from."""
    from servmodel.spec.formula_guard import check_formula_safety

    check_formula_safety("tech_score + log(output)", "a.toml")
    check_formula_safety("tech_score + log(output)", "b.toml")
    for source in ("a.toml", "b.toml"):
        with pytest.raises(SpecError, match=rf"^{source}: formula: .*__import__"):
            check_formula_safety("__import__('os')", source)
