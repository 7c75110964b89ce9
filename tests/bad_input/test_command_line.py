"""Mistyped commands and options: one line naming the mistake and the --help to read."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.bad_input.helpers import assert_not_written, expect_error


@pytest.mark.parametrize(("args", "what", "fix"), [
    (["data", "build", "--outt", "{tmp}/panel.csv"], ["No such option: --outt"],
     ["Possible options: --out", "see 'servmodel data build --help'"]),
    (["data", "bild", "--out", "{tmp}/panel.csv"], ["No such command 'bild'"],
     ["Did you mean 'build'", "servmodel data --help"]),
    (["data", "build"], ["Missing option '--out'"], ["see 'servmodel data build --help'"]),
    (["table", "{tmp}/fe.json", "--digits", "many", "--out", "{tmp}/panel.csv"],
     ["'--digits'", "valid integer"], ["see 'servmodel table --help'"]),
], ids=["unknown option", "unknown command", "missing option", "text for a number"])
def test_parser_errors_are_one_line(args, what, fix, tmp_path, capsys):
    expect_error(capsys, [a.format(tmp=tmp_path) for a in args], 2, what, fix)
    assert_not_written(tmp_path / "panel.csv")


def test_installed_command_prints_one_line(tmp_path):
    """The same through the console entry point, as a shell user sees it."""
    spec = tmp_path / "model.toml"
    spec.write_text('[data]\ndefinition = "standard"\n[bayes]\nfamily = "beta"\n')
    proc = subprocess.run([sys.executable, "-m", "servmodel", "bayes", str(spec),
                           "--chains", "0"], capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: Invalid value for '--chains'")
    assert "servmodel bayes --help" in lines[0] and "Traceback" not in proc.stderr


@pytest.mark.parametrize("command", ["estimate", "sensitivity"])
def test_a_device_given_as_spec_or_grid(command, capsys):
    if not os.path.exists("/dev/null"):
        pytest.skip("no character device /dev/null here")
    expect_error(capsys, [command, "/dev/null"], 2, ["/dev/null", "not a regular file"],
                 ["give a .toml file"])
