"""The right-hand-side formula of a spec: syntax check and the variables it names."""

from __future__ import annotations

import ast
import builtins
import re
from functools import lru_cache

from formulaic import Formula
from formulaic.errors import FormulaicError
from formulaic.transforms import TRANSFORMS

from servmodel.errors import SpecError

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@lru_cache(maxsize=256)
def _parse(formula: str) -> Formula:
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
    try:
        parsed = _parse(formula)
    except (FormulaicError, SyntaxError, ValueError) as exc:
        # formulaic draws a coloured pointer under the error on later lines; keep line one
        reason = _ANSI.sub("", str(exc)).strip().splitlines()[0]
        raise SpecError(f"{source}: formula: {formula!r} cannot be parsed: {reason}; write "
                        "terms joined by +, e.g. 'tech_score + log(output)'") from exc
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
            called = {n.func.id for n in ast.walk(tree)
                      if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
            for node in ast.walk(tree):
                if isinstance(node, ast.Name) and node.id not in called:
                    names.add(node.id)
    return frozenset(n for n in names if n not in TRANSFORMS and not hasattr(builtins, n))
