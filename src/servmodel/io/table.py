"""The validated input-output table that every later stage reads."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from servmodel.errors import DataError


def _readonly(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=np.float64, copy=True)
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class IOTable:
    """One year of a (multi-regional or national) input-output table, validated on entry.

    Rows and columns of ``Z`` are country-industries in country-major order: the first
    ``len(industries)`` entries belong to ``countries[0]``, and so on. A national table is the
    case of a single country.

    Parameters
    ----------
    Z
        Intermediate flows, shape (n, n); row = supplying, column = using country-industry.
    F
        Final demand, shape (n, len(countries) * len(final_categories)), country-major.
    x
        Gross output, shape (n,).
    countries, industries, final_categories
        Labels; each must be unique.
    year
        Year of the table.
    source
        Where the table came from (a file name), used in error messages.

    Raises
    ------
    DataError
        If shapes disagree, labels repeat, values are not finite, intermediate flows are
        negative or gross output is negative. The message names the source, year and position.
    """

    Z: np.ndarray
    F: np.ndarray
    x: np.ndarray
    countries: tuple[str, ...]
    industries: tuple[str, ...]
    final_categories: tuple[str, ...]
    year: int
    source: str = field(default="<memory>")

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "countries", tuple(str(c) for c in self.countries))
        set_(self, "industries", tuple(str(i) for i in self.industries))
        set_(self, "final_categories", tuple(str(f) for f in self.final_categories))
        set_(self, "year", int(self.year))
        where = f"{self.source} (year {self.year})"
        for name, labels in (
            ("countries", self.countries),
            ("industries", self.industries),
            ("final_categories", self.final_categories),
        ):
            if len(labels) == 0 and name != "final_categories":
                raise DataError(f"{where}: no {name}; the table needs at least one")
            seen: set[str] = set()
            for lab in labels:
                if lab in seen:
                    raise DataError(
                        f"{where}: {name} label {lab!r} appears twice; labels must be unique"
                    )
                seen.add(lab)
        n = len(self.countries) * len(self.industries)
        Z = np.asarray(self.Z)
        F = np.asarray(self.F)
        x = np.asarray(self.x)
        n_fd = len(self.countries) * len(self.final_categories)
        if Z.shape != (n, n):
            raise DataError(
                f"{where}: Z has shape {Z.shape}, expected ({n}, {n}) for "
                f"{len(self.countries)} countries x {len(self.industries)} industries"
            )
        if F.ndim != 2 or F.shape != (n, n_fd):
            raise DataError(
                f"{where}: F has shape {F.shape}, expected ({n}, {n_fd}) for "
                f"{len(self.countries)} countries x {len(self.final_categories)} categories"
            )
        if x.shape != (n,):
            raise DataError(f"{where}: x has shape {x.shape}, expected ({n},)")
        for name, arr in (("Z", Z), ("F", F), ("x", x)):
            if not np.issubdtype(arr.dtype, np.number):
                raise DataError(f"{where}: {name} holds non-numeric values ({arr.dtype})")
            bad = ~np.isfinite(arr)
            if bad.any():
                pos = np.argwhere(bad)[0]
                raise DataError(
                    f"{where}: {name} has a non-finite value (NaN or inf) at "
                    f"{self._describe(name, pos)}; fix or remove that cell"
                )
        if (Z < 0).any():
            pos = np.argwhere(Z < 0)[0]
            raise DataError(
                f"{where}: negative intermediate flow {Z[tuple(pos)]:g} at "
                f"{self._describe('Z', pos)}; intermediate flows must be >= 0"
            )
        if (x < 0).any():
            pos = np.argwhere(x < 0)[0]
            raise DataError(
                f"{where}: negative gross output {x[pos[0]]:g} at "
                f"{self._describe('x', pos)}; gross output must be >= 0"
            )
        set_(self, "Z", _readonly(Z))
        set_(self, "F", _readonly(F))
        set_(self, "x", _readonly(x))

    # ------------------------------------------------------------------ labels
    @property
    def n_countries(self) -> int:
        """Number of countries (regions) in the table."""
        return len(self.countries)

    @property
    def n_industries(self) -> int:
        """Number of industries per country."""
        return len(self.industries)

    def label(self, index: int) -> tuple[str, str]:
        """Return ``(country, industry)`` of row/column ``index``."""
        c, i = divmod(int(index), self.n_industries)
        return self.countries[c], self.industries[i]

    def _describe(self, name: str, pos: np.ndarray) -> str:
        if name == "x":
            country, industry = self.label(pos[0])
            return f"x[{country} {industry}]"
        r = self.label(pos[0])
        if name == "Z":
            col = self.label(pos[1])
            return f"Z[row {r[0]} {r[1]}, column {col[0]} {col[1]}]"
        c, k = divmod(int(pos[1]), max(len(self.final_categories), 1))
        return f"F[row {r[0]} {r[1]}, column {self.countries[c]} {self.final_categories[k]}]"

    def __repr__(self) -> str:
        return (
            f"IOTable(year={self.year}, countries={self.n_countries}, "
            f"industries={self.n_industries}, source={self.source!r})"
        )
