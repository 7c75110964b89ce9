"""`servmodel sensitivity` given bad grids and options: no --out directory left behind."""

from __future__ import annotations

import os

import pytest

from tests.bad_input.helpers import expect_error
from tests.optional import require

GRID = """name = "g"
[[targets]]
name = "tech"
formula = "tech_score + trend"
term = "tech_score"
[dimensions]
{dimensions}
"""


@pytest.mark.parametrize(("dimensions", "extra", "code", "what", "fix"), [
    ('estimator = ["pooled", "fe2"]', [], 1, ["[dimensions] estimator", "'fe2'"],
     ["choose from pooled, fe"]),
    ('measure = ["gross"]', [], 1, ["[dimensions] measure", "'gross' is not a measure"],
     ["choose from direct"]),
    ('sample = ["without:XYZ"]', [], 1, ["'without:XYZ'", "XYZ not in the panel"],
     ["it holds AUS"]),
    ('estimator = ["pooled"]', ["--jobs", "0"], 2, ["--jobs 0"],
     ["give a number of processes >= 1"]),
], ids=["unknown estimator", "unknown measure", "unknown country", "zero jobs"])
def test_bad_grid_leaves_no_output(dimensions, extra, code, what, fix, tmp_path, capsys,
                                   panel_file):
    grid = tmp_path / "grid.toml"
    grid.write_text(GRID.format(dimensions=dimensions))
    out = tmp_path / "sensitivity"
    expect_error(capsys, ["sensitivity", grid, "--panel", panel_file, "--out", out,
                          "--no-progress", *extra], code, what, fix)
    assert not out.exists()


def test_out_is_a_file(tmp_path, capsys, panel_file):
    grid = tmp_path / "grid.toml"
    grid.write_text(GRID.format(dimensions='estimator = ["pooled"]'))
    out = tmp_path / "sensitivity.csv"
    out.write_text("kept")
    expect_error(capsys, ["sensitivity", grid, "--panel", panel_file, "--out", out,
                          "--no-progress"], 2, [str(out), "is a file"], ["give a directory"])
    assert out.read_text() == "kept"


def test_grid_path_is_a_directory(tmp_path, capsys, panel_file):
    out = tmp_path / "sensitivity"
    expect_error(capsys, ["sensitivity", tmp_path, "--panel", panel_file, "--out", out], 2,
                 [str(tmp_path), "is a directory"], ["give a .toml file"])
    assert not out.exists()


def _free_port() -> int:
    """A loopback port that nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def no_panel(monkeypatch):
    """The scheduler is checked before the panel is built."""
    import servmodel.cli.estimate as estimate_cli

    def refuse(*args, **kwargs):
        raise AssertionError("the panel was built before the scheduler was checked")

    monkeypatch.setattr(estimate_cli, "_panel", refuse)


@pytest.mark.parametrize(("address", "what"), [
    ("nonsense", ["'nonsense'", "no port"]),
    ("tcp://127.0.0.1", ["'tcp://127.0.0.1'", "no port"]),
    ("127.0.0.1:notaport", ["'127.0.0.1:notaport'", "port 'notaport'"]),
    ("127.0.0.1:99999", ["'127.0.0.1:99999'", "port '99999'"]),
    ("http://127.0.0.1:8786", ["'http://127.0.0.1:8786'", "scheme 'http'"]),
    ("tcp://:8786", ["'tcp://:8786'", "no host"]),
], ids=["no port", "scheme no port", "port not a number", "port out of range",
        "unknown scheme", "no host"])
def test_malformed_scheduler_address(address, what, tmp_path, capsys, panel_file, no_panel):
    import time

    grid = tmp_path / "grid.toml"
    grid.write_text(GRID.format(dimensions='estimator = ["pooled"]'))
    out = tmp_path / "sensitivity"
    start = time.monotonic()
    expect_error(capsys, ["sensitivity", grid, "--panel", panel_file, "--out", out,
                          "--no-progress", "--scheduler", address], 2,
                 ["--scheduler", *what], ["tcp://HOST:PORT"])
    assert time.monotonic() - start < 10
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grid.toml"]


@pytest.mark.parametrize("form", ["tcp://127.0.0.1:{port}", "127.0.0.1:{port}"])
def test_refused_scheduler_fails_fast_and_leaves_nothing(form, tmp_path, capsys, panel_file,
                                                         no_panel):
    import time

    require("distributed")
    grid = tmp_path / "grid.toml"
    grid.write_text(GRID.format(dimensions='estimator = ["pooled"]'))
    out = tmp_path / "sensitivity"
    address = form.format(port=_free_port())
    start = time.monotonic()
    expect_error(capsys, ["sensitivity", grid, "--panel", panel_file, "--out", out,
                          "--no-progress", "--scheduler", address], 2,
                 ["--scheduler", address, "cannot connect to a Dask scheduler", "refused"],
                 ["start one", "check the address"])
    assert time.monotonic() - start < 10
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grid.toml"]


def test_refused_scheduler_in_the_api_leaves_no_cache(tmp_path, panel_file):
    """run_grid connects before it makes the cache directory."""
    import time

    require("distributed")
    from servmodel.errors import UsageError
    from servmodel.intensity import read_panel
    from servmodel.sensitivity import load_grid, run_grid

    grid = tmp_path / "grid.toml"
    grid.write_text(GRID.format(dimensions='estimator = ["pooled"]'))
    cache = tmp_path / "cache"
    start = time.monotonic()
    with pytest.raises(UsageError, match="refused"):
        run_grid(load_grid(grid), read_panel(panel_file),
                 scheduler=f"tcp://127.0.0.1:{_free_port()}", cache_dir=cache)
    assert time.monotonic() - start < 10
    assert not cache.exists()


def test_fifo_among_sensitivity_outputs_is_refused_before_work(tmp_path, capsys, panel_file,
                                                              no_panel):
    import stat

    grid = tmp_path / "grid.toml"
    grid.write_text(GRID.format(dimensions='estimator = ["pooled"]'))
    out = tmp_path / "sensitivity"
    out.mkdir()
    blocked = out / "spec_curve_tech.png"
    os.mkfifo(blocked)
    expect_error(capsys, ["sensitivity", grid, "--panel", panel_file, "--out", out,
                          "--no-progress"], 2, [str(blocked), "named pipe"], ["give"])
    assert stat.S_ISFIFO(os.lstat(blocked).st_mode)
    assert [p.name for p in out.iterdir()] == ["spec_curve_tech.png"]


def test_fifo_as_cache_directory_is_refused_before_work(tmp_path, capsys, panel_file,
                                                       no_panel):
    grid = tmp_path / "grid.toml"
    grid.write_text(GRID.format(dimensions='estimator = ["pooled"]'))
    cache = tmp_path / "cache"
    os.mkfifo(cache)
    expect_error(capsys, ["sensitivity", grid, "--panel", panel_file, "--out",
                          tmp_path / "out", "--no-progress", "--cache", cache], 2,
                 ["--cache", str(cache)], ["give a directory"])
    assert not (tmp_path / "out").exists()


def test_silent_port_is_given_up_in_time(tmp_path, capsys, panel_file, no_panel, monkeypatch):
    """A port that accepts connections and never answers (a dashboard, another service)
    would keep Dask's client waiting for its handshake for ever."""
    import socket
    import time

    require("distributed")
    import servmodel.sensitivity.runner as runner

    monkeypatch.setattr(runner, "CONNECT_TIMEOUT", 2)
    grid = tmp_path / "grid.toml"
    grid.write_text(GRID.format(dimensions='estimator = ["pooled"]'))
    out = tmp_path / "sensitivity"
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        address = "tcp://127.0.0.1:%d" % silent.getsockname()[1]
        start = time.monotonic()
        expect_error(capsys, ["sensitivity", grid, "--panel", panel_file, "--out", out,
                              "--no-progress", "--scheduler", address], 2,
                     ["--scheduler", address, "no Dask scheduler answered within 2 s"],
                     ["port 8786"])
        assert time.monotonic() - start < 5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grid.toml"]
