"""Runs killed part-way leave no damage: every file servmodel writes goes to a temporary
file beside its destination and is renamed into place.

Each command runs in a subprocess that is sent SIGTERM in the middle of its work (and
SIGKILL if it is still alive 15 s later, which fails the test): it must exit with status
143 and one line saying what it kept.

* ``servmodel sensitivity`` while it writes its cache, one file per finished batch. The grid
  is a cut of ``models/sensitivity.toml`` (its first two targets, fewer choices: 192
  specifications in 8 batches), so that a complete run takes seconds.
* ``servmodel bayes`` while the sampler runs, with ``--out`` naming an earlier result.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from servmodel.sensitivity.cache import ResultCache

ROOT = Path(__file__).resolve().parents[1]
RUN_TIMEOUT = 240  # seconds; generous for a loaded machine, bounded all the same
# the cut of the shipped grid: a subset of each of its dimensions
GRID_DIMENSIONS = {
    "definition": ["kibs", "producer", "standard", "broad"],
    "measure": ["direct", "total"],
    "estimator": ["pooled", "re", "mundlak"],
    "transform": ["level", "log"],
    "sample": ["all", "1995-2007"],
    "cov": ["clustered:country"],
}


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(COLUMNS="200", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
               MKL_NUM_THREADS="1", PYTHONUNBUFFERED="1")
    return env


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "servmodel", *args]


def _run(*args: str) -> subprocess.CompletedProcess:
    done = subprocess.run(_command(*args), capture_output=True, text=True, env=_env(),
                          timeout=RUN_TIMEOUT, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def _terminate(proc: subprocess.Popen) -> int:
    """SIGTERM, then SIGKILL after a grace period; return the exit status."""
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait(timeout=15)


def _wait_for(predicate, proc: subprocess.Popen, what: str, timeout: float = RUN_TIMEOUT):
    """Poll ``predicate`` every 10 ms until it is true; fail if ``proc`` ends first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if proc.poll() is not None:
            pytest.fail(f"the command ended (status {proc.returncode}) before {what}")
        time.sleep(0.01)
    proc.kill()
    proc.wait()
    pytest.fail(f"no {what} after {timeout} s")


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def _toml_value(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(value)


def _write_grid(path: Path) -> None:
    """The first two targets of models/sensitivity.toml over a subset of its choices."""
    shipped = tomllib.loads((ROOT / "models" / "sensitivity.toml").read_text())
    lines = ['name = "kill_test"']
    for target in shipped["targets"][:2]:
        lines.append("[[targets]]")
        lines += [f"{k} = {_toml_value(target[k])}" for k in ("name", "label", "formula", "term")]
    lines.append("[dimensions]")
    for dim, values in GRID_DIMENSIONS.items():
        assert set(values) <= set(shipped["dimensions"][dim])
        lines.append(f"{dim} = {_toml_value(values)}")
    path.write_text("\n".join(lines) + "\n")


def _counts(stdout: str) -> tuple[int, int]:
    match = re.search(r"([\d,]+) estimated now, ([\d,]+) from the cache", stdout)
    assert match, stdout[:2000]
    return tuple(int(g.replace(",", "")) for g in match.groups())  # type: ignore[return-value]


@pytest.fixture(scope="module")
def panel_file(wiod_panel, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("panel") / "panel.parquet"
    wiod_panel.write(path)
    return path


def test_killed_sensitivity_run_leaves_earlier_results_and_a_resumable_cache(
        panel_file, tmp_path):
    grid = tmp_path / "grid.toml"
    _write_grid(grid)
    out = tmp_path / "results"
    base = ["sensitivity", str(grid), "--panel", str(panel_file), "--out", str(out),
            "--no-figures", "--no-progress"]

    first = _run(*base)
    computed, cached = _counts(first.stdout)
    assert computed > 0 and cached == 0
    earlier = _snapshot(out)
    assert "specifications.csv" in earlier and any(k.startswith("cache") for k in earlier)

    fresh = tmp_path / "fresh_cache"
    with open(tmp_path / "killed.err", "w") as err:
        proc = subprocess.Popen(_command(*base, "--cache", str(fresh)), stdout=subprocess.DEVNULL,
                                stderr=err, env=_env(), cwd=ROOT)
        _wait_for(lambda: fresh.is_dir() and any(fresh.glob("*.json")), proc,
                  "first cache batch")
        status = _terminate(proc)
    # SIGTERM ends the command at once with status 143 and one line on what it kept
    assert status == 143, (tmp_path / "killed.err").read_text()[-2000:]
    last = (tmp_path / "killed.err").read_text().strip().splitlines()[-1]
    assert last.startswith("interrupted by SIGTERM; kept "), last

    # the earlier results: every file there, byte for byte, and nothing else
    assert _snapshot(out) == earlier
    # the partial cache: complete batch files only, no temporary file
    batches = sorted(fresh.glob("*.json"))
    others = [p for p in fresh.iterdir() if p not in batches]
    assert others == []
    outcomes = 0
    for path in batches:
        doc = json.loads(path.read_text())
        assert doc["format"] == "servmodel-sensitivity-cache"
        outcomes += len(doc["outcomes"])
    assert len(ResultCache(fresh)) == outcomes
    assert 0 < outcomes < computed, "the run was not interrupted part-way"

    resumed = _run(*base, "--cache", str(fresh))
    now, from_cache = _counts(resumed.stdout)
    assert from_cache == outcomes and now == computed - outcomes
    assert "ignored" not in resumed.stderr
    assert (out / "specifications.csv").read_bytes() == earlier["specifications.csv"]
    assert (out / "skipped.csv").read_bytes() == earlier["skipped.csv"]


def test_killed_bayes_fit_leaves_the_earlier_result(panel_file, tmp_path):
    out = tmp_path / "fits"
    out.mkdir()
    target = out / "pooled_beta.nc"
    # pymc's sampler announces the start of sampling on stderr ("NUTS: [...]")
    base = ["bayes", str(ROOT / "models" / "pooled_beta.toml"), "--panel", str(panel_file),
            "--sampler", "pymc", "--chains", "1", "--no-progress", "--out", str(target)]
    _run(*base, "--draws", "20", "--tune", "20")
    earlier = _snapshot(out)
    assert {"pooled_beta.nc", "pooled_beta.json"} <= set(earlier)

    log = tmp_path / "killed.err"
    with open(log, "w") as err:
        proc = subprocess.Popen(_command(*base, "--draws", "200000", "--tune", "50"),
                                stdout=subprocess.DEVNULL, stderr=err, env=_env(), cwd=ROOT)
        _wait_for(lambda: "NUTS: [" in log.read_text(errors="replace"), proc,
                  "start of sampling")
        time.sleep(1.0)  # well into the draws
        assert proc.poll() is None, "the fit ended before it could be killed"
        status = _terminate(proc)
    assert status == 143, log.read_text()[-2000:]
    assert log.read_text().strip().splitlines()[-1] == (
        "interrupted by SIGTERM; nothing written (earlier outputs are unchanged)")
    # the earlier .nc, .json and figures unchanged, and no partial or temporary file
    assert _snapshot(out) == earlier
