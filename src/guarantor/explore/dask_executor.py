"""The Dask distributed executor: a ``LocalCluster`` of worker processes, or a scheduler.

The worker settings we change from Dask's defaults (and why) are in ``docs/explore.md``,
*Executors*.
"""

from __future__ import annotations

import importlib
import itertools
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from guarantor.errors import DataError, Problem
from guarantor.explore.executor_base import Executor, ResultT, TaskT

MALLOC_ENVIRON = {"MALLOC_TOP_PAD_": str(256 * 2**20)}
"""glibc settings of our worker processes. A chunk allocates and frees the same few hundred MB of
temporaries on every call; glibc returns the top of the heap to the system after each and faults
it back in on the next. Keeping a pad of 256 MiB made the kernel 15 % faster per call in a worker
process (52 -> 44 ms per 25,000 worlds)."""

WORKER_SETTINGS: dict[str, Any] = {
    # the statistical profiler samples the task thread every 10 ms, for a dashboard that is
    # off: a few per cent of every chunk
    "distributed.worker.profile.enabled": False,
    # monitors for a dashboard and memory limits we do not use: on two cores their polling took
    # ~4 % of a core per process while idle, ~1 % at these intervals
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    # the event-loop health check wakes every process 50 times a second. In a worker the woken
    # loop thread must take the GIL from the task thread; with as many busy workers as cores it
    # then waits for a core while the task waits for the GIL. At 1 s, two workers went from
    # 1.68-1.72x one worker to 1.78-1.90x (sweeps of 10^6 experiments in 25,000-world chunks,
    # benchmarks/bench_explore.py)
    "distributed.admin.tick.interval": "1s",
}
"""The Dask settings we change from the defaults for our workers (and why)."""


def worker_environment() -> dict[str, str]:
    """Environment variables giving a ``dask worker`` started by hand our workers' settings.

    Dask reads ``DASK_A__B__C`` as the setting ``a.b.c``; the glibc settings are
    :data:`MALLOC_ENVIRON`. A cluster someone else starts (``dask worker`` on other machines,
    dask-jobqueue, dask-kubernetes) gets the same speed from these.
    """
    variables = {
        "DASK_" + key.upper().replace(".", "__").replace("-", "_"): _dask_text(value)
        for key, value in WORKER_SETTINGS.items()
    }
    return {**variables, **MALLOC_ENVIRON}


def local_worker_environ() -> dict[str, Any]:
    """The environment our local cluster's nannies give each worker process.

    Dask's own (one thread for OpenMP, MKL and OpenBLAS) without its ``MALLOC_TRIM_THRESHOLD_``,
    which also switches off glibc's dynamic mmap threshold: every array above 128 KiB is then
    mmapped and unmapped, and the page faults made the kernel 1.5x slower per worker and two
    workers slower than one (benchmarks/bench_explore.py). Our workers keep Python's usual
    allocator, with :data:`MALLOC_ENVIRON`.
    """
    import dask.config

    environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", {}))
    environ.pop("MALLOC_TRIM_THRESHOLD_", None)
    environ.update(MALLOC_ENVIRON)
    return environ


def _dask_text(value: Any) -> str:
    return str(value) if not isinstance(value, bool) else ("True" if value else "False")


class DaskExecutor(Executor):
    """Dask distributed: a ``LocalCluster`` of worker processes, or an existing scheduler.

    A task lost with a dead worker is rerun elsewhere by the scheduler. A sweep's task commits its
    chunk file itself, atomically and with bytes fixed by the chunk's numbers, so a rerun (or a
    late duplicate) replaces the file with the same bytes: nothing is lost or stored twice.
    """

    name = "dask"

    def __init__(
        self,
        workers: int | None = None,
        scheduler: str | None = None,
        *,
        threads_per_worker: int = 1,
    ) -> None:
        """Connect to ``scheduler`` or start a local cluster of ``workers`` processes."""
        dask_distributed: Any = importlib.import_module("distributed")
        self._cluster: Any = None
        if scheduler is not None:
            try:
                self.client: Any = dask_distributed.Client(scheduler, timeout="20s")
            except (OSError, TimeoutError, ValueError) as error:
                raise DataError(
                    [
                        Problem(
                            f"cannot reach the Dask scheduler: {error}",
                            field="scheduler",
                            expected="tcp://HOST:PORT of a running scheduler",
                            received=scheduler,
                        )
                    ]
                ) from None
        else:
            dask_config: Any = importlib.import_module("dask.config")
            settings = {
                "distributed.nanny.pre-spawn-environ": local_worker_environ(),
                **WORKER_SETTINGS,
            }
            with dask_config.set(settings):
                self._cluster = dask_distributed.LocalCluster(
                    n_workers=max(1, workers or 1),
                    threads_per_worker=threads_per_worker,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=40,
                )
            self.client = dask_distributed.Client(self._cluster)
        self.workers = max(1, len(self.client.scheduler_info()["workers"]))
        self.scheduler = self.client.scheduler.address

    def map_unordered(
        self,
        function: Callable[[TaskT], ResultT],
        tasks: Iterable[TaskT],
        *,
        in_flight: int | None = None,
    ) -> Iterator[ResultT]:
        """Submit a window of tasks with ``client.map``; refill it in batches as they complete.

        At most ``in_flight`` tasks (default three per worker) are submitted and not yet
        yielded, so the driver holds few results; a task lost with a dead worker is rerun by the
        scheduler and completes here once. Refilling a quarter of the window at a time rather
        than a task per completion spares the driver a round trip to the scheduler per task.
        """
        distributed: Any = importlib.import_module("distributed")
        iterator = iter(tasks)
        workers = max(self.workers, len(self.client.scheduler_info()["workers"]))
        window = max(1, in_flight or 3 * workers)
        refill = max(1, window // 4)
        first = list(itertools.islice(iterator, window))
        if not first:
            return
        # not ``with_results=True``: its concurrent gathers on the client's event loop hung a
        # sweep here twice (an AssertionError in tornado's IOStream.write, then no progress)
        queue = distributed.as_completed(self.client.map(function, first, pure=False))
        pending = len(first)
        exhausted = len(first) < window
        for future in queue:
            value = future.result()
            future.release()
            pending -= 1
            if not exhausted and window - pending >= refill:
                more = list(itertools.islice(iterator, window - pending))
                exhausted = len(more) < window - pending
                if more:
                    pending += len(more)
                    queue.update(self.client.map(function, more, pure=False))
            yield value

    def check_store(self, manifest: Path) -> None:
        """On a remote cluster, check that every worker sees the store's manifest.

        Raises:
            DataError: a worker does not see it (the store is not on a shared filesystem).
        """
        if self._cluster is not None:
            return
        seen = self.client.run(os.path.isfile, str(manifest.resolve()))
        blind = sorted(address for address, found in seen.items() if not found)
        if blind:
            raise DataError.single(
                "the Dask workers cannot see the results store",
                file=str(manifest.parent),
                expected="a --store directory on a filesystem every worker shares",
                received=f"not visible on {', '.join(blind)}",
            )

    def describe(self) -> dict[str, Any]:
        """The executor, its worker count and the scheduler's address."""
        return {**super().describe(), "scheduler": self.scheduler}

    def close(self) -> None:
        """Close the client, and the local cluster if this executor started it."""
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()
