"""Outputs that cannot be written: refused before the work, nothing half-written."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

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
    specs = _hausman_specs(tmp_path)
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


# --- outputs that exist but are not regular files, names too long for the file system ---

FIFO_KIND = "named pipe"
NAME_MAX = 255
# what the atomic write adds around a file name: ".NAME.xxxxxxxx.tmp"
TMP_EXTRA = 14
PANEL_RESULT = Path(__file__).resolve().parents[1] / "report" / "fixtures" / "fe_twoway.json"


def _fifo(path):
    os.mkfifo(path)
    return path


def _is_fifo(path) -> bool:
    return stat.S_ISFIFO(os.lstat(path).st_mode)


def _hausman_specs(tmp_path):
    specs = []
    for est in ("fe", "re"):
        path = tmp_path / f"{est}.toml"
        path.write_text(f'formula = "log(output) + trend"\n[data]\ndefinition = "standard"\n'
                        f'[frequentist]\nestimator = "{est}"\n')
        specs.append(path)
    return specs


@pytest.fixture()
def no_work(monkeypatch):
    """Any command that starts its work (building the panel, fitting, sampling, reading
    results) fails the test: the output paths must be refused before."""
    import servmodel.bayes.fit
    import servmodel.cli.estimate as estimate_cli
    import servmodel.report

    monkeypatch.setattr(data_cli, "build_with_progress", _must_not_run)
    monkeypatch.setattr(estimate_cli, "_panel", _must_not_run)
    monkeypatch.setattr(servmodel.frequentist, "hausman_from_specs", _must_not_run)
    monkeypatch.setattr(servmodel.frequentist, "fit", _must_not_run)
    monkeypatch.setattr(servmodel.bayes.fit, "fit_bayes", _must_not_run)
    monkeypatch.setattr(servmodel.report, "load_model", _must_not_run)


def _bayes_spec(tmp_path):
    from tests.bad_input.conftest import BAYES_SPEC

    spec = tmp_path / "model.toml"
    spec.write_text(BAYES_SPEC)
    return spec


def test_fifo_as_panel_output_is_refused(tmp_path, capsys, no_work):
    out = _fifo(tmp_path / "panel.csv")
    expect_error(capsys, ["data", "build", "--out", out], 2,
                 [str(out), FIFO_KIND, "not a regular file"], ["give"])
    assert _is_fifo(out)


def test_socket_as_panel_output_is_refused(tmp_path, capsys, no_work, monkeypatch):
    import socket

    monkeypatch.chdir(tmp_path)  # a short relative name: socket paths are limited to ~100
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind("panel.csv")
        expect_error(capsys, ["data", "build", "--out", "panel.csv"], 2,
                     ["panel.csv", "socket", "not a regular file"], ["give"])
    finally:
        sock.close()
    assert stat.S_ISSOCK(os.lstat(tmp_path / "panel.csv").st_mode)


def test_symlink_as_output_is_refused_and_its_target_kept(tmp_path, capsys, no_work):
    target = tmp_path / "real.csv"
    target.write_text("kept")
    link = tmp_path / "panel.csv"
    link.symlink_to(target)
    expect_error(capsys, ["data", "build", "--out", link], 2,
                 [str(link), "symbolic link", str(target)], ["remove the link"])
    assert link.is_symlink() and target.read_text() == "kept"


def test_dev_null_is_refused_and_left_a_device(tmp_path, capsys, no_work):
    """As root, a rename onto /dev/null would replace the system's device: the check runs
    first here, and the command only once the check is known to refuse it."""
    from servmodel._fileio import check_output_file
    from servmodel.errors import UsageError

    if not os.path.exists("/dev/null") or not stat.S_ISCHR(os.stat("/dev/null").st_mode):
        pytest.skip("no character device /dev/null here")
    try:
        check_output_file("/dev/null")
    except UsageError:
        pass
    else:
        pytest.fail("check_output_file accepts /dev/null; the command is not run")
    expect_error(capsys, ["table", PANEL_RESULT, "--format", "csv", "--out", "/dev/null"], 2,
                 ["/dev/null", "character device", "not a regular file"], ["give"])
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)



def test_fifo_as_table_output_is_refused_before_reading_results(tmp_path, capsys, no_work):
    out = _fifo(tmp_path / "table.tex")
    expect_error(capsys, ["table", PANEL_RESULT, "--out", out], 2,
                 [str(out), FIFO_KIND], ["give"])
    assert _is_fifo(out)


def test_fifo_as_hausman_output_is_refused(tmp_path, capsys, no_work, panel_file):
    out = _fifo(tmp_path / "hausman.json")
    expect_error(capsys, ["hausman", *_hausman_specs(tmp_path), "--panel", panel_file,
                          "--out", out], 2, [str(out), FIFO_KIND], ["give"])
    assert _is_fifo(out)


def test_fifo_in_estimate_out_directory_is_refused(tmp_path, capsys, no_work, panel_file):
    spec = _hausman_specs(tmp_path)[0]
    results = tmp_path / "results"
    results.mkdir()
    out = _fifo(results / "fe.json")
    expect_error(capsys, ["estimate", spec, "--panel", panel_file, "--out", results], 2,
                 [str(out), FIFO_KIND], ["give"])
    assert _is_fifo(out)


@pytest.mark.parametrize("name", ["fit.nc", "fit.json", "fit_rank.png", "fit_ppc.png"])
def test_fifo_among_bayes_outputs_is_refused_before_sampling(name, tmp_path, capsys, no_work,
                                                            panel_file):
    spec = _bayes_spec(tmp_path)
    blocked = _fifo(tmp_path / name)
    expect_error(capsys, ["bayes", spec, "--panel", panel_file, "--out", tmp_path / "fit.nc",
                          "--no-progress"], 2, [str(blocked), FIFO_KIND], ["give"])
    assert _is_fifo(blocked)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["model.toml", name])


def test_hausman_refuses_a_csv_name_for_its_json(tmp_path, capsys, no_work, panel_file):
    out = tmp_path / "h.csv"
    expect_error(capsys, ["hausman", *_hausman_specs(tmp_path), "--panel", panel_file,
                          "--out", out], 2, ["--out", str(out), "JSON"], [".json"])
    assert_not_written(out)


@pytest.mark.parametrize("length", [300, NAME_MAX - TMP_EXTRA + 1],
                         ids=["over NAME_MAX", "no room for the temporary name"])
def test_panel_file_name_too_long(length, tmp_path, capsys, no_work):
    out = tmp_path / ("p" * (length - 4) + ".csv")
    expect_error(capsys, ["data", "build", "--out", out], 2,
                 [str(out), "file name is too long"], ["give a shorter name"])
    assert list(tmp_path.iterdir()) == []


def test_panel_file_name_at_the_limit_is_accepted(tmp_path):
    from servmodel._fileio import atomic_open

    out = tmp_path / ("p" * (NAME_MAX - TMP_EXTRA - 4) + ".csv")
    with atomic_open(out) as handle:
        handle.write("a\n1\n")
    assert out.read_text() == "a\n1\n"


def test_path_over_path_max(tmp_path, capsys, no_work):
    deep = tmp_path.joinpath(*["d" * 200] * 21)  # over 4096 bytes, each name allowed
    out = deep / "panel.csv"
    expect_error(capsys, ["data", "build", "--out", out], 2,
                 ["path is too long"], ["give a shorter path"])
    assert list(tmp_path.iterdir()) == []


def test_bayes_plot_name_too_long_is_refused_before_sampling(tmp_path, capsys, no_work,
                                                             panel_file):
    # the .nc name and its temporary name fit; "_rank.png" makes the figure's too long
    spec = _bayes_spec(tmp_path)
    stem = "f" * 235
    out = tmp_path / f"{stem}.nc"
    expect_error(capsys, ["bayes", spec, "--panel", panel_file, "--out", out,
                          "--no-progress"], 2,
                 [f"{stem}_rank.png", "file name is too long"], ["give a shorter name"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.toml"]


def test_hausman_name_too_long(tmp_path, capsys, no_work, panel_file):
    out = tmp_path / ("h" * 300 + ".json")
    expect_error(capsys, ["hausman", *_hausman_specs(tmp_path), "--panel", panel_file,
                          "--out", out], 2, ["file name is too long"], ["give a shorter name"])


def test_atomic_write_never_replaces_a_fifo_made_meanwhile(tmp_path):
    """The check is repeated at the rename: a FIFO created while the content was written
    stays, and the temporary file goes."""
    from servmodel._fileio import atomic_path
    from servmodel.errors import UsageError

    out = tmp_path / "panel.csv"
    with pytest.raises(UsageError, match="named pipe"):
        with atomic_path(out) as tmp:
            tmp.write_text("x")
            os.mkfifo(out)
    assert _is_fifo(out)
    assert [p.name for p in tmp_path.iterdir()] == ["panel.csv"]


def test_fifo_among_prior_sensitivity_outputs_is_refused_before_work(tmp_path, capsys,
                                                                     monkeypatch, bayes_file):
    import servmodel.sensitivity.prior

    monkeypatch.setattr(servmodel.sensitivity.prior, "prior_sensitivity", _must_not_run)
    blocked = _fifo(tmp_path / "fake_psens.csv")
    expect_error(capsys, ["sensitivity-prior", bayes_file, "--no-refit", "--out", tmp_path], 2,
                 [str(blocked), FIFO_KIND], ["give"])
    assert _is_fifo(blocked)


def test_sensitivity_directory_name_too_long(tmp_path, capsys, panel_file):
    out = tmp_path / ("d" * 300)
    grid = Path(__file__).resolve().parents[2] / "models" / "sensitivity.toml"
    expect_error(capsys, ["sensitivity", grid, "--panel", panel_file,
                          "--out", out, "--no-progress"], 2,
                 ["--out", "directory name is too long"], ["give a shorter name"])
    assert list(tmp_path.iterdir()) == []
