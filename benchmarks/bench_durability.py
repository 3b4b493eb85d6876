"""Durability benchmark: the kernel against its roofline, and against Mesa and EMA Workbench.

Run: .venv/bin/python benchmarks/bench_durability.py [--worlds 20000] [--peer-worlds 1500]
     .venv/bin/python benchmarks/bench_durability.py --roofline   (the roofline part only)

**Roofline.** The kernel's bytes moved and operations per world-month are counted from its
arrays and loops (``TRAFFIC`` and ``OPERATIONS`` below: each array a pass reads or writes, at
its dtype's width, once per world and month); the machine's bandwidth is measured in the same
run by a STREAM triad (``a = b + s·c`` in float32, counted as STREAM counts it: 12 bytes an
element) in numba and in numpy, on arrays as large as the kernel's working set at that many
worlds and on arrays far beyond the L3; its compute peak by a compiled float32 multiply-add
loop on data in L1. The roofline speed is min(bandwidth / bytes, peak / operations) world-months
a second; the ratio printed is the roofline's speed over the kernel's measured one (1 would be
at the limit). The figures go to ``benchmarks/results/kernel.json`` with the command, the date
and the load average, and docs/durability.md quotes them through ``scripts/docs_figures.py``.

The package is ``sky-shield-2025`` (no conditions, no triggers, so the scalar model below is the
whole model). Three implementations of one monthly model:

* guarantor: ``guarantor.durability.kernel.simulate``, every world advanced at once as arrays;
* Mesa 3.3: one agent per world, ``model.agents.do("step")`` once a month, Python floats and the
  model's ``random`` (as a Mesa user would write it);
* EMA Workbench 2.5.3: the same scalar world as a ``Model(function)``, run by
  ``SequentialEvaluator`` over an LHS sample (one Python call per experiment).

It prints world-months per second for the three (best of three timings each, since the machine
may be shared), the ratios, and checks that the three agree
statistically on P(peace holds 10 years) and on the mean number of probes (|z| < 3).
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("TQDM_DISABLE", "1")  # EMA Workbench's progress bar

import argparse
import json
import math
import platform
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from guarantor.durability import load_calibration, load_uncertainties, sample_worlds
from guarantor.durability.inputs import package_inputs
from guarantor.durability.kernel import Behaviour, simulate
from guarantor.durability.twins import (
    PackageColumns,
    compare,
    kernel_means,
    run_ema,
    run_mesa,
    tile,
)
from guarantor.packages import load_package
from guarantor.randomness import world_keys
from guarantor.theatre import load_theatre

MONTHS = 120
PACKAGE = "sky-shield-2025"
REPEATS = 3
REPLICATES = 16  # kernel runs per twin world in the paired agreement check
ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "kernel.json"


def package_columns() -> tuple[PackageColumns, Behaviour]:
    theatre = load_theatre()
    package = load_package(PACKAGE, theatre)
    uncertainties = load_uncertainties()
    calibration = load_calibration()
    worlds = sample_worlds(uncertainties, 1, seed=0)
    inputs = package_inputs(
        theatre,
        package,
        worlds,
        calibration=calibration,
        uncertainties=uncertainties,
        keys=world_keys(0, [0]),
        months=MONTHS,
    ).kernel
    try:
        columns = PackageColumns.of(
            inputs,
            float(worlds["snapback_enforcement_probability"][0]),
            float(worlds["ukraine_force_strength"][0]),
        )
    except ValueError as error:
        raise SystemExit(f"{PACKAGE}: {error}") from error
    return columns, calibration.behaviour_for_kernel()


def kernel_on(worlds: dict[str, np.ndarray], behaviour: Behaviour) -> dict[str, np.ndarray]:
    """The kernel's mean outcomes on a twin's own worlds, REPLICATES runs of each."""
    theatre = load_theatre()
    n = next(iter(worlds.values())).size
    tiled = tile(worlds, REPLICATES)
    keys = world_keys(5, np.arange(n * REPLICATES))
    inputs = package_inputs(
        theatre,
        load_package(PACKAGE, theatre),
        tiled,
        calibration=load_calibration(),
        uncertainties=load_uncertainties(),
        keys=keys,
        months=MONTHS,
    ).kernel
    return kernel_means(inputs, behaviour, keys, months=MONTHS, replicates=REPLICATES)


def run_kernel(n: int, behaviour: Behaviour) -> tuple[float, np.ndarray, np.ndarray]:
    theatre = load_theatre()
    package = load_package(PACKAGE, theatre)
    uncertainties = load_uncertainties()
    worlds = sample_worlds(uncertainties, n, seed=1)
    keys = world_keys(1, np.arange(n))
    inputs = package_inputs(
        theatre,
        package,
        worlds,
        calibration=load_calibration(),
        uncertainties=uncertainties,
        keys=keys,
        months=MONTHS,
    ).kernel
    simulate(inputs, behaviour, keys, 6)  # warm-up
    elapsed = math.inf
    for _ in range(REPEATS):  # best of several: the machine is shared
        started = time.perf_counter()
        out = simulate(inputs, behaviour, keys, MONTHS)
        elapsed = min(elapsed, time.perf_counter() - started)
    return n * MONTHS / elapsed, ~(out.breakdown_month <= MONTHS), out.probes


def run_mesa_timed(
    n: int, pkg: PackageColumns, behaviour: Behaviour
) -> tuple[float, dict[str, np.ndarray], dict[str, np.ndarray]]:
    worlds = sample_worlds(load_uncertainties(), n, seed=2)
    elapsed = math.inf
    for _ in range(REPEATS):
        started = time.perf_counter()
        outcomes = run_mesa(worlds, pkg, behaviour, months=MONTHS, seed=3)
        elapsed = min(elapsed, time.perf_counter() - started)
    return n * MONTHS / elapsed, outcomes, worlds


def run_ema_timed(
    n: int, pkg: PackageColumns, behaviour: Behaviour
) -> tuple[float, dict[str, np.ndarray], dict[str, np.ndarray]]:
    bounds = {name: item.bounds for name, item in load_uncertainties().uncertainties.items()}
    elapsed = math.inf
    for _ in range(REPEATS):
        started = time.perf_counter()
        outcomes, worlds = run_ema(n, bounds, pkg, behaviour, months=MONTHS, seed=4)
        elapsed = min(elapsed, time.perf_counter() - started)
    return n * MONTHS / elapsed, outcomes, worlds


# --- the roofline ----------------------------------------------------------------------------

# Bytes each pass of a month reads and writes per world, from guarantor.durability.kernel:
# (pass, what, bytes read, bytes written). float32 = 4 bytes, uint64 = 8, bool/uint8 = 1,
# int32 = 4; a row read and written (state, counts, alive) counts both ways.
TRAFFIC: tuple[tuple[str, str, int, int], ...] = (
    ("_exponents", "in force: prior mass, deterrence (float32)", 8, 0),
    ("_exponents", "state: resolve, answers, evidence (float32)", 12, 0),
    ("_exponents", "odds: exposure, offensive exponents (float32)", 0, 8),
    ("numpy exp x2", "odds: exposure, offensive, in place (float32)", 8, 8),
    ("_month", "keys (uint64)", 8, 0),
    ("_month", "fixed: probe odds, capacity start, gap, rebuild, decay (float32)", 20, 0),
    ("_month", "in force: ground, sea, air gains, limited, offensive, cost (float32)", 24, 0),
    ("_month", "odds: exposure, offensive (float32)", 8, 0),
    ("_month", "odds: offensive, rest (float32)", 0, 8),
    ("_month", "state: 5 rows (float32)", 20, 20),
    ("_month", "counts: 5 rows (int32)", 20, 20),
    ("_month", "alive (bool), events (uint8)", 1, 2),
    ("mean", "path survival (float32)", 4, 0),
)
# Operations per world and month, counted from the loop bodies (float and integer arithmetic,
# comparisons, selects, logic; an exponential counted at the ~20 float operations of numpy's
# AVX-512 float32 exp: range reduction, a rational polynomial, the scaling)
OPERATIONS: tuple[tuple[str, int], ...] = (
    ("_exponents: credibility, exposure, offensive exponent", 6),
    ("numpy exp x2 (estimated)", 40),
    ("_month: capacity, odds, rest, total", 13),
    ("_month: SplitMix64 hash and two uniforms", 16),
    ("_month: choice, offensive rescaling, probe class", 16),
    ("_month: answerable, answered, clash (graded)", 23),
    ("_month: belief, cost, alive, counts", 22),
    ("_month: smooth survival, resolve, event bits", 15),
    ("mean", 1),
)
WORKING_SET_BYTES = 114  # per world, every table a month touches once (in force 32, fixed 20,
# state 20, odds 12, counts 20, keys 8, alive 1, events 1)


def kernel_bytes_and_operations() -> tuple[int, int]:
    """Bytes moved and operations per world-month, summed from the tables above."""
    moved = sum(read + written for _, _, read, written in TRAFFIC)
    return moved, sum(count for _, count in OPERATIONS)


def _triad_numba() -> Any:
    import numba

    @numba.njit(nogil=True)
    def triad(a: np.ndarray, b: np.ndarray, c: np.ndarray, scalar: np.float32) -> None:
        for i in range(a.size):
            a[i] = b[i] + scalar * c[i]

    return triad


def triad_bandwidth(total_bytes: int, seconds: float = 0.6) -> dict[str, float]:
    """STREAM triad GB/s (12 bytes per float32 element) on three arrays of ``total_bytes``.

    Best of repeated sweeps within about ``seconds``, in numba (one pass) and in numpy (two
    passes, counted as the 20 bytes an element they move).
    """
    n = max(1024, total_bytes // 12)
    a = np.zeros(n, np.float32)
    b = np.ones(n, np.float32)
    c = np.ones(n, np.float32)
    scalar = np.float32(3.0)
    triad = _triad_numba()
    triad(a, b, c, scalar)
    reps = max(1, int(2e7 / n))
    best_numba = best_numpy = math.inf
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or best_numpy == math.inf:
        started = time.perf_counter()
        for _ in range(reps):
            triad(a, b, c, scalar)
        best_numba = min(best_numba, (time.perf_counter() - started) / reps)
        started = time.perf_counter()
        for _ in range(reps):
            np.multiply(c, scalar, out=a)
            a += b
        best_numpy = min(best_numpy, (time.perf_counter() - started) / reps)
    return {"numba": 12 * n / best_numba / 1e9, "numpy": 20 * n / best_numpy / 1e9}


def compute_peak(seconds: float = 0.4) -> float:
    """Float32 multiply-add operations a second on one core (compiled, vectorised, data in L1)."""
    import numba

    @numba.njit(nogil=True)
    def chains(x: np.ndarray, y: np.ndarray, scale: np.float32, shift: np.float32) -> None:
        for i in range(x.size):
            value = x[i]
            for _ in range(16):
                value = value * scale + shift
            y[i] = value

    x = np.random.default_rng(0).random(2048).astype(np.float32)
    y = np.empty_like(x)
    scale, shift = np.float32(0.999), np.float32(0.001)
    chains(x, y, scale, shift)
    best = math.inf
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or best == math.inf:
        started = time.perf_counter()
        for _ in range(200):
            chains(x, y, scale, shift)
        best = min(best, (time.perf_counter() - started) / 200)
    return 32 * x.size / best


def kernel_rate(n: int, months: int = MONTHS, repeats: int = 5) -> tuple[float, float]:
    """World-months a second of ``simulate`` on ``n`` worlds of Sky Shield, two ways.

    The best of ``repeats`` whole runs; and the median month (timed between the kernel's
    ``on_month`` calls over every run), which a shared machine's preemptions, landing in a few
    months of each run, barely move.
    """
    theatre = load_theatre()
    uncertainties = load_uncertainties()
    worlds = sample_worlds(uncertainties, n, seed=1)
    keys = world_keys(1, np.arange(n))
    inputs = package_inputs(
        theatre,
        load_package(PACKAGE, theatre),
        worlds,
        calibration=load_calibration(),
        uncertainties=uncertainties,
        keys=keys,
        months=months,
    ).kernel
    behaviour = load_calibration().behaviour_for_kernel()
    simulate(inputs, behaviour, keys, 2)  # compiles, or loads the compiled passes
    elapsed = math.inf
    month_seconds: list[float] = []
    for _ in range(repeats):
        ticks = [time.perf_counter()]

        def tick(_: int, ticks: list[float] = ticks) -> None:
            ticks.append(time.perf_counter())

        simulate(inputs, behaviour, keys, months, on_month=tick)
        elapsed = min(elapsed, ticks[-1] - ticks[0])
        month_seconds.extend(np.diff(ticks))
    return n * months / elapsed, n / float(np.median(month_seconds))


def roofline(sizes: tuple[int, ...] = (20_000, 50_000, 400_000)) -> dict[str, Any]:
    """The kernel's speed against the roofline at each world count; printed and returned."""
    moved, operations = kernel_bytes_and_operations()
    peak = compute_peak()
    print(
        f"kernel traffic: {moved} bytes and {operations} operations per world-month "
        f"(counted from its passes: benchmarks/bench_durability.py TRAFFIC, OPERATIONS)"
    )
    print(f"compute peak (float32 multiply-add, one core, compiled): {peak / 1e9:.1f} Gop/s")
    rows = []
    for n in sizes:
        working_set = n * WORKING_SET_BYTES
        near = triad_bandwidth(working_set)
        far = triad_bandwidth(max(3 * 64 * 2**20, 4 * working_set))
        bandwidth = max(near.values())
        roof = min(bandwidth * 1e9 / moved, peak / operations)
        rate, median_rate = kernel_rate(n)
        row = {
            "worlds": n,
            "working_set_mb": working_set / 1e6,
            "triad_working_set_gb_s": near,
            "triad_dram_gb_s": far,
            "memory_roof_world_months_s": bandwidth * 1e9 / moved,
            "dram_roof_world_months_s": max(far.values()) * 1e9 / moved,
            "compute_roof_world_months_s": peak / operations,
            "roofline_world_months_s": roof,
            "kernel_world_months_s": rate,
            "kernel_median_month_world_months_s": median_rate,
            "ratio": roof / rate,
            "ratio_median_month": roof / median_rate,
            "kernel_gb_s": rate * moved / 1e9,
        }
        rows.append(row)
        print(
            f"  {n:,} worlds (working set {working_set / 1e6:.1f} MB): triad there "
            f"{near['numba']:.1f} GB/s numba, {near['numpy']:.1f} GB/s numpy; beyond the L3 "
            f"{far['numba']:.1f} / {far['numpy']:.1f} GB/s. Roofline {roof:.3g} world-months/s "
            f"(memory {bandwidth * 1e9 / moved:.3g}, compute {peak / operations:.3g}); kernel "
            f"{rate:.3g} world-months/s ({rate * moved / 1e9:.1f} GB/s): "
            f"{roof / rate:.2f}x from the roofline [goal <= 3x: "
            f"{'met' if roof / rate <= 3 else 'NOT met'}]; by the median month "
            f"{median_rate:.3g} world-months/s, {roof / median_rate:.2f}x"
        )
    return {
        "bytes_per_world_month": moved,
        "operations_per_world_month": operations,
        "traffic": [list(item) for item in TRAFFIC],
        "operations": [list(item) for item in OPERATIONS],
        "compute_peak_ops_s": peak,
        "sizes": rows,
    }


def write_results(figures: dict[str, Any], path: Path = RESULTS) -> None:
    """Write the figures with the command, the date and the load average (JSON)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    existing = json.loads(path.read_text()) if path.exists() else {}
    existing.update(figures)
    path.write_text(json.dumps(existing, indent=2, sort_keys=True) + "\n")
    print(f"figures written to {path.relative_to(ROOT)}")


def _context(command: str) -> dict[str, Any]:
    return {
        "command": command,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_average_at_start": round(os.getloadavg()[0], 2),
        "cores": os.cpu_count(),
        "cpu": platform.processor() or platform.machine(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", type=int, default=20_000)
    parser.add_argument("--peer-worlds", type=int, default=1500)
    parser.add_argument("--roofline", action="store_true", help="the roofline part only")
    args = parser.parse_args()
    command = ".venv/bin/python benchmarks/bench_durability.py" + (
        " --roofline" if args.roofline else ""
    )
    context = _context(command)
    print(
        f"load average {context['load_average_at_start']:.2f} on {context['cores']} cores "
        "(figures under load are not the machine's)"
    )
    figures = roofline()
    figures.update(context, load_average_at_end=round(os.getloadavg()[0], 2))
    write_results({"roofline": figures})
    if args.roofline:
        return
    pkg, behaviour = package_columns()
    ours, held_k, probes_k = run_kernel(args.worlds, behaviour)
    mesa_rate, mesa, mesa_worlds = run_mesa_timed(args.peer_worlds, pkg, behaviour)
    ema_rate, ema, ema_worlds = run_ema_timed(args.peer_worlds, pkg, behaviour)
    rows: list[tuple[str, float, Any, Any]] = [
        ("guarantor kernel", ours, held_k, probes_k),
        ("Mesa 3.3 agents", mesa_rate, mesa["held"], mesa["probes"]),
        ("EMA Workbench 2.5.3", ema_rate, ema["held"], ema["probes"]),
    ]
    print(f"package {PACKAGE}, {MONTHS} months, one core")
    print(
        f"{'implementation':22s} {'worlds':>7s} {'world-months/s':>15s} "
        f"{'P(hold 10y)':>12s} {'probes':>7s}"
    )
    for name, rate, held, probes in rows:
        print(f"{name:22s} {held.size:7d} {rate:15.3g} {held.mean():12.3f} {probes.mean():7.2f}")
    print(f"ratio guarantor / Mesa: {ours / mesa_rate:.0f}x  (goal >= 100x)")
    print(f"ratio guarantor / EMA:  {ours / ema_rate:.0f}x  (goal >= 30x)")
    print(f"guarantor >= 2e7 world-months/s: {ours >= 2e7}")
    print(
        f"agreement, paired on each twin's own worlds (kernel {REPLICATES} runs per world; "
        "|z| < 3 on every outcome):"
    )
    for name, outcomes, worlds in (("Mesa", mesa, mesa_worlds), ("EMA", ema, ema_worlds)):
        found = compare(outcomes, kernel_on(worlds, behaviour))
        verdict = "agree" if all(a.agrees for a in found.values()) else "DISAGREE"
        detail = ", ".join(
            f"{a.outcome} {a.twin:.3f} vs {a.kernel:.3f} (z {a.z:+.2f})" for a in found.values()
        )
        print(f"  kernel vs {name}: {detail} -> {verdict}")


if __name__ == "__main__":
    main()
