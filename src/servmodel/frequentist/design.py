"""From the estimation sample and the formula to arrays: y, X, weights, panel codes."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from formulaic import ModelSpec as FormulaicModelSpec
from formulaic.errors import FormulaicError
from formulaic.transforms import TRANSFORMS

from servmodel.errors import EstimationError, SpecError
from servmodel.frequentist.arrays import PanelArrays
from servmodel.frequentist.variables import DERIVED, available_variables, variable_column
from servmodel.intensity.panel import PANEL_COLUMNS
from servmodel.spec import formula_variables, parsed_formula

INTERCEPT = "Intercept"


@dataclass(frozen=True)
class Design:
    """Arrays for one model, rows sorted by entity then year.

    Attributes
    ----------
    y
        Dependent variable.
    x
        Regressors (n x k), columns named by ``names``.
    names
        Column names as formulaic writes them (``tech_score:trend``, ``C(tech)[T.high]``).
    weights
        Observation weights (``None``: unweighted).
    entity, time, country, industry
        Integer codes (0..G-1) of each row's country x industry unit, year, country,
        industry.
    entity_country, entity_industry
        Country and industry code of each entity code.
    years
        The year per time code.
    countries, industries
        Labels per country / industry code.
    """

    y: np.ndarray
    x: np.ndarray
    names: tuple[str, ...]
    weights: np.ndarray | None
    entity: np.ndarray
    time: np.ndarray
    country: np.ndarray
    industry: np.ndarray
    entity_country: np.ndarray
    entity_industry: np.ndarray
    years: tuple[int, ...]
    countries: tuple[str, ...]
    industries: tuple[str, ...]

    @property
    def nobs(self) -> int:
        """Rows."""
        return len(self.y)

    def entity_label(self, code: int) -> str:
        """``"KOR:c14"`` for an entity code."""
        return (
            f"{self.countries[self.entity_country[code]]}:"
            f"{self.industries[self.entity_industry[code]]}"
        )

    def sample_id(self) -> str:
        """Hash of the rows (country, industry, year), y and weights, in a canonical order:
        equal ids, equal samples, whatever the order of the panel's rows."""
        # country and industry codes index labels in sorted order, so ordering by the codes
        # is ordering by the labels
        n_i, n_t = len(self.industries), len(self.years)
        key = (self.country * n_i + self.industry) * n_t + self.time
        order = np.argsort(key, kind="stable")
        h = hashlib.sha256()
        h.update("|".join(self.countries + ("/",) + self.industries).encode())
        h.update(np.asarray(self.years, dtype=np.int64).tobytes())
        for part in (self.country, self.industry, self.time, self.y, self.weights):
            if part is not None:
                h.update(np.ascontiguousarray(part[order]).tobytes())
        return h.hexdigest()[:16]


def check_variables(formula: str, columns: list[str], source: str) -> list[str]:
    """The variables ``formula`` reads; ``SpecError`` for any the panel cannot supply."""
    needed = sorted(formula_variables(formula))
    allowed = available_variables(columns)
    unknown = [v for v in needed if v not in allowed]
    if unknown:
        raise SpecError(
            f"{source}: formula: unknown variable {', '.join(map(repr, unknown))}; allowed: "
            f"{', '.join(allowed)} (built-in: {', '.join(sorted(DERIVED))}; merge your own "
            "columns with --covariates)"
        )
    clash = [v for v in needed if v in DERIVED and v in columns and v not in PANEL_COLUMNS]
    if clash:
        raise SpecError(
            f"{source}: formula: the merged column {clash[0]!r} has the name of a built-in "
            f"variable ({DERIVED[clash[0]].description}); rename the column"
        )
    return needed


# formulaic's element-wise transforms (``log(x)``, ``exp(x)``, ...): the NumPy ufuncs it
# evaluates them with, so that a plan computes the same numbers
_UFUNCS = {name: f for name, f in TRANSFORMS.items() if isinstance(f, np.ufunc)}
_CALL = re.compile(r"^(\w+)\((\w+)\)$")


@dataclass(frozen=True)
class _Plan:
    """A formula of numeric variables, element-wise transforms of one variable and their
    products (``a + log(b) + a:b``): each column is the product of the factors of its
    term, the intercept a column of ones. A factor is ``(ufunc name or None, variable)``."""

    names: tuple[str, ...]
    factors: tuple[tuple[tuple[str | None, str], ...], ...]

    @classmethod
    def of(cls, spec: FormulaicModelSpec) -> _Plan | None:
        """The plan of a materialized formulaic spec, or ``None`` if a term needs formulaic
        (a stateful transform, a categorical, any other function call)."""
        names: list[str] = []
        factors: list[tuple[tuple[str | None, str], ...]] = []
        for structure in spec.structure:
            if len(structure.columns) != 1:
                return None
            term: list[tuple[str | None, str]] = []
            for factor in structure.term.factors:
                method = factor.eval_method.value
                call = _CALL.match(str(factor.expr)) if method == "python" else None
                if method == "lookup":
                    term.append((None, str(factor.expr)))
                elif call is not None and call[1] in _UFUNCS:
                    term.append((call[1], call[2]))
                elif not (method == "literal" and str(factor.expr) == "1"):
                    return None
            names.append(str(structure.columns[0]))
            factors.append(tuple(term))
        return cls(tuple(names), tuple(factors))

    def build(self, columns: dict[str, Any], n: int) -> np.ndarray | None:
        """The design matrix (n x columns), in column order; ``None`` where formulaic must
        evaluate the formula itself: a transform that gives NaN (formulaic refuses it with
        its own message) or a column that hides the transform's name."""
        x = np.empty((n, len(self.names)))
        for j, term in enumerate(self.factors):
            # 1.0 * v is v: a product starts at its first factor, the intercept is 1.0
            col: Any = None
            for func, v in term:
                if func is None:
                    values = columns[v]
                elif func in columns or v not in columns:
                    return None
                else:
                    values = _UFUNCS[func](np.asarray(columns[v]))
                    if np.isnan(values).any():
                        return None
                # in floating point from the first factor on, as 1.0 * v would be
                col = np.asarray(values, dtype=float) if col is None else col * values
            x[:, j] = 1.0 if col is None else col
        return x


# Formulas whose materialization keeps no state (numeric factors only: no stateful
# transform such as center(), no categorical levels) give the same columns on any rows, so
# their structure is kept; formulas of numeric variables, their element-wise transforms
# (log, exp) and products are then built without formulaic at all.
_STATELESS: dict[tuple[str, tuple[str, ...]], tuple[FormulaicModelSpec, _Plan | None]] = {}


def _model_matrix(formula: str, columns: dict[str, Any], n: int) -> tuple[np.ndarray, list[str]]:
    """Evaluate ``formula`` on ``columns``: the matrix and its column names."""
    key = (formula, tuple(columns))
    cached = _STATELESS.get(key)
    if cached is not None:
        spec, plan = cached
        if plan is not None:
            x = plan.build(columns, n)
            if x is not None:
                return x, list(plan.names)
        mm = spec.get_model_matrix(
            pd.DataFrame(columns, index=pd.RangeIndex(n)), na_action="raise", output="numpy"
        )
        return np.asarray(mm, dtype=float), [str(c) for c in spec.column_names]
    data = pd.DataFrame(columns, index=pd.RangeIndex(n))
    mm = parsed_formula(formula).get_model_matrix(data, na_action="raise", output="numpy")
    spec = mm.model_spec
    kinds = [kind.value for kind, _ in spec.encoder_state.values()]
    if (
        not spec.transform_state
        and all(k in ("numerical", "constant") for k in kinds)
        and len(_STATELESS) < 256
    ):
        _STATELESS[key] = (spec, _Plan.of(spec))
    return np.asarray(mm, dtype=float), [str(c) for c in spec.column_names]


def compact_codes(codes: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Renumber non-negative integer codes below ``size`` as 0..G-1 over the codes that
    occur, in their order. Returns the new codes and the old code of each new one (like
    ``np.unique(..., return_inverse=True)``, by counting rather than hashing)."""
    used = np.flatnonzero(np.bincount(codes, minlength=size))
    lookup = np.full(size, -1, dtype=np.int64)
    lookup[used] = np.arange(len(used))
    return lookup[codes], used


def _compact(codes: np.ndarray, labels: tuple[str, ...]) -> tuple[np.ndarray, tuple[str, ...]]:
    """Renumber codes 0..G-1 over the codes that occur, keeping the label order."""
    inverse, used = compact_codes(codes, len(labels))
    return inverse, tuple(labels[u] for u in used)


def build_design(
    arrays: PanelArrays,
    positions: np.ndarray,
    y: np.ndarray,
    formula: str,
    variables: list[str],
    trend_origin: int,
    weights: np.ndarray | None,
    drop_intercept: bool,
    source: str,
) -> tuple[Design, int]:
    """Evaluate ``formula`` on the panel rows at ``positions`` (those kept for ``y``).

    Rows with a missing value in a variable of the formula are dropped (listwise, as
    Stata and R do); their number is returned beside the design.

    Returns
    -------
    (Design, int)
        The design and the rows dropped for missing regressor values.
    """
    columns = {v: variable_column(arrays, positions, v, trend_origin) for v in variables}
    missing = np.zeros(len(positions), dtype=bool)
    for col in columns.values():
        missing |= (col.codes < 0) if isinstance(col, pd.Categorical) else pd.isna(col)
    n_missing = int(missing.sum())
    if n_missing:
        if n_missing == len(positions):
            raise EstimationError(
                f"{source}: every row has a missing value in "
                f"{', '.join(variables)}; the model has no observations"
            )
        keep = ~missing
        columns = {
            v: (c[keep].remove_unused_categories() if isinstance(c, pd.Categorical) else c[keep])
            for v, c in columns.items()
        }
        positions = positions[keep]
        y = y[keep]
        weights = weights[keep] if weights is not None else None
    try:
        # log(0) and the like are reported below, by name, instead of as NumPy warnings
        with np.errstate(all="ignore"):
            x, names = _model_matrix(formula, columns, len(positions))
    except (FormulaicError, ValueError, TypeError, KeyError, NameError) as exc:
        reason = str(exc).strip().splitlines()[0]
        raise SpecError(
            f"{source}: formula: {formula!r} cannot be evaluated on the panel: {reason}"
        ) from exc
    # one pass over all values first; per column only to name the culprit
    finite = np.ones(x.shape[1], dtype=bool) if np.isfinite(x).all() else np.isfinite(x).all(0)
    if not finite.all():
        j = int(np.flatnonzero(~finite)[0])
        bad = int((~np.isfinite(x[:, j])).sum())
        raise EstimationError(
            f"{source}: formula: {names[j]} is infinite or NaN in {bad} rows "
            "(e.g. log of 0); transform or drop those values first"
        )
    if drop_intercept and INTERCEPT in names:
        # first differences remove the intercept (a constant in differences is a trend in
        # levels: write it as trend)
        i = names.index(INTERCEPT)
        x = np.delete(x, i, axis=1)
        names.pop(i)
    ctry, ind = arrays.coded["country"], arrays.coded["industry"]
    c_codes, c_labels = _compact(ctry.codes[positions], ctry.labels)
    i_codes, i_labels = _compact(ind.codes[positions], ind.labels)
    # entities numbered in order of appearance: in a panel sorted by country, industry and
    # year (as built) the rows are then already in (entity, year) order
    pairs = c_codes * len(i_labels) + i_codes
    if np.all(pairs[1:] >= pairs[:-1]):
        # sorted: the order of appearance is the order of the codes, found by counting
        e_codes, e_used = compact_codes(pairs, len(c_labels) * len(i_labels))
    else:
        e_codes, e_used = pd.factorize(pairs, sort=False)
        e_codes = e_codes.astype(np.int64)
    year = arrays.year[positions]
    y0 = int(year.min())
    t_codes, used_years = compact_codes(year - y0, int(year.max()) - y0 + 1)
    years = used_years + y0
    # rows sorted by entity, then year: the order linearmodels works in and first
    # differences need, whatever the order of the panel file
    key = e_codes * len(used_years) + t_codes
    if np.any(key[1:] < key[:-1]):
        order = np.argsort(key, kind="stable")
        y, x, e_codes, t_codes, c_codes, i_codes = (
            a[order] for a in (np.asarray(y), x, e_codes, t_codes, c_codes, i_codes)
        )
        weights = weights[order] if weights is not None else None
    design = Design(
        y=np.ascontiguousarray(y, dtype=float),
        x=np.ascontiguousarray(x),
        names=tuple(names),
        weights=weights,
        entity=e_codes.astype(np.int64, copy=False),
        time=t_codes.astype(np.int64, copy=False),
        country=c_codes,
        industry=i_codes,
        entity_country=e_used // len(i_labels),
        entity_industry=e_used % len(i_labels),
        years=tuple(int(t) for t in years),
        countries=c_labels,
        industries=i_labels,
    )
    return design, n_missing
