"""The outcome of a sensitivity run: every specification with its choices and estimate."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from servmodel._fileio import write_table
from servmodel.sensitivity.choices import DIMENSIONS
from servmodel.sensitivity.expand import Point
from servmodel.sensitivity.grid import Grid
from servmodel.sensitivity.jobs import Outcome
from servmodel.sensitivity.summary import by_choice, decompose, summarize

# the tables :meth:`SensitivityResult.write` writes, as NAME.csv
TABLE_NAMES = ("specifications", "skipped", "summary", "by_choice", "decomposition")

TABLE_COLUMNS: tuple[str, ...] = (
    "spec_id",
    "target",
    "term",
    *DIMENSIONS,
    "sample_detail",
    "formula",
    "dropped_terms",
    "estimate",
    "std_error",
    "statistic",
    "p_value",
    "conf_low",
    "conf_high",
    "df",
    "nobs",
    "sd_y",
    "estimate_sd",
    "conf_low_sd",
    "conf_high_sd",
    "engine",
)
SKIPPED_COLUMNS: tuple[str, ...] = (
    "spec_id",
    "target",
    "term",
    *DIMENSIONS,
    "sample_detail",
    "stage",
    "reason",
)


def inference_columns(
    estimate: np.ndarray, std_error: np.ndarray, df: np.ndarray, level: float
) -> dict[str, np.ndarray]:
    """Statistic, two-sided p-value and interval of each row, with a t distribution where
    ``df`` is finite and the normal elsewhere (as :class:`servmodel.results.Inference`)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = estimate / std_error
    t_rows = np.isfinite(df)
    q = 0.5 + level / 2.0
    p = np.where(
        t_rows,
        2.0 * stats.t.sf(np.abs(stat), np.where(t_rows, df, 1.0)),
        2.0 * stats.norm.sf(np.abs(stat)),
    )
    crit = np.where(t_rows, stats.t.ppf(q, np.where(t_rows, df, 1.0)), stats.norm.ppf(q))
    return {
        "statistic": stat,
        "p_value": p,
        "conf_low": estimate - crit * std_error,
        "conf_high": estimate + crit * std_error,
    }


@dataclass(frozen=True)
class RunStats:
    """What a run did.

    Attributes
    ----------
    specifications
        Cells of the grid.
    skipped_before
        Cells skipped before fitting (with a stated reason).
    cached
        Specifications whose results came from the cache.
    computed
        Specifications estimated in this run.
    seconds
        Wall time of the estimation (expansion and cache reading included).
    """

    specifications: int
    skipped_before: int
    cached: int
    computed: int
    seconds: float


@dataclass(frozen=True, eq=False)
class SensitivityResult:
    """Every specification of a grid with its estimate, or why it has none.

    Attributes
    ----------
    grid
        The grid that was run.
    points
        Its specifications, in grid order.
    outcomes
        The outcome of each estimated point, by its key.
    stats
        Counts and timing of the run.
    """

    grid: Grid
    points: tuple[Point, ...]
    outcomes: Mapping[str, Outcome]
    stats: RunStats

    @property
    def level(self) -> float:
        """Confidence level of the intervals."""
        return self.grid.base.level

    def table(self) -> pd.DataFrame:
        """One row per estimated specification (columns :data:`TABLE_COLUMNS`).

        ``estimate_sd`` and its interval are the estimate divided by the standard
        deviation of the dependent variable in the specification's sample: the effect in
        standard deviations of the outcome, comparable across measures and transforms.
        """
        return self._table.copy()

    @cached_property
    def _table(self) -> pd.DataFrame:
        rows: list[dict[str, Any]] = []
        for p in self.points:
            o = self.outcomes.get(p.key) if p.skip is None else None
            if o is None or not o.ok:
                continue
            assert p.spec is not None
            rows.append(
                {
                    "spec_id": p.key[:12],
                    "target": p.target,
                    "term": p.term,
                    **p.choices,
                    "sample_detail": p.sample_detail,
                    "formula": p.spec.formula,
                    "dropped_terms": "; ".join(p.dropped_terms),
                    "estimate": o.estimate,
                    "std_error": o.std_error,
                    "df": math.nan if o.df is None else o.df,
                    "nobs": o.nobs,
                    "sd_y": o.sd_y,
                    "engine": o.engine,
                }
            )
        frame = pd.DataFrame(
            rows,
            columns=[
                c
                for c in TABLE_COLUMNS
                if c
                not in (
                    "statistic",
                    "p_value",
                    "conf_low",
                    "conf_high",
                    "estimate_sd",
                    "conf_low_sd",
                    "conf_high_sd",
                )
            ],
        )
        est = frame["estimate"].to_numpy(dtype=float)
        inf = inference_columns(
            est,
            frame["std_error"].to_numpy(dtype=float),
            frame["df"].to_numpy(dtype=float),
            self.level,
        )
        for k, v in inf.items():
            frame[k] = v
        sd = frame["sd_y"].to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            frame["estimate_sd"] = est / sd
            frame["conf_low_sd"] = frame["conf_low"].to_numpy(dtype=float) / sd
            frame["conf_high_sd"] = frame["conf_high"].to_numpy(dtype=float) / sd
        frame["nobs"] = frame["nobs"].astype(np.int64)
        return frame[list(TABLE_COLUMNS)]

    def skipped(self) -> pd.DataFrame:
        """One row per specification not estimated: ``stage`` ``grid`` (known before
        fitting) or ``estimation``, and the ``reason``."""
        rows = []
        for p in self.points:
            if p.skip is not None:
                stage, reason = "grid", p.skip
            else:
                o = self.outcomes.get(p.key)
                if o is not None and o.ok:
                    continue
                stage = "estimation"
                reason = o.reason if o is not None else "not computed (the run was stopped)"
            rows.append(
                {
                    "spec_id": p.key[:12],
                    "target": p.target,
                    "term": p.term,
                    **p.choices,
                    "sample_detail": p.sample_detail,
                    "stage": stage,
                    "reason": reason,
                }
            )
        return pd.DataFrame(rows, columns=list(SKIPPED_COLUMNS))

    def skip_reasons(self) -> pd.DataFrame:
        """Skipped specifications counted by target, stage and reason, most frequent
        first."""
        skipped = self.skipped()
        counts = Counter(zip(skipped["target"], skipped["stage"], skipped["reason"], strict=True))
        rows = [
            {"target": t, "stage": s, "reason": r, "specifications": n}
            for (t, s, r), n in counts.most_common()
        ]
        return pd.DataFrame(rows, columns=["target", "stage", "reason", "specifications"])

    @property
    def varied(self) -> tuple[str, ...]:
        """Dimensions with more than one choice."""
        return self.grid.varied

    def summary(self, alpha: float = 0.05) -> pd.DataFrame:
        """:func:`~servmodel.sensitivity.summary.summarize` of the table on the grid's
        scale, with the number of skipped specifications of each target."""
        out = summarize(self.table(), self.grid.scale, alpha)
        skipped = self.skipped()["target"].value_counts()
        out.insert(3, "skipped", [int(skipped.get(t, 0)) for t in out["target"]])
        labels = {t.name: t.label for t in self.grid.targets}
        out.insert(1, "label", [labels[t] for t in out["target"]])
        return out

    def by_choice(self, alpha: float = 0.05) -> pd.DataFrame:
        """The median estimate under each choice (see
        :func:`~servmodel.sensitivity.summary.by_choice`)."""
        return by_choice(self.table(), self.varied, self.grid.scale, alpha)

    def decomposition(self) -> pd.DataFrame:
        """Variance of the estimates by dimension (see
        :func:`~servmodel.sensitivity.summary.decompose`)."""
        return decompose(self.table(), self.varied, self.grid.scale)

    def write(self, out: str | Path) -> dict[str, Path]:
        """Write the tables to the directory ``out`` (atomically, file by file).

        Returns
        -------
        dict
            Paths by name: ``specifications``, ``skipped``, ``summary``, ``by_choice``,
            ``decomposition`` (CSV files).
        """
        d = Path(out)
        tables = {
            "specifications": self.table(),
            "skipped": self.skipped(),
            "summary": self.summary(),
            "by_choice": self.by_choice(),
            "decomposition": self.decomposition(),
        }
        assert tuple(tables) == TABLE_NAMES
        return {name: write_table(frame, d / f"{name}.csv") for name, frame in tables.items()}
