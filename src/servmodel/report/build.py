"""Build a :class:`~servmodel.report.table.Table` from results: an immutable builder.

Every method of :class:`TableBuilder` returns a new builder, so a base table can be varied
(``base.stat("ci")``, ``base.drop("^mean\\(")``) without one variant leaking into another.
Nothing is rounded or laid out until :meth:`TableBuilder.build`.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from servmodel.errors import UsageError
from servmodel.format import count, pvalue, rounds_to_zero, stars, table_number
from servmodel.report.options import TableOptions
from servmodel.report.sources import ModelEntry, entry_from_result, hidden_term
from servmodel.report.table import Cell, Column, Panel, Row, Spanner, Table

log = logging.getLogger("servmodel.report")

FIT_LABELS: dict[str, str] = {
    "estimator": "Estimator",
    "dependent": "Dependent variable",
    "nobs": "Observations",
    "entities": "Entities",
    "clusters": "Clusters",
    "cov_type": "Std. errors",
    "r2_within": "R² within",
    "r2_overall": "R² overall",
    "elpd_loo": "elpd_loo (SE)",
    "p_loo": "p_loo",
    "max_rhat": "Max. R-hat",
    "min_ess": "Min. ESS (bulk)",
}
ENTITY_FE_LABEL = "Country × industry FE"
YEAR_FE_LABEL = "Year FE"

_STAT_WORDS = {
    "se": "standard errors in parentheses",
    "t": "t statistics in parentheses",
    "p": "p-values in parentheses",
}
_INTERVAL_WORDS = {"eti": "equal-tailed", "hdi": "highest-density"}


@dataclass(frozen=True)
class _PanelInput:
    title: str
    results: tuple[Any, ...]


class TableBuilder:
    """An immutable recipe for a table: results in panels, plus :class:`TableOptions`.

    Parameters
    ----------
    results
        Results for a single-panel table (``PanelResult``, ``BayesResult`` or
        :class:`~servmodel.report.sources.ModelEntry`), one column each.
    options
        Table options; the fluent methods below change them one at a time.

    Examples
    --------
    >>> table = (TableBuilder([fe, mundlak, bayes])
    ...          .labels({"tech_score:trend": "Technology x trend"})
    ...          .spanner("Fixed effects", 1, 2).spanner("Bayesian", 3, 3)
    ...          .title("Producer-service intensity").build())
    >>> print(render(table, "markdown"))
    """

    __slots__ = ("_options", "_panels")

    def __init__(
        self,
        results: Sequence[Any] = (),
        options: TableOptions | None = None,
    ) -> None:
        results = tuple(results)
        panels = (_PanelInput("", results),) if results else ()
        self._panels: tuple[_PanelInput, ...] = panels
        self._options = options or TableOptions()

    @classmethod
    def _make(cls, panels: tuple[_PanelInput, ...], options: TableOptions) -> TableBuilder:
        new = cls.__new__(cls)
        new._panels = panels
        new._options = options
        return new

    # --- accessors --------------------------------------------------------------------
    @property
    def options(self) -> TableOptions:
        """The current options."""
        return self._options

    @property
    def panel_titles(self) -> tuple[str, ...]:
        """Titles of the panels added so far."""
        return tuple(p.title for p in self._panels)

    # --- fluent changes ---------------------------------------------------------------
    def with_options(self, **changes: Any) -> TableBuilder:
        """A builder with some :class:`TableOptions` fields changed (validated again)."""
        return self._make(self._panels, dataclasses.replace(self._options, **changes))

    def panel(self, title: str, results: Sequence[Any]) -> TableBuilder:
        """Add a stacked panel (Panel A, Panel B, ...) holding ``results``, one per column.

        A titled panel cannot be mixed with the untitled panel of ``TableBuilder(results)``.
        """
        if not title.strip():
            raise UsageError("a stacked panel needs a title, e.g. 'Standard definition'")
        if any(not p.title for p in self._panels):
            raise UsageError(
                "results were given both outside and inside panels; put every result in a panel"
            )
        return self._make(
            (*self._panels, _PanelInput(title.strip(), tuple(results))), self._options
        )

    def labels(
        self, mapping: Mapping[str, str] | Iterable[tuple[str, str]], only: bool | None = None
    ) -> TableBuilder:
        """Rename terms (term -> label); the mapping's order is the rows' order.

        ``only=True`` keeps only the labelled terms.
        """
        pairs = tuple(mapping.items()) if isinstance(mapping, Mapping) else tuple(mapping)
        changes: dict[str, Any] = {"labels": self._options.labels + pairs}
        if only is not None:
            changes["labelled_only"] = only
        return self.with_options(**changes)

    def keep(self, *patterns: str) -> TableBuilder:
        """Keep only terms matching one of the regular expressions."""
        return self.with_options(keep=self._options.keep + patterns)

    def drop(self, *patterns: str) -> TableBuilder:
        """Drop terms matching any of the regular expressions."""
        return self.with_options(drop=self._options.drop + patterns)

    def stat(self, stat: str) -> TableBuilder:
        """What goes below panel estimates: ``se``, ``t``, ``p`` or ``ci``."""
        return self.with_options(stat=stat)

    def bayes_stat(self, stat: str) -> TableBuilder:
        """What goes below posterior means: ``ci`` or ``sd``."""
        return self.with_options(bayes_stat=stat)

    def digits(self, digits: int, mode: str = "decimals") -> TableBuilder:
        """Round to ``digits`` decimals (or significant digits with ``mode="significant"``)."""
        return self.with_options(digits=digits, digits_mode=mode)

    def stars(self, thresholds: Sequence[float] | None) -> TableBuilder:
        """Star thresholds, largest first; ``None`` or empty for no stars."""
        return self.with_options(stars=tuple(thresholds or ()))

    def fit(self, *keys: str) -> TableBuilder:
        """The summary rows, in order (see :data:`servmodel.report.options.FitKey`)."""
        return self.with_options(fit=tuple(keys))

    def titles(self, *titles: str) -> TableBuilder:
        """Column titles, one per column."""
        return self.with_options(titles=tuple(titles))

    def spanner(self, label: str, first: int, last: int) -> TableBuilder:
        """A group label over columns ``first``-``last`` (1-based, inclusive)."""
        return self.with_options(spanners=(*self._options.spanners, (label, first, last)))

    def title(self, title: str) -> TableBuilder:
        """The table's title (caption)."""
        return self.with_options(title=title)

    def label(self, label: str) -> TableBuilder:
        """Cross-reference label (LaTeX ``\\label``, HTML id)."""
        return self.with_options(label=label)

    def notes(self, *notes: str) -> TableBuilder:
        """Notes printed after the automatic ones."""
        return self.with_options(notes=self._options.notes + notes)

    # --- building ---------------------------------------------------------------------
    def build(self) -> Table:
        """Read the results and lay out the table.

        Raises
        ------
        UsageError
            No results; panels of different widths or with different model families in
            a column; a label, keep or drop pattern that matches no term; a term that two
            labels of one model would put in one row.
        """
        return _build(self._panels, self._options)


# -------------------------------------------------------------------------------------
def _entries(
    panels: tuple[_PanelInput, ...], opts: TableOptions
) -> list[tuple[str, list[ModelEntry]]]:
    if not panels or not any(p.results for p in panels):
        raise UsageError("no results to tabulate; give at least one result file")
    out = [(p.title, [entry_from_result(r, opts.level) for r in p.results]) for p in panels]
    width = len(out[0][1])
    for title, entries in out:
        if len(entries) != width:
            raise UsageError(
                f"panel {title!r} has {len(entries)} models and panel "
                f"{out[0][0]!r} has {width}; stacked panels need one model per "
                "column in every panel"
            )
    for j in range(width):
        families = {entries[j].family for _, entries in out}
        if len(families) > 1:
            raise UsageError(
                f"column {j + 1} mixes panel and Bayesian models across panels; "
                "put the same kind of model in a column (their notes differ)"
            )
    return out


def _compile(patterns: tuple[str, ...], what: str) -> list[re.Pattern[str]]:
    compiled = []
    for pat in patterns:
        try:
            compiled.append(re.compile(pat))
        except re.error as exc:
            raise UsageError(f"{what} pattern {pat!r} is not a regular expression: {exc}") from None
    return compiled


def _term_list(terms: Iterable[str], limit: int = 30) -> str:
    terms = list(terms)
    shown = ", ".join(terms[:limit])
    return shown + (f", ... ({len(terms) - limit} more)" if len(terms) > limit else "")


class _Selection:
    """Which terms of which model make rows, under which label, in which order."""

    def __init__(self, panels: list[tuple[str, list[ModelEntry]]], opts: TableOptions) -> None:
        self.opts = opts
        self.labels = dict(opts.labels)
        self.keep = _compile(opts.keep, "--keep")
        self.drop = _compile(opts.drop, "--drop")
        every = list(dict.fromkeys(t for _, es in panels for e in es for t in e.terms))
        # the message lists the terms a table shows by default first
        hidden = {
            t
            for _, es in panels
            for e in es
            if e.family == "bayes"
            for t in e.terms
            if hidden_term(t)
        }
        every = [t for t in every if t not in hidden] + [t for t in every if t in hidden]
        unknown = [repr(t) for t in self.labels if t not in every]
        if unknown:
            raise UsageError(
                f"label for {_term_list(unknown)} matches no term of the models; "
                f"their terms are: {_term_list(every)}"
            )
        for what, pats, raw in (("--keep", self.keep, opts.keep), ("--drop", self.drop, opts.drop)):
            for pat, text in zip(pats, raw, strict=True):
                if not any(pat.search(t) for t in every):
                    raise UsageError(
                        f"{what} pattern {text!r} matches no term of the models; "
                        f"their terms are: {_term_list(every)}"
                    )

    def shows(self, entry: ModelEntry, term: str) -> bool:
        if self.opts.labelled_only and term not in self.labels:
            return False
        kept = any(p.search(term) for p in self.keep)
        if self.keep and not kept:
            return False
        if any(p.search(term) for p in self.drop):
            return False
        if entry.family == "bayes" and not self.opts.all_terms and hidden_term(term):
            # asked for by name or pattern: shown; otherwise an internal or group effect
            return term in self.labels or kept
        return True

    def label(self, term: str) -> str:
        return self.labels.get(term, term)


def _row_order(panels: list[tuple[str, list[ModelEntry]]], sel: _Selection) -> list[str]:
    order = list(dict.fromkeys(sel.labels.values()))
    for _, entries in panels:
        for e in entries:
            for t in e.terms:
                if sel.shows(e, t):
                    lab = sel.label(t)
                    if lab not in order:
                        order.append(lab)
    return order


def _coef_cells(entry: ModelEntry, row: Any, opts: TableOptions) -> tuple[Cell, Cell]:
    d, mode = opts.digits, opts.digits_mode
    if entry.family == "bayes":
        est = Cell(
            table_number(row.estimate, d, mode),
            quantity="posterior_mean",
            value=float(row.estimate),
        )
        if opts.bayes_stat == "sd":
            unc = Cell(
                table_number(row.std_error, d, mode),
                "()",
                quantity="posterior_sd",
                value=float(row.std_error),
            )
        else:
            unc = _interval(row.conf_low, row.conf_high, d, mode, "credible_int")
        return est, unc
    est = Cell(
        table_number(row.estimate, d, mode),
        stars=stars(row.p_value, opts.stars) if opts.stars else "",
        quantity="estimate",
        value=float(row.estimate),
    )
    if opts.stat == "se":
        unc = Cell(
            table_number(row.std_error, d, mode),
            "()",
            quantity="std_error",
            value=float(row.std_error),
        )
    elif opts.stat == "t":
        unc = Cell(
            table_number(row.statistic, d, mode),
            "()",
            quantity="statistic",
            value=float(row.statistic),
        )
    elif opts.stat == "p":
        unc = Cell(pvalue(row.p_value, d), "()", quantity="p_value", value=float(row.p_value))
    else:
        unc = _interval(row.conf_low, row.conf_high, d, mode, "conf_int")
    return est, unc


def _interval(low: float, high: float, d: int, mode: str, quantity: str) -> Cell:
    lo, hi = table_number(low, d, mode), table_number(high, d, mode)  # type: ignore[arg-type]
    text = f"{lo}, {hi}" if lo and hi else ""
    return Cell(text, "[]", quantity=quantity, low=float(low), high=float(high))


def _fit_cell(entry: ModelEntry, key: str, opts: TableOptions) -> Cell:
    if key == "estimator":
        return Cell(entry.estimator, quantity=key)
    if key == "dependent":
        return Cell(entry.dependent, quantity=key)
    value = entry.facts.get(key)
    if value is None:
        return Cell()
    if key in ("nobs", "entities"):
        return Cell(count(value), quantity=key, value=float(value))
    if key == "clusters":
        counts = [n for _, n in value]
        return Cell(" × ".join(count(n) for n in counts), quantity=key, value=float(counts[0]))
    if key == "cov_type":
        text = str(value)
        return Cell(text[:1].upper() + text[1:], quantity=key)
    if key in ("r2_within", "r2_overall"):
        # R-squared reads in decimals whatever the coefficients' rounding
        return Cell(table_number(value, opts.digits), quantity=key, value=float(value))
    if key == "elpd_loo":
        elpd, se = value
        text = (
            f"{table_number(elpd, 1)} ({table_number(se, 1)})"
            if math.isfinite(se)
            else table_number(elpd, 1)
        )
        return Cell(text, quantity=key, value=elpd, error=se)
    if key == "p_loo":
        return Cell(table_number(value, 1), quantity=key, value=float(value))
    if key == "max_rhat":
        return Cell(table_number(value, 3), quantity=key, value=float(value))
    if key == "min_ess":
        return Cell(count(value), quantity=key, value=float(value))
    raise AssertionError(key)  # pragma: no cover - TableOptions validates the keys


def _summary_rows(entries: list[ModelEntry], opts: TableOptions) -> list[Row]:
    rows: list[Row] = []
    if opts.fe_rows and any(e.family == "panel" for e in entries):
        for label, attr in ((ENTITY_FE_LABEL, "entity_fe"), (YEAR_FE_LABEL, "year_fe")):
            cells = tuple(Cell(getattr(e, attr), quantity=attr) for e in entries)
            rows.append(Row(label, cells, "indicator", term=label))
    for key in opts.fit:
        cells = tuple(_fit_cell(e, key, opts) for e in entries)
        if any(not c.empty for c in cells):
            rows.append(Row(FIT_LABELS[key], cells, "fit", term=FIT_LABELS[key]))
    return rows


def _panel_rows(
    entries: list[ModelEntry],
    order: list[str],
    sel: _Selection,
    opts: TableOptions,
    tiny: list[str],
) -> list[Row]:
    by_label: list[dict[str, Any]] = []
    for e in entries:
        mapping: dict[str, Any] = {}
        for row in e.coefs.itertuples(index=False):
            if not sel.shows(e, row.term):
                continue
            lab = sel.label(row.term)
            if lab in mapping:
                raise UsageError(
                    f"model {e.name!r}: terms {mapping[lab].term!r} and "
                    f"{row.term!r} would both go in row {lab!r}; give them "
                    "different labels or drop one"
                )
            mapping[lab] = row
        by_label.append(mapping)
    rows: list[Row] = []
    for lab in order:
        if not any(lab in m for m in by_label):
            continue
        est_cells, unc_cells, terms = [], [], []
        for e, m in zip(entries, by_label, strict=True):
            if lab not in m:
                est_cells.append(Cell())
                unc_cells.append(Cell())
                terms.append("")
                continue
            r = m[lab]
            est, unc = _coef_cells(e, r, opts)
            if rounds_to_zero(r.estimate, opts.digits, opts.digits_mode):
                tiny.append(f"{e.name}: {r.term}")
            est_cells.append(est)
            unc_cells.append(unc)
            terms.append(r.term)
        rows.append(Row(lab, tuple(est_cells), "estimate", term=lab, terms=tuple(terms)))
        rows.append(Row("", tuple(unc_cells), "uncertainty", term=lab, terms=tuple(terms)))
    return rows


def _column_refs(cols: list[int]) -> str:
    """``Column (3)`` or ``Columns (1)-(2), (4)`` for 1-based column numbers."""
    runs: list[tuple[int, int]] = []
    for c in sorted(cols):
        if runs and c == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], c)
        else:
            runs.append((c, c))
    parts = [f"({a})" if a == b else f"({a})-({b})" for a, b in runs]
    return ("Column " if len(cols) == 1 else "Columns ") + ", ".join(parts)


def _threshold(t: float) -> str:
    decimals = max(2, len(repr(t).split(".")[-1])) if "e" not in repr(t) else 6
    return f"{t:.{decimals}f}"


def _notes(
    columns: list[Column], panels: list[tuple[str, list[ModelEntry]]], opts: TableOptions
) -> list[str]:
    panel_cols = [c.number for c in columns if c.family == "panel"]
    bayes_cols = [c.number for c in columns if c.family == "bayes"]
    mixed = bool(panel_cols and bayes_cols)
    notes = []
    if panel_cols:
        words = (
            _STAT_WORDS[opts.stat]
            if opts.stat != "ci"
            else f"{opts.level:.0%} confidence intervals in brackets"
        )
        text = f"Estimates with {words}"
        if opts.stars:
            marks = ", ".join(
                f"{'*' * (k + 1)} p < {_threshold(t)}" for k, t in enumerate(opts.stars)
            )
            text += f"; {marks} (two-sided)"
        notes.append(
            (f"{_column_refs(panel_cols)}: {text[0].lower()}{text[1:]}" if mixed else text) + "."
        )
    if bayes_cols:
        if opts.bayes_stat == "sd":
            words = "posterior standard deviations in parentheses"
        else:
            kinds = {e.interval for _, es in panels for e in es if e.family == "bayes"}
            if len(kinds) == 1:
                kind, level = next(iter(kinds))  # type: ignore[misc]
                words = (
                    f"{level:.0%} {_INTERVAL_WORDS.get(kind, kind)} credible intervals in brackets"
                )
            else:
                words = "credible intervals in brackets (levels differ by model)"
        text = (
            f"Posterior means with {words}; no significance stars, as a posterior "
            "summary is not a test"
        )
        notes.append(
            (f"{_column_refs(bayes_cols)}: {text[0].lower()}{text[1:]}" if mixed else text) + "."
        )
        failed = sorted(
            {
                j + 1
                for _, es in panels
                for j, e in enumerate(es)
                if e.family == "bayes" and e.converged is False
            }
        )
        if failed:
            notes.append(
                f"{_column_refs(failed)}: convergence checks failed (R-hat, effective "
                "sample size or divergences); treat these estimates as provisional."
            )
    return notes


def _columns(panels: list[tuple[str, list[ModelEntry]]], opts: TableOptions) -> list[Column]:
    width = len(panels[0][1])
    if opts.titles is not None and len(opts.titles) != width:
        raise UsageError(
            f"{len(opts.titles)} column titles for {width} columns; give one title per column"
        )
    cols = []
    for j in range(width):
        names = tuple(es[j].name for _, es in panels)
        title = opts.titles[j] if opts.titles is not None else " / ".join(dict.fromkeys(names))
        cols.append(Column(title, j + 1, panels[0][1][j].family, names))
    for label, _, last in opts.spanners:
        if last > width:
            raise UsageError(f"spanner {label!r} reaches column {last}; the table has {width}")
    return cols


def _build(inputs: tuple[_PanelInput, ...], opts: TableOptions) -> Table:
    panels = _entries(inputs, opts)
    columns = _columns(panels, opts)  # checked first: a bad title fails before any warning
    sel = _Selection(panels, opts)
    order = _row_order(panels, sel)
    if not order:
        raise UsageError("no term is left to show after --keep/--drop; loosen the patterns")
    tiny: list[str] = []
    built = []
    for k, (title, entries) in enumerate(panels):
        rows = _panel_rows(entries, order, sel, opts, tiny)
        rows += _summary_rows(entries, opts)
        name = f"Panel {chr(ord('A') + k)}: {title}" if title and len(panels) > 1 else title
        if title and len(panels) > 1 and title.lower().startswith("panel "):
            name = title
        built.append(Panel(name, tuple(rows)))
    if tiny:
        unit = "decimals" if opts.digits_mode == "decimals" else "significant digits"
        log.warning(
            "%d estimate(s) print as zero with %d %s (%s); use more digits or significant digits",
            len(tiny),
            opts.digits,
            unit,
            _term_list(tiny, 5),
        )
    spanners = tuple(
        Spanner(lab, a - 1, b - 1) for lab, a, b in sorted(opts.spanners, key=lambda s: s[1])
    )
    notes = (*_notes(columns, panels, opts), *opts.notes)
    return Table(
        columns=tuple(columns),
        panels=tuple(built),
        spanners=spanners,
        title=opts.title,
        label=opts.label,
        notes=notes,
        numbered=opts.numbers,
    )
