"""Every choice a publication table offers, as ``Literal`` values, and the frozen options.

The options are checked once, when :class:`TableOptions` is built, so a table made from
Python is held to the same rules as one asked for on the command line.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Literal

from servmodel.errors import UsageError
from servmodel.format import DigitsMode
from servmodel.options import allowed, validate_choice

TableFormat = Literal["latex", "markdown", "html", "csv", "docx"]
# What sits below a panel model's estimate: standard error, t statistic, p-value or
# confidence interval.
PanelStat = Literal["se", "t", "p", "ci"]
# What sits below a Bayesian posterior mean: the credible interval or the posterior sd.
BayesStat = Literal["ci", "sd"]
FitKey = Literal[
    "estimator",
    "dependent",
    "nobs",
    "entities",
    "clusters",
    "cov_type",
    "r2_within",
    "r2_overall",
    "elpd_loo",
    "p_loo",
    "max_rhat",
    "min_ess",
]

# File name endings that choose a format when --format is not given.
SUFFIX_FORMATS: dict[str, str] = {
    ".tex": "latex",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".csv": "csv",
    ".docx": "docx",
}

DEFAULT_STARS: tuple[float, ...] = (0.10, 0.05, 0.01)
# What LaTeX's \label and HTML's id both take without escaping.
LABEL_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9:_.\-/+]*$")
DEFAULT_FIT: tuple[str, ...] = allowed(FitKey)


def check_format(fmt: str) -> str:
    """Return ``fmt`` if it is a table format, else raise ``UsageError`` naming the choices."""
    return validate_choice(fmt, TableFormat, "table format")


@dataclass(frozen=True)
class TableOptions:
    """How a table reads its results and writes its cells.

    Attributes
    ----------
    stat
        Below a panel model's estimate: ``se`` (standard error, in parentheses, the
        default), ``t``, ``p`` (in parentheses) or ``ci`` (confidence interval, in brackets).
    bayes_stat
        Below a posterior mean: ``ci`` (the credible interval stored with the result, in
        brackets, the default) or ``sd`` (posterior standard deviation, in parentheses).
    level
        Confidence level of the panel models' intervals (``stat="ci"``).
    digits, digits_mode
        Decimal places (``decimals``, the default: every number of the coefficient block
        rounded to ``digits`` places, as esttab and modelsummary do) or significant digits
        (``significant``: small coefficients keep ``digits`` significant figures).
    stars
        Significance thresholds for panel models, largest first, one star each
        (default 0.10, 0.05, 0.01); empty for no stars. Bayesian columns never get stars.
    labels
        Term name -> row label. The order of the entries is the order of their rows, ahead
        of the unlabelled terms. Different terms may share a label (one row), but not
        within one model.
    labelled_only
        Keep only the terms named in ``labels`` (as ``coef_map`` in modelsummary).
    keep, drop
        Regular expressions searched in the term names (``re.search``): a term is kept if
        it matches any ``keep`` pattern (all terms when empty) and no ``drop`` pattern.
    all_terms
        Show Bayesian internals and group-level effects, which are hidden by default (see
        :func:`servmodel.report.sources.hidden_term`).
    fit
        Summary rows, in order (keys of :data:`FitKey`); a row that is empty for every
        model of a panel is left out.
    fe_rows
        Add the fixed-effect indicator rows (entity FE, year FE: Yes/No).
    numbers
        Number the columns (1), (2), ... above the model titles.
    titles
        Column titles; default: the model names.
    spanners
        ``(label, first, last)`` column groups above the titles, 1-based and inclusive.
    title, label, notes
        Table title (caption), cross-reference label, notes added after the automatic ones.
    """

    stat: PanelStat = "se"
    bayes_stat: BayesStat = "ci"
    level: float = 0.95
    digits: int = 3
    digits_mode: DigitsMode = "decimals"
    stars: tuple[float, ...] = DEFAULT_STARS
    labels: tuple[tuple[str, str], ...] = ()
    labelled_only: bool = False
    keep: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()
    all_terms: bool = False
    fit: tuple[str, ...] = DEFAULT_FIT
    fe_rows: bool = True
    numbers: bool = True
    titles: tuple[str, ...] | None = None
    spanners: tuple[tuple[str, int, int], ...] = ()
    title: str = ""
    label: str = ""
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        validate_choice(self.stat, PanelStat, "--stat")
        validate_choice(self.bayes_stat, BayesStat, "--bayes-stat")
        validate_choice(self.digits_mode, DigitsMode, "digits mode")
        if not (isinstance(self.level, float | int) and 0.0 < float(self.level) < 1.0):
            raise UsageError(f"confidence level {self.level!r} must be between 0 and 1, e.g. 0.95")
        if (
            isinstance(self.digits, bool)
            or not isinstance(self.digits, int)
            or not (0 <= self.digits <= 10)
        ):
            raise UsageError(f"digits {self.digits!r} must be a whole number from 0 to 10")
        if self.digits_mode == "significant" and self.digits < 1:
            raise UsageError("significant digits must be at least 1")
        stars = tuple(float(s) for s in self.stars)
        if any(not (math.isfinite(s) and 0.0 < s < 1.0) for s in stars):
            raise UsageError(
                f"star thresholds {list(self.stars)} must lie between 0 and 1, e.g. 0.10,0.05,0.01"
            )
        if list(stars) != sorted(set(stars), reverse=True):
            raise UsageError(
                f"star thresholds {list(self.stars)} must be different and "
                "given largest first, e.g. 0.10,0.05,0.01"
            )
        object.__setattr__(self, "stars", stars)
        if self.label and not LABEL_PATTERN.match(self.label):
            raise UsageError(
                f"label {self.label!r}: use letters, digits and : _ . - / + "
                "(it becomes LaTeX's \\label and the HTML id), e.g. tab:main"
            )
        for key in self.fit:
            validate_choice(key, FitKey, "fit row")
        if len(set(self.fit)) != len(self.fit):
            raise UsageError(f"fit rows {list(self.fit)} name a row twice")
        seen: dict[str, str] = {}
        for term, lab in self.labels:
            if not term or not isinstance(lab, str) or not lab.strip():
                raise UsageError(f"label for term {term!r} is empty; give TERM=LABEL")
            if term in seen:
                raise UsageError(
                    f"term {term!r} is labelled twice ({seen[term]!r} and {lab!r}); keep one"
                )
            seen[term] = lab
        if self.labelled_only and not self.labels:
            raise UsageError("only labelled terms were asked for, but no labels were given")
        for label, first, last in self.spanners:
            if not label.strip():
                raise UsageError("a column spanner needs a label, e.g. 'Fixed effects=1-2'")
            if not (1 <= first <= last):
                raise UsageError(
                    f"spanner {label!r}: columns {first}-{last} are not a range "
                    "of column numbers counted from 1"
                )
        ordered = sorted(self.spanners, key=lambda s: s[1])
        for (a, _, a_last), (b, b_first, _) in pairwise(ordered):
            if b_first <= a_last:
                raise UsageError(
                    f"spanners {a!r} and {b!r} overlap; give each column to one spanner"
                )
