"""Model specs from TOML: the shipped files, round trips, and one clear SpecError per
mistake (file, key, allowed values)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from servmodel.errors import SpecError, UsageError
from servmodel.spec import (
    DataSelection,
    FrequentistOptions,
    ModelSpec,
    formula_variables,
    load_spec,
    parse_spec,
)

ROOT = Path(__file__).resolve().parents[2]
# model specs only: the sensitivity grid has its own parser (tests/sensitivity)
SHIPPED = sorted(p for p in (ROOT / "models").glob("*.toml") if p.stem != "sensitivity")

VALID = """\
name = "m"
formula = "tech_score + trend"

[data]
definition = "standard"
years = "2000-2005"

[dependent]
transform = "log"
zeros = "drop"

[frequentist]
estimator = "re"
cov = "clustered"
cluster = "country"
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "spec.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_specs_load_and_round_trip(path):
    spec = load_spec(path)
    assert spec.name == path.stem
    assert parse_spec(spec.to_dict(), str(path)) == spec


def test_required_frequentist_models_are_shipped():
    names = {p.stem for p in SHIPPED}
    assert names >= {"pooled", "fe_twoway", "re", "mundlak", "fd", "korea_trend", "korea_gap"}
    assert load_spec(ROOT / "models" / "fe_twoway.toml").frequentist.effects == "twoway"
    assert load_spec(ROOT / "models" / "korea_trend.toml").data.countries == ("KOR",)


def test_valid_spec_values(tmp_path):
    spec = load_spec(_write(tmp_path, VALID))
    assert spec.data == DataSelection(definition="standard", years=tuple(range(2000, 2006)))
    assert spec.frequentist == FrequentistOptions(estimator="re", cov="clustered",
                                                  cluster=("country",))
    assert spec.dependent.label == "log"
    assert spec.family == "frequentist"
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.name = "x"  # type: ignore[misc]


def test_name_defaults_to_the_file_name(tmp_path):
    path = tmp_path / "my_model.toml"
    path.write_text(VALID.replace('name = "m"\n', ""))
    assert load_spec(path).name == "my_model"


@pytest.mark.parametrize(("old", "new", "message"), [
    ('name = "m"', 'name = "m"\nestimator = "fe"',
     "unknown key 'estimator' at top level; allowed keys: name, description, formula"),
    ('years = "2000-2005"', 'yeras = "2000-2005"',
     "unknown key 'yeras' at [data] (did you mean 'years'?); allowed keys: definition"),
    ('cov = "clustered"', 'cov = "clusterd"',
     "[frequentist] cov: 'clusterd' is not allowed; choose one of unadjusted, robust, "
     "clustered, driscoll_kraay"),
    ('estimator = "re"', 'estimator = "ols"',
     "[frequentist] estimator: 'ols' is not allowed; choose one of pooled, fe, re, between, "
     "fd, mundlak"),
    ('years = "2000-2005"', "years = true",
     "[data] years must be 'all', a range such as '1995-2011' or a list of years, not a "
     "boolean (true)"),
    ('years = "2000-2005"', 'years = [2000, "x"]', "[data] years: 'x' is not a year"),
    ('years = "2000-2005"', 'years = "2005-2000"', "runs backwards"),
    ('cluster = "country"', "cluster = 3", "[frequentist] cluster must be a string or a list"),
    ('cluster = "country"', 'cluster = "firm"',
     "[frequentist] cluster: 'firm' is not allowed; choose one of entity, country, industry, "
     "year"),
    ('cluster = "country"', 'cluster = ["entity", "year", "country"]', "give one dimension or "
     "two different ones"),
    ('cluster = "country"', 'cluster = "country"\nsmall_sample = "yes"',
     "[frequentist] small_sample must be true or false, not a string ('yes')"),
    ('zeros = "drop"\n', "", "[dependent] zeros: required with transform = 'log'"),
    ('zeros = "drop"', 'zeros = "offset"', "[dependent] offset: required with zeros = 'offset'"),
    ('zeros = "drop"', 'zeros = "offset"\noffset = -1', "offset: -1.0 must be a number > 0"),
    ('transform = "log"\nzeros = "drop"', 'transform = "level"\nzeros = "drop"',
     "only log and logit need a rule for zeros"),
    ('estimator = "re"', 'estimator = "re"\neffects = "twoway"',
     "[frequentist] effects: only used with estimator = 'fe'"),
    ('cov = "clustered"\ncluster = "country"', 'cov = "robust"\ncluster = "country"',
     "[frequentist] cluster: only used with cov = 'clustered'"),
    ('cov = "clustered"\ncluster = "country"', 'cov = "clustered"',
     "[frequentist] cluster: required with cov = 'clustered'"),
    ('cov = "clustered"\ncluster = "country"', 'cov = "robust"\nbandwidth = 2',
     "kernel and bandwidth are only used with cov = 'driscoll_kraay'"),
    ('estimator = "re"\ncov = "clustered"\ncluster = "country"',
     'estimator = "fd"\ncov = "clustered"\ncluster = "year"',
     "clusters by year are not possible with estimator = 'fd'"),
    ('estimator = "re"\ncov = "clustered"\ncluster = "country"',
     'estimator = "between"\ncov = "driscoll_kraay"',
     "driscoll_kraay needs a time dimension"),
    ('formula = "tech_score + trend"', 'formula = "y ~ tech_score"',
     "write the right-hand side only"),
    ('formula = "tech_score + trend"', 'formula = "tech_score +"', "cannot be parsed"),
    ('formula = "tech_score + trend"\n', "", "formula: missing"),
    ('name = "m"', 'name = "a b"', "name: 'a b' must be letters, digits"),
    ('[data]\ndefinition = "standard"\n', "[data]\n", "[data] definition: missing"),
    ('estimator = "re"\n', "", "[frequentist] estimator: missing"),
])
def test_each_mistake_is_a_spec_error_naming_file_and_key(tmp_path, old, new, message):
    assert old in VALID
    path = _write(tmp_path, VALID.replace(old, new, 1))
    with pytest.raises(SpecError) as err:
        load_spec(path)
    text = str(err.value)
    assert text.startswith(f"{path}: ")
    assert message in text


def test_section_of_the_wrong_type():
    raw = {"formula": "trend", "data": {"definition": "standard"}, "frequentist": 1}
    with pytest.raises(SpecError, match=r"x.toml: frequentist must be a \[frequentist\] table, "
                       r"not an integer \(1\)"):
        parse_spec(raw, "x.toml")


def test_toml_syntax_error_has_line_and_column(tmp_path):
    path = _write(tmp_path, VALID.replace('definition = "standard"', "definition = standard"))
    with pytest.raises(SpecError, match=rf"{path}: TOML syntax error at line 5, column 14"):
        load_spec(path)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(UsageError, match="does not exist"):
        load_spec(tmp_path / "nope.toml")
    with pytest.raises(UsageError, match="is a directory"):
        load_spec(tmp_path)


def test_python_construction_is_validated_too():
    with pytest.raises(SpecError, match=r"<memory>: \[frequentist\] cov: 'hc3' is not allowed"):
        FrequentistOptions(estimator="pooled", cov="hc3")
    with pytest.raises(SpecError, match="no estimator section"):
        ModelSpec(name="m", formula="trend", data=DataSelection("standard"))


def test_bayes_section_is_read_by_its_dataclass_fields():
    pytest.importorskip("servmodel.spec.bayes")
    raw = {"name": "b", "data": {"definition": "standard"},
           "bayes": {"family": "beta", "intercepts": ["country"], "famly": "x"}}
    with pytest.raises(SpecError, match=r"unknown key 'famly' at \[bayes\] \(did you mean "
                       r"'family'\?\)"):
        parse_spec(raw, "b.toml")
    del raw["bayes"]["famly"]
    spec = parse_spec(raw, "b.toml")
    assert spec.family == "bayes" and spec.bayes.intercepts == ("country",)
    assert parse_spec(spec.to_dict(), "b.toml") == spec
    raw["frequentist"] = {"estimator": "pooled"}
    raw["formula"] = "trend"
    with pytest.raises(SpecError, match="one estimator section"):
        parse_spec(raw, "b.toml")


@pytest.mark.parametrize(("formula", "variables"), [
    ("tech_score:trend", {"tech_score", "trend"}),
    ("center(trend) + tech_score:center(trend)", {"tech_score", "trend"}),
    ("C(industry, Treatment('c3')):trend", {"industry", "trend"}),
    ("log10(output) + log(rd) + I(trend ** 2)", {"output", "rd", "trend"}),
    ("korea * trend + C(tech)", {"korea", "trend", "tech"}),
])
def test_formula_variables(formula, variables):
    assert formula_variables(formula) == variables
