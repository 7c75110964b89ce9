"""The TOML reader shared by model specs and sensitivity grids."""

from __future__ import annotations

from pathlib import Path

import pytest

from servmodel._toml import check_keys, parse_toml, read_toml
from servmodel.errors import SpecError, UsageError


def test_reads_a_file(tmp_path):
    path = tmp_path / "m.toml"
    path.write_text('name = "m"\n[data]\ndefinition = "standard"\n', encoding="utf-8")
    assert read_toml(path, "model spec", "examples: models/") == {
        "name": "m",
        "data": {"definition": "standard"},
    }


def test_missing_file_and_directory_are_usage_errors(tmp_path):
    with pytest.raises(
        UsageError,
        match=r"grid .*nope.toml does not exist; check the path "
        r"\(example: models/sensitivity.toml\)",
    ):
        read_toml(tmp_path / "nope.toml", "grid", "example: models/sensitivity.toml")
    with pytest.raises(UsageError, match=r"is a directory; give a \.toml file"):
        read_toml(tmp_path, "model spec", "examples: models/")


def test_syntax_error_names_file_line_and_column(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('name = "m"\nformula = \n', encoding="utf-8")
    with pytest.raises(SpecError, match=rf"^{path}: TOML syntax error at line 2, column 11: "):
        read_toml(path, "model spec", "examples: models/")
    with pytest.raises(SpecError, match=r"^text.toml: TOML syntax error at line 2, column 5: "):
        parse_toml("a = 1\nb = ?\n", "text.toml")


def test_not_utf8(tmp_path):
    path = tmp_path / "latin.toml"
    path.write_bytes('name = "Bogotá"\n'.encode("latin-1"))
    with pytest.raises(SpecError, match=rf"^{path}: not UTF-8 text"):
        read_toml(path, "grid", "example: models/sensitivity.toml")


def test_unknown_key_suggests_the_nearest_and_lists_the_allowed():
    known = ("definition", "measure", "years")
    check_keys({"years": "all"}, known, "m.toml", "at [data]")
    with pytest.raises(SpecError) as err:
        check_keys({"yeras": "all"}, known, "m.toml", "at [data]")
    assert str(err.value) == (
        "m.toml: unknown key 'yeras' at [data] (did you mean 'years'?); "
        "allowed keys: definition, measure, years"
    )
    with pytest.raises(SpecError) as err:
        check_keys({"zzz": 1}, known, "g.toml", "in [curve]", allowed="allowed")
    assert str(err.value) == (
        "g.toml: unknown key 'zzz' in [curve]; allowed: definition, measure, years"
    )


def test_a_device_is_named_as_such(tmp_path):
    device = Path("/dev/null")
    if not device.exists():
        pytest.skip("no character device /dev/null here")
    with pytest.raises(UsageError, match=r"^model spec /dev/null is not a regular file"):
        read_toml(device, "model spec", "examples: models/")
