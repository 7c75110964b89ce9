"""What a set of specification results says: robustness summary, the choices that move the
estimate, and how much of the spread each dimension explains.

All functions read the tidy table of :meth:`SensitivityResult.table` (or any frame with its
columns), so they can be checked on hand-made results.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

SUMMARY_COLUMNS: tuple[str, ...] = (
    "target",
    "scale",
    "specifications",
    "median",
    "q25",
    "q75",
    "iqr",
    "min",
    "max",
    "sign",
    "share_same_sign",
    "share_positive",
    "share_negative",
    "share_significant",
    "share_significant_same_sign",
)


def value_column(scale: str) -> str:
    """The table column holding the estimate on ``scale`` (``sd`` or ``raw``)."""
    if scale not in ("sd", "raw"):
        raise ValueError(f"scale must be 'sd' or 'raw', not {scale!r}")
    return "estimate_sd" if scale == "sd" else "estimate"


def summarize(table: pd.DataFrame, scale: str = "sd", alpha: float = 0.05) -> pd.DataFrame:
    """Robustness of each target across its specifications.

    Parameters
    ----------
    table
        One row per estimated specification, with columns ``target``, ``estimate`` (or
        ``estimate_sd``) and ``p_value``.
    scale
        ``sd`` (estimates divided by the standard deviation of the dependent variable) or
        ``raw``. Signs and p-values do not depend on it.
    alpha
        Significance level.

    Returns
    -------
    pandas.DataFrame
        One row per target (columns :data:`SUMMARY_COLUMNS`): the number of
        specifications; median, quartiles, interquartile range, minimum and maximum of the
        estimate; the sign of the median (+1, -1, 0) and the share of specifications with
        that sign; the shares positive and negative; the share significant at ``alpha``
        and the share significant with the median's sign.
    """
    column = value_column(scale)
    rows = []
    for target, sub in table.groupby("target", sort=False):
        values = sub[column].to_numpy(dtype=float)
        finite = values[np.isfinite(values)]
        est = sub["estimate"].to_numpy(dtype=float)
        significant = sub["p_value"].to_numpy(dtype=float) < alpha
        n = len(sub)
        median = float(np.median(finite)) if len(finite) else math.nan
        sign = int(np.sign(np.median(est))) if n else 0
        same = np.sign(est) == sign if sign else np.zeros(n, dtype=bool)
        q25, q75 = np.quantile(finite, [0.25, 0.75]) if len(finite) else (math.nan, math.nan)
        rows.append(
            {
                "target": target,
                "scale": scale,
                "specifications": n,
                "median": median,
                "q25": float(q25),
                "q75": float(q75),
                "iqr": float(q75 - q25),
                "min": float(finite.min()) if len(finite) else math.nan,
                "max": float(finite.max()) if len(finite) else math.nan,
                "sign": sign,
                "share_same_sign": _share(same),
                "share_positive": _share(est > 0),
                "share_negative": _share(est < 0),
                "share_significant": _share(significant),
                "share_significant_same_sign": _share(significant & same),
            }
        )
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


def _share(mask: np.ndarray) -> float:
    return float(np.mean(mask)) if len(mask) else math.nan


def by_choice(
    table: pd.DataFrame, dimensions: Sequence[str], scale: str = "sd", alpha: float = 0.05
) -> pd.DataFrame:
    """The estimate under each choice of each dimension: which choices move it.

    Returns
    -------
    pandas.DataFrame
        One row per target, dimension and choice: specifications, median estimate (on
        ``scale``), share positive, share significant at ``alpha``, and ``shift``: the
        median under that choice minus the target's overall median.
    """
    column = value_column(scale)
    rows = []
    for target, sub in table.groupby("target", sort=False):
        overall = float(np.nanmedian(sub[column]))
        for dim in dimensions:
            for choice, part in sub.groupby(dim, sort=False):
                med = float(np.nanmedian(part[column]))
                rows.append(
                    {
                        "target": target,
                        "dimension": dim,
                        "choice": choice,
                        "specifications": len(part),
                        "median": med,
                        "shift": med - overall,
                        "share_positive": _share(part["estimate"].to_numpy() > 0),
                        "share_significant": _share(part["p_value"].to_numpy() < alpha),
                    }
                )
    return pd.DataFrame(
        rows,
        columns=[
            "target",
            "dimension",
            "choice",
            "specifications",
            "median",
            "shift",
            "share_positive",
            "share_significant",
        ],
    )


def _r2(y: np.ndarray, blocks: list[np.ndarray]) -> float:
    """R-squared of ``y`` on an intercept and the dummy ``blocks``."""
    if not blocks:
        return 0.0
    x = np.column_stack([np.ones(len(y)), *blocks])
    resid = y - x @ np.linalg.lstsq(x, y, rcond=None)[0]
    tss = float(((y - y.mean()) ** 2).sum())
    return 1.0 - float(resid @ resid) / tss


def decompose(table: pd.DataFrame, dimensions: Sequence[str], scale: str = "sd") -> pd.DataFrame:
    """Share of the variance of the estimates explained by each dimension.

    The estimates of a target are regressed on the dummies of its dimensions (main
    effects). A grid with skipped cells is unbalanced, so the dimensions' contributions to
    the R-squared depend on the order they enter; each dimension gets its Shapley value,
    the average of its contribution over all orders (Shorrocks 2013; Israeli 2007), so the
    shares add up to the R-squared whatever the order. What the main effects leave is
    reported as ``interactions and residual``.

    Returns
    -------
    pandas.DataFrame
        Columns ``target``, ``dimension``, ``levels`` and ``share`` (of the variance of the
        estimates), largest first within a target.
    """
    column = value_column(scale)
    rows = []
    for target, sub in table.groupby("target", sort=False):
        y = sub[column].to_numpy(dtype=float)
        keep = np.isfinite(y)
        y = y[keep]
        sub = sub[keep]
        if len(y) < 2 or float(np.var(y)) == 0.0:
            continue
        dims = [d for d in dimensions if sub[d].nunique() > 1]
        dummies = {d: pd.get_dummies(sub[d], drop_first=True).to_numpy(dtype=float) for d in dims}
        r2: dict[frozenset[str], float] = {}
        for size in range(len(dims) + 1):
            for subset in itertools.combinations(dims, size):
                r2[frozenset(subset)] = _r2(y, [dummies[d] for d in subset])
        p = len(dims)
        parts = []
        for d in dims:
            others = [o for o in dims if o != d]
            value = 0.0
            for size in range(p):
                weight = math.factorial(size) * math.factorial(p - size - 1) / math.factorial(p)
                for subset in itertools.combinations(others, size):
                    s = frozenset(subset)
                    value += weight * (r2[s | {d}] - r2[s])
            # Shapley values of a dimension that explains nothing are 0 up to rounding
            parts.append(
                {
                    "target": target,
                    "dimension": d,
                    "levels": int(sub[d].nunique()),
                    "share": 0.0 if abs(value) < 1e-12 else value,
                }
            )
        parts.sort(key=lambda r: -r["share"])
        rows += parts
        rows.append(
            {
                "target": target,
                "dimension": "interactions and residual",
                "levels": 0,
                "share": 1.0 - r2[frozenset(dims)],
            }
        )
    return pd.DataFrame(rows, columns=["target", "dimension", "levels", "share"])
