"""Executors: one interface over in-process, a local process pool and Dask distributed.

An executor maps a picklable function over tasks and yields results as they complete. Tasks are
*chunks* (one vectorised kernel call over thousands of worlds), never single experiments, so the
pickling cost that dominates EMA Workbench's and pymoo's parallel runners is paid once per chunk.
At most a few tasks per worker are in flight, so the driver's memory stays bounded on any sweep.

Results do not depend on the executor: each chunk passes the kernel the *global* world indices,
and the kernel derives every world's randomness from ``SeedSequence(seed, spawn_key=(design,
world, replicate))``.

The pieces: :mod:`~guarantor.explore.chunks` (the task and :func:`run_chunk`),
:mod:`~guarantor.explore.executor_base` (the interface), the in-process and process-pool
executors here, and :mod:`~guarantor.explore.dask_executor`. Every public name stays importable
from this module.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from multiprocessing import get_context
from typing import Any

from guarantor.errors import DataError
from guarantor.explore.chunks import (
    ChunkResult,
    ChunkTask,
    Kernel,
    cached_theatre,
    resolve_model,
    run_chunk,
)
from guarantor.explore.dask_executor import DaskExecutor
from guarantor.explore.executor_base import Executor, ResultT, TaskT, bounded

__all__ = [
    "ChunkResult",
    "ChunkTask",
    "DaskExecutor",
    "Executor",
    "InProcessExecutor",
    "Kernel",
    "LocalProcessExecutor",
    "cached_theatre",
    "make_executor",
    "resolve_model",
    "run_chunk",
]


class InProcessExecutor(Executor):
    """Runs tasks one after the other in this process (the default; nothing to start)."""

    name = "in-process"
    in_process = True

    def map_unordered(
        self,
        function: Callable[[TaskT], ResultT],
        tasks: Iterable[TaskT],
        *,
        in_flight: int | None = None,
    ) -> Iterator[ResultT]:
        """Run each task in turn."""
        for task in tasks:
            yield function(task)


class LocalProcessExecutor(Executor):
    """A pool of local worker processes (``spawn``ed, so safe alongside threads)."""

    name = "processes"

    def __init__(self, workers: int = 2) -> None:
        """Start ``workers`` processes."""
        self.workers = max(1, workers)
        self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=get_context("spawn"))

    def map_unordered(
        self,
        function: Callable[[TaskT], ResultT],
        tasks: Iterable[TaskT],
        *,
        in_flight: int | None = None,
    ) -> Iterator[ResultT]:
        """Submit tasks to the pool, a few per worker at a time."""

        def wait_any(pending: set[Future[ResultT]]) -> tuple[set[Any], set[Any]]:
            done, rest = wait(pending, return_when=FIRST_COMPLETED)
            return set(done), set(rest)

        yield from bounded(
            lambda task: self._pool.submit(function, task),
            tasks,
            in_flight or 3 * self.workers,
            wait_any,
            lambda future: future.result(),
        )

    def close(self) -> None:
        """Shut the pool down."""
        self._pool.shutdown(wait=True, cancel_futures=True)


def make_executor(
    workers: int | None = None, scheduler: str | None = None, *, kind: str | None = None
) -> Executor:
    """Pick an executor: ``--scheduler`` or ``--workers`` → Dask, ``kind="processes"`` → a pool.

    Raises:
        DataError: both a worker count and a scheduler are given, or the kind is unknown.
    """
    if workers is not None and scheduler is not None:
        raise DataError.single(
            "give either --workers or --scheduler, not both",
            field="workers",
            received=f"{workers} and {scheduler}",
        )
    if workers is not None and workers < 1:
        raise DataError.single("workers must be ≥ 1", field="workers", received=str(workers))
    kind = kind or ("dask" if (workers or scheduler) else "in-process")
    if kind == "in-process":
        return InProcessExecutor()
    if kind == "processes":
        return LocalProcessExecutor(workers or os.cpu_count() or 1)
    if kind == "dask":
        return DaskExecutor(workers, scheduler)
    raise DataError.single(
        "unknown executor",
        field="executor",
        expected="in-process, processes or dask",
        received=kind,
    )
