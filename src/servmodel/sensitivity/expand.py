"""From a grid and a panel to the list of specifications: the crossing of the choices.

Each cell of the grid becomes a :class:`Point`: the choices, the model spec they imply and
its hash, or the reason it is not estimated. Reasons known before any fitting are stated
here (a target that an estimator cannot identify, an option combination that a model spec
refuses, a sample that leaves no country, a cell identical to an earlier one); the others
come from the engine.

Samples are resolved against the panel: groups (``oecd_last_year``) and leave-one-out samples
become explicit country lists, so that the hash of a specification names the rows it uses
(and not the name of the group).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from servmodel._memo import remembered
from servmodel.errors import EstimationError, SpecError
from servmodel.frequentist.arrays import panel_arrays
from servmodel.intensity import IntensityPanel
from servmodel.sensitivity.choices import (
    DIMENSIONS,
    ESTIMATORS,
    absorbed_by,
    absorbed_term,
    cov_options,
    formula_for,
    sample_choice,
)
from servmodel.sensitivity.grid import Base, Grid, Target
from servmodel.spec import DataSelection, DependentSpec, FrequentistOptions, ModelSpec
from servmodel.spec.select import PanelCodes, select_rows

# Bump when a change to the estimation code changes any number, so that cached results of
# older versions are not reused.
ENGINE_VERSION = "1"
SOURCE = "grid"


@dataclass(frozen=True)
class Point:
    """One specification of the grid.

    Attributes
    ----------
    target
        The target's name.
    choices
        The choice of every dimension (the ``sample`` as written in the grid, e.g.
        ``loo``).
    sample_detail
        The sample in words (``without KOR`` for one leave-one-out specification).
    term
        The coefficient reported.
    key
        Hash of the specification, the panel and the engine version (the cache key).
    spec
        The model spec, or ``None`` when the point is skipped before fitting.
    dropped_terms
        Terms of the target's formula that the estimator cannot identify, left out.
    skip
        Why the point is not estimated (``None``: it is).
    """

    target: str
    choices: Mapping[str, str]
    sample_detail: str
    term: str
    key: str
    spec: ModelSpec | None = None
    dropped_terms: tuple[str, ...] = ()
    skip: str | None = None


@dataclass(frozen=True)
class _Sample:
    """A resolved sample: countries (``("all",)`` when every country) and years."""

    choice: str
    detail: str
    countries: tuple[str, ...] | None
    years: tuple[int, ...] | None
    skip: str | None = None


def expand_grid(grid: Grid, panel: IntensityPanel) -> list[Point]:
    """Every specification of ``grid`` on ``panel``, in grid order.

    Raises
    ------
    SpecError
        A definition, country or industry that the panel does not hold (the message names
        the grid file and lists what the panel holds).
    """
    codes = panel_arrays(panel).codes
    _check_definitions(grid, codes)
    fingerprint = panel.fingerprint()
    sections = _Sections(grid.base)
    points: list[Point] = []
    seen: dict[str, Point] = {}
    for target in grid.targets:
        choices = grid.choices_for(target)
        samples = [
            s for choice in choices["sample"] for s in _resolve_samples(grid, target, choice, codes)
        ]
        order = [d for d in DIMENSIONS if d != "sample"]
        for combo in itertools.product(*(choices[d] for d in order)):
            chosen = dict(zip(order, combo, strict=True))
            for sample in samples:
                point = _point(
                    grid, target, {**chosen, "sample": sample.choice}, sample, fingerprint, sections
                )
                if point.skip is None:
                    first = seen.get(point.key)
                    if first is not None:
                        point = _duplicate(point, first)
                    else:
                        seen[point.key] = point
                points.append(point)
    return points


def _check_definitions(grid: Grid, codes: PanelCodes) -> None:
    held = codes.definition.labels
    for target in grid.targets:
        for d in grid.choices_for(target)["definition"]:
            if d not in held:
                raise SpecError(
                    f"{grid.source}: [dimensions] definition: {d!r} is not in the "
                    f"panel, which holds {', '.join(held)}; build a panel with "
                    "that definition (servmodel data build --definition ...) and "
                    "pass it with --panel"
                )


def _countries(
    grid: Grid,
    codes: PanelCodes,
    countries: tuple[str, ...],
    years: tuple[int, ...] | None,
    where: str,
) -> tuple[str, ...]:
    """The countries that ``countries`` (codes and groups) name in those years."""
    sel = DataSelection(
        definition=codes.definition.labels[0],
        countries=countries,
        years=years,
        industries=grid.base.industries,
    )
    try:
        return select_rows(codes, sel, f"{grid.source}: {where}").countries
    except EstimationError:
        return ()


def _resolve_samples(grid: Grid, target: Target, choice: str, codes: PanelCodes) -> list[_Sample]:
    """The samples a ``sample`` choice gives for ``target`` (several for ``loo``)."""
    where = f"[[targets]] {target.name!r}"
    parsed = sample_choice(choice, f"{grid.source}: [dimensions] sample")
    years = target.years
    if parsed.kind == "years":
        years = tuple(sorted(set(parsed.years or ()) & set(years))) if years else parsed.years
        if not years:
            return [
                _Sample(
                    choice,
                    choice,
                    None,
                    None,
                    skip=f"the window {choice} has no year of target {target.name}'s years",
                )
            ]
    everyone = set(_countries(grid, codes, ("all",), years, where))
    base = set(_countries(grid, codes, target.countries, years, where))

    def make(countries: set[str], detail: str) -> _Sample:
        if not countries:
            return _Sample(
                choice,
                detail,
                None,
                years,
                skip=f"sample '{detail}' leaves no country of the target",
            )
        listed = ("all",) if countries == everyone else tuple(sorted(countries))
        return _Sample(choice, detail, listed, years)

    if parsed.kind == "group":
        group = set(_countries(grid, codes, (parsed.group,), years, "[dimensions] sample"))
        return [make(base & group, choice)]
    if parsed.kind == "years":
        return [make(base, choice)]
    if parsed.kind == "without":
        unknown = [c for c in parsed.countries if c not in everyone]
        if unknown:
            raise SpecError(
                f"{grid.source}: [dimensions] sample {choice!r}: "
                f"{', '.join(unknown)} not in the panel; it holds "
                f"{', '.join(sorted(everyone))}"
            )
        return [make(base - set(parsed.countries), "without " + ", ".join(parsed.countries))]
    return [make(base - {c}, f"without {c}") for c in sorted(base)]


def spec_key(spec: ModelSpec, term: str, fingerprint: str) -> str:
    """Hash of what determines a specification's estimate: the spec (name and description
    aside), the term, the panel's fingerprint and the engine version."""
    body = {k: v for k, v in spec.to_dict().items() if k not in ("name", "description")}
    return _hash_body(body, term, fingerprint)


def _hash_body(body: dict[str, Any], term: str, fingerprint: str) -> str:
    """:func:`spec_key` of the spec whose ``to_dict()`` without name and description is
    ``body``."""
    payload = json.dumps(
        {"spec": body, "term": term, "panel": fingerprint, "engine": ENGINE_VERSION},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:24]


class _Sections:
    """The ``[data]``, ``[dependent]`` and ``[frequentist]`` sections of a grid's
    specifications, each built and validated once per distinct choice.

    A grid crosses a few choices per dimension into tens of thousands of specifications;
    building every section again for each is most of the time of an expansion. A section
    that its dataclass refuses is remembered as its error and raised again.
    """

    def __init__(self, base: Base) -> None:
        self.base = base
        self._built: dict[tuple, Any] = {}
        self._dicts: dict[int, tuple[Any, dict[str, Any]]] = {}

    def _get(self, key: tuple, build: Callable[[], Any]) -> Any:
        return remembered(self._built, key, build, SpecError)

    def dependent(self, transform: str) -> DependentSpec:
        """The ``[dependent]`` section of ``transform``."""
        base = self.base

        def build() -> DependentSpec:
            return DependentSpec(
                transform=transform,  # type: ignore[arg-type]
                zeros=None if transform == "level" else base.zeros,
                offset=base.offset if transform != "level" and base.zeros == "offset" else None,
                source=SOURCE,
            )

        return self._get(("dependent", transform), build)

    def options(self, estimator_choice: str, cov: str) -> FrequentistOptions:
        """The ``[frequentist]`` section of an estimator choice and a ``cov`` choice."""
        base = self.base
        estimator, effects = ESTIMATORS[estimator_choice]

        def build() -> FrequentistOptions:
            return FrequentistOptions(
                estimator=estimator,  # type: ignore[arg-type]
                effects=effects,  # type: ignore[arg-type]
                weights=base.weights,  # type: ignore[arg-type]
                small_sample=base.small_sample,
                source=SOURCE,
                **cov_options(cov),
            )

        return self._get(("frequentist", estimator_choice, cov), build)

    def data(self, definition: str, measure: str, sample: _Sample) -> DataSelection:
        """The ``[data]`` section of a definition, a measure and a resolved sample."""
        countries = sample.countries or ("all",)

        def build() -> DataSelection:
            return DataSelection(
                definition=definition,
                measure=measure,  # type: ignore[arg-type]
                countries=countries,
                years=sample.years,
                industries=self.base.industries,
                source=SOURCE,
            )

        return self._get(("data", definition, measure, countries, sample.years), build)

    def as_dict(self, section: Any) -> dict[str, Any]:
        """``section.to_dict()``, computed once per section (not to be changed)."""
        held = self._dicts.get(id(section))
        if held is None:
            # the section is held with its dict, so that its id is not reused
            held = self._dicts[id(section)] = (section, section.to_dict())
        return held[1]


def _choices_key(target: str, choices: Mapping[str, str], detail: str) -> str:
    payload = json.dumps(
        {"target": target, "choices": dict(choices), "detail": detail}, sort_keys=True
    )
    return "grid-" + hashlib.sha256(payload.encode()).hexdigest()[:19]


def _point(
    grid: Grid,
    target: Target,
    choices: dict[str, str],
    sample: _Sample,
    fingerprint: str,
    sections: _Sections,
) -> Point:
    detail = sample.detail

    def skip(reason: str, dropped: tuple[str, ...] = ()) -> Point:
        return Point(
            target.name,
            choices,
            detail,
            target.term,
            _choices_key(target.name, choices, detail),
            None,
            dropped,
            reason,
        )

    if sample.skip is not None:
        return skip(sample.skip)
    estimator, effects = ESTIMATORS[choices["estimator"]]
    formula, dropped = formula_for(target.formula, estimator, effects)
    term_of_column = re.sub(r"\[[^\]]*\]", "", target.term)
    kind = absorbed_term(term_of_column, absorbed_by(estimator, effects))
    if kind == "unit":
        return skip(
            f"{target.term} does not vary within country x industry, so "
            f"{choices['estimator']} cannot estimate it",
            dropped,
        )
    if kind == "year":
        return skip(
            f"{target.term} is the same for every unit in a year, so year effects absorb it",
            dropped,
        )
    if not formula:
        return skip("the estimator removes every term of the formula", dropped)
    try:
        # built in this order, so that of two refused sections the same one is reported
        dependent = sections.dependent(choices["transform"])
        options = sections.options(choices["estimator"], choices["cov"])
        data = sections.data(choices["definition"], choices["measure"], sample)
        # the key is the hash of spec.to_dict() without name and description (spec_key),
        # computed from the sections so that the spec is built, and its formula checked,
        # once, with its final name
        body = {
            "formula": formula,
            "data": sections.as_dict(data),
            "dependent": sections.as_dict(dependent),
            "frequentist": sections.as_dict(options),
        }
        key = _hash_body(body, target.term, fingerprint)
        spec = ModelSpec(
            name=f"{target.name}-{key[:10]}",
            data=data,
            formula=formula,
            dependent=dependent,
            frequentist=options,
            description=target.label,
            source=SOURCE,
        )
    except SpecError as exc:
        text = str(exc)
        return skip(text[len(SOURCE) + 2 :] if text.startswith(f"{SOURCE}: ") else text)
    return Point(target.name, choices, detail, target.term, key, spec, dropped)


def _duplicate(point: Point, first: Point) -> Point:
    differ = [f"{d}={first.choices[d]}" for d in DIMENSIONS if first.choices[d] != point.choices[d]]
    if (
        first.sample_detail != point.sample_detail
        and first.choices["sample"] == point.choices["sample"]
    ):
        differ.append(f"sample {first.sample_detail}")
    reason = (
        "same specification as " + ", ".join(differ)
        if differ
        else "same specification as an earlier one"
    )
    return Point(
        point.target,
        point.choices,
        point.sample_detail,
        point.term,
        _choices_key(point.target, point.choices, point.sample_detail),
        None,
        point.dropped_terms,
        reason,
    )
