"""Outputs that cannot be written: refused before the work, nothing half-written."""

from __future__ import annotations

import errno
import os

import pandas as pd
import pytest

import servmodel.cli.data as data_cli
import servmodel.frequentist
from tests.bad_input.helpers import assert_not_written, error_line, expect_error, run


def _must_not_run(*args, **kwargs):
    raise AssertionError("the work started although the output path is unusable")


def test_output_under_a_file_is_refused_before_the_build(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(data_cli, "build_with_progress", _must_not_run)
    blocker = tmp_path / "results"
    blocker.write_text("a file, not a directory")
    expect_error(capsys, ["data", "build", "--out", blocker / "panel.csv"], 2,
                 [str(blocker / "panel.csv"), "is a file, not a directory"],
                 ["choose another path"])
    assert blocker.read_text() == "a file, not a directory"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="root writes into read-only directories")
def test_read_only_directory(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(data_cli, "build_with_progress", _must_not_run)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        expect_error(capsys, ["data", "build", "--out", locked / "panel.csv"], 2,
                     [str(locked), "not writable"], ["change its permissions"])
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o755)


def test_disk_full_while_writing(tmp_path, capsys, monkeypatch):
    """An OSError from the file system is one line, and the atomic write leaves nothing."""
    def full(self, path, *args, **kwargs):
        with open(path, "w") as handle:
            handle.write("country,ind")  # a partial write, then the disk fills up
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(pd.DataFrame, "to_csv", full)
    out = tmp_path / "panel.csv"
    expect_error(capsys, ["data", "build", "--years", "2011", "--definition", "kibs",
                          "--out", out], 1, [os.strerror(errno.ENOSPC)], ["free space"])
    assert_not_written(out)
    assert list(tmp_path.iterdir()) == []


def test_hausman_output_directory_missing_is_refused_before_fitting(tmp_path, capsys,
                                                                  monkeypatch, panel_file):
    monkeypatch.setattr(servmodel.frequentist, "hausman_from_specs", _must_not_run)
    specs = []
    for est in ("fe", "re"):
        path = tmp_path / f"{est}.toml"
        path.write_text(f'formula = "log(output) + trend"\n[data]\ndefinition = "standard"\n'
                        f'[frequentist]\nestimator = "{est}"\n')
        specs.append(path)
    out = tmp_path / "tests" / "hausman.json"
    expect_error(capsys, ["hausman", *specs, "--panel", panel_file, "--out", out], 2,
                 [str(out), "does not exist"], ["create it first"])
    assert not out.parent.exists()


def test_debug_shows_the_traceback(tmp_path, capsys):
    out = tmp_path / "panel.csv"
    code, stdout, err = run(capsys, ["--debug", "data", "build", "--source",
                                     tmp_path / "missing.csv", "--out", out])
    assert code == 1
    line = error_line(stdout, err, traceback=True)
    assert "missing.csv does not exist" in line
    assert "servmodel.errors.DataError" in err and "panel_from_source" in err
    assert_not_written(out)
