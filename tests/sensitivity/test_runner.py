"""Running grids: cache and resumption, local processes, a Dask cluster, the CLI."""

from __future__ import annotations

import pandas as pd
import pytest

from servmodel.cli import main
from servmodel.sensitivity import run_grid
from tests.optional import require
from tests.sensitivity.helpers import small_grid


class Stop(Exception):
    """Stands for a run killed part-way."""


@pytest.fixture(scope="module")
def reference(wiod_panel):
    """The small grid run in this process without a cache."""
    return run_grid(small_grid(), wiod_panel).table()


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    cols = ["spec_id", "estimate", "std_error", "p_value", "nobs"]
    pd.testing.assert_frame_equal(
        a[cols].reset_index(drop=True), b[cols].reset_index(drop=True), check_exact=True
    )


def test_small_grid_counts(wiod_panel, reference):
    result = run_grid(small_grid(), wiod_panel)
    stats = result.stats
    # 2 targets x 2 definitions x 3 estimators x 2 samples; tech under fe is skipped
    assert stats.specifications == 24
    assert stats.skipped_before == 4
    assert stats.computed == 20 and stats.cached == 0
    assert len(reference) == 20
    assert set(result.skipped()["stage"]) == {"grid"}


def test_interrupted_run_resumes_where_it_stopped(wiod_panel, reference, tmp_path, monkeypatch):
    import servmodel.sensitivity.runner as runner

    monkeypatch.setattr(runner, "BATCH_SIZE", 3)
    cache = tmp_path / "cache"

    def stop_after_two(n: int) -> None:
        if n == 2:
            raise Stop

    with pytest.raises(Stop):
        run_grid(small_grid(), wiod_panel, cache_dir=cache, on_batch=stop_after_two)
    assert len(list(cache.glob("*.json"))) == 2
    assert not list(cache.glob(".*.tmp"))  # nothing half-written
    resumed = run_grid(small_grid(), wiod_panel, cache_dir=cache)
    assert resumed.stats.cached == 6
    assert resumed.stats.computed == 14
    _same(resumed.table(), reference)
    again = run_grid(small_grid(), wiod_panel, cache_dir=cache)
    assert (again.stats.cached, again.stats.computed) == (20, 0)


def test_new_choice_computes_only_what_is_new(wiod_panel, tmp_path):
    cache = tmp_path / "cache"
    first = run_grid(small_grid(), wiod_panel, cache_dir=cache)
    wider = run_grid(small_grid(transform=["log", "level"]), wiod_panel, cache_dir=cache)
    assert wider.stats.cached == first.stats.computed
    assert wider.stats.computed == first.stats.computed  # the level twins
    assert set(first.table()["spec_id"]) < set(wider.table()["spec_id"])


def test_corrupt_cache_file_is_ignored(wiod_panel, tmp_path, reference):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "broken.json").write_text('{"format": "servmodel-sensitivity-cache", "vers')
    result = run_grid(small_grid(), wiod_panel, cache_dir=cache)
    assert result.stats.computed == 20
    _same(result.table(), reference)


def test_joblib_processes_give_the_same_table(wiod_panel, reference, monkeypatch):
    import servmodel.sensitivity.runner as runner

    monkeypatch.setattr(runner, "BATCH_SIZE", 8)
    result = run_grid(small_grid(), wiod_panel, jobs=2)
    _same(result.table(), reference)


def test_joblib_processes_leave_no_panel_file(wiod_panel, tmp_path, monkeypatch, recwarn):
    # the panel goes to the workers through a temporary file: gone after a run, and after
    # a run stopped part-way (which says nothing about the batches it cancelled)
    import tempfile

    import servmodel.sensitivity.runner as runner

    monkeypatch.setattr(runner, "BATCH_SIZE", 4)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def stop_after_one(n: int) -> None:
        raise Stop

    with pytest.raises(Stop):
        run_grid(small_grid(), wiod_panel, jobs=2, on_batch=stop_after_one)
    assert list(tmp_path.iterdir()) == []
    assert not [w for w in recwarn if "tasks" in str(w.message)]
    run_grid(small_grid(), wiod_panel, jobs=2)
    assert list(tmp_path.iterdir()) == []


def test_run_stats_live_with_the_result():
    from servmodel import sensitivity
    from servmodel.sensitivity import result

    assert sensitivity.RunStats is result.RunStats


def test_dask_local_cluster_gives_the_same_table(wiod_panel, reference, monkeypatch):
    distributed = require("distributed")
    import servmodel.sensitivity.runner as runner

    monkeypatch.setattr(runner, "BATCH_SIZE", 8)
    seen = []
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        result = run_grid(
            small_grid(),
            wiod_panel,
            scheduler=cluster.scheduler_address,
            on_progress=lambda done, total: seen.append((done, total)),
        )
    _same(result.table(), reference)
    assert seen[0] == (0, 20) and seen[-1] == (20, 20)


def test_unreachable_scheduler_is_a_usage_error(wiod_panel, monkeypatch):
    require("distributed")
    import servmodel.sensitivity.runner as runner
    from servmodel.errors import UsageError

    monkeypatch.setattr(runner, "CONNECT_TIMEOUT", 1)
    with pytest.raises(UsageError, match="cannot connect to a Dask scheduler"):
        run_grid(small_grid(), wiod_panel, scheduler="tcp://127.0.0.1:9")


def test_cli_writes_tables_and_figures(wiod_panel, tmp_path, capsys):
    panel = tmp_path / "panel.parquet"
    wiod_panel.write(panel)
    grid = tmp_path / "grid.toml"
    grid.write_text("""
name = "cli"
[[targets]]
name = "tech"
label = "Technology level"
formula = "tech_score + center(trend)"
term = "tech_score"
[dimensions]
definition = ["standard", "broad"]
estimator = ["pooled", "re", "fe"]
transform = ["log", "level"]
""")
    out = tmp_path / "out"
    args = ["sensitivity", str(grid), "--panel", str(panel), "--out", str(out), "--no-progress"]
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "Robustness by target" in text and "Which choices move the estimate" in text
    assert "tech_score does not vary within country x industry" in text
    for name in ("specifications", "skipped", "summary", "by_choice", "decomposition"):
        assert (out / f"{name}.csv").stat().st_size > 0
    for ext in ("png", "pdf"):
        assert (out / f"spec_curve_tech.{ext}").stat().st_size > 10_000
    specs = pd.read_csv(out / "specifications.csv")
    assert len(specs) == 8
    assert {
        "estimate",
        "std_error",
        "conf_low",
        "conf_high",
        "p_value",
        "nobs",
        "estimate_sd",
    } <= set(specs.columns)
    assert (specs["conf_low"] < specs["estimate"]).all()
    assert len(pd.read_csv(out / "skipped.csv")) == 4
    # a second run reads everything from the cache in OUT/cache
    assert main(args + ["--no-figures"]) == 0
    assert "0 estimated now, 8 from the cache" in capsys.readouterr().out
