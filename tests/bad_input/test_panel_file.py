"""Panel files given with --panel: every cell is checked on entry, and a bad one is one
line naming the file, the column, the data row (1 = first row below the header) and the fix.

Each bad panel is the `panel_file` fixture (data build's Parquet output) with one column
edited, written as CSV or Parquet."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import servmodel
import servmodel.bayes.fit
from servmodel.errors import DataError, UsageError
from servmodel.intensity import IntensityPanel, merge_covariates, read_panel
from servmodel.intensity.summary import summarize_panel
from tests.bad_input.conftest import BAYES_SPEC
from tests.bad_input.helpers import assert_not_written, expect_error
from tests.bad_input.test_estimate import spec_text


def _set(col: str, row: int, value: object) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """Put ``value`` into data row ``row + 1`` of column ``col``."""
    def edit(frame: pd.DataFrame) -> pd.DataFrame:
        out = frame.copy()
        out[col] = out[col].astype(object)
        out.loc[row, col] = value
        return out
    return edit


def _assign(**columns: object) -> Callable[[pd.DataFrame], pd.DataFrame]:
    return lambda frame: frame.assign(**columns)


def _write(frame: pd.DataFrame, path: Path) -> Path:
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
        return path
    frame = frame.copy()
    for col in frame.columns:
        kinds = {type(v) for v in frame[col] if not pd.isna(v)}
        if frame[col].dtype == object and len(kinds) > 1:
            # Parquet columns have one type: text, as another tool would write the edit
            frame[col] = frame[col].map(lambda v: v if pd.isna(v) else str(v))
    frame.to_parquet(path, index=False)
    return path


# edit of a valid panel -> words naming the mistake, words saying how to fix it. Row 3
# (data row 4) is AUS c11 2009 standard; row 0 (data row 1) is AUS c10 2009 standard.
BAD_PANELS: dict[str, tuple[Callable[[pd.DataFrame], pd.DataFrame], list[str], list[str]]] = {
    "no rows": (lambda f: f.iloc[:0], ["no data rows"], ["servmodel data build"]),
    "year as text": (_set("year", 3, "2010x"), ["data row 4", "column 'year'", "'2010x'"],
                     ["integers such as 2011"]),
    "fractional year": (_set("year", 3, 2010.5), ["data row 4", "column 'year'", "2010.5"],
                        ["integers such as 2011"]),
    "missing year": (_set("year", 3, np.nan), ["data row 4", "column 'year'", "empty cell"],
                     ["integers such as 2011"]),
    "missing country": (_set("country", 3, np.nan), ["data row 4", "column 'country'",
                                                     "missing"], ["fill in the cell"]),
    "blank industry": (_set("industry", 5, "  "), ["data row 6", "column 'industry'"],
                       ["fill in the cell"]),
    "unknown definition": (_set("definition", 3, "fire"), ["data row 4", "column 'definition'",
                                                           "'fire'"],
                           ["kibs, producer, standard, broad, mapping", "custom:"]),
    "duplicate key": (lambda f: pd.concat([f, f.iloc[[3]]], ignore_index=True),
                      ["data rows 4 and 1663", "duplicate panel key"], ["may appear once"]),
    "oecd not boolean": (_set("oecd", 3, "maybe"), ["data row 4 (AUS c11 2009 standard)",
                                                    "column 'oecd'", "'maybe'"],
                         ["write True or False"]),
    "text tech_score": (_set("tech_score", 3, "two"), ["data row 4", "column 'tech_score'",
                                                       "'two'"], ["whole numbers 1 to 4"]),
    "tech_score out of range": (_set("tech_score", 3, 7), ["data row 4", "7"],
                                ["whole numbers 1 to 4"]),
    "fractional tech_score": (_set("tech_score", 3, 2.5), ["data row 4", "2.5"],
                              ["whole numbers 1 to 4"]),
    "tech_score contradicts tech": (_set("tech_score", 3, 4), ["data row 4", "4 does not "
                                                               "match tech 'medium-low'"],
                                    ["correct one of them"]),
    "unknown tech": (_set("tech", 3, "very high"), ["data row 4", "column 'tech'",
                                                    "'very high'"],
                     ["low, medium-low, medium-high, high"]),
    "missing tech": (_set("tech", 3, np.nan), ["data row 4", "column 'tech'", "empty cell"],
                     ["low, medium-low, medium-high, high"]),
    "infinite direct": (_set("direct", 3, np.inf), ["data row 4 (AUS c11 2009 standard)",
                                                    "column 'direct'", "inf is not finite"],
                        ["leave the cell empty"]),
    "minus infinite total": (_set("total", 8, -np.inf), ["data row 9", "column 'total'",
                                                         "-inf"], ["leave the cell empty"]),
    "text in a measure": (_set("direct_domestic", 3, "n.a."), ["data row 4",
                                                               "'n.a.' is not a number"],
                          ["leave the cell empty"]),
    "negative output": (_set("output", 3, -5.0), ["data row 4", "gross output -5.0"],
                        ["finite number > 0"]),
    "infinite exports": (_set("exports", 3, np.inf), ["data row 4", "gross exports inf"],
                         ["leave it empty"]),
    "infinite value added": (_set("va_services_foreign", 5, np.inf),
                             ["data row 6", "column 'va_services_foreign'", "inf"],
                             ["leave the cell empty"]),
    "zero output": (_set("output", 3, 0.0), ["data row 4", "gross output 0.0"],
                    ["delete the row"]),
    "missing output": (_set("output", 3, np.nan), ["data row 4", "gross output an empty "
                                                   "cell"], ["finite number > 0"]),
    "text covariate": (_assign(rd="high"), ["data row 1", "column 'rd'", "'high'"],
                       ["covariates are numeric"]),
    "infinite covariate": (lambda f: _set("rd", 3, np.inf)(f.assign(rd=1.0)),
                           ["data row 4", "column 'rd'", "inf"], ["leave the cell empty"]),
}
PARQUET_TOO = ("missing country", "infinite direct", "oecd not boolean", "fractional year",
               "text tech_score", "negative output")


@pytest.mark.parametrize(("case", "suffix"), [
    *((case, ".csv") for case in BAD_PANELS),
    *((case, ".parquet") for case in PARQUET_TOO),
])
def test_bad_panel_cell(case, suffix, tmp_path, capsys, panel_file):
    edit, what, fix = BAD_PANELS[case]
    panel = _write(edit(pd.read_parquet(panel_file)), tmp_path / f"panel{suffix}")
    expect_error(capsys, ["data", "summary", "--panel", panel], 1, [str(panel), *what], fix)


def test_repeated_column_in_the_header(tmp_path, capsys, panel_file):
    frame = pd.read_parquet(panel_file).head(20)
    panel = tmp_path / "panel.csv"
    text = frame.to_csv(index=False).splitlines()
    panel.write_text("\n".join([text[0] + ",direct"]
                               + [line + ",0.5" for line in text[1:]]) + "\n")
    expect_error(capsys, ["data", "summary", "--panel", panel], 1,
                 [str(panel), "column 'direct' appears more than once"], ["keep one of them"])


@pytest.fixture()
def no_sampling(monkeypatch):
    """A bad panel must stop `bayes` before the sampler, not after minutes of sampling."""
    def refuse(*args, **kwargs):
        raise AssertionError("sampling started before the panel was checked")

    monkeypatch.setattr(servmodel.bayes.fit, "sample", refuse)


def _command(name: str, tmp_path: Path) -> tuple[list[object], Path]:
    """Arguments of each command that reads --panel, and what it would write."""
    if name == "estimate":
        spec = tmp_path / "model.toml"
        spec.write_text(spec_text())
        return ["estimate", spec], tmp_path / "results"
    if name == "bayes":
        spec = tmp_path / "bayes.toml"
        spec.write_text(BAYES_SPEC)
        out = tmp_path / "fit.nc"
        return ["bayes", spec, "--no-progress", "--out", out], out
    if name == "sensitivity":
        grid = tmp_path / "grid.toml"
        grid.write_text('name = "g"\n[[targets]]\nname = "tech"\nformula = "tech_score + '
                        'trend"\nterm = "tech_score"\n[dimensions]\nestimator = ["pooled"]\n')
        return ["sensitivity", grid], tmp_path / "grid_out"
    return ["data", "summary"], tmp_path / "nothing"


@pytest.mark.parametrize("command", ["estimate", "bayes", "sensitivity", "data summary"])
def test_every_command_checks_the_panel(command, tmp_path, capsys, panel_file, no_sampling):
    """A text tech_score once became dummies in a fit, and an infinite intensity was
    dropped as if missing: each command that reads --panel refuses both."""
    frame = pd.read_parquet(panel_file)
    for edit, column in ((_set("direct", 3, np.inf), "direct"),
                         (_set("tech_score", 3, "two"), "tech_score")):
        panel = _write(edit(frame), tmp_path / "panel.csv")
        args, out = _command(command, tmp_path)
        if command == "estimate" or command == "sensitivity":
            args = [*args, "--out", out]
        expect_error(capsys, [*args, "--panel", panel], 1,
                     [str(panel), "data row 4", f"column {column!r}"], [])
        assert_not_written(out)


@pytest.mark.parametrize(("true", "false"), [
    ("True", "False"), ("true", "false"), ("TRUE", "FALSE"), ("1", "0"), ("1.0", "0.0")])
def test_oecd_spellings_of_csv_round_trips_are_accepted(true, false, tmp_path, panel_file):
    """Guard: what CSV tools write for data build's booleans (and unknown, empty) reads
    back as the same membership."""
    frame = pd.read_parquet(panel_file)
    edited = frame.assign(oecd=frame["oecd"].map({True: true, False: false}).astype(object))
    edited.loc[5, "oecd"] = None
    panel = read_panel(_write(edited, tmp_path / "panel.csv"))
    expected = frame["oecd"].copy()
    expected.iloc[5] = pd.NA
    pd.testing.assert_series_equal(panel.frame["oecd"], expected)


def test_namibia_is_a_country_not_a_missing_value(tmp_path, panel_file):
    frame = pd.read_parquet(panel_file)
    frame["country"] = frame["country"].replace({"AUS": "NA"})
    panel = read_panel(_write(frame, tmp_path / "panel.csv"))
    assert (panel.frame["country"] == "NA").sum() == (frame["country"] == "NA").sum() > 0


@pytest.mark.parametrize(("call", "error", "words"), [
    (lambda p: read_panel(None), UsageError, "panel file must be a file path"),
    (lambda p: read_panel(p).with_frame([1, 2]), UsageError, "must be a pandas DataFrame"),
    (lambda p: IntensityPanel(frame=None), UsageError, "must be a pandas DataFrame"),
    (lambda p: read_panel(p).write(None), UsageError, "must be a file path"),
    (lambda p: merge_covariates(read_panel(p), 5), UsageError, "or a pandas DataFrame"),
    (lambda p: merge_covariates(p, p), UsageError, "panel must be an IntensityPanel"),
    (lambda p: merge_covariates(read_panel(p), pd.DataFrame(
        {"industry": ["c3", "c4"], "rd": [1.0, np.inf]})), DataError, "not a finite number"),
    (lambda p: summarize_panel(read_panel(p), "gross"), UsageError, "unknown measure 'gross'"),
    (lambda p: servmodel.panel_from_source(years=[2000.5]), UsageError,
     "2000.5 is not a whole year"),
    (lambda p: servmodel.panel_from_source(years=[2000, 2001.5]), UsageError,
     "2001.5 is not a whole year"),
    (lambda p: servmodel.panel_from_source(years=2000.5), UsageError,
     "2000.5 is not a whole year"),
    (lambda p: servmodel.panel_from_source(definitions=None), UsageError,
     "definitions must be a string"),
    (lambda p: servmodel.panel_from_source(mapping=5), UsageError,
     "mapping must be a file path"),
], ids=["read_panel(None)", "with_frame(list)", "IntensityPanel(None)", "write(None)",
        "merge_covariates(panel, 5)", "merge_covariates(path, path)",
        "infinite covariate", "unknown summary measure", "fractional year",
        "fractional year in a list", "float year", "definitions None", "mapping not a path"])
def test_python_api_raises_servmodel_errors(call, error, words, panel_file):
    with pytest.raises(error, match=words):
        call(panel_file)
