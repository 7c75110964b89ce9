"""A shared spec file whose formula carries a payload: `servmodel estimate` refuses it
with one line and runs nothing."""

from __future__ import annotations

import tomllib

from tests.bad_input.helpers import expect_error
from tests.spec.test_formula_guard import CANARY, assert_no_trace, imports  # noqa: F401


def test_spec_file_with_a_payload_is_refused_by_estimate(tmp_path, capsys, imports,
                                                         panel_file):
    target = tmp_path / "pwned"
    spec = tmp_path / "shared.toml"
    spec.write_text(
        f'formula = "trend + exec(\\"open(\'{target}\', \'w\')\\")"\n'
        '[data]\ndefinition = "standard"\n[frequentist]\nestimator = "pooled"\n')
    assert "exec" in tomllib.loads(spec.read_text())["formula"]
    expect_error(capsys, ["estimate", spec, "--panel", panel_file, "--out", tmp_path / "out"],
                 1, [str(spec), "exec(...)", "not an allowed function"], ["formulas may use"])
    assert_no_trace(target, imports)
    assert not (tmp_path / "out").exists()



def test_import_payload_is_refused_by_estimate(tmp_path, capsys, imports, panel_file):
    spec = tmp_path / "shared.toml"
    spec.write_text(f'formula = "trend + {{__import__(\'{CANARY}\')}}"\n'
                    '[data]\ndefinition = "standard"\n[frequentist]\nestimator = "pooled"\n')
    expect_error(capsys, ["estimate", spec, "--panel", panel_file, "--out", tmp_path / "out"],
                 1, [str(spec), "__import__(...)"], ["formulas may use"])
    assert not imports.attempts
