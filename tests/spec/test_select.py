"""The rows a ``[data]`` selection picks, shared by every estimator family."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from servmodel.errors import EstimationError, SpecError
from servmodel.spec import DataSelection, load_spec
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


def test_oecd_last_year_group_is_membership_in_the_last_selected_year(frame):
    """Korea joined in 1996, Slovenia and Estonia in 2010: members in 2011, not in 2005."""
    late = _rows(frame, DataSelection("standard", countries=("oecd_last_year",)))
    assert {"KOR", "SVN", "EST", "USA"} <= set(late["country"])
    assert late["year"].min() == 1995  # the whole period for a fixed set of countries
    early = _rows(frame, DataSelection("standard", countries=("oecd_last_year",),
                                       years=tuple(range(1995, 2006))))
    assert "KOR" in set(early["country"]) and not {"SVN", "EST"} & set(early["country"])
    non = _rows(frame, DataSelection("standard", countries=("non_oecd_last_year",)))
    assert set(non["country"]).isdisjoint(late["country"])
    assert {"CHN", "BRA", "IND"} <= set(non["country"])
    assert len(non) + len(late) == len(_rows(frame, DataSelection("standard")))


def test_codes_and_frame_give_the_same_rows(frame):
    sel = DataSelection("standard", countries=("oecd_last_year", "CHN"),
                        exclude_countries=("KOR",))
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
    with pytest.raises(SpecError, match="group 'oecd_last_year' needs OECD membership"):
        select_rows(no_members, DataSelection("standard", countries=("oecd_last_year",)),
                    "s.toml")


@pytest.mark.parametrize(("old", "new"), [("oecd", "oecd_last_year"),
                                          ("non_oecd", "non_oecd_last_year")])
def test_old_oecd_group_names_are_refused_with_the_new_spelling(old, new, tmp_path):
    """``oecd`` could mean membership year by year or in the last year: refused, not read
    as either, in a spec file and in a selection made in Python."""
    path = tmp_path / "m.toml"
    path.write_text(f'formula = "trend"\n[data]\ndefinition = "standard"\n'
                    f'countries = ["KOR", "{old}"]\n[frequentist]\nestimator = "pooled"\n')
    for make in (lambda: load_spec(path),
                 lambda: DataSelection("standard", countries=(old,), source=str(path))):
        with pytest.raises(SpecError) as err:
            make()
        text = str(err.value)
        assert "\n" not in text
        assert text.startswith(f"{path}: [data] countries: '{old}' is no longer a country "
                               "group")
        assert f"write '{new}'" in text and "in the last selected year" in text
        assert "year by year" in text


def test_renamed_groups_select_what_the_old_names_selected(frame):
    """The rename changes no rows: members in 2011 and the rest, with all their years."""
    last = frame[(frame["definition"] == "standard") & (frame["year"] == 2011)]
    members = set(last.loc[last["oecd"].astype(bool), "country"])
    rows = _rows(frame, DataSelection("standard", countries=("oecd_last_year",)))
    assert set(rows["country"]) == members
    assert set(rows["year"]) == set(range(1995, 2012))
    others = _rows(frame, DataSelection("standard", countries=("non_oecd_last_year",)))
    assert set(others["country"]) == set(last["country"]) - members
