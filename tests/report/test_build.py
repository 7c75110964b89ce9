"""The table builder on made-up results: cells, rows, notes, options and their errors."""

from __future__ import annotations

import logging

import pytest

from servmodel.errors import UsageError
from servmodel.report import TableBuilder, TableOptions, hidden_term, render
from tests.report.helpers import bayes_result, grid_markdown, panel_result

FE = panel_result("fe", ["tech_score", "trend", "tech_score:trend"],
                  [0.2, -0.0123, 0.00004], [0.05, 0.004, 0.0002])
RE = panel_result("re", ["Intercept", "tech_score", "trend"], [-2.0, 0.15, -0.02],
                  [0.3, 0.1, 0.02], estimator="re", effects=None)
BAYES = bayes_result("hier", {
    "Intercept": (-1.9, 0.07, -2.0, -1.75),
    "tech_score": (0.12, 0.05, 0.03, 0.21),
    "trend": (-0.11, 0.04, -0.18, -0.04),
    "sigma_country": (0.5, 0.17, 0.26, 0.94),
    "sigma_country_log__": (-0.8, 0.3, -1.3, -0.1),
    "a_country[KOR]": (-0.27, 0.03, -0.32, -0.22),
    "tech[high]": (0.3, 0.1, 0.1, 0.5),
})


def grid(table):
    return {r[0]: r[1:] for r in grid_markdown(render(table, "markdown"))}


def rows(table):
    return [r[0] for r in grid_markdown(render(table, "markdown"))]


def test_cells_stars_and_uncertainty():
    lines = grid_markdown(render(TableBuilder([FE, BAYES]).build(), "markdown"))
    g = {r[0]: r[1:] for r in lines}
    assert g["tech_score"] == ["0.200***", "0.120"]  # t = 4: p < 0.01; no stars for Bayes
    assert g["trend"] == ["-0.012***", "-0.110"]
    assert g["tech_score:trend"] == ["0.000", ""]
    i = [r[0] for r in lines].index("tech_score")
    assert lines[i + 1] == ["", "(0.050)", "[0.030, 0.210]"]


@pytest.mark.parametrize(("stat", "cell"), [("se", "(0.100)"), ("t", "(1.500)"),
                                            ("p", "(0.142)"), ("ci", "[-0.052, 0.352]")])
def test_stat_below_panel_estimates(stat, cell):
    table = TableBuilder([RE]).stat(stat).build()
    lines = grid_markdown(render(table, "markdown"))
    i = [r[0] for r in lines].index("tech_score")
    assert lines[i + 1][1] == cell
    word = {"se": "standard errors", "t": "t statistics", "p": "p-values",
            "ci": "95% confidence intervals"}[stat]
    assert any(word in n for n in table.notes)


def test_tiny_p_value_and_star_thresholds():
    table = TableBuilder([RE]).stat("p").digits(2).build()
    lines = grid_markdown(render(table, "markdown"))
    assert lines[1][1:] == ["-2.00***"] and lines[2][1:] == ["(<0.01)"]
    g = grid(TableBuilder([RE]).stars([0.2, 0.15]).build())
    assert g["tech_score"] == ["0.150**"]  # p = 0.142: below 0.2 and 0.15
    g = grid(TableBuilder([RE]).stars(None).build())
    assert g["Intercept"] == ["-2.000"]
    notes = TableBuilder([RE]).stars([0.1, 0.05, 0.001]).build().notes
    assert "* p < 0.10, ** p < 0.05, *** p < 0.001 (two-sided)" in notes[0]
    assert not any("*" in n for n in TableBuilder([RE]).stars(None).build().notes)


def test_bayes_sd_and_interval_note():
    table = TableBuilder([BAYES]).bayes_stat("sd").build()
    lines = grid_markdown(render(table, "markdown"))
    assert lines[2][1] == "(0.070)"
    assert "posterior standard deviations in parentheses" in table.notes[0]
    ci = TableBuilder([BAYES]).build()
    assert ci.notes[0].startswith("Posterior means with 90% equal-tailed credible intervals")
    assert "no significance stars" in ci.notes[0]


def test_significant_digits_keep_small_coefficients():
    g = grid(TableBuilder([FE]).digits(3, "significant").build())
    assert g["trend"] == ["-0.0123***"]
    assert g["tech_score:trend"] == ["0.0000400"]
    lines = grid_markdown(render(TableBuilder([FE]).digits(3, "significant").build(),
                                 "markdown"))
    i = [r[0] for r in lines].index("tech_score:trend")
    assert lines[i + 1][1] == "(0.000200)"


def test_an_estimate_printed_as_zero_is_warned_about(caplog):
    with caplog.at_level(logging.WARNING, logger="servmodel.report"):
        TableBuilder([FE]).build()
    assert "fe: tech_score:trend" in caplog.text and "print as zero" in caplog.text


def test_builder_is_immutable():
    base = TableBuilder([FE, RE])
    variant = base.drop("trend").title("T").spanner("Panel models", 1, 2)
    assert base.options == TableOptions()
    assert "trend" in rows(base.build()) and "trend" not in rows(variant.build())
    assert variant.build().title == "T" and base.build().title == ""


def test_labels_rename_order_and_merge():
    table = (TableBuilder([FE, RE, BAYES])
             .labels({"trend": "Time trend", "tech_score": "Technology level"}).build())
    order = [r for r in rows(table) if r]
    assert order[:2] == ["Time trend", "Technology level"]
    g = grid(table)
    assert g["Technology level"] == ["0.200***", "0.150", "0.120"]
    only = grid(TableBuilder([FE, RE]).labels({"tech_score": "Tech"}, only=True).build())
    assert [k for k in only if k and k not in ("Country × industry FE", "Year FE")][:1] == [
        "Tech"]
    assert "trend" not in only and "Intercept" not in only


def test_two_terms_of_one_model_in_one_row_is_an_error():
    with pytest.raises(UsageError, match="would both go in row 'T'"):
        TableBuilder([FE]).labels({"trend": "T", "tech_score": "T"}).build()


def test_label_or_pattern_that_matches_nothing_is_an_error():
    with pytest.raises(UsageError, match=r"label for 'tech_scor' matches no term.*tech_score"):
        TableBuilder([FE]).labels({"tech_scor": "Tech"}).build()
    with pytest.raises(UsageError, match="--keep pattern 'nothing' matches no term"):
        TableBuilder([FE]).keep("nothing").build()
    with pytest.raises(UsageError, match="--drop pattern"):
        TableBuilder([FE]).drop("^x$").build()
    with pytest.raises(UsageError, match="not a regular expression"):
        TableBuilder([FE]).keep("tech(").build()
    with pytest.raises(UsageError, match="no term is left"):
        TableBuilder([FE]).drop(".").build()


def test_bayesian_internals_and_group_effects_are_hidden_unless_asked():
    assert hidden_term("sigma_country_log__") and hidden_term("a_country[KOR]")
    assert not hidden_term("tech[high]") and not hidden_term("sigma_country")
    shown = rows(TableBuilder([BAYES]).build())
    assert "tech[high]" in shown and "sigma_country" in shown
    assert "a_country[KOR]" not in shown and "sigma_country_log__" not in shown
    assert "a_country[KOR]" in rows(TableBuilder([BAYES]).keep("a_country").build())
    assert "Korea" in rows(TableBuilder([BAYES]).labels({"a_country[KOR]": "Korea"}).build())
    every = rows(TableBuilder([BAYES]).with_options(all_terms=True).build())
    assert "sigma_country_log__" in every and "a_country[KOR]" in every
    # a panel model's bracketed terms (dummies) are shown as estimated
    dummies = panel_result("d", ["C(industry)[T.c4]"], [0.1], [0.05])
    assert "C(industry)[T.c4]" in rows(TableBuilder([dummies]).build())


def test_fixed_effect_rows_and_fit_rows():
    g = grid(TableBuilder([FE, RE, BAYES]).build())
    assert g["Country × industry FE"] == ["Yes", "No", "No"]
    assert g["Year FE"] == ["No", "No", "No"]
    assert g["Estimator"] == ["FE", "RE", "Bayes, hurdle Beta"]
    assert g["Observations"] == ["500", "500", "1,234"]
    assert g["R² within"] == ["0.123", "0.123", ""]
    assert g["R² overall"] == ["-0.046", "-0.046", ""]
    assert g["elpd_loo (SE)"] == ["", "", "2345.7 (45.6)"]
    assert g["Max. R-hat"] == ["", "", "1.004"] and g["Min. ESS (bulk)"] == ["", "", "812"]
    twoway = panel_result("tw", ["x"], [1.0], [0.5], effects="twoway",
                          clusters=(("country", 40), ("year", 17)))
    g = grid(TableBuilder([twoway]).build())
    assert g["Country × industry FE"] == ["Yes"] and g["Year FE"] == ["Yes"]
    assert g["Clusters"] == ["40 × 17"]
    fd = panel_result("fd", ["x"], [1.0], [0.5], estimator="fd", effects=None)
    assert grid(TableBuilder([fd]).build())["Country × industry FE"] == ["Differenced"]
    bayes_only = grid(TableBuilder([BAYES]).build())
    assert "Year FE" not in bayes_only and "Clusters" not in bayes_only
    g = grid(TableBuilder([FE]).fit("nobs").with_options(fe_rows=False).build())
    assert [k for k in g if k and k not in ("tech_score", "trend", "tech_score:trend")] == [
        "Observations"]


def test_notes_name_the_columns_of_each_family():
    notes = TableBuilder([FE, BAYES, RE]).build().notes
    assert notes[0].startswith("Columns (1), (3): estimates with standard errors")
    assert notes[1].startswith("Column (2): posterior means with 90%")
    assert len(notes) == 2
    failed = bayes_result("bad", {"x": (1.0, 0.1, 0.8, 1.2)}, passed=False)
    notes = TableBuilder([FE, failed]).notes("Source: WIOD.").build().notes
    assert "Column (2): convergence checks failed" in notes[2]
    assert notes[-1] == "Source: WIOD."


def test_stacked_panels():
    b = (TableBuilder().panel("Standard definition", [FE, BAYES])
         .panel("KIBS", [RE, BAYES]).titles("Panel model", "Bayes"))
    table = b.build()
    assert [p.title for p in table.panels] == ["Panel A: Standard definition", "Panel B: KIBS"]
    md = render(table, "markdown")
    assert "| **Panel A: Standard definition** |  |  |" in md
    assert table.columns[0].models == ("fe", "re")
    # without titles, differing names are both shown
    untitled = TableBuilder().panel("A", [FE]).panel("B", [RE]).build()
    assert untitled.columns[0].title == "fe / re"
    # each panel has its own summary rows
    assert sum(1 for p in table.panels for r in p.rows if r.label == "Observations") == 2


def test_panel_errors():
    with pytest.raises(UsageError, match="panel 'B' has 1 models and panel 'A' has 2"):
        TableBuilder().panel("A", [FE, RE]).panel("B", [FE]).build()
    with pytest.raises(UsageError, match="column 2 mixes panel and Bayesian models"):
        TableBuilder().panel("A", [FE, RE]).panel("B", [FE, BAYES]).build()
    with pytest.raises(UsageError, match="both outside and inside panels"):
        TableBuilder([FE]).panel("A", [RE])
    with pytest.raises(UsageError, match="no results"):
        TableBuilder([]).build()
    with pytest.raises(UsageError, match="2 column titles for 1 columns"):
        TableBuilder([FE]).titles("a", "b").build()
    with pytest.raises(UsageError, match="reaches column 3"):
        TableBuilder([FE, RE]).spanner("x", 2, 3).build()


@pytest.mark.parametrize(("changes", "message"), [
    ({"digits": -1}, "digits -1"),
    ({"stars": (0.01, 0.05)}, "largest first"),
    ({"stars": (0.1, 1.5)}, "between 0 and 1"),
    ({"level": 1.5}, "between 0 and 1"),
    ({"stat": "z"}, "unknown --stat 'z'"),
    ({"fit": ("nobs", "aic")}, "unknown fit row 'aic'"),
    ({"spanners": (("a", 1, 2), ("b", 2, 3))}, "overlap"),
    ({"labels": (("x", "A"), ("x", "B"))}, "labelled twice"),
])
def test_option_errors(changes, message):
    with pytest.raises(UsageError, match=message):
        TableOptions(**changes)


def test_not_a_model_result():
    with pytest.raises(UsageError, match="a dict is not a model result"):
        TableBuilder([{"x": 1}]).build()
