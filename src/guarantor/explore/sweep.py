"""Sweeps: run a design's chunks on an executor and commit each to the store as it completes."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from guarantor.explore.design import Design
from guarantor.explore.executors import (
    ChunkResult,
    ChunkTask,
    Executor,
    InProcessExecutor,
    run_chunk,
)
from guarantor.explore.store import Store


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


def tasks_for(design: Design, skip: set[str] | frozenset[str] = frozenset()) -> list[ChunkTask]:
    """The chunk tasks of a design, leaving out the chunks named in ``skip``."""
    return [
        ChunkTask(
            chunk=chunk,
            package=design.points[chunk.point].package,
            worlds=design.world_slice(chunk),
            seed=design.seed,
            months=design.months,
            model=design.model,
            theatre=design.theatre,
            replicate=design.replicate,
        )
        for chunk in design.chunks()
        if chunk.id not in skip
    ]


def sweep(
    design: Design,
    store: Store,
    executor: Executor | None = None,
    *,
    resume: bool = False,
    on_start: Callable[[int, int], None] | None = None,
    on_result: Callable[[ChunkResult], None] | None = None,
) -> SweepReport:
    """Run every unfinished chunk of ``design`` and commit it to ``store``.

    ``on_start(total_chunks, already_done)`` is called once the work is known, and
    ``on_result`` after each chunk is committed (for progress bars).

    Raises:
        DataError: the store holds another run (see :meth:`Store.open_run`).
    """
    executor = executor or InProcessExecutor()
    design = store.open_run(design, resume=resume, executor=executor.describe())
    done = store.finished_chunks()
    chunks = design.chunks()
    tasks = tasks_for(design, done)
    report = SweepReport(
        design_hash=design.hash,
        store=str(store.root),
        executor=executor.describe(),
        n_experiments=design.n_experiments,
        n_chunks=len(chunks),
        chunks_skipped=len(chunks) - len(tasks),
    )
    if on_start is not None:
        on_start(len(chunks), report.chunks_skipped)
    started = time.perf_counter()
    for result in executor.map_unordered(run_chunk, tasks):
        store.commit(design, result)
        report.chunks_run += 1
        report.experiments_run += result.chunk.size
        report.failed += result.n_failed
        report.errors.extend(
            f"experiment {design.experiment(result.chunk.point, result.chunk.start + offset)}: "
            f"{error}"
            for offset, error in enumerate(result.errors)
            if error is not None and len(report.errors) < 20
        )
        if on_result is not None:
            on_result(result)
    report.seconds = time.perf_counter() - started
    return report
