"""The web app's assessment of the default package: cold, warm and cached, against the 1 s goal.

Ours: ``guarantor serve`` started as a subprocess on a loopback port, then
``GET /api/assess/paris-declaration-2026`` with the default world count (every installed model,
all worlds at once as arrays):

- *cold*: the first request (loads the theatre and imports the models);
- *warm*: the theatre cached, a new seed each time, so every section is recomputed;
- *cached*: the same request again (the app keeps recent assessments).

Peer, measured in the same run: the same section models run the way EMA Workbench 2.5 runs a
Python model, ``perform_experiments`` with the ``SequentialEvaluator`` and one Python call per
world (each call assesses one world), on a subset of worlds scaled to the default world count.

Run: ``.venv/bin/python benchmarks/bench_web.py``.
"""

from __future__ import annotations

import argparse
import json
import logging
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
import warnings
from typing import Any

import numpy as np

from guarantor.assessment import DEFAULT_WORLDS, SECTION_MODELS, assess
from guarantor.packages import DEFAULT_PACKAGE, load_package
from guarantor.theatre import load_theatre

GOAL_S = 1.0


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
    names = [model.name for model in SECTION_MODELS if nominal.has(model.name)]

    def function(**world: float) -> dict[str, float]:
        table = {name: np.array([value]) for name, value in world.items()}
        outcomes: dict[str, float] = {}
        for model in SECTION_MODELS:
            if model.name not in names:
                continue
            module = __import__(model.module, fromlist=[model.function])
            section = getattr(module, model.function)(
                theatre, package, table, rng=np.random.default_rng(0)
            )
            outcomes[model.name] = float(section.metrics[0].value[0])
        return outcomes

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
    parser.add_argument("--worlds", type=int, default=DEFAULT_WORLDS)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--ema-worlds", type=int, default=10)
    args = parser.parse_args()
    process, base = _serve()
    try:
        url = f"{base}/api/assess/{DEFAULT_PACKAGE}?worlds={args.worlds}"
        cold, data = _get(f"{url}&seed=1")
        warm = [_get(f"{url}&seed={seed}")[0] for seed in range(2, 2 + args.repeats)]
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
