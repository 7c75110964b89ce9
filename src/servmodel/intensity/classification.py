"""Industry roles (manufacturing, producer service), OECD technology classes, OECD membership.

The WIOD classification comes from ``data/wiod2013/sectors.csv``: the OECD ISIC Rev.3
technology-intensity classes of Hatzichronoglou (1997), "Revision of the high-technology sector
and product classification", OECD STI Working Papers 1997/2, mapped to WIOD's industries.
A user's own table brings a mapping file instead (see :func:`read_sector_mapping`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

from servmodel._fileio import read_table
from servmodel.errors import DataError
from servmodel.intensity._checks import blank_cells, path_argument, show, whole_numbers
from servmodel.io.wiod2013 import embedded_data_dir

TECH_LEVELS: tuple[str, ...] = ("low", "medium-low", "medium-high", "high")
TECH_SCORE: Mapping[str, int] = MappingProxyType({t: k + 1 for k, t in enumerate(TECH_LEVELS)})
# "exports" marks a final-demand category (a user_industry that never supplies) of a
# national table as its exports
ROLES: tuple[str, ...] = ("manufacturing", "producer_service", "other", "exports")


@dataclass(frozen=True)
class IndustryClassification:
    """Which industries are manufacturing, their technology class, and named services.

    Attributes
    ----------
    manufacturing
        Manufacturing industry codes, in table order.
    tech
        Technology class (one of ``TECH_LEVELS``) of each manufacturing industry.
    producer_services
        Producer-service codes declared by a mapping file (empty for WIOD, whose
        definitions live in the registry).
    names
        Industry names where known.
    source
        Where the classification came from.
    export_categories
        Final-demand categories that are exports (a national table's only source of
        exports; a multi-regional table's exports are its sales to other economies).
    definitions
        The literature's named producer-service definitions (``kibs``, ``producer``,
        ``standard``, ``broad``) in this classification's own codes, for tables whose
        codes are not WIOD 2013's (empty: the WIOD registry of
        :mod:`servmodel.intensity.definitions` applies). See
        :func:`servmodel.intensity.rev4.rev4_classification`.
    """

    manufacturing: tuple[str, ...]
    tech: Mapping[str, str]
    producer_services: tuple[str, ...] = ()
    names: Mapping[str, str] = field(default_factory=dict)
    source: str = "<memory>"
    export_categories: tuple[str, ...] = ()
    definitions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tech", MappingProxyType(dict(self.tech)))
        object.__setattr__(self, "names", MappingProxyType(dict(self.names)))
        object.__setattr__(
            self,
            "definitions",
            MappingProxyType({name: tuple(codes) for name, codes in self.definitions.items()}),
        )
        for code in self.manufacturing:
            level = self.tech.get(code)
            if level not in TECH_LEVELS:
                raise DataError(
                    f"{self.source}: manufacturing industry {code!r} has technology class "
                    f"{level!r}; use one of {', '.join(TECH_LEVELS)}"
                )

    def check_covers(self, industries: tuple[str, ...], source: str) -> None:
        """Raise ``DataError`` unless every classified code is an industry of the table."""
        known = set(industries)
        named = (c for codes in self.definitions.values() for c in codes)
        missing = [
            c
            for c in dict.fromkeys((*self.manufacturing, *self.producer_services, *named))
            if c not in known
        ]
        if missing:
            raise DataError(
                f"{source}: classification {self.source} names industries not in the table: "
                f"{', '.join(missing[:5])}; the table's industries are "
                f"{', '.join(industries[:12])}{' ...' if len(industries) > 12 else ''}"
            )
        if not self.manufacturing:
            raise DataError(f"{self.source}: no manufacturing industries are declared")

    def check_export_categories(self, final_categories: tuple[str, ...], source: str) -> None:
        """Raise ``DataError`` unless every category marked ``exports`` is a final-demand
        category of the table."""
        missing = [c for c in self.export_categories if c not in set(final_categories)]
        if missing:
            raise DataError(
                f"{source}: classification {self.source} marks {missing[0]!r} as exports, "
                "but it is not a final-demand category of the table (those are "
                f"{', '.join(final_categories) or 'none'}); correct the code or its role"
            )


def wiod_classification() -> IndustryClassification:
    """The classification of the 35 WIOD 2013 industries (``sectors.csv``)."""
    path = embedded_data_dir() / "sectors.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    manu = frame[frame["group"] == "manufacturing"]
    return IndustryClassification(
        manufacturing=tuple(manu["code"]),
        tech=dict(zip(manu["code"], manu["oecd_tech"], strict=True)),
        names=dict(zip(frame["code"], frame["name"], strict=True)),
        source=str(path.name),
    )


def read_sector_mapping(path: str | os.PathLike[str]) -> IndustryClassification:
    """Read a mapping from one's own industry codes to roles and technology classes.

    The file (CSV or Parquet) has columns ``industry``, ``role`` (``manufacturing``,
    ``producer_service``, ``other``, or ``exports`` for a final-demand category that holds
    a national table's exports), ``tech`` (a technology class for manufacturing rows,
    empty otherwise) and optionally ``name``.
    """
    p = path_argument(path, "sector mapping")
    text = ("industry", "role", "tech", "name")
    frame = read_table(p, what="sector mapping", dtype=dict.fromkeys(text, str), literal=text)
    missing = [c for c in ("industry", "role", "tech") if c not in frame.columns]
    if missing:
        raise DataError(
            f"{p}: missing column(s) {', '.join(missing)}; a sector mapping needs "
            "industry, role, tech (and optionally name)"
        )
    frame = frame.fillna({"tech": "", "role": ""})
    # Parquet may hold numeric codes; the table's codes are text
    frame["industry"] = frame["industry"].map(lambda c: "" if pd.isna(c) else str(c).strip())
    blank = frame["industry"] == ""
    if blank.any():
        raise DataError(
            f"{p}: line {int(blank.to_numpy().nonzero()[0][0]) + 2}: empty "
            "industry code; give every row its code"
        )
    bad_role = ~frame["role"].isin(ROLES)
    if bad_role.any():
        i = int(bad_role.to_numpy().nonzero()[0][0])
        raise DataError(
            f"{p}: line {i + 2}: role {frame['role'].iloc[i]!r}; use one of {', '.join(ROLES)}"
        )
    dup = frame["industry"].duplicated()
    if dup.any():
        raise DataError(f"{p}: industry {frame['industry'][dup].iloc[0]!r} is listed twice")
    manu = frame[frame["role"] == "manufacturing"]
    names = dict(zip(frame["industry"], frame["name"], strict=True)) if "name" in frame else {}
    return IndustryClassification(
        manufacturing=tuple(manu["industry"]),
        tech=dict(zip(manu["industry"], manu["tech"], strict=True)),
        producer_services=tuple(frame.loc[frame["role"] == "producer_service", "industry"]),
        names=names,
        source=p.name,
        export_categories=tuple(frame.loc[frame["role"] == "exports", "industry"]),
    )


@dataclass(frozen=True)
class CountryInfo:
    """Country names and the year each joined the OECD (``None``: not a member)."""

    oecd_since: Mapping[str, int | None]
    names: Mapping[str, str] = field(default_factory=dict)

    def is_oecd(self, country: str, year: int) -> bool | None:
        """OECD membership in ``year``; ``None`` when the country is not listed."""
        if country not in self.oecd_since:
            return None
        since = self.oecd_since[country]
        return since is not None and year >= since


def read_country_info(path: str | os.PathLike[str]) -> CountryInfo:
    """Read a country file with columns ``code``, ``name``, ``oecd_member_since``.

    ``oecd_member_since`` is the year a country joined the OECD, empty for non-members.

    Raises
    ------
    DataError
        A missing column, a blank or repeated code, or an accession year that is not a
        whole number (text would otherwise make a member a non-member).
    """
    p = path_argument(path, "country file")
    # codes kept as written: NA is Namibia, not a missing value
    frame = read_table(
        p, what="country file", dtype={"code": str, "name": str}, literal=("code", "name")
    )
    missing = [c for c in ("code", "oecd_member_since") if c not in frame.columns]
    if missing:
        raise DataError(
            f"{p}: missing column(s) {', '.join(missing)}; a country file needs "
            "code, name, oecd_member_since (empty for non-members)"
        )
    blank = blank_cells(frame["code"])
    if blank.any():
        raise DataError(
            f"{p}: line {int(blank.nonzero()[0][0]) + 2}: empty country code; "
            "give every row its code"
        )
    frame["code"] = frame["code"].astype(str).str.strip()
    dup = frame["code"].duplicated().to_numpy()
    if dup.any():
        i = int(dup.nonzero()[0][0])
        raise DataError(
            f"{p}: line {i + 2}: country {frame['code'].iloc[i]!r} is listed "
            "twice; keep one row per country"
        )
    since, bad = whole_numbers(frame["oecd_member_since"])
    bad &= frame["oecd_member_since"].notna().to_numpy()
    if bad.any():
        i = int(bad.nonzero()[0][0])
        raise DataError(
            f"{p}: line {i + 2}: oecd_member_since {show(frame['oecd_member_since'].iloc[i])} "
            "is not a year; give the year the country joined the OECD, or leave the cell "
            "empty for a non-member"
        )
    return CountryInfo(
        oecd_since={
            c: (None if np.isnan(s) else int(s)) for c, s in zip(frame["code"], since, strict=True)
        },
        names=dict(zip(frame["code"], frame.get("name", frame["code"]), strict=True)),
    )


def wiod_country_info() -> CountryInfo:
    """Names and OECD accession years of the WIOD 2013 economies (``countries.csv``)."""
    return read_country_info(embedded_data_dir() / "countries.csv")
