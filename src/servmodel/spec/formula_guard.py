"""A whitelist of what a formula may contain, checked before formulaic sees it.

formulaic evaluates every factor that is not a plain name (``log(output)``, ``{a + 1}``,
``C(industry)``) as a Python expression. Model specs and sensitivity grids are files people
share and publish, so opening one must be as safe as opening a CSV: a formula is accepted
only if every token and every node of every such expression is on the list below, and it
is refused, naming the offending part, before anything is evaluated.

Allowed:

* variable names (identifiers that do not start with ``_``), numeric literals;
* the formula operators ``+ - * : **`` and parentheses;
* inside a factor: the same names and numbers, the arithmetic operators
  ``+ - * / **`` (a power's exponent a number between -16 and 16), and calls of
  :data:`FUNCTIONS` by name, with one argument each except ``C(variable)`` and
  ``C(variable, Treatment("level"))`` (the reference level, the only place a string may
  appear).

Everything else (attribute access, subscripts, other calls, keyword arguments, lambdas,
comprehensions, dunder names, string literals elsewhere) is refused.
"""

from __future__ import annotations

import ast
import builtins
import keyword
import re
from collections.abc import Mapping
from types import MappingProxyType

from formulaic.errors import FormulaicError
from formulaic.parser import DefaultFormulaParser

from servmodel.errors import SpecError

# One-argument transforms a factor may call, with what each does (for messages and docs).
FUNCTIONS: Mapping[str, str] = MappingProxyType(
    {
        "log": "natural logarithm",
        "log2": "base-2 logarithm",
        "log10": "base-10 logarithm",
        "exp": "exponential",
        "center": "minus its sample mean",
        "scale": "centred and divided by its sample standard deviation",
        "standardize": "centred and divided by its population standard deviation",
        "I": "arithmetic as written, e.g. I(trend ** 2)",
        "C": "a categorical variable, e.g. C(industry) or C(industry, Treatment('c3'))",
    }
)
# Formula operators as formulaic's tokenizer spells them ("+-" is its rewrite of "0 +"
# and "- 1"), and the parentheses, which it reports as context tokens.
FORMULA_OPERATORS = frozenset({"+", "-", "+-", "*", ":", "**"})
FORMULA_BRACKETS = frozenset({"(", ")"})
MAX_LENGTH = 2000  # characters; a right-hand side of a few dozen terms fits easily
MAX_EXPONENT = 16
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# formulas that passed the check: a sensitivity grid checks the same few formulas for
# thousands of specifications, and whether a formula passes does not depend on its source
# (refusals are not remembered: their message names the source)
_PASSED: set[str] = set()
_PASSED_MAX = 4096

_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_UNARY = {ast.USub: "-", ast.UAdd: "+"}
_ALLOWED_TEXT = (
    "formulas may use variable names, numbers, the operators + - * : ** and "
    "parentheses, and the functions " + ", ".join(FUNCTIONS)
)


class _Refused(Exception):
    """One part of a factor that is not on the whitelist."""

    def __init__(self, part: str, reason: str) -> None:
        super().__init__(part, reason)
        self.part = part
        self.reason = reason


def check_formula_safety(formula: str, source: str = "<memory>") -> None:
    """Raise ``SpecError`` unless every part of ``formula`` is on the whitelist.

    Nothing of ``formula`` is evaluated: formulaic's tokenizer splits it (a pure string
    operation) and each Python factor is parsed with :func:`ast.parse`, never compiled.

    Parameters
    ----------
    formula
        A right-hand side, e.g. ``"tech_score + center(trend) + log(output)"``.
    source
        Where the formula came from, named in the message.

    Raises
    ------
    SpecError
        One line naming the offending part and what formulas may contain.
    """
    if isinstance(formula, str) and formula in _PASSED:
        return
    where = f"{source}: formula: {_shorten(formula)}"
    if not isinstance(formula, str):
        raise SpecError(f"{source}: formula: must be a string, not {type(formula).__name__}")
    if len(formula) > MAX_LENGTH:
        raise SpecError(
            f"{where} is {len(formula)} characters long; the limit is "
            f"{MAX_LENGTH}: write fewer terms"
        )
    if "\x00" in formula:
        raise SpecError(f"{where} contains a NUL character; remove it")
    try:
        tokens = list(DefaultFormulaParser().get_tokens(formula))
    except (FormulaicError, SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise unparsable(formula, source, exc) from None
    for token in tokens:
        text, kind = str(token), token.kind.value
        try:
            if kind == "operator":
                if text not in FORMULA_OPERATORS:
                    raise _Refused(text, "is not an allowed operator")
            elif kind == "context":
                if text not in FORMULA_BRACKETS:
                    raise _Refused(text, "is not allowed")
            elif kind == "value":
                _check_number_text(text)
            elif kind == "name":
                _check_name(text)
            elif kind == "python":
                _check_expression(text)
            else:
                raise _Refused(text, f"is a {kind} token, which is not allowed")
        except _Refused as refused:
            raise SpecError(
                f"{where}: {refused.part!r} {refused.reason}; {_ALLOWED_TEXT}"
            ) from None
    if len(_PASSED) >= _PASSED_MAX:
        _PASSED.clear()
    _PASSED.add(formula)


def unparsable(formula: str, source: str, exc: BaseException) -> SpecError:
    """The one-line error for a formula that formulaic cannot parse."""
    # formulaic draws a coloured pointer under the error on later lines; keep line one
    lines = _ANSI.sub("", str(exc)).strip().splitlines()
    reason = lines[0] if lines else type(exc).__name__
    return SpecError(
        f"{source}: formula: {_shorten(formula)} cannot be parsed: {reason}; "
        "write terms joined by +, e.g. 'tech_score + log(output)'"
    )


def _shorten(formula: object, limit: int = 120) -> str:
    text = repr(formula)
    return text if len(text) <= limit else text[:limit] + "...'"


def _check_number_text(text: str) -> None:
    try:
        value = float(text)
    except ValueError:
        raise _Refused(text, "is not a number") from None
    if value != value or abs(value) == float("inf"):
        raise _Refused(text, "is not a finite number")


def _check_name(name: str) -> None:
    if not name.isidentifier():
        raise _Refused(
            name, "is not a plain variable name (letters, digits and _); rename the column"
        )
    if name.startswith("_"):
        raise _Refused(name, "starts with '_'; such names are reserved")
    if keyword.iskeyword(name):
        raise _Refused(name, "is a Python keyword, not a variable name")
    if hasattr(builtins, name):
        # a formula's names are looked up among Python's built-ins too: none may resolve
        raise _Refused(name, "is the name of a Python built-in; rename the column")


def _check_expression(text: str) -> None:
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise _Refused(text, "is not a valid expression") from None
    _check_node(tree.body)


def _part(node: ast.AST) -> str:
    try:
        return ast.unparse(node)
    except Exception:
        return type(node).__name__


def _check_node(node: ast.AST) -> None:
    """Walk one factor's expression; raise ``_Refused`` at the first node not allowed."""
    if isinstance(node, ast.Name):
        _check_name(node.id)
    elif isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise _Refused(
                _part(node),
                "is not allowed here (only numbers; a text value "
                "only as C(variable, Treatment('level')))",
            )
        _check_number_text(repr(node.value))
    elif isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        _check_node(node.operand)
    elif isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        if isinstance(node.op, ast.Pow):
            _check_exponent(node)
        _check_node(node.left)
        _check_node(node.right)
    elif isinstance(node, ast.Call):
        _check_call(node)
    elif isinstance(node, ast.Attribute):
        raise _Refused(_part(node), "uses attribute access (a '.'), which is not allowed")
    else:
        raise _Refused(_part(node), "is not allowed")


def _check_exponent(node: ast.BinOp) -> None:
    exponent = node.right
    if isinstance(exponent, ast.UnaryOp) and isinstance(exponent.op, (ast.USub, ast.UAdd)):
        exponent = exponent.operand
    if not (
        isinstance(exponent, ast.Constant)
        and isinstance(exponent.value, (int, float))
        and not isinstance(exponent.value, bool)
        and abs(exponent.value) <= MAX_EXPONENT
    ):
        raise _Refused(
            _part(node),
            f"has an exponent that is not a number between -{MAX_EXPONENT} and {MAX_EXPONENT}",
        )


def _check_call(node: ast.Call) -> None:
    func = node.func
    if not isinstance(func, ast.Name):
        raise _Refused(_part(node), "calls something other than a function by name")
    name = func.id
    if name not in FUNCTIONS:
        raise _Refused(f"{name}(...)", "is not an allowed function")
    if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
        raise _Refused(_part(node), "passes keyword or starred arguments, which are not allowed")
    if name == "C":
        if len(node.args) not in (1, 2):
            raise _Refused(_part(node), "takes a variable and optionally Treatment('level')")
        _check_node(node.args[0])
        if len(node.args) == 2:
            _check_treatment(node.args[1])
        return
    if len(node.args) != 1:
        raise _Refused(_part(node), "takes exactly one argument")
    _check_node(node.args[0])


def _check_treatment(node: ast.AST) -> None:
    """``Treatment('level')``: the reference level of ``C(...)``."""
    ok = (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "Treatment"
        and not node.keywords
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, (str, int))
        and not isinstance(node.args[0].value, bool)
    )
    if not ok:
        raise _Refused(
            _part(node),
            "is not allowed as the second argument of C(); write C(variable, Treatment('level'))",
        )
    level = node.args[0].value  # type: ignore[attr-defined]
    if isinstance(level, str) and (len(level) > 100 or not level.isprintable()):
        raise _Refused(_part(node), "names a level that is too long or not printable")
