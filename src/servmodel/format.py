"""Numbers as text: the few formats that tables and terminal summaries print.

One module for every number servmodel prints, so a format is chosen by what it is for, not
re-written beside each table:

================================  ==========================================  ===============
function                          for                                         example
================================  ==========================================  ===============
:func:`significant`               estimates in terminal summaries             ``-0.001032``
:func:`fixed`                     a statistic with fixed decimals             ``2.35``
:func:`fixed_or_scientific`       plain-text result summaries                 ``1.2346e-05``
:func:`percent`                   shares                                      ``64%``
:func:`pvalue`                    p-values, with a floor                      ``<0.001``
:func:`table_number`              publication-table cells                     ``-0.123``
:func:`count`                     counts, with thousands separators           ``9,435``
:func:`frame_cell`                a data frame's cell in a data table         ``0.0812``
:func:`stars`                     significance stars                          ``**``
================================  ==========================================  ===============

Terminal formats print ``missing`` (``.`` by default) for a missing value (``None`` or NaN)
and Python's ``inf`` for an infinite one; table formats leave a cell empty for any value
that is not a finite number. Text is format-neutral (ASCII hyphen-minus, plain stars):
each table renderer turns it into its own markup late.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Literal, TypeGuard

# How a table counts digits: places after the point, or significant figures.
DigitsMode = Literal["decimals", "significant"]

# What a terminal summary prints for a missing number.
MISSING = "."


def is_missing(value: object) -> bool:
    """True for ``None`` and NaN (an infinite value is not missing)."""
    return value is None or (isinstance(value, numbers.Real) and math.isnan(value))


def _finite(value: object) -> TypeGuard[float]:
    return value is not None and isinstance(value, (int, float)) and math.isfinite(value)


def significant(value: float | None, digits: int = 4, missing: str = MISSING) -> str:
    """``value`` with ``digits`` significant digits (Python's ``g``: small coefficients
    keep their precision, ``-0.001032`` rather than ``-0.0010``; very small or large ones
    switch to an exponent)."""
    if is_missing(value):
        return missing
    return f"{value:.{digits}g}"


def fixed(value: float | None, digits: int, missing: str = MISSING) -> str:
    """``value`` with exactly ``digits`` decimals."""
    if is_missing(value):
        return missing
    return f"{value:.{digits}f}"


def fixed_or_scientific(value: float | None, digits: int = 4, missing: str = MISSING) -> str:
    """``digits`` decimals, or scientific notation with ``digits`` decimals when fixed
    decimals would show a non-zero ``value`` as zero or take more than six digits before
    the point."""
    if value is None or is_missing(value):
        return missing
    if value != 0 and (abs(value) < 10**-digits or abs(value) >= 10**6):
        return f"{value:.{digits}e}"
    return f"{value:.{digits}f}"


def percent(value: float | None, digits: int = 0, missing: str = MISSING) -> str:
    """A share as a percentage with ``digits`` decimals: ``0.6389`` is ``64%``."""
    if is_missing(value):
        return missing
    return f"{value:.{digits}%}"


def pvalue(p: float | None, digits: int = 3, missing: str = "") -> str:
    """A p-value with ``digits`` decimals; ``<0.001`` (for 3 digits) below the smallest
    printable one; ``missing`` for a value that is not a finite number."""
    if not _finite(p):
        return missing
    places = max(digits, 1)
    floor = 10.0**-places
    if p < floor:
        return f"<{floor:.{places}f}"
    return f"{p:.{places}f}"


def decimals_for(value: float, digits: int, mode: DigitsMode) -> int:
    """Decimal places that show ``value`` with ``digits`` decimals or significant digits."""
    if mode == "decimals" or value == 0 or not _finite(value):
        return digits
    magnitude = math.floor(math.log10(abs(value)))
    # at most 12 places: beyond that a coefficient is zero for any reader
    return max(0, min(12, digits - 1 - magnitude))


def table_number(value: float | None, digits: int = 3, mode: DigitsMode = "decimals") -> str:
    """``value`` rounded for a publication table; empty for a missing or infinite value.

    ``mode`` counts ``digits`` as decimal places or as significant digits (then shown as
    fixed decimals, never with an exponent). Zero never carries a sign.
    """
    if not _finite(value):
        return ""
    places = decimals_for(float(value), digits, mode)
    text = f"{float(value):.{places}f}"
    # a sign on zero carries no information ("-0.000" reads as a sign error)
    if text.lstrip("-").strip("0.") == "":
        text = text.lstrip("-")
    return text


def count(value: float | None) -> str:
    """A count, rounded to a whole number, with thousands separators; empty when missing."""
    if not _finite(value):
        return ""
    return f"{round(float(value)):,}"


def frame_cell(value: object, digits: int = 4) -> str:
    """A data frame's cell as a data table prints it.

    Empty for ``None`` and NaN; integers (and booleans) as they are; other real numbers
    with ``digits`` decimals; anything else (text) as ``str`` gives it.
    """
    if is_missing(value):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return f"{float(value):.{digits}f}"
    return str(value)


def stars(p: float | None, thresholds: Sequence[float]) -> str:
    """One star per threshold (largest first) that ``p`` falls below; none without a p."""
    if not _finite(p):
        return ""
    return "*" * sum(1 for t in thresholds if p < t)


def rounds_to_zero(value: float | None, digits: int, mode: DigitsMode) -> bool:
    """True when a non-zero ``value`` prints as zero in a table (worth a warning)."""
    return _finite(value) and value != 0 and float(table_number(value, digits, mode) or 0) == 0
