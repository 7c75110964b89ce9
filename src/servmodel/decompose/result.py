"""The typed result of a decomposition and its tidy form."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

TIDY_COLUMNS: tuple[str, ...] = (
    "country",
    "comparator",
    "definition",
    "measure",
    "start",
    "end",
    "component",
    "industry",
    "value",
)
ALL = "all"  # the ``industry`` of the economy-level sum
# additive components (per industry, they add up to ``change`` / ``gap``)
WITHIN, COMPOSITION = "within", "composition"
CHAINED = ("within_chained", "composition_chained")
# components of the sourcing split of ``direct`` and of the structural decomposition
SOURCING_COMPONENTS = (
    "within_domestic",
    "within_foreign",
    "composition_domestic",
    "composition_foreign",
)
SDA_PREFIX = "within_sda_"
# the largest relative residual accepted as rounding: every additive identity holds to it
TOLERANCE = 1e-12


@dataclass(frozen=True, eq=False)
class Decomposition:
    """A change over time, or a gap between economies, split into within and composition.

    Base and target: for a change over time the start and the end year; for a gap the
    comparator and the economy, in one year (``start == end``).

    Attributes
    ----------
    country
        The economy decomposed.
    comparator
        ``""`` for a change over time; else an economy code or a group (``oecd``,
        ``non_oecd``, ``all``: the other economies of that group in that year).
    definition, measure
        Producer-service definition and measure.
    start, end
        Years (equal for a gap).
    base_level, level
        Output-weighted manufacturing aggregates of the base and the target.
    industries
        One row per industry: ``weight0``, ``weight1`` (output shares), ``intensity0``,
        ``intensity1`` (with the stand-in for a missing value, see
        :mod:`servmodel.decompose.shift_share`), ``present0``, ``present1``, and the
        contributions ``change``, ``within``, ``composition`` and, where computed, the
        chained, sourcing and structural parts (column names as in :meth:`tidy`).
    steps
        For a change over time, the yearly split over consecutive years of the panel
        (columns ``start, end, level0, level1, within, composition``), whose sums are the
        chained form; empty for a gap.
    sda_parts
        Names of the structural-decomposition parts (empty when not computed).
    """

    country: str
    comparator: str
    definition: str
    measure: str
    start: int
    end: int
    base_level: float
    level: float
    industries: pd.DataFrame
    steps: pd.DataFrame = field(default_factory=pd.DataFrame)
    sda_parts: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        """``change`` (over time) or ``gap`` (against a comparator)."""
        return "gap" if self.comparator else "change"

    @property
    def change(self) -> float:
        """``level - base_level``: the change over time, or the gap to the comparator."""
        return float(self.level - self.base_level)

    @property
    def within(self) -> float:
        """Sum of the within contributions."""
        return float(self.industries[WITHIN].sum())

    @property
    def composition(self) -> float:
        """Sum of the composition contributions."""
        return float(self.industries[COMPOSITION].sum())

    @property
    def has_sourcing(self) -> bool:
        return SOURCING_COMPONENTS[0] in self.industries.columns

    @property
    def has_chained(self) -> bool:
        return CHAINED[0] in self.industries.columns

    def totals(self) -> dict[str, float]:
        """Economy-level value of every component (as in the ``all`` rows of :meth:`tidy`)."""
        if self.kind == "change":
            out = {
                "level_start": float(self.base_level),
                "level_end": float(self.level),
                "change": self.change,
            }
        else:
            out = {
                "level_comparator": float(self.base_level),
                "level_country": float(self.level),
                "gap": self.change,
            }
        for col in self._components():
            out[col] = float(self.industries[col].sum())
        return out

    def _components(self) -> list[str]:
        """The additive columns of :attr:`industries`, in output order."""
        cols = [WITHIN, COMPOSITION]
        if self.has_chained:
            cols += list(CHAINED)
        if self.has_sourcing:
            cols += list(SOURCING_COMPONENTS)
        cols += [SDA_PREFIX + p for p in self.sda_parts]
        return cols

    def additivity_groups(self) -> list[tuple[str, list[str]]]:
        """Each identity the components satisfy: (column of :attr:`industries`, columns that
        add up to it); ``change`` is the gap for a gap."""
        groups = [("change", [WITHIN, COMPOSITION])]
        if self.has_chained:
            groups.append(("change", list(CHAINED)))
        if self.has_sourcing:
            groups += [
                (WITHIN, ["within_domestic", "within_foreign"]),
                (COMPOSITION, ["composition_domestic", "composition_foreign"]),
            ]
        if self.sda_parts:
            groups.append((WITHIN, [SDA_PREFIX + p for p in self.sda_parts]))
        return groups

    def max_residual(self) -> float:
        """Largest relative residual of the additive identities, over the economy and every
        industry: |total - sum of parts| / largest absolute term of the identity."""
        per = self.industries
        sums = {c: float(per[c].sum()) for c in self._components()}
        sums["change"] = self.change  # the difference of the two aggregates
        worst = 0.0
        for total, parts in self.additivity_groups():
            cases = [np.array([sums[total], *(sums[p] for p in parts)])]
            cases += list(per[[total, *parts]].to_numpy(dtype=float))
            for terms in cases:
                scale = np.max(np.abs(terms))
                if scale > 0:
                    worst = max(worst, abs(terms[0] - terms[1:].sum()) / scale)
        return float(worst)

    def tidy(self) -> pd.DataFrame:
        """The decomposition as rows of :data:`TIDY_COLUMNS`.

        ``industry`` is ``all`` for the economy: the aggregates (``level_start``,
        ``level_end`` or ``level_comparator``, ``level_country``), ``change`` or ``gap``,
        and the sum of each component; then each industry's contributions (``change`` or
        ``gap``: ``w1 a1 - w0 a0``, and the components).
        """
        totals = self.totals()
        rows: list[tuple[str, str, float]] = [(name, ALL, value) for name, value in totals.items()]
        total_name = "change" if self.kind == "change" else "gap"
        per = self.industries
        for col, name in (("change", total_name),) + tuple((c, c) for c in self._components()):
            rows += [
                (name, str(i), float(v)) for i, v in zip(per["industry"], per[col], strict=True)
            ]
        frame = pd.DataFrame(rows, columns=["component", "industry", "value"])
        head = {
            "country": self.country,
            "comparator": self.comparator,
            "definition": self.definition,
            "measure": self.measure,
            "start": np.int64(self.start),
            "end": np.int64(self.end),
        }
        for k, (col, value) in enumerate(head.items()):
            frame.insert(k, col, value)
        return frame[list(TIDY_COLUMNS)]

    def __repr__(self) -> str:
        what = (
            f"{self.start}-{self.end}"
            if self.kind == "change"
            else f"vs {self.comparator} {self.end}"
        )
        return (
            f"Decomposition({self.country} {what}, {self.definition} {self.measure}: "
            f"{self.kind} {self.change:+.6f} = within {self.within:+.6f} + composition "
            f"{self.composition:+.6f})"
        )


def tidy_frame(results: list[Decomposition]) -> pd.DataFrame:
    """The tidy rows of several decompositions, stacked."""
    if not results:
        return pd.DataFrame(columns=list(TIDY_COLUMNS))
    return pd.concat([r.tidy() for r in results], ignore_index=True)
