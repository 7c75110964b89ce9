"""Write Korea's national input-output table, in servmodel's long format, from WIOD 2013.

Reads the embedded WIOD 2013 world tables (``data/wiod2013``), keeps the rows of Korea's
industries, aggregates WIOD's 35 industries to 18 sectors with codes of their own, and
writes

- ``korea_national.csv``: one row per non-zero cell (``supplier_country``,
  ``supplier_industry``, ``user_country``, ``user_industry``, ``value``, ``year``), millions
  of US dollars, 1995-2011;
- ``sectors.csv``: the sector mapping (``industry``, ``role``, ``tech``, ``name``), with the
  OECD technology class of each manufacturing sector taken from WIOD's classification, and
  the final-demand category ``EXPORT`` marked as the exports.

The table is a domestic-flow table: intermediate flows are Korean industries' sales to
Korean industries; imported inputs are not in it. Final demand is Korea's own (household,
non-profit and government consumption ``CONS``, gross fixed capital formation ``GFCF``,
changes in inventories ``INVENT``) plus ``EXPORT``, gross output less all domestic uses:
exports of intermediate and final goods, plus the rounding of the stored tables (whole
millions). Every row total is therefore WIOD's gross output of the sector.

Run from the repository root: ``python examples/own_table/make_example.py``.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from servmodel.intensity.classification import wiod_classification
from servmodel.io import WIOD_YEARS, read_wiod2013_year

COUNTRY = "KOR"
HERE = Path(__file__).resolve().parent

# own code -> (role, WIOD industries, name)
SECTORS: dict[str, tuple[str, tuple[int, ...], str]] = {
    "PRI": ("other", (1, 2), "Agriculture, forestry, fishing, mining"),
    "MAN_FOOD": ("manufacturing", (3,), "Food, beverages and tobacco"),
    "MAN_TEXT": ("manufacturing", (4, 5), "Textiles, apparel, leather and footwear"),
    "MAN_WOOD": ("manufacturing", (6, 7, 16), "Wood, paper, printing, furniture, other"),
    "MAN_PETR": ("manufacturing", (8,), "Coke and refined petroleum"),
    "MAN_CHEM": ("manufacturing", (9,), "Chemicals and chemical products"),
    "MAN_MATL": ("manufacturing", (10, 11, 12), "Rubber, plastics, minerals and metals"),
    "MAN_MACH": ("manufacturing", (13, 15), "Machinery and transport equipment"),
    "MAN_ELEC": ("manufacturing", (14,), "Electrical and optical equipment"),
    "UTL_CON": ("other", (17, 18), "Utilities and construction"),
    "SRV_TRD": ("other", (19, 21, 22), "Motor-vehicle trade, retail, hotels and restaurants"),
    "SRV_WHL": ("producer_service", (20,), "Wholesale trade"),
    "SRV_TRN": ("producer_service", (23, 24, 25, 26), "Transport and storage"),
    "SRV_TEL": ("producer_service", (27,), "Post and telecommunications"),
    "SRV_FIN": ("producer_service", (28,), "Financial intermediation"),
    "SRV_EST": ("producer_service", (29,), "Real estate"),
    "SRV_BUS": ("producer_service", (30,), "Renting and business services"),
    "SRV_PUB": ("other", (31, 32, 33, 34, 35), "Public, social and personal services"),
}
# own final-demand category -> WIOD categories (EXPORT is computed)
FINAL = {"CONS": ("c37", "c38", "c39"), "GFCF": ("c41",), "INVENT": ("c42",)}


def aggregation_matrix(industries: tuple[str, ...]) -> np.ndarray:
    """0/1 matrix (own sectors x WIOD industries) that sums WIOD industries into sectors."""
    agg = np.zeros((len(SECTORS), len(industries)))
    for k, (_, members, _) in enumerate(SECTORS.values()):
        for m in members:
            agg[k, industries.index(f"c{m}")] = 1.0
    if not np.array_equal(agg.sum(axis=0), np.ones(len(industries))):
        raise ValueError("every WIOD industry must belong to exactly one sector")
    return agg


def korea_year(year: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Domestic intermediate flows (sector x sector) and final uses of Korea in ``year``."""
    table = read_wiod2013_year(year)
    ni, nf = table.n_industries, len(table.final_categories)
    c = table.countries.index(COUNTRY)
    rows = slice(c * ni, (c + 1) * ni)
    agg = aggregation_matrix(table.industries)
    z = agg @ table.Z[rows, rows] @ agg.T
    f_dom = table.F[rows, c * nf:(c + 1) * nf]
    final = {code: agg @ f_dom[:, [table.final_categories.index(w) for w in wiod]].sum(axis=1)
             for code, wiod in FINAL.items()}
    x = agg @ table.x[rows]
    final["EXPORT"] = x - z.sum(axis=1) - sum(final.values())
    return z, final


def mapping_rows() -> list[dict[str, str]]:
    """The sector mapping; a manufacturing sector's technology class is its members' class."""
    wiod = wiod_classification()
    out = []
    for code, (role, members, name) in SECTORS.items():
        tech = ""
        if role == "manufacturing":
            classes = {wiod.tech[f"c{m}"] for m in members}
            if len(classes) != 1:
                raise ValueError(f"{code} mixes technology classes {sorted(classes)}")
            tech = classes.pop()
        out.append({"industry": code, "role": role, "tech": tech, "name": name})
    # the final-demand category that holds the exports, for the value-added measures
    out.append({"industry": "EXPORT", "role": "exports", "tech": "",
                "name": "Exports (final-demand category)"})
    return out


def main(out: Path = HERE) -> None:
    """Write ``korea_national.csv`` and ``sectors.csv`` to ``out`` (default: beside this
    script)."""
    codes = list(SECTORS)
    with open(out / "korea_national.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["supplier_country", "supplier_industry", "user_country",
                         "user_industry", "value", "year"])
        for year in WIOD_YEARS:
            z, final = korea_year(year)
            for i, supplier in enumerate(codes):
                cells = [(user, z[i, j]) for j, user in enumerate(codes)]
                cells += [(cat, values[i]) for cat, values in final.items()]
                for user, value in cells:
                    if value != 0:  # absent cells are zero in the long format
                        writer.writerow([COUNTRY, supplier, COUNTRY, user, f"{value:.0f}", year])
    with open(out / "sectors.csv", "w", newline="", encoding="utf-8") as handle:
        mapping = csv.DictWriter(handle, ["industry", "role", "tech", "name"],
                                 lineterminator="\n")
        mapping.writeheader()
        mapping.writerows(mapping_rows())


if __name__ == "__main__":
    main()
