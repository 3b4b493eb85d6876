"""Explore benchmark: 10^6 experiments with storage; Dask 2 vs 1 worker; EMA Workbench ratio.

Run: .venv/bin/python benchmarks/bench_explore.py [--experiments 1000000] [--model module:function]

The kernel is ``guarantor.durability:run`` when that module exports ``run``; otherwise the
benchmark's own vectorised monthly-hazard kernel (``bench_explore:hazard_kernel``, below), which
measures the explore machinery (design, chunking, executors, Parquet store) rather than a model.
EMA Workbench runs the same kernel through its ``Model(function)`` and ``SequentialEvaluator`` on
a sample of experiments (one Python call per experiment, as EMA does), for the ratio.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import shutil
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from guarantor.explore.design import Design, design_points
from guarantor.explore.executors import DaskExecutor, cached_theatre, resolve_model
from guarantor.explore.store import Store
from guarantor.explore.sweep import sweep
from guarantor.explore.uncertainty import Bounds, latin_hypercube
from guarantor.packages.schema import AirPolicing, magnitude
from guarantor.theatre import load_theatre

BENCH_BOUNDS = {
    "russian_risk_tolerance": Bounds("russian_risk_tolerance", 0.1, 0.9, 0.5),
    "us_resolve": Bounds("us_resolve", 0.1, 0.9, 0.5),
}


@dataclass(frozen=True)
class Outcomes:
    outcomes: dict[str, np.ndarray]


def hazard_kernel(
    theatre: Any,
    package: Any,
    worlds: dict[str, np.ndarray],
    *,
    seed: int,
    months: int = 60,
    world_index: np.ndarray | None = None,
    design: int = 0,
    replicate: int = 0,
) -> Outcomes:
    """A monthly hazard of breakdown, falling with fighters pledged; all worlds advance at once."""
    size = len(next(iter(worlds.values())))
    index = np.arange(size) if world_index is None else np.asarray(world_index)
    try:
        from guarantor.randomness import uniforms, world_keys

        keys = world_keys(seed, index, design=design, replicate=replicate)

        def draw(month: int) -> np.ndarray:
            return uniforms(keys, month, 0)
    except ImportError:  # the randomness module is not there: per-chunk draws
        generator = np.random.default_rng([seed, design, replicate, int(index[0])])

        def draw(month: int) -> np.ndarray:
            return generator.random(size)

    fighters = sum(
        magnitude(pledge.count)
        for commitment in package.commitments
        if isinstance(commitment, AirPolicing)
        for pledge in commitment.aircraft
    )
    risk = worlds.get("russian_risk_tolerance", np.full(size, 0.5))
    resolve = worlds.get("us_resolve", np.full(size, 0.5))
    hazard = 0.05 * risk * (1.2 - resolve) / (1.0 + fighters / 60.0)
    breakdown = np.full(size, np.inf)
    probes = np.zeros(size)
    for month in range(months):
        u = draw(month)
        alive = ~np.isfinite(breakdown)
        probes += alive & (u < 3 * hazard)
        breakdown = np.where(alive & (u < hazard), month + 1.0, breakdown)
    return Outcomes(
        {
            "breakdown_month": np.minimum(breakdown, months + 1.0),
            "held_36m": (breakdown > 36).astype(float),
            "probes": probes,
            "cost_usd_bn": np.full(size, fighters * 0.05),
        }
    )


def default_model() -> str:
    try:
        durability = importlib.import_module("guarantor.durability")
    except ModuleNotFoundError:
        return "bench_explore:hazard_kernel"
    return (
        "guarantor.durability:run" if hasattr(durability, "run") else "bench_explore:hazard_kernel"
    )


def worlds_for(model: str, n: int, seed: int) -> dict[str, np.ndarray]:
    if model.startswith("guarantor.durability"):
        durability = importlib.import_module("guarantor.durability")
        sampled = durability.sample_worlds(durability.load_uncertainties(), n, seed=seed)
        return {k: np.asarray(v, dtype=np.float64) for k, v in sampled.items()}
    return latin_hypercube(BENCH_BOUNDS, n, seed=seed)


def timed_sweep(design: Design, folder: Path, executor: Any = None) -> float:
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    sweep(design, Store(folder), executor)
    return time.perf_counter() - started


def ema_per_experiment(model: str, design: Design, sample: int) -> float:
    """Seconds per experiment through EMA Workbench (one kernel call per experiment)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench import (
            Model,
            RealParameter,
            ScalarOutcome,
            SequentialEvaluator,
            ema_logging,
        )

        ema_logging.log_to_stderr(logging.WARNING)
    kernel = resolve_model(model)
    theatre = load_theatre() if design.theatre else None
    package = design.points[0].package
    names = sorted(design.worlds)
    counter = iter(range(10**9))

    def one_experiment(**parameters: float) -> dict[str, float]:
        world = {name: np.array([parameters[name]]) for name in names}
        result = kernel(
            theatre,
            package,
            world,
            seed=design.seed,
            months=design.months,
            world_index=np.array([next(counter)]),
        )
        return {name: float(values[0]) for name, values in result.outcomes.items()}

    ema_model = Model("guarantor", function=one_experiment)
    ema_model.uncertainties = [
        RealParameter(
            name, float(design.worlds[name].min()), float(design.worlds[name].max()) + 1e-9
        )
        for name in names
    ]
    ema_model.outcomes = [ScalarOutcome("breakdown_month"), ScalarOutcome("held_36m")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with SequentialEvaluator(ema_model) as evaluator:
            started = time.perf_counter()
            evaluator.perform_experiments(scenarios=sample)
            seconds = time.perf_counter() - started
    return seconds / sample


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--experiments", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--model", default=None)
    parser.add_argument("--dask-experiments", type=int, default=400_000)
    parser.add_argument("--ema-sample", type=int, default=300)
    parser.add_argument(
        "--dask-months",
        type=int,
        default=600,
        help="months in the scaling run, so that kernel work dominates the driver's storage",
    )
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).parent))
    model = args.model or default_model()
    theatre = load_theatre()
    specs = ["sky-shield-2025:aircraft=60,90,120", "paris-declaration-2026"]
    points = design_points(specs, theatre)
    n_worlds = args.experiments // len(points)
    design = Design(
        points,
        worlds_for(model, n_worlds, 1),
        seed=1,
        months=args.months,
        model=model,
        chunk_size=max(1, n_worlds // 5),
    )
    root = Path(tempfile.mkdtemp(prefix="bench-explore-"))
    try:
        print(
            f"model: {model}; {len(points)} packages × {n_worlds:,} worlds × {args.months} months"
        )
        seconds = timed_sweep(design, root / "million")
        rate = design.n_experiments / seconds
        connection = Store(root / "million").connect()
        rows = connection.execute("SELECT count(*) FROM results").fetchone()
        print(
            f"guarantor sweep (in-process, with storage): {design.n_experiments:,} experiments "
            f"in {seconds:.1f} s = {rate:,.0f} experiments/s; store holds {rows[0]:,} tidy rows "
            f"[target ≤ 60 s: {'met' if seconds <= 60 else 'NOT met'}]"
        )

        dask_worlds = args.dask_experiments // len(points)
        small = replace(
            design,
            worlds={k: v[:dask_worlds] for k, v in design.worlds.items()},
            chunk_size=max(1, dask_worlds // 8),
            months=args.dask_months,
        )
        times = {}
        for workers in (1, 2):
            with DaskExecutor(workers=workers) as executor:
                # warm the workers: imports and theatre, as a long sweep amortises them
                executor.client.run(resolve_model, model)
                executor.client.run(cached_theatre, small.theatre)
                times[workers] = timed_sweep(small, root / f"dask{workers}", executor)
        speedup = times[1] / times[2]
        print(
            f"Dask: {small.n_experiments:,} experiments × {small.months} months, "
            f"1 worker {times[1]:.1f} s, "
            f"2 workers {times[2]:.1f} s, speed-up {speedup:.2f}× "
            f"[target ≥ 1.7×: {'met' if speedup >= 1.7 else 'NOT met'}]"
        )

        ema = ema_per_experiment(model, design, args.ema_sample)
        ours = seconds / design.n_experiments
        print(
            f"EMA Workbench SequentialEvaluator: {ema * 1e3:.3f} ms per experiment "
            f"({args.ema_sample} experiments); guarantor: {ours * 1e6:.2f} µs per experiment "
            f"with storage; ratio {ema / ours:,.0f}×"
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
