"""A three-country toy table whose measures are computed by hand in the tests.

Countries A, B, C; industries m (manufacturing, high-tech), s (producer service), o (other).
Non-zero flows (gross output x = 100 unless noted):

- into A's m:  10 from A s, 5 from B s, 20 from A o, 10 from B m
- into B's m (x = 200):  20 from C s, 30 from B o
- C's m has zero output (dropped from the panel); every other column buys nothing.

Hand results, S = {s}:

- A m: direct = (10 + 5) / 100 = 0.15; domestic 0.10; foreign 0.05;
  share_intermediate = 15 / 45 = 1/3; total = 0.15 + A[Cs, Bm] * A[Bm, Am] = 0.15 + 0.1 * 0.1 = 0.16
- B m: direct = 20 / 200 = 0.10; domestic 0; foreign 0.10; share = 20 / 50 = 0.4; total = 0.10
- economy-wide (output-weighted) direct of A: (100 * 0.15) / 300 = 0.05;
  of B: (200 * 0.10) / 400 = 0.05; of C: 0 / 200 = 0

Value added per unit of output v = 1 - inputs / output: A m 0.55, B m 0.75, C m 0 (no
output), every s and o 1. Column A m of B = (I - A)^-1: A s 0.1, B s 0.05, A o 0.2, B m 0.1,
and through B m: C s 0.1 * 0.1 = 0.01, B o 0.15 * 0.1 = 0.015 (check: 0.55 + 0.1 + 0.05 +
0.2 + 0.75 * 0.1 + 0.01 + 0.015 = 1).

- A m: va_services = 0.1 + 0.05 + 0.01 = 0.16; domestic (A s) 0.10; foreign 0.06;
  exports 0 (it sells only to A's final demand)
- B m: va_services = 0.1 (C s); domestic 0; foreign 0.10; exports 10 (to A m)
"""

from __future__ import annotations

import numpy as np

from servmodel.intensity.classification import IndustryClassification
from servmodel.io.table import IOTable

COUNTRIES = ("A", "B", "C")
INDUSTRIES = ("m", "s", "o")
FLOWS = {
    (("A", "s"), ("A", "m")): 10.0,
    (("B", "s"), ("A", "m")): 5.0,
    (("A", "o"), ("A", "m")): 20.0,
    (("B", "m"), ("A", "m")): 10.0,
    (("C", "s"), ("B", "m")): 20.0,
    (("B", "o"), ("B", "m")): 30.0,
}
OUTPUT = {("B", "m"): 200.0, ("C", "m"): 0.0}

EXPECTED = {
    ("A", "m"): {"direct": 0.15, "direct_domestic": 0.10, "direct_foreign": 0.05,
                 "share_intermediate": 1 / 3, "total": 0.16, "output": 100.0,
                 "va_services": 0.16, "va_services_domestic": 0.10,
                 "va_services_foreign": 0.06, "exports": 0.0},
    ("B", "m"): {"direct": 0.10, "direct_domestic": 0.0, "direct_foreign": 0.10,
                 "share_intermediate": 0.4, "total": 0.10, "output": 200.0,
                 "va_services": 0.10, "va_services_domestic": 0.0,
                 "va_services_foreign": 0.10, "exports": 10.0},
}
EXPECTED_ECONOMY_DIRECT = {"A": 0.05, "B": 0.05, "C": 0.0}


def index(country: str, industry: str) -> int:
    return COUNTRIES.index(country) * len(INDUSTRIES) + INDUSTRIES.index(industry)


def toy_arrays() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = len(COUNTRIES) * len(INDUSTRIES)
    Z = np.zeros((n, n))
    for (src, dst), v in FLOWS.items():
        Z[index(*src), index(*dst)] = v
    x = np.full(n, 100.0)
    for key, v in OUTPUT.items():
        x[index(*key)] = v
    # one final-demand category per country; rows balance: F = x - intermediate sales
    F = np.zeros((n, len(COUNTRIES)))
    sales = Z.sum(axis=1)
    for k in range(n):
        F[k, k // len(INDUSTRIES)] = x[k] - sales[k]
    return Z, F, x


def toy_table(year: int = 2000) -> IOTable:
    Z, F, x = toy_arrays()
    return IOTable(Z=Z, F=F, x=x, countries=COUNTRIES, industries=INDUSTRIES,
                   final_categories=("fd",), year=year, source="toy")


def toy_classification() -> IndustryClassification:
    return IndustryClassification(manufacturing=("m",), tech={"m": "high"},
                                  producer_services=("s",), source="toy mapping")


def toy_long_rows(year: int = 2000) -> list[dict[str, object]]:
    """The toy table in servmodel's long CSV format."""
    Z, F, _ = toy_arrays()
    rows = []
    n = Z.shape[0]
    for r in range(n):
        rc, ri = divmod(r, len(INDUSTRIES))
        for c in range(n):
            if Z[r, c]:
                cc, ci = divmod(c, len(INDUSTRIES))
                rows.append({"year": year, "supplier_country": COUNTRIES[rc],
                             "supplier_industry": INDUSTRIES[ri], "user_country": COUNTRIES[cc],
                             "user_industry": INDUSTRIES[ci], "value": Z[r, c]})
        for k in range(F.shape[1]):
            if F[r, k]:
                rows.append({"year": year, "supplier_country": COUNTRIES[rc],
                             "supplier_industry": INDUSTRIES[ri], "user_country": COUNTRIES[k],
                             "user_industry": "fd", "value": F[r, k]})
    return rows
