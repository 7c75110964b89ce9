"""Grid files: what they mean, and clear errors when they are wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from servmodel.cli import main
from servmodel.errors import SpecError, UsageError
from servmodel.sensitivity import expand_grid, load_grid, parse_grid
from servmodel.sensitivity.choices import DEFAULT_CHOICE, cov_options, formula_for, sample_choice

REPO = Path(__file__).resolve().parents[2]
TARGET = {"name": "tech", "formula": "tech_score + trend", "term": "tech_score"}
# a term that every estimator without year effects can estimate
TREND = {"name": "trend", "formula": "tech_score + trend", "term": "trend"}


def grid(**overrides):
    raw = {"name": "g", "targets": [TARGET], "dimensions": {"estimator": ["pooled", "fe"]}}
    raw.update(overrides)
    return parse_grid(raw, source="g.toml")


def test_shipped_grid_loads():
    g = load_grid(REPO / "models" / "sensitivity.toml")
    assert [t.name for t in g.targets] == ["tech", "tech_trend", "korea_trend", "korea_gap"]
    assert g.dimensions["estimator"] == ("pooled", "fe", "fe_twoway", "re", "mundlak", "fd")
    assert g.choices_for(g.target("korea_trend"))["cov"] == ("clustered:industry", "driscoll_kraay")
    assert g.prior.scales == (0.5, 2.0)


def test_missing_dimensions_hold_their_default():
    g = grid()
    assert g.dimensions["definition"] == (DEFAULT_CHOICE["definition"],)
    assert g.varied == ("estimator",)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            {"dimensions": {"estimator": ["pooled", "fe2"]}},
            "[dimensions] estimator: 'fe2' is not an estimator; choose from pooled, fe, fe_time",
        ),
        ({"dimensions": {"measure": ["direkt"]}}, "'direkt' is not a measure"),
        ({"dimensions": {"cov": ["clustered:region"]}}, "cluster on one or two different"),
        ({"dimensions": {"cov": ["driscoll_kraay:x"]}}, "the bandwidth after ':' must be"),
        ({"dimensions": {"sample": ["oecd_only"]}}, "'oecd_only' is not a sample"),
        ({"dimensions": {"sample": ["2007-1995"]}}, "runs backwards"),
        (
            {"dimensions": {"transform": []}},
            "[dimensions] transform must be a string or a non-empty list",
        ),
        ({"dimensions": {"transform": ["log", "log"]}}, "'log' listed twice"),
        (
            {"dimensions": {"estimators": ["fe"]}},
            "unknown key 'estimators' in [dimensions] (did you mean 'estimator'?)",
        ),
        (
            {"targets": [{**TARGET, "term": "tech_score:trend"}]},
            "term: 'tech_score:trend' is not a term of the formula",
        ),
        ({"targets": [{"name": "x", "formula": "tech_score"}]}, "[[targets]] #1: missing term"),
        ({"targets": [{**TARGET, "formula": "y ~ tech_score"}]}, "has a '~'"),
        ({"targets": [TARGET, TARGET]}, "two targets are named 'tech'"),
        ({"targets": []}, "targets must be an array of tables"),
        ({"base": {"zeros": "offset"}}, "offset is needed with zeros = 'offset'"),
        ({"curve": {"scale": "z"}}, "[curve] scale: 'z'"),
        ({"prior": {"scales": [0.5, -2]}}, "[prior] scales"),
    ],
)
def test_invalid_grids_name_file_key_and_choices(raw, message):
    with pytest.raises(SpecError) as err:
        grid(**raw)
    assert str(err.value).startswith("g.toml: ")
    assert message in str(err.value)


def test_no_targets():
    with pytest.raises(SpecError, match="no \\[\\[targets\\]\\]"):
        parse_grid({"dimensions": {}}, source="g.toml")


def test_toml_syntax_error_has_line(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[dimensions]\nestimator = ["pooled" "fe"]\n')
    with pytest.raises(SpecError, match=r"bad.toml: TOML syntax error at line \d+"):
        load_grid(path)


def test_missing_file_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="does not exist"):
        load_grid(tmp_path / "nope.toml")


def test_unknown_definition_or_country_against_the_panel(wiod_panel):
    with pytest.raises(
        SpecError, match="'custom' is not in the panel, which holds broad, kibs, producer, standard"
    ):
        expand_grid(grid(dimensions={"definition": ["standard", "custom"]}), wiod_panel)
    with pytest.raises(SpecError, match="'XYZ' not in the panel"):
        expand_grid(grid(targets=[{**TARGET, "countries": ["XYZ"]}]), wiod_panel)
    with pytest.raises(SpecError, match="XYZ not in the panel"):
        expand_grid(grid(dimensions={"sample": ["without:XYZ"]}), wiod_panel)


def test_cli_reports_bad_grid_and_exits_1(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text(
        '[[targets]]\nname = "t"\nformula = "tech_score"\nterm = "tech_score"\n'
        '[dimensions]\nestimator = ["fe3"]\n'
    )
    assert main(["sensitivity", str(path), "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert "bad.toml: [dimensions] estimator: 'fe3' is not an estimator" in err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("old", "new"), [("oecd", "oecd_last_year"), ("non_oecd", "non_oecd_last_year")]
)
def test_old_oecd_sample_and_country_group_are_refused(old, new):
    """A grid's ``oecd`` sample was the countries that are members in the last year; the
    name is refused with the new spelling rather than read as membership by year."""
    where = {
        "sample": "g.toml: [dimensions] sample",
        "target": "g.toml: [[targets]] 'tech' countries",
        "override": "g.toml: [dimensions] sample",
    }
    cases = {
        "sample": {"dimensions": {"sample": ["all", old]}},
        "target": {"targets": [{**TARGET, "countries": [old]}]},
        "override": {"targets": [{**TARGET, "dimensions": {"sample": [old]}}]},
    }
    for case, raw in cases.items():
        with pytest.raises(SpecError) as err:
            grid(**raw)
        text = str(err.value)
        assert "\n" not in text
        assert text.startswith(f"{where[case]}: '{old}' is no longer a country group"), text
        assert f"write '{new}'" in text and "year by year" in text
    assert sample_choice(new).group == new


def test_curve_labels_name_the_last_year_selection():
    from servmodel.sensitivity.curve import _choice_label

    assert _choice_label("sample", "oecd_last_year") == "OECD members in the last year"
    assert "last year" in _choice_label("sample", "non_oecd_last_year")


def test_cli_refuses_the_old_oecd_sample_in_one_line(tmp_path, capsys):
    path = tmp_path / "old.toml"
    path.write_text(
        '[[targets]]\nname = "t"\nformula = "tech_score"\nterm = "tech_score"\n'
        '[dimensions]\nsample = ["all", "oecd"]\n'
    )
    assert main(["sensitivity", str(path), "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "'oecd' is no longer a country group" in err and "'oecd_last_year'" in err
    assert not (tmp_path / "o").exists()


def test_cli_jobs_and_scheduler_exclude_each_other(tmp_path, capsys):
    code = main(
        [
            "sensitivity",
            str(REPO / "models" / "sensitivity.toml"),
            "--jobs",
            "2",
            "--scheduler",
            "tcp://127.0.0.1:1",
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 2
    assert "either --jobs or --scheduler" in capsys.readouterr().err


def test_formula_drops_what_the_estimator_cannot_identify():
    f = "tech_score + center(trend) + tech_score:center(trend) + log(output)"
    assert formula_for(f, "pooled", None) == (f, ())
    # formulaic orders terms by degree; the columns are the same
    assert formula_for(f, "fe", "entity") == (
        "center(trend) + log(output) + tech_score:center(trend)",
        ("tech_score",),
    )
    assert formula_for(f, "fe", "twoway") == (
        "log(output) + tech_score:center(trend)",
        ("tech_score", "center(trend)"),
    )
    assert formula_for("0 + korea + trend", "fe", "time") == ("0 + korea", ("trend",))


def test_choice_parsers():
    assert cov_options("clustered:country+year") == {
        "cov": "clustered",
        "cluster": ("country", "year"),
    }
    assert cov_options("driscoll_kraay:2") == {
        "cov": "driscoll_kraay",
        "kernel": "bartlett",
        "bandwidth": 2.0,
    }
    assert sample_choice("1995-2007").years == tuple(range(1995, 2008))
    assert sample_choice("without:CHN,MEX").countries == ("CHN", "MEX")
    assert sample_choice("loo").kind == "loo"


def test_expansion_skips_with_reasons_and_resolves_samples(wiod_panel):
    g = grid(
        targets=[
            TARGET,
            {"name": "korea", "formula": "trend", "term": "trend", "countries": ["KOR"]},
        ],
        dimensions={
            "estimator": ["pooled", "fe", "fe_time"],
            "sample": ["all", "oecd_last_year", "loo"],
        },
    )
    points = expand_grid(g, wiod_panel)
    tech = [p for p in points if p.target == "tech"]
    # 3 estimators x (all, oecd_last_year, 40 leave-one-out samples)
    assert len(tech) == 3 * 42
    fe = [p for p in tech if p.choices["estimator"] == "fe"]
    assert {p.skip for p in fe} == {
        "tech_score does not vary within country x industry, so fe cannot estimate it"
    }
    loo = [p for p in tech if p.choices["sample"] == "loo" and p.skip is None]
    assert {p.sample_detail for p in loo} >= {"without KOR", "without USA"}
    assert all(p.spec.data.countries != ("all",) and len(p.spec.data.countries) == 39 for p in loo)
    korea = [p for p in points if p.target == "korea"]
    reasons = {p.skip for p in korea}
    assert "same specification as sample=all" in reasons  # Korea is an OECD member
    assert "sample 'without KOR' leaves no country of the target" in reasons
    assert "trend is the same for every unit in a year, so year effects absorb it" in reasons
    keys = [p.key for p in points]
    assert len(set(keys)) == len(keys)


def test_expansion_keys_are_the_hash_of_each_spec(wiod_panel):
    # the expansion hashes the sections it shares between specifications; the key must be
    # that of the whole spec, or cached results would be looked up under other keys
    from servmodel.sensitivity.expand import spec_key

    g = grid(
        targets=[TREND],
        dimensions={
            "estimator": ["pooled", "fe", "fd"],
            "transform": ["level", "log"],
            "cov": ["clustered:country", "driscoll_kraay:2"],
            "sample": ["all", "1995-2007"],
        },
    )
    points = [p for p in expand_grid(g, wiod_panel) if p.spec is not None]
    assert len(points) == 24
    fingerprint = wiod_panel.fingerprint()
    for p in points:
        assert p.key == spec_key(p.spec, p.term, fingerprint)
        assert p.spec.name == f"trend-{p.key[:10]}"


def test_a_refused_section_skips_every_specification_that_uses_it(wiod_panel):
    # first differences cannot cluster by year: every fd x clustered:year cell says so
    g = grid(
        targets=[TREND],
        dimensions={
            "estimator": ["pooled", "fd"],
            "transform": ["level", "log"],
            "cov": ["clustered:year", "clustered:country"],
        },
    )
    points = expand_grid(g, wiod_panel)
    refused = [p for p in points if p.skip is not None]
    assert {(p.choices["estimator"], p.choices["cov"]) for p in refused} == {
        ("fd", "clustered:year")
    }
    assert len(refused) == 2
    assert len({p.skip for p in refused}) == 1
    assert "[frequentist]" in refused[0].skip and not refused[0].skip.startswith("grid:")
