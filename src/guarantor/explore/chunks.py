"""The task an executor runs: one chunk of worlds through one kernel call.

A :class:`ChunkTask` names its kernel by reference (``"package.module:function"``, resolved and
cached once per worker process) and carries the chunk's worlds; :func:`run_chunk` runs it and
returns the outcomes per world (a failing world gets NaN outcomes and its error text, the others
keep theirs). The chunk passes the kernel the *global* world indices, so results do not depend
on the executor that ran it.
"""

from __future__ import annotations

import functools
import importlib
import os
import socket
import sys
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.errors import DataError
from guarantor.explore.design import Chunk
from guarantor.packages import Package

Kernel = Callable[..., Any]


@lru_cache(maxsize=8)
def resolve_model(reference: str) -> Kernel:
    """Import a kernel named ``"package.module:function"`` (cached per process).

    The durability kernel is bound to its shipped calibration and uncertainties, loaded once per
    process: by itself it reads both YAML files on every call (about 50 ms), which a sweep of
    thousands of chunks would pay thousands of times for the same numbers. It also takes each
    package's world-independent sections from the process's
    :data:`~guarantor.durability.prepared.PREPARATION` cache, computed at the package's first
    chunk.
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
        from guarantor.durability import prepared

        # each package's world-independent sections come from the process's cache: a sweep's
        # chunks of one package do not assess it again (guarantor.durability.prepared)
        return functools.partial(
            prepared.run,
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
