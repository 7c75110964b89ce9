"""Ctrl-C (SIGINT) and SIGTERM part-way: exit status 130 or 143, one line saying what was
kept, no temporary file, earlier outputs unchanged, and a cache that resumes.

The signal is sent by the process to itself from inside the write of an output, the most
damaging moment, so that each case is deterministic; ``tests/test_kill.py`` delivers
SIGTERM from outside to running commands.
"""

from __future__ import annotations

import json
import os
import signal

import pandas as pd
import pytest

import servmodel._fileio as fileio
from servmodel.sensitivity.cache import ResultCache
from tests.bad_input.helpers import run

# three samples of the bad-input panel (standard definition, 2009-2011): at least three
# cache batches
GRID = """name = "interrupted"
[[targets]]
name = "tech"
formula = "tech_score + center(trend)"
term = "tech_score"
[dimensions]
definition = ["standard"]
measure = ["direct", "total"]
estimator = ["pooled", "re"]
transform = ["level", "log"]
sample = ["all", "2009-2010", "2010-2011"]
cov = ["clustered:country"]
"""

SIGNALS = [(signal.SIGINT, 130, "SIGINT"), (signal.SIGTERM, 143, "SIGTERM")]


def _leftover_temporaries(directory) -> list:
    return sorted(p for p in directory.rglob(".*.tmp"))


@pytest.mark.parametrize(("signum", "code", "name"), SIGNALS)
def test_data_build_interrupted_while_writing(signum, code, name, tmp_path, capsys,
                                             monkeypatch):
    out = tmp_path / "panel.csv"
    out.write_text("earlier,result\n1,2\n")
    real_to_csv = pd.DataFrame.to_csv

    def to_csv_then_signal(frame, path, *args, **kwargs):
        # half the rows reach the temporary file, then the signal arrives
        real_to_csv(frame.iloc[: len(frame) // 2], path, *args, **kwargs)
        os.kill(os.getpid(), signum)
        return real_to_csv(frame, path, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", to_csv_then_signal)
    got, _out, err = run(capsys, ["--quiet", "data", "build", "--definition", "kibs",
                                  "--years", "2011", "--out", out])
    assert got == code
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert lines[-1] == (f"interrupted by {name}; nothing written (earlier outputs are "
                         "unchanged)")
    assert "Traceback" not in err
    assert out.read_text() == "earlier,result\n1,2\n"
    assert _leftover_temporaries(tmp_path) == []
    # the handlers of the test process are back as they were
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


@pytest.mark.parametrize(("signum", "code", "name"), SIGNALS)
def test_sensitivity_interrupted_after_one_cache_batch(signum, code, name, tmp_path, capsys,
                                                      monkeypatch, panel_file):
    grid = tmp_path / "grid.toml"
    grid.write_text(GRID)
    out = tmp_path / "results"
    batches = []
    real_put = ResultCache.put

    def put_then_signal(self, outcomes):
        real_put(self, outcomes)
        batches.append(1)
        if len(batches) == 2:
            # the second batch is on disk; the third is being written when the signal comes
            real_open = fileio.atomic_open

            def open_then_signal(path, mode="w"):
                manager = real_open(path, mode)
                os.kill(os.getpid(), signum)
                return manager

            monkeypatch.setattr("servmodel.sensitivity.cache.atomic_open", open_then_signal)

    monkeypatch.setattr(ResultCache, "put", put_then_signal)
    args = ["--quiet", "sensitivity", grid, "--panel", panel_file, "--out", out,
            "--no-figures", "--no-progress", "--jobs", "1"]
    got, _out, err = run(capsys, args)
    assert got == code, err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert lines[-1].startswith(f"interrupted by {name}; kept 2 files"), err
    assert "no partial file" in lines[-1] and "Traceback" not in err
    assert _leftover_temporaries(tmp_path) == []
    assert not (out / "specifications.csv").exists()
    cache = out / "cache"
    files = sorted(cache.glob("*.json"))
    assert len(files) == 2
    kept = sum(len(json.loads(p.read_text())["outcomes"]) for p in files)
    assert len(ResultCache(cache)) == kept > 0

    monkeypatch.undo()
    got, stdout, err = run(capsys, args)
    assert got == 0, err
    assert f"{kept:,} from the cache" in stdout.replace("\n", " ")


def test_interrupt_before_any_output_removes_the_directories_it_made(tmp_path, capsys,
                                                                    monkeypatch, panel_file):
    import servmodel.frequentist

    out = tmp_path / "new" / "results"

    def fit_interrupted(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(servmodel.frequentist, "fit", fit_interrupted)
    spec = tmp_path / "m.toml"
    spec.write_text('formula = "trend"\n[data]\ndefinition = "standard"\n'
                    '[frequentist]\nestimator = "pooled"\n')
    got, _out, err = run(capsys, ["estimate", spec, "--panel", panel_file, "--out", out])
    assert got == 130, err
    assert "nothing written" in err
    assert not (tmp_path / "new").exists()
