"""The web app's assessment of the default package, against the same assessment in process and
against the sum of its models each run alone (each model runs once per assessment).

Ours: ``guarantor serve`` started as a subprocess on a loopback port, then
``GET /api/assess/paris-declaration-2026?worlds=100`` (every model, all worlds at once as arrays):

- *cold*: the first request (loads the theatre and imports the models);
- *warm*: the theatre cached, a new seed each time, so every section is recomputed;
- *cached*: the same request again (the app keeps recent assessments);
- *in process*: :func:`guarantor.assessment.assess` with the same worlds and seeds, warm;
- *models alone*: every instrument's ``assess``, the acceptability model and the durability
  simulation (given the instruments' sections), each timed alone on the same worlds, summed.

The web request, the in-process assessment and the models alone alternate seed by seed, so a
change of load on the machine falls on all three alike.

Goals: web warm <= 1.2x in process <= 1.2x the models alone; web warm <= 1 s.

Peer, measured in the same run: the same section models run the way EMA Workbench 2.5 runs a
Python model, ``perform_experiments`` with the ``SequentialEvaluator`` and one Python call per
world (each call assesses one world), on a subset of worlds scaled to the default world count.

Run: ``.venv/bin/python benchmarks/bench_web.py``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
import warnings
from typing import Any

import numpy as np

from guarantor import bargaining, durability
from guarantor.assessment import assess
from guarantor.instruments import registry
from guarantor.packages import DEFAULT_PACKAGE, load_package
from guarantor.theatre import load_theatre
from guarantor.worlds import columns, model_rng, sample

GOAL_S = 1.0
RATIO_GOAL = 1.2
WORLDS = 100


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> tuple[float, dict[str, Any]]:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        data = json.loads(response.read())
    return time.perf_counter() - start, data


def _serve() -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "guarantor", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            _get(f"{base}/api/packages")
            return process, base
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("guarantor serve did not start") from None
            time.sleep(0.2)


def _run_models(
    theatre: Any, package: Any, table: dict[str, np.ndarray], seed: int
) -> tuple[dict[str, Any], float]:
    """Every model of an assessment, each run alone on ``table``: their sections and summed time."""
    total = 0.0
    sections: dict[str, Any] = {}
    for instrument in registry.instruments():
        own = columns(table, list(instrument.world_parameters)) or None
        start = time.perf_counter()
        sections[instrument.name] = instrument.assess(
            theatre, package, own, rng=model_rng(seed, instrument.name)
        )
        total += time.perf_counter() - start
    own = columns(table, list(bargaining.WORLD_PARAMETERS))
    start = time.perf_counter()
    sections["acceptability"] = bargaining.acceptability(
        theatre, package, own, rng=model_rng(seed, "acceptability")
    )
    total += time.perf_counter() - start
    start = time.perf_counter()
    sections["durability"] = durability.assess(
        theatre, package, table, seed=seed, sections=sections
    )
    return sections, total + time.perf_counter() - start


def _models_alone(theatre: Any, package: Any, worlds: int, seed: int) -> float:
    """Seconds for every model of an assessment, each run alone on the same worlds, summed."""
    return _run_models(theatre, package, sample(worlds, seed), seed)[1]


def _ema(worlds: int) -> float | None:
    """Seconds for ``worlds`` one-world assessments through EMA Workbench's evaluator."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from ema_workbench import (
                Model,
                RealParameter,
                ScalarOutcome,
                SequentialEvaluator,
                perform_experiments,
            )
    except ImportError:
        return None
    logging.getLogger("EMA").setLevel(logging.ERROR)
    theatre = load_theatre()
    package = load_package(DEFAULT_PACKAGE, theatre)
    nominal = assess(package, theatre=theatre, worlds=1, seed=1)
    ranged = [p for p in nominal.parameters if p.high > p.low]
    names = [section.name for section in nominal.sections]

    fixed = sample(1, 1)

    def function(**world: float) -> dict[str, float]:
        table = {**fixed, **{name: np.array([value]) for name, value in world.items()}}
        sections, _ = _run_models(theatre, package, table, 1)
        return {name: float(section.metrics[0].value[0]) for name, section in sections.items()}

    ema_model = Model("assessment", function=function)
    ema_model.uncertainties = [RealParameter(p.name, p.low, p.high) for p in ranged]
    ema_model.outcomes = [ScalarOutcome(name) for name in names]
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with SequentialEvaluator(ema_model) as evaluator:
            perform_experiments(ema_model, scenarios=worlds, evaluator=evaluator)
    return time.perf_counter() - start


def main() -> None:
    """Run the benchmark and print our figures, the peer's and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", type=int, default=WORLDS)
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--ema-worlds", type=int, default=10)
    args = parser.parse_args()
    theatre = load_theatre()
    package = load_package(DEFAULT_PACKAGE, theatre)
    assess(package, theatre=theatre, worlds=args.worlds, seed=1)  # warm the caches
    process, base = _serve()
    warm: list[float] = []
    in_process: list[float] = []
    alone: list[float] = []
    try:
        url = f"{base}/api/assess/{DEFAULT_PACKAGE}?worlds={args.worlds}"
        cold, data = _get(f"{url}&seed=1")
        # Alternate the three measurements seed by seed, so a load change on the machine falls
        # on all of them alike rather than on whichever ran during it.
        for seed in range(2, 2 + args.repeats):
            warm.append(_get(f"{url}&seed={seed}")[0])
            start = time.perf_counter()
            assess(package, theatre=theatre, worlds=args.worlds, seed=seed)
            in_process.append(time.perf_counter() - start)
            alone.append(_models_alone(theatre, package, args.worlds, seed))
        cached = [_get(f"{url}&seed=1")[0] for _ in range(args.repeats)]
    finally:
        process.terminate()
        process.wait(timeout=10)
    sections = [section["name"] for section in data["sections"]]
    warm_s = statistics.median(warm)
    print(f"web assessment of {DEFAULT_PACKAGE}, {args.worlds} worlds, sections {sections}")
    print(f"  ours: cold (first request)      {cold:6.3f} s")
    print(
        f"  ours: warm (theatre cached)     {warm_s:6.3f} s median of {args.repeats} "
        f"(min {min(warm):.3f}, max {max(warm):.3f})  goal <= {GOAL_S:.1f} s: "
        f"{'met' if warm_s <= GOAL_S else 'MISSED'}"
    )
    print(f"  ours: cached (same request)     {statistics.median(cached):6.3f} s")
    process_s, alone_s = statistics.median(in_process), statistics.median(alone)
    web_ratio, process_ratio = warm_s / process_s, process_s / alone_s
    print(f"  ours: in process (warm)         {process_s:6.3f} s median")
    print(f"  ours: models each run alone     {alone_s:6.3f} s median (summed)")
    print(
        f"  web / in process = {web_ratio:.2f}x (goal <= {RATIO_GOAL}x: "
        f"{'met' if web_ratio <= RATIO_GOAL else 'MISSED'}); in process / models alone = "
        f"{process_ratio:.2f}x (goal <= {RATIO_GOAL}x: "
        f"{'met' if process_ratio <= RATIO_GOAL else 'MISSED'})"
    )
    print(f"  machine load (1-minute average) at the end: {os.getloadavg()[0]:.2f}")
    ema_s = _ema(args.ema_worlds)
    if ema_s is None:
        print("  peer: EMA Workbench not installed")
        return
    scaled = ema_s / args.ema_worlds * args.worlds
    print(
        f"  peer: EMA Workbench sequential, one call per world: {ema_s:.2f} s for "
        f"{args.ema_worlds} worlds -> {scaled:.2f} s for {args.worlds} worlds "
        f"(ratio {scaled / warm_s:.1f}x our warm request)"
    )


if __name__ == "__main__":
    main()
