"""Numbers as a table prints them: rounding, stars, thousands separators.

Text here is format-neutral (ASCII hyphen-minus, plain stars); each renderer turns it into
its own markup late.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from servmodel.report.options import DigitsMode


def _finite(value: float | None) -> bool:
    return value is not None and isinstance(value, (int, float)) and math.isfinite(value)


def decimals_for(value: float, digits: int, mode: DigitsMode) -> int:
    """Decimal places that show ``value`` with ``digits`` decimals or significant digits."""
    if mode == "decimals" or value == 0 or not _finite(value):
        return digits
    magnitude = math.floor(math.log10(abs(value)))
    # at most 12 places: beyond that a coefficient is zero for any reader
    return max(0, min(12, digits - 1 - magnitude))


def number(value: float | None, digits: int = 3, mode: DigitsMode = "decimals") -> str:
    """``value`` rounded for a table; empty for a missing value."""
    if not _finite(value):
        return ""
    places = decimals_for(float(value), digits, mode)
    text = f"{float(value):.{places}f}"
    # a sign on zero carries no information ("-0.000" reads as a sign error)
    if text.lstrip("-").strip("0.") == "":
        text = text.lstrip("-")
    return text


def pvalue(p: float | None, digits: int = 3) -> str:
    """A p-value with ``digits`` decimals; ``<0.001`` below the smallest printable one."""
    if not _finite(p):
        return ""
    floor = 10.0 ** -max(digits, 1)
    if p < floor:
        return f"<{floor:.{max(digits, 1)}f}"
    return f"{p:.{max(digits, 1)}f}"


def integer(value: float | None) -> str:
    """A count with thousands separators."""
    if not _finite(value):
        return ""
    return f"{round(float(value)):,}"


def stars(p: float | None, thresholds: Sequence[float]) -> str:
    """One star per threshold (largest first) that ``p`` falls below; none without a p."""
    if not _finite(p):
        return ""
    return "*" * sum(1 for t in thresholds if p < t)


def rounds_to_zero(value: float | None, digits: int, mode: DigitsMode) -> bool:
    """True when a non-zero ``value`` prints as zero (worth a warning)."""
    return _finite(value) and value != 0 and float(number(value, digits, mode) or 0) == 0
