"""Run a grid: expand it, skip what is cached, estimate the rest locally or on a cluster.

The specifications still to compute are cut into batches that share a sample (same
countries, years and definition), so that each batch reuses one set of designs and
within transformations (:mod:`servmodel.frequentist.batch.engine`). Batches run

* in this process (``jobs=1``),
* on ``jobs`` local processes through joblib, the panel written to a temporary file that
  each process reads once, or
* on an existing Dask distributed cluster (``scheduler`` = its address, checked and
  connected to within seconds, or a client of it), the panel sent to every worker once.

Each finished batch is written to the cache at once, so a run stopped at any point resumes
with the batches that had not finished.
"""

from __future__ import annotations

import importlib.util
import os
import pickle
import socket
import tempfile
import threading
import time
import warnings
from collections import defaultdict
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from servmodel.errors import UsageError
from servmodel.frequentist.batch.engine import run_jobs
from servmodel.intensity import IntensityPanel
from servmodel.sensitivity.cache import ResultCache
from servmodel.sensitivity.expand import Point, expand_grid
from servmodel.sensitivity.grid import Grid
from servmodel.sensitivity.jobs import Job, Outcome
from servmodel.sensitivity.result import RunStats, SensitivityResult

if TYPE_CHECKING:
    from distributed import Client

# Large enough to share designs across measures, transforms and estimators; small enough
# that two workers stay busy and an interrupted run loses little.
BATCH_SIZE = 400
# seconds to wait for a Dask scheduler before giving up on its address (the reachability
# probe and the client's handshake together)
CONNECT_TIMEOUT = 5
# schemes of Dask distributed's transports; ``inproc://`` reaches a cluster inside this
# process only (``LocalCluster(processes=False)``), so it is for callers of the API
SCHEDULER_SCHEMES = ("tcp", "tls", "ws", "wss", "ucx", "inproc")
ADDRESS_FORM = "give tcp://HOST:PORT or HOST:PORT, e.g. tcp://10.0.0.5:8786"
# the start of joblib's warning when a stopped run leaves batches finished or in progress
# ("N tasks have been successfully executed but not used", "N tasks which were still
# being processed by the workers have been cancelled")
_CANCELLED = r"\d+ tasks (have been successfully executed|which were still being processed)"

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class SchedulerAddress:
    """A Dask scheduler's address, checked.

    Attributes
    ----------
    scheme
        Transport: one of :data:`SCHEDULER_SCHEMES`.
    host
        Host name or IP address (IPv6 without its brackets); for ``inproc``, the whole
        location after the scheme.
    port
        TCP port, 1 to 65535; ``None`` for ``inproc``.
    """

    scheme: str
    host: str
    port: int | None

    def __str__(self) -> str:
        if self.port is None:
            return f"{self.scheme}://{self.host}"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"


def parse_scheduler_address(address: str) -> SchedulerAddress:
    """Read a scheduler address in a form Dask distributed's ``Client`` accepts.

    ``SCHEME://HOST:PORT`` or ``HOST:PORT`` (scheme ``tcp``); an IPv6 host in brackets,
    ``tcp://[::1]:8786``. The port is required: Dask assumes none. An ``inproc://``
    address (a cluster in this process) is taken as it is.

    Parameters
    ----------
    address
        The address as given (``--scheduler``).

    Returns
    -------
    SchedulerAddress

    Raises
    ------
    UsageError
        The address is malformed; the message says what is wrong and the form to use.
    """

    def bad(reason: str) -> UsageError:
        return UsageError(f"--scheduler {address!r}: {reason}; {ADDRESS_FORM}")

    text = address.strip()
    if not text:
        raise bad("empty address")
    scheme, sep, location = text.partition("://")
    if not sep:
        scheme, location = "tcp", text
    scheme = scheme.lower()
    if scheme not in SCHEDULER_SCHEMES:
        raise bad(
            f"unknown scheme {scheme!r}; a Dask scheduler listens on "
            f"{', '.join(s + '://' for s in SCHEDULER_SCHEMES)}"
        )
    if scheme == "inproc":
        if not location:
            raise bad("no location after inproc://")
        return SchedulerAddress(scheme, location, None)
    if location.startswith("["):  # IPv6: [addr]:port
        host, closed, tail = location[1:].partition("]")
        if not closed:
            raise bad("an IPv6 address needs its closing bracket")
        if not tail:
            raise bad("no port")
        if not tail.startswith(":"):
            raise bad(f"{tail!r} after the IPv6 address; write [ADDRESS]:PORT")
        port_text = tail[1:]
    else:
        host, colon, port_text = location.rpartition(":")
        if not colon:
            raise bad("no port")
        if ":" in host:
            raise bad("an IPv6 address needs brackets, e.g. tcp://[::1]:8786")
    if not host:
        raise bad("no host")
    if any(c.isspace() or c in "/?#@" for c in host):
        raise bad(f"{host!r} is not a host name")
    if not (port_text.isascii() and port_text.isdigit() and 1 <= int(port_text) <= 65535):
        raise bad(f"port {port_text!r} is not a number from 1 to 65535")
    return SchedulerAddress(scheme, host, int(port_text))


def check_scheduler(address: str, timeout: float = CONNECT_TIMEOUT) -> SchedulerAddress:
    """Check that a Dask scheduler could be at ``address``, quickly and leaving nothing.

    The address must be well formed (:func:`parse_scheduler_address`), Dask distributed
    installed, and the host must accept a TCP connection on the port within ``timeout``
    seconds, so that a refused or unreachable address fails at once rather than after the
    client's own retries (UCX and in-process addresses are left to the client).

    Parameters
    ----------
    address
        The address as given.
    timeout
        Seconds to wait for the connection.

    Returns
    -------
    SchedulerAddress

    Raises
    ------
    UsageError
        Malformed address, Dask distributed missing, or nothing accepts connections there.
    """
    parsed = parse_scheduler_address(address)
    if importlib.util.find_spec("distributed") is None:  # pragma: no cover - installation
        raise UsageError("--scheduler needs Dask distributed: pip install 'servmodel[dask]'")
    if parsed.port is None or parsed.scheme == "ucx":
        return parsed
    try:
        with socket.create_connection((parsed.host, parsed.port), timeout=timeout):
            pass
    except ConnectionRefusedError:
        reason = "connection refused: nothing listens on that port"
    except socket.gaierror as exc:
        reason = f"unknown host {parsed.host!r}: {exc.strerror}"
    except TimeoutError:
        reason = f"no answer within {timeout:g} s"
    except OSError as exc:
        reason = exc.strerror or str(exc)
    else:
        return parsed
    raise _unreachable(address, reason)


def _unreachable(address: str, reason: str) -> UsageError:
    return UsageError(
        f"--scheduler {address}: cannot connect to a Dask scheduler "
        f"({reason}); start one (dask scheduler) or check the address"
    )


def connect_scheduler(address: str) -> Client:
    """A client of the Dask scheduler at ``address``, connected within
    :data:`CONNECT_TIMEOUT` seconds or not at all.

    Parameters
    ----------
    address
        The scheduler's address (:func:`parse_scheduler_address`).

    Returns
    -------
    distributed.Client
        Not made the process default; the caller closes it.

    Raises
    ------
    UsageError
        Malformed address, nothing listening, or no scheduler answering in time.
    """
    start = time.monotonic()
    parsed = check_scheduler(address, CONNECT_TIMEOUT)
    from distributed import Client

    left = max(CONNECT_TIMEOUT - (time.monotonic() - start), 1.0)
    # The client bounds the connection by its timeout but then waits for the scheduler's
    # handshake without one: a port that accepts and stays silent (a dashboard, another
    # service) would hang it. It is started in a thread that is given up on in time.
    box: dict[str, Any] = {}
    given_up = threading.Event()

    def start_client() -> None:
        try:
            client = Client(str(parsed), timeout=left, set_as_default=False)
        except BaseException as exc:  # handed to the caller below
            box["error"] = exc
            return
        box["client"] = client
        if given_up.is_set():  # too late: nobody will use or close it
            client.close()

    thread = threading.Thread(target=start_client, name="servmodel-dask-connect", daemon=True)
    thread.start()
    thread.join(left + 0.5)
    if thread.is_alive():
        given_up.set()
        if "client" in box:  # connected just now, after all: close it (closing is idempotent)
            box["client"].close()
        raise _unreachable(
            address,
            f"no Dask scheduler answered within {CONNECT_TIMEOUT:g} "
            "s; schedulers listen on port 8786 unless told "
            "otherwise, their dashboards on 8787",
        )
    error = box.get("error")
    if isinstance(error, (OSError, ValueError)):  # TimeoutError is an OSError
        raise _unreachable(address, str(error)) from error
    if error is not None:
        raise error
    return box["client"]


def run_grid(
    grid: Grid,
    panel: IntensityPanel,
    *,
    jobs: int = 1,
    scheduler: str | Client | None = None,
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
        Address of a Dask distributed scheduler (``tcp://host:8786``), or a client of one
        (:func:`connect_scheduler`; left open); the batches run on its workers, which need
        servmodel installed. Excludes ``jobs``. An address is connected to first: an
        unusable one fails within :data:`CONNECT_TIMEOUT` seconds, before the cache
        directory is made.
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
        raise UsageError(
            "give either --jobs or --scheduler, not both: with a scheduler the "
            "cluster's workers run the specifications"
        )
    if jobs == 0 or jobs < -1:
        raise UsageError(f"--jobs {jobs}: give a number of processes >= 1, or -1 for all cores")
    start = time.perf_counter()
    # before anything is made: a failed connection leaves no cache directory
    own_client = isinstance(scheduler, str)
    client = connect_scheduler(scheduler) if isinstance(scheduler, str) else scheduler
    try:
        points = expand_grid(grid, panel)
        cache = ResultCache(cache_dir)
        todo = [p for p in points if p.skip is None and p.key not in cache]
        unique: dict[str, Point] = {p.key: p for p in todo}
        batches = _batches(list(unique.values()))
        total = sum(len(b) for b in batches)
        done = 0
        if on_progress is not None:
            on_progress(0, total)
        finished = _execute(batches, panel, jobs, client)
        try:
            for n, outcomes in enumerate(finished, start=1):
                cache.put(outcomes)
                done += len(outcomes)
                if on_progress is not None:
                    on_progress(done, total)
                if on_batch is not None:
                    on_batch(n)
        finally:
            # closed on the way out, so that a stopped run ends its workers and removes the
            # panel's file at once rather than when the generator is collected; joblib's
            # warning that it cancelled the batches in progress says nothing new then
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", _CANCELLED, UserWarning)
                finished.close()
    finally:
        if own_client and client is not None:
            client.close()
    outcomes_by_key = {p.key: cache.get(p.key) for p in points if p.skip is None}
    skipped_before = sum(p.skip is not None for p in points)
    stats = RunStats(
        specifications=len(points),
        skipped_before=skipped_before,
        cached=len(points) - skipped_before - len(todo),
        computed=len(todo),
        seconds=time.perf_counter() - start,
    )
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
        members.sort(key=_neighbourhood)
        jobs = [Job(p.key, p.spec, p.term) for p in members]  # type: ignore[arg-type]
        out += [jobs[i : i + BATCH_SIZE] for i in range(0, len(jobs), BATCH_SIZE)]
    out.sort(key=len, reverse=True)
    return out


def _neighbourhood(point: Point) -> tuple[str, str, str, str]:
    """Sort key that puts the specifications sharing a design next to each other."""
    spec = point.spec
    assert spec is not None and spec.frequentist is not None
    return (spec.data.measure, spec.dependent.transform, spec.formula, spec.frequentist.estimator)


def _execute(
    batches: list[list[Job]], panel: IntensityPanel, jobs: int, client: Client | None
) -> Generator[list[Outcome], None, None]:
    """Outcomes of each batch, in the order the batches finish."""
    if not batches:
        return
    if client is not None:
        yield from _on_dask(batches, panel, client)
    elif jobs == 1 or len(batches) == 1:
        for batch in batches:
            yield run_jobs(batch, panel)
    else:
        from joblib import Parallel, delayed

        token = panel.fingerprint()
        # The panel goes to each worker process once, through a file, rather than with
        # every batch: a batch then carries only its jobs. The directory (private to this
        # user) is removed when the batches are done or the run stops.
        with tempfile.TemporaryDirectory(prefix="servmodel-sensitivity-") as folder:
            path = Path(folder) / "panel.pickle"
            with path.open("wb") as handle:
                pickle.dump(panel.frame, handle, protocol=pickle.HIGHEST_PROTOCOL)
            parallel = Parallel(n_jobs=jobs, return_as="generator_unordered")
            yield from parallel(delayed(_run_batch_from_file)(str(path), token, b) for b in batches)


def _on_dask(
    batches: list[list[Job]], panel: IntensityPanel, client: Client
) -> Iterator[list[Outcome]]:
    """Outcomes of each batch run on the workers of ``client``'s cluster."""
    from distributed import as_completed

    token = panel.fingerprint()
    # sent once to every worker rather than with each batch
    frame = client.scatter(panel.frame, broadcast=True)
    futures = [client.submit(run_batch, frame, token, b, pure=False) for b in batches]
    # the client is not made the process default, so the loop is named
    for future in as_completed(futures, loop=client.loop):
        yield future.result()


_PANELS: dict[str, IntensityPanel] = {}


def run_batch(frame: pd.DataFrame, token: str, jobs: list[Job]) -> list[Outcome]:
    """Worker entry point: estimate ``jobs`` on the panel ``frame``.

    The panel is rebuilt from its frame once per worker process (``token`` is its
    fingerprint), so that the caches keyed by the panel object serve every batch.
    """
    return run_jobs(jobs, _worker_panel(token, lambda: frame))


def _run_batch_from_file(path: str, token: str, jobs: list[Job]) -> list[Outcome]:
    """Local worker entry point: :func:`run_batch` with the panel's frame pickled at
    ``path``, read only by the first batch a worker process runs on that panel."""

    def load() -> pd.DataFrame:
        with open(path, "rb") as handle:
            return pickle.load(handle)  # written by this run (_execute), not by others

    return run_jobs(jobs, _worker_panel(token, load))


def _worker_panel(token: str, frame: Callable[[], pd.DataFrame]) -> IntensityPanel:
    """The panel whose fingerprint is ``token``, built from ``frame()`` the first time a
    worker process needs it and kept, so that the caches keyed by the panel object (its
    arrays) serve every later batch; only the latest panel is kept."""
    panel = _PANELS.get(token)
    if panel is None:
        _PANELS.clear()
        panel = _PANELS[token] = IntensityPanel(frame=frame(), source="sensitivity worker")
    return panel
