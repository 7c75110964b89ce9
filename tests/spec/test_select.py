"""The rows a ``[data]`` selection picks, shared by every estimator family."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from servmodel.errors import EstimationError, SpecError
from servmodel.spec import DataSelection
from servmodel.spec.select import PanelCodes, select_rows


@pytest.fixture(scope="module")
def frame(wiod_panel):
    return wiod_panel.frame


def _rows(frame, sel):
    return frame.iloc[select_rows(frame, sel).positions]


def test_definition_years_industries(frame):
    rows = _rows(frame, DataSelection("kibs", years=(2000, 2001), industries=("c14", "c9")))
    assert set(rows["definition"]) == {"kibs"}
    assert set(rows["year"]) == {2000, 2001}
    assert set(rows["industry"]) == {"c9", "c14"}
    expected = frame.query("definition == 'kibs' and year in (2000, 2001) and "
                           "industry in ('c9', 'c14')")
    assert list(rows.index) == list(expected.index)


def test_oecd_group_is_membership_in_the_last_selected_year(frame):
    """Korea joined in 1996, Slovenia and Estonia in 2010: members in 2011, not in 2005."""
    late = _rows(frame, DataSelection("standard", countries=("oecd",)))
    assert {"KOR", "SVN", "EST", "USA"} <= set(late["country"])
    assert late["year"].min() == 1995  # the whole period for a fixed set of countries
    early = _rows(frame, DataSelection("standard", countries=("oecd",),
                                       years=tuple(range(1995, 2006))))
    assert "KOR" in set(early["country"]) and not {"SVN", "EST"} & set(early["country"])
    non = _rows(frame, DataSelection("standard", countries=("non_oecd",)))
    assert set(non["country"]).isdisjoint(late["country"])
    assert {"CHN", "BRA", "IND"} <= set(non["country"])
    assert len(non) + len(late) == len(_rows(frame, DataSelection("standard")))


def test_codes_and_frame_give_the_same_rows(frame):
    sel = DataSelection("standard", countries=("oecd", "CHN"), exclude_countries=("KOR",))
    a = select_rows(frame, sel)
    b = select_rows(PanelCodes.of(frame), sel)
    np.testing.assert_array_equal(a.positions, b.positions)
    assert "KOR" not in a.countries and "CHN" in a.countries


def test_errors(frame):
    with pytest.raises(SpecError, match=r"s.toml: \[data\] exclude_countries: 'XXX' not in"):
        select_rows(frame, DataSelection("standard", exclude_countries=("XXX",)), "s.toml")
    with pytest.raises(EstimationError, match="leaves no observations"):
        select_rows(frame, DataSelection("standard", countries=("KOR",),
                                         exclude_countries=("KOR",)), "s.toml")
    no_members = frame.assign(oecd=pd.array([pd.NA] * len(frame), dtype="boolean"))
    with pytest.raises(SpecError, match="group 'oecd' needs OECD membership"):
        select_rows(no_members, DataSelection("standard", countries=("oecd",)), "s.toml")
