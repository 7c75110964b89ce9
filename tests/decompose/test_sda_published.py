"""The structural decomposition against a published worked example: Miller and Blair,
Table 13.1.

Source
------
Miller, R. E. and Blair, P. D. (2009), *Input-Output Analysis: Foundations and
Extensions*, 2nd ed., Cambridge University Press, ch. 13 "Structural Decomposition,
Mixed and Dynamic Models", section 13.1 (pp. 593-602 as the sheet below gives them): the
three-sector numerical example and Table 13.1 "Alternative Structural Decompositions"
(Equations 13.3 to 13.7).

The data and Table 13.1 were read from images of the book's pages reproduced in the
course sheet "Week 17 Exercises: SDA" (Leiden University CML, Environmental
Input-Output 2021-22), page 2, file ``ex_12/Lecture 9_Week 17_SDA Exercise - Copy.pdf``
of the GitHub repository ``CMLPlatform/advanced_EEIO_course_student_version`` (commit
578b962433102dea1540c886fae1b5103ebd63ce). The sheet asks students to "recreate the values
in Table 13.1 of Miller & Blair (page 593-602)".

Data as printed (rows sell, columns buy)::

    Z0 = [[10, 20, 25],     f0 = [45, 30, 25]
          [15,  5, 30],
          [30, 40,  5]]
    Z1 = [[12, 15, 35],     f1 = [50, 35, 26]
          [24, 11, 30],
          [36, 50,  8]]

so x = Z i + f (x0 = (100, 80, 100), x1 = (112, 100, 120), Delta x = (12, 20, 20)) and
A = Z x^-1, L = (I - A)^-1. Table 13.1 as printed (sectors 1, 2, 3; two decimals)::

    (13.3)  technology (dL) f0          0.90  8.62  9.01
            final demand L1 (df)        11.10 11.38 10.99
    (13.4)  technology (dL) f1          0.78  9.66  9.96
            final demand L0 (df)        11.22 10.34 10.04
    (13.5)  (dL) f0 + L0 (df) + (dL)(df), the interaction (dL)(df) = -0.12 1.04 0.95
    (13.6)  (dL) f1 + L1 (df) - (dL)(df), the same interaction
    (13.7)  technology 1/2 (dL)(f0 + f1)       0.84  9.14  9.49
            final demand 1/2 (L0 + L1)(df)     11.16 10.86 10.51

(equations 13.3 and 13.4 have no interaction term; 13.5 and 13.6 repeat the technology and
final-demand vectors of 13.3 and 13.4 crosswise, see ``PRINTED`` below).

What is checked
---------------
servmodel's SDA (:mod:`servmodel.decompose.sda`) decomposes the producer-service rows of
L, ``s' L``, into the contributions ``1/2 s' (L1 dA_k L0 + L0 dA_k L1)`` of the parts
``dA_k`` of ``A1 - A0``; it takes no final demand. With the book's table as one economy and
the "producer services" taken to be one sector ``i`` at a time, ``s = e_i``, so servmodel
returns row ``i`` of ``L0`` (``level0``), of ``L1`` (``level1``) and, as the sum of the
parts' contributions, of ``Delta L = L1 - L0``. Everything Table 13.1 prints is a row of
``Delta L``, ``L0`` or ``L1`` times the book's own final demands, so these rows, weighted
with the printed f0 and f1, must give the printed figures to the two decimals printed.
A second layout (the three sectors as three economies of one industry) runs the split into
domestic and imported service inputs and must give the printed figures summed over the
sectors.

What the book does not print, and so is not checked here: how ``Delta L`` splits among
servmodel's parts of ``dA`` (Table 13.1 does not split ``Delta L``), and hence nothing here
tells the symmetric average ``1/2 (L1 dA_k L0 + L0 dA_k L1)`` from a single polar form
(whose parts also add up to ``Delta L``). That split is checked in exact rational
arithmetic in ``test_sda.py``.
"""

from __future__ import annotations

import numpy as np
import pytest

from servmodel.decompose import PARTS, prepare, structural_decomposition
from servmodel.decompose.sda import decompose_years_many
from servmodel.io import IOTable

Z0 = np.array([[10, 20, 25], [15, 5, 30], [30, 40, 5]], dtype=float)
F0 = np.array([45, 30, 25], dtype=float)
Z1 = np.array([[12, 15, 35], [24, 11, 30], [36, 50, 8]], dtype=float)
F1 = np.array([50, 35, 26], dtype=float)
SECTORS = ("1", "2", "3")

# Table 13.1 as printed: equation -> (technology change, final-demand change)
PRINTED = {
    "13.3": ([0.90, 8.62, 9.01], [11.10, 11.38, 10.99]),
    "13.4": ([0.78, 9.66, 9.96], [11.22, 10.34, 10.04]),
    "13.5": ([0.90, 8.62, 9.01], [11.22, 10.34, 10.04]),
    "13.6": ([0.78, 9.66, 9.96], [11.10, 11.38, 10.99]),
    "13.7": ([0.84, 9.14, 9.49], [11.16, 10.86, 10.51]),
}
# the interaction term (dL)(df) of (13.5) and (13.6), as printed
PRINTED_INTERACTION = [-0.12, 1.04, 0.95]
# the book prints two decimals: a value rounded to them is within half a unit
HALF_UNIT = 0.005 + 1e-9


def _national(Z: np.ndarray, f: np.ndarray, year: int) -> IOTable:
    """The book's table as one economy of three sectors (x = Z i + f)."""
    return IOTable(Z=Z, F=f.reshape(-1, 1), x=Z.sum(axis=1) + f, countries=["MB"],
                   industries=SECTORS, final_categories=["f"], year=year,
                   source="Miller and Blair (2009), section 13.1")


def _three_economies(Z: np.ndarray, f: np.ndarray, year: int) -> IOTable:
    """The same table as three economies of one industry ``s`` each."""
    return IOTable(Z=Z, F=np.diag(f), x=Z.sum(axis=1) + f, countries=["E1", "E2", "E3"],
                   industries=["s"], final_categories=["f"], year=year,
                   source="Miller and Blair (2009), section 13.1, by economy")


@pytest.fixture(scope="module")
def rows() -> dict[str, np.ndarray]:
    """Rows of L0, L1 and Delta L from servmodel's SDA, one sector at a time."""
    t0, t1 = _national(Z0, F0, 0), _national(Z1, F1, 1)
    L0, L1, dL = np.empty((3, 3)), np.empty((3, 3)), np.empty((3, 3))
    for i, code in enumerate(SECTORS):
        sd = structural_decomposition(t0, t1, [code])
        assert sd.parts == PARTS
        L0[i], L1[i] = sd.level0, sd.level1
        dL[i] = sd.contributions.sum(axis=0)  # the parts of dA add up to Delta L
    return {"L0": L0, "L1": L1, "dL": dL}


def test_levels_give_the_books_output_change(rows):
    # x1 - x0 of the printed tables is (12, 20, 20); L_t f_t must give it back
    x0, x1 = Z0.sum(axis=1) + F0, Z1.sum(axis=1) + F1
    assert list(x1 - x0) == [12, 20, 20]
    assert rows["L0"] @ F0 == pytest.approx(x0, rel=1e-12)
    assert rows["L1"] @ F1 == pytest.approx(x1, rel=1e-12)


@pytest.mark.parametrize("equation", sorted(PRINTED))
def test_table_13_1_technology_and_final_demand(rows, equation):
    L0, L1, dL = rows["L0"], rows["L1"], rows["dL"]
    df = F1 - F0
    technology = {"13.3": dL @ F0, "13.4": dL @ F1, "13.5": dL @ F0, "13.6": dL @ F1,
                  "13.7": 0.5 * dL @ (F0 + F1)}[equation]
    final_demand = {"13.3": L1 @ df, "13.4": L0 @ df, "13.5": L0 @ df, "13.6": L1 @ df,
                    "13.7": 0.5 * (L0 + L1) @ df}[equation]
    want_technology, want_final_demand = PRINTED[equation]
    assert technology == pytest.approx(want_technology, abs=HALF_UNIT)
    assert final_demand == pytest.approx(want_final_demand, abs=HALF_UNIT)


def test_table_13_1_interaction(rows):
    # (dL)(df) of equations (13.5) and (13.6). The book prints -0.12 for sector 1, the
    # residual of its rounded entries (12 - 0.90 - 11.22); the unrounded term is -0.114.
    # So this row is held to one unit of the last printed digit, the others to half a unit.
    interaction = rows["dL"] @ (F1 - F0)
    assert interaction[0] == pytest.approx(PRINTED_INTERACTION[0], abs=0.01)
    assert interaction[1:] == pytest.approx(PRINTED_INTERACTION[1:], abs=HALF_UNIT)
    # the printed (13.5) row adds up to Delta x = (12, 20, 20)
    tech, fd = PRINTED["13.5"]
    assert np.add(np.add(tech, fd), PRINTED_INTERACTION) == pytest.approx([12, 20, 20],
                                                                          abs=1e-9)


def test_batch_form_gives_the_same_rows(rows):
    # decompose_years_many: all three sectors in one pass over A1 - A0
    sds = decompose_years_many(prepare(_national(Z0, F0, 0)), prepare(_national(Z1, F1, 1)),
                               [(c,) for c in SECTORS])
    dL = np.array([sd.contributions.sum(axis=0) for sd in sds])
    assert 0.5 * dL @ (F0 + F1) == pytest.approx(PRINTED["13.7"][0], abs=HALF_UNIT)
    np.testing.assert_allclose(dL, rows["dL"], rtol=1e-12, atol=1e-15)


def test_three_economies_give_the_printed_totals():
    # each sector an economy of one industry "s": s' L is the column sums of L, every
    # input is a service, bought at home (the diagonal of A) or abroad (the rest)
    sd = structural_decomposition(_three_economies(Z0, F0, 0), _three_economies(Z1, F1, 1),
                                  ["s"])
    domestic, imported, other = sd.contributions
    assert np.all(other == 0)
    assert np.any(domestic != 0) and np.any(imported != 0)
    i_dL = sd.contributions.sum(axis=0)  # i' Delta L
    # the sum over sectors of a printed column: three roundings, so 3 half units
    tech = 0.5 * i_dL @ (F0 + F1)
    fd = 0.5 * (sd.level0 + sd.level1) @ (F1 - F0)
    assert tech == pytest.approx(sum(PRINTED["13.7"][0]), abs=3 * HALF_UNIT)  # 19.47
    assert fd == pytest.approx(sum(PRINTED["13.7"][1]), abs=3 * HALF_UNIT)  # 32.53
    assert i_dL @ F0 == pytest.approx(sum(PRINTED["13.3"][0]), abs=3 * HALF_UNIT)
    assert sd.level1 @ (F1 - F0) == pytest.approx(sum(PRINTED["13.3"][1]), abs=3 * HALF_UNIT)
