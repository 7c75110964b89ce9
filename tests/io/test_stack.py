"""Series from two table sources side by side: WIOD 2013 (1995-2011) and a Rev. 4 release,
stacked with a ``source`` column (``servmodel data stack``), and a model spec that picks one
source with ``[data] source``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from servmodel.cli import main
from servmodel.errors import DataError, SpecError, UsageError
from servmodel.frequentist import fit
from servmodel.intensity import panel_from_source, read_panel, stack_panels
from servmodel.spec import parse_spec, select_rows
from tests.io import generate_releases as gen

SPEC = {
    "name": "fe_trend",
    "formula": "tech_score:trend",
    "data": {"definition": "standard", "measure": "direct"},
    "dependent": {"transform": "log", "zeros": "drop"},
    "frequentist": {"estimator": "fe", "cov": "clustered", "cluster": "country"},
}


@pytest.fixture(scope="module")
def panels(tmp_path_factory):
    """WIOD 2013 (embedded) 2010-2011 and an ICIO 2023 panel of 2010-2011, as files."""
    d = tmp_path_factory.mktemp("stack")
    wiod = panel_from_source("wiod2013", years="2010-2011", definitions="standard")
    wiod.write(d / "wiod2013.csv")
    icio = d / "icio"
    icio.mkdir()
    for y in (2010, 2011):
        gen.write_icio(gen.icio_world("icio2023", year=y, seed=y), icio / f"{y}_SML.csv",
                       "icio2023", splits=False)
    return d, wiod, icio


@pytest.fixture
def stacked(panels, rev4):
    d, wiod, icio = panels
    rev = panel_from_source(f"icio:{icio}", definitions="all")
    rev.write(d / "icio2023.csv")
    return stack_panels([read_panel(d / "wiod2013.csv"), read_panel(d / "icio2023.csv")],
                        ["wiod2013", "icio2023"]), wiod, rev


def test_stacked_panel_keeps_every_row_with_its_source(stacked, tmp_path):
    both, wiod, rev = stacked
    f = both.frame
    assert f.columns[0] == "source" and both.sources == ("wiod2013", "icio2023")
    assert len(f) == len(wiod.frame) + len(rev.frame)
    # the same country, year and definition under both sources: unique per source
    assert not f.duplicated(["source", "country", "industry", "year", "definition"]).any()
    overlap = f[(f.country == "KOR") & (f.year == 2011) & (f.definition == "standard")]
    assert set(overlap["source"]) == {"wiod2013", "icio2023"}
    path = tmp_path / "both.parquet"
    both.write(path)
    back = read_panel(path)
    assert back.sources == ("wiod2013", "icio2023") and "source" not in back.covariates
    np.testing.assert_allclose(back.frame["direct"], f["direct"])


def test_duplicate_keys_within_a_source_are_refused(stacked, tmp_path):
    both, _, _ = stacked
    f = both.frame
    twice = pd.concat([f, f.iloc[[0]]], ignore_index=True)
    path = tmp_path / "twice.csv"
    twice.to_csv(path, index=False)
    with pytest.raises(DataError, match="duplicate panel key .* may appear once per source"):
        read_panel(path)


def test_spec_picks_one_source(stacked):
    both, wiod, rev = stacked
    spec = parse_spec({**SPEC, "data": {**SPEC["data"], "source": "icio2023"}})
    assert spec.data.panel_source == "icio2023"
    assert parse_spec(spec.to_dict()).data == spec.data  # round trip of [data] source
    rows = select_rows(both.frame, spec.data)
    picked = both.frame.iloc[rows.positions]
    assert set(picked["source"]) == {"icio2023"} and len(picked) == (
        rev.frame["definition"] == "standard").sum()
    result = fit(spec, both)
    alone = fit(parse_spec(SPEC), rev)
    assert result.params.to_numpy() == pytest.approx(alone.params.to_numpy(), rel=1e-10)


def test_stacked_panel_needs_a_source_in_the_spec(stacked):
    both, _, _ = stacked
    with pytest.raises(SpecError, match=r"\[data\] source: the panel stacks the table sources "
                       r"icio2023, wiod2013; choose one"):
        select_rows(both.frame, parse_spec(SPEC).data)
    wrong = parse_spec({**SPEC, "data": {**SPEC["data"], "source": "wiod2016"}})
    with pytest.raises(SpecError, match=r"'wiod2016' is not a source of the panel; it stacks "
                       r"icio2023, wiod2013"):
        select_rows(both.frame, wrong.data)


def test_source_key_on_a_panel_of_one_source(panels):
    _, wiod, _ = panels
    spec = parse_spec({**SPEC, "data": {**SPEC["data"], "source": "wiod2013"}})
    with pytest.raises(SpecError, match=r"the panel has no source column"):
        select_rows(wiod.frame, spec.data)
    with pytest.raises(SpecError, match=r"\[data\] source must be"):
        parse_spec({**SPEC, "data": {**SPEC["data"], "source": 2013}})


def test_stack_arguments(panels):
    _, wiod, _ = panels
    with pytest.raises(UsageError, match="at least two panels"):
        stack_panels([wiod], ["a"])
    with pytest.raises(UsageError, match="each panel needs a name of its own"):
        stack_panels([wiod, wiod], ["a", "a"])
    both = stack_panels([wiod, wiod], ["a", "b"])
    with pytest.raises(DataError, match="stacks the sources a, b already"):
        stack_panels([both, wiod], ["ab", "c"])


def test_cli_stack(panels, rev4, tmp_path, monkeypatch, capsys):
    d, _, icio = panels
    monkeypatch.chdir(tmp_path)
    assert main(["data", "build", "--source", f"icio:{icio}", "--out", "icio2023.csv"]) == 0
    assert main(["data", "stack", str(d / "wiod2013.csv"), "icio2023.csv",
                 "--out", "both.csv"]) == 0
    out = capsys.readouterr().out
    assert "wiod2013" in out and "icio2023" in out
    both = pd.read_csv("both.csv")
    assert set(both["source"]) == {"wiod2013", "icio2023"}
    assert main(["data", "stack", "icio2023.csv", "icio2023.csv", "--out", "x.csv"]) == 2
    assert "share a name" in capsys.readouterr().err
    assert main(["data", "summary", "--panel", "both.csv"]) == 1
    assert "summarize the panel of each source" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()
