"""Executors: one interface over in-process, a local process pool and Dask distributed.

An executor maps a picklable function over tasks and yields results as they complete. Tasks are
*chunks* (one vectorised kernel call over thousands of worlds), never single experiments, so the
pickling cost that dominates EMA Workbench's and pymoo's parallel runners is paid once per chunk.
At most a few tasks per worker are in flight, so the driver's memory stays bounded on any sweep.

Results do not depend on the executor: each chunk passes the kernel the *global* world indices,
and the kernel derives every world's randomness from ``SeedSequence(seed, spawn_key=(design,
world, replicate))``.
"""

from __future__ import annotations

import functools
import importlib
import itertools
import os
import socket
import sys
import time
import traceback
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from functools import lru_cache
from multiprocessing import get_context
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar

import numpy as np
from numpy.typing import NDArray

from guarantor.errors import DataError, Problem
from guarantor.explore.design import Chunk
from guarantor.packages import Package

TaskT = TypeVar("TaskT")
ResultT = TypeVar("ResultT")

Kernel = Callable[..., Any]


@lru_cache(maxsize=8)
def resolve_model(reference: str) -> Kernel:
    """Import a kernel named ``"package.module:function"`` (cached per process).

    The durability kernel is bound to its shipped calibration and uncertainties, loaded once per
    process: by itself it reads both YAML files on every call (about 50 ms), which a sweep of
    thousands of chunks would pay thousands of times for the same numbers.
    """
    module_name, _, attribute = reference.partition(":")
    try:
        module = importlib.import_module(module_name)
        function = getattr(module, attribute or "run")
    except (ImportError, AttributeError) as error:
        raise DataError.single(
            f"cannot load model: {error}",
            field="model",
            expected="an importable 'module:function'",
            received=reference,
        ) from None
    if not callable(function):
        raise DataError.single("model is not callable", field="model", received=reference)
    # loaded only if the model is in it: other kernels should not pay for importing it
    durability: Any = sys.modules.get("guarantor.durability")
    if durability is not None and function is durability.run:
        return functools.partial(
            durability.run,
            calibration=durability.load_calibration(),
            uncertainties=durability.load_uncertainties(),
        )
    return function  # type: ignore[no-any-return]


@lru_cache(maxsize=4)
def cached_theatre(reference: str | None) -> Any:
    """Load a theatre once per process (``None`` gives ``None``, for kernels that need none)."""
    if reference is None:
        return None
    from guarantor.theatre import load_theatre

    return load_theatre(reference)


@dataclass(frozen=True)
class ChunkTask:
    """What a worker needs to run one chunk: the package, its worlds and the kernel's settings."""

    chunk: Chunk
    package: Package
    worlds: Mapping[str, NDArray[np.float64]]
    seed: int
    months: int
    model: str
    theatre: str | None
    replicate: int = 0
    world_index: NDArray[np.int64] | None = None
    """Indices the kernel keys each world's randomness on (default ``chunk.start .. stop``)."""


@dataclass(frozen=True)
class ChunkResult:
    """The outcomes of one chunk (one float array per outcome) and any per-experiment errors."""

    chunk: Chunk
    outcomes: Mapping[str, NDArray[np.float64]]
    errors: tuple[str | None, ...]
    seconds: float
    worker: str

    @property
    def n_failed(self) -> int:
        """How many experiments of the chunk failed."""
        return sum(error is not None for error in self.errors)


def _outcomes_of(result: Any, size: int) -> dict[str, NDArray[np.float64]]:
    outcomes = getattr(result, "outcomes", result)
    if not isinstance(outcomes, Mapping) or not outcomes:
        raise TypeError(f"the model returned {type(result).__name__}, not outcomes by name")
    arrays = {str(name): np.asarray(values, dtype=np.float64) for name, values in outcomes.items()}
    for name, values in arrays.items():
        if values.shape != (size,):
            raise ValueError(f"outcome {name!r} has shape {values.shape}, expected ({size},)")
    return arrays


def _error_text(error: BaseException) -> str:
    frame = traceback.extract_tb(error.__traceback__)[-1:] if error.__traceback__ else []
    where = f" at {frame[0].filename}:{frame[0].lineno}" if frame else ""
    return f"{type(error).__name__}: {error}{where}"


def run_chunk(task: ChunkTask) -> ChunkResult:
    """Run one chunk as one vectorised kernel call.

    If the call fails, each world of the chunk is run on its own to find the failing
    experiments: those are recorded with their error (outcomes NaN) and the rest are kept, so one
    bad world never costs a chunk or the run.
    """
    started = time.perf_counter()
    model = resolve_model(task.model)
    theatre = cached_theatre(task.theatre)
    chunk = task.chunk
    indices = (
        np.arange(chunk.start, chunk.stop, dtype=np.int64)
        if task.world_index is None
        else np.asarray(task.world_index, dtype=np.int64)
    )

    def call(worlds: Mapping[str, NDArray[np.float64]], index: NDArray[np.int64]) -> Any:
        result = model(
            theatre,
            task.package,
            dict(worlds),
            seed=task.seed,
            months=task.months,
            world_index=index,
            design=chunk.point,
            replicate=task.replicate,
        )
        return _outcomes_of(result, index.size)

    errors: list[str | None] = [None] * chunk.size
    try:
        outcomes = call(task.worlds, indices)
    except Exception:  # one bad world must not cost the chunk: isolate it below
        singles: list[dict[str, NDArray[np.float64]] | None] = []
        for offset in range(chunk.size):
            one = {name: values[offset : offset + 1] for name, values in task.worlds.items()}
            try:
                singles.append(call(one, indices[offset : offset + 1]))
            except Exception as error:  # recorded per experiment, by design
                singles.append(None)
                errors[offset] = _error_text(error)
        names = sorted({name for single in singles if single for name in single})
        outcomes = {
            name: np.array(
                [single[name][0] if single and name in single else np.nan for single in singles]
            )
            for name in names
        }
    worker = f"{socket.gethostname()}:{os.getpid()}"
    return ChunkResult(chunk, outcomes, tuple(errors), time.perf_counter() - started, worker)


class Executor(ABC):
    """Maps a function over tasks, yielding results as they complete."""

    name: str = "executor"
    workers: int = 1
    in_process: bool = False
    """Whether tasks run in this process (then they may be handed objects, not references)."""

    @abstractmethod
    def map_unordered(
        self,
        function: Callable[[TaskT], ResultT],
        tasks: Iterable[TaskT],
        *,
        in_flight: int | None = None,
    ) -> Iterator[ResultT]:
        """Run ``function`` on every task; yield each result as soon as it is ready.

        ``in_flight`` caps the tasks submitted but not yet yielded (default: a few per worker,
        so the driver holds few results); callers whose results are small may raise it.
        """

    def map(
        self,
        function: Callable[[TaskT], ResultT],
        tasks: Iterable[TaskT],
        *,
        in_flight: int | None = None,
    ) -> list[ResultT]:
        """Run ``function`` on every task and return the results in task order."""
        indexed = list(enumerate(tasks))
        results = dict(self.map_unordered(_Indexed(function), indexed, in_flight=in_flight))
        return [results[index] for index, _ in indexed]

    def close(self) -> None:  # noqa: B027 - nothing to release unless a subclass started workers
        """Release workers."""

    def check_store(self, manifest: Path) -> None:  # noqa: B027 - local workers share our disk
        """Make sure the workers can read and write the store whose manifest is ``manifest``.

        Raises:
            DataError: they cannot (a remote cluster without a shared filesystem).
        """

    def describe(self) -> dict[str, Any]:
        """What ran the work, for the run manifest."""
        return {"executor": self.name, "workers": self.workers}

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


@dataclass(frozen=True)
class _Indexed:
    """Wraps a function so that results come back with their task's position (picklable)."""

    function: Callable[[Any], Any]

    def __call__(self, item: tuple[int, Any]) -> tuple[int, Any]:
        return item[0], self.function(item[1])


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


def _bounded(
    submit: Callable[[Any], Any],
    tasks: Iterable[Any],
    limit: int,
    wait_any: Callable[[set[Any]], tuple[set[Any], set[Any]]],
    result: Callable[[Any], Any],
) -> Iterator[Any]:
    """Keep at most ``limit`` tasks in flight; yield results as they complete."""
    pending: set[Any] = set()
    iterator = iter(tasks)
    exhausted = False
    while True:
        while not exhausted and len(pending) < limit:
            try:
                pending.add(submit(next(iterator)))
            except StopIteration:
                exhausted = True
        if not pending:
            return
        done, pending = wait_any(pending)
        for future in done:
            yield result(future)


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

        yield from _bounded(
            lambda task: self._pool.submit(function, task),
            tasks,
            in_flight or 3 * self.workers,
            wait_any,
            lambda future: future.result(),
        )

    def close(self) -> None:
        """Shut the pool down."""
        self._pool.shutdown(wait=True, cancel_futures=True)


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
            environ = dict(dask_config.get("distributed.nanny.pre-spawn-environ", {}))
            # Dask's nannies set MALLOC_TRIM_THRESHOLD_, which also switches off glibc's dynamic
            # mmap threshold: every array above 128 KiB is then mmapped and unmapped, and the
            # page faults made the kernel 1.5x slower per worker and two workers slower than
            # one (benchmarks/bench_explore.py). Our workers keep Python's usual allocator.
            environ.pop("MALLOC_TRIM_THRESHOLD_", None)
            # A chunk allocates and frees the same few hundred MB of temporaries on every call;
            # glibc returns the top of the heap to the system after each and faults it back in
            # on the next. Keeping a pad of 256 MiB made the kernel 15 % faster per call in a
            # worker process (52 -> 44 ms per 25,000 worlds).
            environ["MALLOC_TOP_PAD_"] = str(256 * 2**20)
            settings = {
                "distributed.nanny.pre-spawn-environ": environ,
                # the statistical profiler samples the task thread every 10 ms, for a dashboard
                # that is off: a few per cent of every chunk
                "distributed.worker.profile.enabled": False,
                # monitors for a dashboard and memory limits we do not use: on two cores their
                # polling took ~4 % of a core per process while idle, ~1 % at these intervals
                "distributed.worker.memory.monitor-interval": "1s",
                "distributed.admin.system-monitor.interval": "2s",
                # the event-loop health check wakes every process 50 times a second. In a
                # worker the woken loop thread must take the GIL from the task thread; with as
                # many busy workers as cores it then waits for a core while the task waits for
                # the GIL. At 1 s, two workers went from 1.68-1.72x one worker to 1.78-1.90x
                # (sweeps of 10^6 experiments in 25,000-world chunks, benchmarks/bench_explore.py)
                "distributed.admin.tick.interval": "1s",
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
