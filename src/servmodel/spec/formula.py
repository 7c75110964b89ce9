"""The right-hand-side formula of a spec: syntax check and the variables it names."""

from __future__ import annotations

import ast
import builtins
from functools import lru_cache

from formulaic import Formula
from formulaic.errors import FormulaicError
from formulaic.transforms import TRANSFORMS

from servmodel.errors import SpecError
from servmodel.spec.formula_guard import check_formula_safety, unparsable


@lru_cache(maxsize=256)
def _parse(formula: str) -> Formula:
    # every formula that is ever evaluated is parsed here, so none escapes the whitelist
    check_formula_safety(formula)
    return Formula(formula)


def parsed_formula(formula: str) -> Formula:
    """The formulaic ``Formula`` of ``formula`` (parsed once, then cached; it is
    immutable, and evaluating it on data keeps no state in it)."""
    return _parse(formula)


def check_formula_syntax(formula: str, source: str = "<memory>") -> None:
    """Raise ``SpecError`` unless ``formula`` is a valid right-hand side.

    The dependent variable is set by ``[data] measure`` and ``[dependent] transform``, so a
    two-sided formula (``y ~ x``) is refused with that explanation.
    """
    if "~" in formula:
        raise SpecError(
            f"{source}: formula: {formula!r} has a '~'; write the right-hand side only (the "
            "dependent variable is [data] measure, transformed by [dependent] transform)"
        )
    check_formula_safety(formula, source)
    try:
        parsed = _parse(formula)
    except (FormulaicError, SyntaxError, ValueError, RecursionError) as exc:
        raise unparsable(formula, source, exc) from exc
    if not list(parsed):
        raise SpecError(f"{source}: formula: {formula!r} has no terms")


@lru_cache(maxsize=256)
def formula_variables(formula: str) -> frozenset[str]:
    """The data variables ``formula`` reads (function names such as ``C`` or ``log``
    excluded).

    formulaic's ``required_variables`` leaves out the arguments of stateful transforms
    (``center(trend)``, ``scale(x)``), so every factor's Python expression is read too.
    """
    parsed = _parse(formula)
    names = set(parsed.required_variables)
    for term in parsed:
        for factor in term.factors:
            if factor.eval_method.value != "python":
                continue
            try:
                tree = ast.parse(str(factor.expr), mode="eval")
            except SyntaxError:
                continue
            called = {
                n.func.id
                for n in ast.walk(tree)
                if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
            }
            for node in ast.walk(tree):
                if isinstance(node, ast.Name) and node.id not in called:
                    names.add(node.id)
    return frozenset(n for n in names if n not in TRANSFORMS and not hasattr(builtins, n))
