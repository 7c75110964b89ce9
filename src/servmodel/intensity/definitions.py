"""Producer-service definitions: the literature's four sets, custom code lists, mapping files.

The four named sets follow ``data/wiod2013/README.md``:

- ``kibs``: c27 post and telecommunications, c28 finance, c30 business services;
- ``producer``: c28, c29, c30 (Browning and Singelmann's FIRE plus business services);
- ``standard``: c20 wholesale, c23-c26 transport, c27, c28, c29, c30;
- ``broad``: ``standard`` plus c19 motor-vehicle trade and c21 retail.

A classification of another industry list (ISIC Rev.4 releases, see
:mod:`servmodel.intensity.rev4`) carries the same four names in its own codes
(:attr:`IndustryClassification.definitions`); :func:`named_definitions` picks them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from servmodel.errors import DataError, UsageError
from servmodel.intensity.classification import IndustryClassification


@dataclass(frozen=True)
class ServiceDefinition:
    """A named set of producer-service industry codes."""

    name: str
    codes: tuple[str, ...]
    description: str = ""


_STANDARD = ("c20", "c23", "c24", "c25", "c26", "c27", "c28", "c29", "c30")
REGISTRY = MappingProxyType(
    {
        d.name: d
        for d in (
            ServiceDefinition(
                "kibs", ("c27", "c28", "c30"), "knowledge-intensive business services"
            ),
            ServiceDefinition(
                "producer", ("c28", "c29", "c30"), "finance, real estate and business services"
            ),
            ServiceDefinition("standard", _STANDARD, "producer plus wholesale and transport"),
            ServiceDefinition(
                "broad",
                ("c19", *_STANDARD[:1], "c21", *_STANDARD[1:]),
                "standard plus motor-vehicle trade and retail",
            ),
        )
    }
)
MAPPING_DEFINITION = "mapping"


def named_definitions(classification: IndustryClassification) -> Mapping[str, ServiceDefinition]:
    """The named definitions that apply to a classification's tables.

    The WIOD 2013 registry, unless the classification carries the named sets in its own
    codes (:attr:`IndustryClassification.definitions`), which then replace it.
    """
    if not classification.definitions:
        return REGISTRY
    return MappingProxyType(
        {
            name: ServiceDefinition(
                name, tuple(codes), REGISTRY[name].description if name in REGISTRY else ""
            )
            for name, codes in classification.definitions.items()
        }
    )


def resolve_definitions(
    request: str | Sequence[str],
    industries: Sequence[str],
    classification: IndustryClassification,
) -> tuple[ServiceDefinition, ...]:
    """Turn a user's request into producer-service definitions checked against the table.

    Parameters
    ----------
    request
        ``"all"`` (the four registry sets, or ``"mapping"`` for a table classified by a
        mapping file), a registry name, several names separated by commas, ``"mapping"``,
        or a comma-separated list of industry codes (one custom definition, e.g.
        ``"c27,c28,c30"``).
    industries
        The table's industry codes.
    classification
        The table's classification (its producer services back ``"mapping"``).

    Raises
    ------
    UsageError
        ``request`` is neither a string nor a list of strings.
    DataError
        For unknown names or codes, naming them and listing the allowed values, or for
        ``"all"`` with a mapping that declares no producer services for a table whose
        codes are not WIOD's.
    """
    tokens = definition_tokens(request)
    known = set(industries)
    registry = named_definitions(classification)
    if tokens == ["all"]:
        if classification.producer_services:
            tokens = [MAPPING_DEFINITION]
        elif not any(c in known for d in registry.values() for c in d.codes):
            # a user's own codes: the literature's sets (WIOD codes) cannot apply, so the
            # mapping file is what lacks producer services, not the table
            raise DataError(
                f"{classification.source} defines no producer services (no row has role = "
                "producer_service), and the table's industries are not WIOD codes; set role "
                "to producer_service for the producer-service industries in the mapping, or "
                "give --definition as a list of the table's codes, e.g. "
                f"{','.join(sorted(known, key=lambda c: (len(c), c))[:3])}"
            )
        else:
            tokens = list(registry)
    names = set(registry) | {MAPPING_DEFINITION}
    if all(t in names for t in tokens):
        out = []
        for t in dict.fromkeys(tokens):
            if t == MAPPING_DEFINITION:
                if not classification.producer_services:
                    raise DataError(
                        "definition 'mapping' needs a sector mapping file with "
                        f"role = producer_service rows; {classification.source} has none"
                    )
                out.append(
                    ServiceDefinition(
                        t,
                        classification.producer_services,
                        f"producer services of {classification.source}",
                    )
                )
            else:
                out.append(registry[t])
        for d in out:
            _check_codes(d.codes, known, f"definition {d.name!r}")
        return tuple(out)
    if any(t in names for t in tokens):
        raise DataError(
            f"definition {','.join(tokens)!r} mixes named definitions and industry codes; "
            "give either names (" + ", ".join(sorted(names)) + ") or a list of codes"
        )
    _check_codes(tokens, known, "custom definition")
    codes = tuple(dict.fromkeys(tokens))
    return (ServiceDefinition("custom:" + "+".join(codes), codes, "custom code list"),)


def definition_tokens(request: object) -> list[str]:
    """The names or codes of a definition request (``"kibs"``, ``"c27,c28"``, a list).

    Raises
    ------
    UsageError
        ``request`` is neither a string nor a list of strings.
    DataError
        It names nothing.
    """
    if isinstance(request, str):
        items: list[object] = [request]
    elif isinstance(request, Sequence) and all(isinstance(t, str) for t in request):
        items = list(request)
    else:
        raise UsageError(
            "definitions must be a string such as 'standard' or 'c27,c28,c30', or a list of "
            f"such strings, not {type(request).__name__} {request!r}"
        )
    tokens = [t.strip() for tok in items for t in str(tok).split(",") if t.strip()]
    if not tokens:
        raise DataError("empty producer-service definition; give 'all', a name or codes")
    return tokens


def _check_codes(codes: Sequence[str], known: set[str], what: str) -> None:
    unknown = [c for c in codes if c not in known]
    if unknown:
        allowed = sorted(known, key=lambda c: (len(c), c))
        raise DataError(
            f"{what} names unknown industries {', '.join(unknown)}; use a definition name "
            f"({', '.join(REGISTRY)}) or codes of the table: {', '.join(allowed[:40])}"
        )
