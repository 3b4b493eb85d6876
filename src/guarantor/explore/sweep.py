"""Sweeps: run a design's chunks on an executor; each chunk is committed where it ran.

**Who does what.** The driver opens the run (manifest, worlds, packages), then hands executors
small jobs: a chunk's coordinates plus a reference to the run. A worker resolves the reference
once per process (for out-of-process workers it reads the packages and worlds back from the
store, so nothing large is pickled per task), runs the chunk as one vectorised kernel call,
writes the chunk's Parquet file atomically and returns a receipt of a few hundred bytes (the
chunk, how many experiments failed and their errors, seconds, which worker). The driver only
counts receipts. With workers doing the writing, the driver's serial Parquet commits and the
transfer of every outcome array back to it, which capped the scaling of two workers, are gone.
Out-of-process executors get the jobs in guided batches (:func:`guided_batches`): a few large
tasks first, single chunks last.

**Exactly once.** A chunk's file name is fixed by the chunk, its bytes by the chunk's numbers,
and the rename that publishes it is atomic: the store holds a whole chunk or none of it. A task
rerun after its worker died, or a late duplicate, replaces the file with identical bytes. A
resumed run skips the chunks whose files carry its design hash and reruns the rest.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pyarrow.parquet as pq
from numpy.typing import NDArray

from guarantor.explore.design import Chunk, Design
from guarantor.explore.executors import ChunkTask, Executor, InProcessExecutor, run_chunk
from guarantor.explore.store import Store, commit_chunk
from guarantor.packages import Package

SWEEP_IN_FLIGHT = 1024
"""Tasks a sweep submits ahead: receipts are a few hundred bytes, so the window can be wide,
which spares the driver a round trip to the scheduler per task."""


@dataclass(frozen=True)
class SweepContext:
    """Everything the chunks of one run share: packages, worlds and the kernel's settings."""

    design_hash: str
    packages: tuple[Package, ...]
    worlds: Mapping[str, NDArray[np.float64]]
    world_index: NDArray[np.int64] | None
    seed: int
    months: int
    model: str
    theatre: str | None
    replicate: int

    @property
    def n_worlds(self) -> int:
        """The number of worlds of the design."""
        return int(next(iter(self.worlds.values())).shape[0]) if self.worlds else 1

    @classmethod
    def of(cls, design: Design) -> SweepContext:
        """The context of a design."""
        return cls(
            design.hash,
            tuple(point.package for point in design.points),
            design.worlds,
            design.world_index,
            design.seed,
            design.months,
            design.model,
            design.theatre,
            design.replicate,
        )

    def task(self, chunk: Chunk) -> ChunkTask:
        """The kernel call of one chunk."""
        index = (
            None
            if self.world_index is None
            else np.asarray(self.world_index[chunk.start : chunk.stop], dtype=np.int64)
        )
        return ChunkTask(
            chunk=chunk,
            package=self.packages[chunk.point],
            worlds={
                name: np.ascontiguousarray(values[chunk.start : chunk.stop])
                for name, values in self.worlds.items()
            },
            seed=self.seed,
            months=self.months,
            model=self.model,
            theatre=self.theatre,
            replicate=self.replicate,
            world_index=index,
        )


@dataclass(frozen=True)
class StoreRef:
    """A run named by its store and design hash; workers load its context from the store."""

    root: str
    design_hash: str


# Two runs at a time: a worker serves the run in progress (and perhaps a second client's); a
# finished run's worlds only hold memory. Keeping four made every third or fourth sweep of 10^6
# experiments 30-40 % slower on two workers (benchmarks/bench_explore.py --scaling).
@lru_cache(maxsize=2)
def load_context(root: str, design_hash: str) -> SweepContext:
    """Read a run's context back from its store (once per worker process).

    Raises:
        RuntimeError: the store now holds another design (the run was replaced under us).
    """
    store = Store(root)
    manifest = store.manifest()
    if manifest["design_hash"] != design_hash:
        raise RuntimeError(
            f"store {root} holds design {manifest['design_hash'][:12]}, not {design_hash[:12]}"
        )
    table = pq.read_table(store.root / "worlds.parquet")
    worlds = {
        name: table.column(name).to_numpy().astype(np.float64)
        for name in table.column_names
        if name != "world"
    }
    index_path = store.root / "world_index.parquet"
    world_index = (
        pq.read_table(index_path).column("world_index").to_numpy().astype(np.int64)
        if index_path.exists()
        else None
    )
    definitions = pq.read_table(store.root / "packages.parquet", columns=["point", "definition"])
    order = np.argsort(definitions.column("point").to_numpy())
    texts = definitions.column("definition").to_pylist()
    packages = tuple(Package.model_validate_json(texts[int(i)]) for i in order)
    return SweepContext(
        design_hash,
        packages,
        worlds,
        world_index,
        int(manifest["seed"]),
        int(manifest["months"]),
        str(manifest["model"]),
        manifest["theatre"],
        int(manifest["replicate"]),
    )


@dataclass(frozen=True)
class ChunkJob:
    """One chunk to run and commit: its coordinates and the run it belongs to."""

    chunk: Chunk
    context: SweepContext | StoreRef
    store: str


@dataclass(frozen=True)
class ChunkReceipt:
    """What a worker reports after committing a chunk (no outcome arrays: they are on disk)."""

    chunk: Chunk
    errors: tuple[tuple[int, str], ...]
    seconds: float
    worker: str

    @property
    def n_failed(self) -> int:
        """How many experiments of the chunk failed."""
        return len(self.errors)


def run_job(job: ChunkJob) -> ChunkReceipt:
    """Run one chunk, commit its file to the store, and return a small receipt."""
    started = time.perf_counter()
    context = (
        job.context
        if isinstance(job.context, SweepContext)
        else load_context(job.context.root, job.context.design_hash)
    )
    result = run_chunk(context.task(job.chunk))
    commit_chunk(job.store, result, context.n_worlds, context.design_hash)
    errors = tuple(
        (offset, error) for offset, error in enumerate(result.errors) if error is not None
    )
    worker = f"{socket.gethostname()}:{os.getpid()}"
    return ChunkReceipt(job.chunk, errors, time.perf_counter() - started, worker)


def run_jobs(jobs: tuple[ChunkJob, ...]) -> tuple[ChunkReceipt, ...]:
    """Run a batch of chunks one after the other (one task on an out-of-process worker)."""
    return tuple(run_job(job) for job in jobs)


MAX_BATCH = 8
"""The most chunks one task of an out-of-process executor runs: a task lost with its worker is
rerun whole, so a batch bounds the work repeated."""


def guided_batches(jobs: list[ChunkJob], workers: int) -> list[tuple[ChunkJob, ...]]:
    """Group jobs into tasks that shrink as the work runs out (guided self-scheduling).

    Each batch takes a ``1/(2·workers)`` share of the chunks still unbatched, at most
    :data:`MAX_BATCH` and at least one, so the first tasks are large (few messages through the
    scheduler) and the last are single chunks (the workers end together). Polychronopoulos and
    Kuck, "Guided self-scheduling", IEEE Transactions on Computers C-36(12), 1987. With 40 chunks
    and two workers: 8, 8, 6, 4, 3, 2, 2, then single chunks; 14 tasks rather than 40 halved
    the driver's CPU time (0.18 -> 0.09 s) and made the sweep 4-7 % faster.
    """
    batches: list[tuple[ChunkJob, ...]] = []
    start = 0
    while start < len(jobs):
        size = min(MAX_BATCH, max(1, (len(jobs) - start) // (2 * max(1, workers))))
        batches.append(tuple(jobs[start : start + size]))
        start += size
    return batches


@dataclass
class SweepReport:
    """What a sweep did."""

    design_hash: str
    store: str
    executor: dict[str, Any]
    n_experiments: int
    n_chunks: int
    chunks_skipped: int = 0
    chunks_run: int = 0
    experiments_run: int = 0
    failed: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    @property
    def experiments_per_second(self) -> float:
        """Throughput of this run (chunks skipped on resume are not counted)."""
        return self.experiments_run / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {
            "design_hash": self.design_hash,
            "store": self.store,
            "executor": self.executor,
            "n_experiments": self.n_experiments,
            "n_chunks": self.n_chunks,
            "chunks_skipped": self.chunks_skipped,
            "chunks_run": self.chunks_run,
            "experiments_run": self.experiments_run,
            "failed": self.failed,
            "seconds": round(self.seconds, 3),
            "experiments_per_second": round(self.experiments_per_second, 1),
            "first_errors": self.errors[:5],
        }


def jobs_for(
    design: Design,
    store: Store,
    executor: Executor,
    skip: set[str] | frozenset[str] = frozenset(),
) -> list[ChunkJob]:
    """The jobs of a design's chunks, leaving out the chunks named in ``skip``, largest first.

    In-process jobs carry the context itself; jobs for other processes carry a reference to the
    store, from which each worker loads the context once.
    """
    context: SweepContext | StoreRef = (
        SweepContext.of(design)
        if executor.in_process
        else StoreRef(str(store.root.resolve()), design.hash)
    )
    root = str(store.root.resolve())
    chunks = [chunk for chunk in design.chunks() if chunk.id not in skip]
    # the longest first, so the short remainders of each point run last and fill the gaps:
    # 4 points × (100,000 + 100,000 + 50,000 worlds) on two workers then end together
    chunks.sort(key=lambda chunk: -chunk.size)
    return [ChunkJob(chunk, context, root) for chunk in chunks]


def sweep(
    design: Design,
    store: Store,
    executor: Executor | None = None,
    *,
    resume: bool = False,
    on_start: Callable[[int, int], None] | None = None,
    on_result: Callable[[ChunkReceipt], None] | None = None,
) -> SweepReport:
    """Run every unfinished chunk of ``design``; each is committed to ``store`` where it runs.

    ``on_start(total_chunks, already_done)`` is called once the work is known, and
    ``on_result`` after each chunk is committed (for progress bars).

    Raises:
        DataError: the store holds another run (see :meth:`Store.open_run`), or the executor's
            workers cannot see the store.
    """
    executor = executor or InProcessExecutor()
    design = store.open_run(design, resume=resume, executor=executor.describe())
    executor.check_store(store.manifest_path)
    done = store.finished_chunks(design.hash)
    chunks = design.chunks()
    jobs = jobs_for(design, store, executor, done)
    report = SweepReport(
        design_hash=design.hash,
        store=str(store.root),
        executor=executor.describe(),
        n_experiments=design.n_experiments,
        n_chunks=len(chunks),
        chunks_skipped=len(chunks) - len(jobs),
    )
    if on_start is not None:
        on_start(len(chunks), report.chunks_skipped)
    started = time.perf_counter()
    for receipt in _receipts(executor, jobs):
        report.chunks_run += 1
        report.experiments_run += receipt.chunk.size
        report.failed += receipt.n_failed
        report.errors.extend(
            f"experiment {design.experiment(receipt.chunk.point, receipt.chunk.start + offset)}: "
            f"{error}"
            for offset, error in receipt.errors[: max(0, 20 - len(report.errors))]
        )
        if on_result is not None:
            on_result(receipt)
    report.seconds = time.perf_counter() - started
    store.remove_temporaries()  # a worker killed mid-write leaves its temp file behind
    return report


def _receipts(executor: Executor, jobs: list[ChunkJob]) -> Iterator[ChunkReceipt]:
    """Run the jobs on the executor: chunk by chunk in process, in guided batches elsewhere."""
    if executor.in_process:
        yield from executor.map_unordered(run_job, jobs)
        return
    batches = guided_batches(jobs, executor.workers)
    for receipts in executor.map_unordered(run_jobs, batches, in_flight=SWEEP_IN_FLIGHT):
        yield from receipts
