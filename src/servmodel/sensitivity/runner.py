"""Run a grid: expand it, skip what is cached, estimate the rest locally or on a cluster.

The specifications still to compute are cut into batches that share a sample (same
countries, years and definition), so that each batch reuses one set of designs and
within transformations (:mod:`servmodel.sensitivity.engine`). Batches run

* in this process (``jobs=1``),
* on ``jobs`` local processes through joblib, or
* on an existing Dask distributed cluster (``scheduler`` = its address), the panel sent to
  every worker once.

Each finished batch is written to the cache at once, so a run stopped at any point resumes
with the batches that had not finished.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pandas as pd

from servmodel.errors import UsageError
from servmodel.intensity import IntensityPanel
from servmodel.sensitivity.cache import ResultCache
from servmodel.sensitivity.engine import run_jobs
from servmodel.sensitivity.expand import Point, expand_grid
from servmodel.sensitivity.grid import Grid
from servmodel.sensitivity.jobs import Job, Outcome
from servmodel.sensitivity.result import SensitivityResult

# Large enough to share designs across measures, transforms and estimators; small enough
# that two workers stay busy and an interrupted run loses little.
BATCH_SIZE = 400
# seconds to wait for a Dask scheduler before giving up on its address
CONNECT_TIMEOUT = 30

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class RunStats:
    """What a run did.

    Attributes
    ----------
    specifications
        Cells of the grid.
    skipped_before
        Cells skipped before fitting (with a stated reason).
    cached
        Specifications whose results came from the cache.
    computed
        Specifications estimated in this run.
    seconds
        Wall time of the estimation (expansion and cache reading included).
    """

    specifications: int
    skipped_before: int
    cached: int
    computed: int
    seconds: float


def run_grid(
    grid: Grid,
    panel: IntensityPanel,
    *,
    jobs: int = 1,
    scheduler: str | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    on_progress: ProgressCallback | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> SensitivityResult:
    """Estimate every specification of ``grid`` on ``panel``.

    Parameters
    ----------
    grid
        The grid (:func:`servmodel.sensitivity.load_grid`).
    panel
        The intensity panel.
    jobs
        Local worker processes (joblib); 1 runs in this process, -1 uses every core.
    scheduler
        Address of a Dask distributed scheduler (``tcp://host:8786``); the batches run on
        its workers, which need servmodel installed. Excludes ``jobs``.
    cache_dir
        Directory of cached results (``None``: no cache).
    on_progress
        Called with (specifications done, specifications to do) as batches finish.
    on_batch
        Called with the number of batches finished, after each is cached (lets callers
        stop a run; used by the tests of resumption).

    Returns
    -------
    SensitivityResult
        Every specification with its choices and its estimate or the reason it has none,
        and :class:`RunStats`.
    """
    if scheduler is not None and jobs != 1:
        raise UsageError("give either --jobs or --scheduler, not both: with a scheduler the "
                         "cluster's workers run the specifications")
    if jobs == 0 or jobs < -1:
        raise UsageError(f"--jobs {jobs}: give a number of processes >= 1, or -1 for all "
                         "cores")
    start = time.perf_counter()
    points = expand_grid(grid, panel)
    cache = ResultCache(cache_dir)
    todo = [p for p in points if p.skip is None and p.key not in cache]
    unique: dict[str, Point] = {p.key: p for p in todo}
    batches = _batches(list(unique.values()))
    total = sum(len(b) for b in batches)
    done = 0
    if on_progress is not None:
        on_progress(0, total)
    for n, outcomes in enumerate(_execute(batches, panel, jobs, scheduler), start=1):
        cache.put(outcomes)
        done += len(outcomes)
        if on_progress is not None:
            on_progress(done, total)
        if on_batch is not None:
            on_batch(n)
    outcomes_by_key = {p.key: cache.get(p.key) for p in points if p.skip is None}
    skipped_before = sum(p.skip is not None for p in points)
    stats = RunStats(specifications=len(points), skipped_before=skipped_before,
                     cached=len(points) - skipped_before - len(todo), computed=len(todo),
                     seconds=time.perf_counter() - start)
    return SensitivityResult(grid, tuple(points), outcomes_by_key, stats)  # type: ignore[arg-type]


def _batches(points: list[Point]) -> list[list[Job]]:
    """Jobs grouped by sample (countries, years, definition), then cut to ``BATCH_SIZE``,
    largest first so that the last batches to start are short."""
    groups: dict[tuple, list[Point]] = defaultdict(list)
    for p in points:
        assert p.spec is not None
        d = p.spec.data
        groups[(d.countries, d.years, d.definition)].append(p)
    out: list[list[Job]] = []
    for members in groups.values():
        # neighbours share designs: keep the same measure, transform and formula together
        members.sort(key=lambda p: (p.spec.data.measure, p.spec.dependent.transform,  # type: ignore[union-attr]
                                    p.spec.formula, p.spec.frequentist.estimator))  # type: ignore[union-attr]
        jobs = [Job(p.key, p.spec, p.term) for p in members]  # type: ignore[arg-type]
        out += [jobs[i:i + BATCH_SIZE] for i in range(0, len(jobs), BATCH_SIZE)]
    out.sort(key=len, reverse=True)
    return out


def _execute(batches: list[list[Job]], panel: IntensityPanel, jobs: int,
             scheduler: str | None) -> Iterator[list[Outcome]]:
    """Outcomes of each batch, in the order the batches finish."""
    if not batches:
        return
    if scheduler is not None:
        yield from _on_dask(batches, panel, scheduler)
    elif jobs == 1 or len(batches) == 1:
        for batch in batches:
            yield run_jobs(batch, panel)
    else:
        from joblib import Parallel, delayed

        token = panel.fingerprint()
        frame = panel.frame
        parallel = Parallel(n_jobs=jobs, return_as="generator_unordered")
        yield from parallel(delayed(run_batch)(frame, token, b) for b in batches)


def _on_dask(batches: list[list[Job]], panel: IntensityPanel,
             scheduler: str) -> Iterator[list[Outcome]]:
    try:
        from distributed import Client, as_completed
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise UsageError("--scheduler needs Dask distributed: pip install "
                         "'servmodel[dask]'") from exc
    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise UsageError(f"--scheduler {scheduler}: cannot connect to a Dask scheduler "
                         f"({exc}); start one (dask scheduler) or check the address") from exc
    try:
        token = panel.fingerprint()
        # sent once to every worker rather than with each batch
        frame = client.scatter(panel.frame, broadcast=True)
        futures = [client.submit(run_batch, frame, token, b, pure=False) for b in batches]
        # the client is not made the process default, so the loop is named
        for future in as_completed(futures, loop=client.loop):
            yield future.result()
    finally:
        client.close()


_PANELS: dict[str, IntensityPanel] = {}


def run_batch(frame: pd.DataFrame, token: str, jobs: list[Job]) -> list[Outcome]:
    """Worker entry point: estimate ``jobs`` on the panel ``frame``.

    The panel is rebuilt from its frame once per worker process (``token`` is its
    fingerprint), so that the caches keyed by the panel object serve every batch.
    """
    panel = _PANELS.get(token)
    if panel is None:
        _PANELS.clear()
        panel = _PANELS[token] = IntensityPanel(frame=frame, source="sensitivity worker")
    return run_jobs(jobs, panel)
