"""Explore: sweeps at scale, a results store, scenario discovery, sensitivity and robust search.

The pieces, each usable on its own:

- :mod:`~guarantor.explore.variants` and :mod:`~guarantor.explore.design`: package levers and
  variants × worlds, a design hash and an experiment index, cut into chunks;
- :mod:`~guarantor.explore.executors`: in-process, a local process pool and Dask distributed,
  behind one interface that ships chunks;
- :mod:`~guarantor.explore.store` and :mod:`~guarantor.explore.sweep`: Parquet chunks committed
  atomically by the process that ran them, a manifest, DuckDB views, resumable runs;
- :mod:`~guarantor.explore.prim` and :mod:`~guarantor.explore.cart`: scenario discovery;
- :mod:`~guarantor.explore.sensitivity`: Sobol indices and a tornado view;
- :mod:`~guarantor.explore.optimize`: robust NSGA-II search over levers, worst-case search.
- :mod:`~guarantor.explore.frontier`: the deter-vs-sign frontier over the shipped packages'
  levers, one assessment per candidate.
"""

from guarantor.explore.design import Chunk, Design, DesignPoint, design_points, package_hash
from guarantor.explore.executors import (
    ChunkResult,
    ChunkTask,
    DaskExecutor,
    Executor,
    InProcessExecutor,
    LocalProcessExecutor,
    make_executor,
    run_chunk,
)
from guarantor.explore.store import Store
from guarantor.explore.sweep import ChunkReceipt, SweepContext, SweepReport, run_job, sweep
from guarantor.explore.variants import LEVERS, Lever, apply_levers, lever_values, parse_variant_spec

__all__ = [
    "LEVERS",
    "Chunk",
    "ChunkReceipt",
    "ChunkResult",
    "ChunkTask",
    "DaskExecutor",
    "Design",
    "DesignPoint",
    "Executor",
    "InProcessExecutor",
    "Lever",
    "LocalProcessExecutor",
    "Store",
    "SweepContext",
    "SweepReport",
    "apply_levers",
    "design_points",
    "lever_values",
    "make_executor",
    "package_hash",
    "parse_variant_spec",
    "run_chunk",
    "run_job",
    "sweep",
]
