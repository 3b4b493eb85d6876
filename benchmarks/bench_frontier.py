"""The deter-vs-sign frontier against its floor: the assessments it is made of.

Ours: ``deter_sign_frontier`` over every shipped package (``--worlds``, ``--population``,
``--generations``), which assesses N packages (the shipped ones as written, then each search's
candidates). The floor, measured in the same run: the same N packages (every candidate, rebuilt
from the package it started from) assessed with plain ``guarantor.assessment.assess`` calls over
the same worlds and seed. No frontier can cost less than the assessments it reads, so the ratio
is what the search itself (NSGA-II, lever variants, the Pareto filter) adds. Both figures are
CPU seconds of this process (``time.process_time``), so other work on a shared machine does not
count; wall-clock seconds are printed alongside.

Run: ``.venv/bin/python benchmarks/bench_frontier.py [--worlds 100] [--population 4]
[--generations 2]``.
"""

from __future__ import annotations

import argparse
import time


def main() -> int:
    from guarantor.assessment import assess
    from guarantor.explore.frontier import deter_sign_frontier
    from guarantor.packages import load_package, shipped_packages
    from guarantor.theatre import load_theatre

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--worlds", type=int, default=100)
    parser.add_argument("--population", type=int, default=4)
    parser.add_argument("--generations", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    packages = [load_package(name) for name in shipped_packages()]
    assess(packages[0], worlds=args.worlds, seed=args.seed)  # warm: imports, data files

    cpu, wall = time.process_time(), time.perf_counter()
    found = deter_sign_frontier(
        packages,
        worlds=args.worlds,
        seed=args.seed,
        population=args.population,
        generations=args.generations,
    )
    ours_cpu, ours_wall = time.process_time() - cpu, time.perf_counter() - wall

    by_name = {package.name: package for package in packages}
    candidates = [point.package(by_name[point.start]) for point in found.candidates]
    theatre = load_theatre(packages[0].theatre)  # loaded once, as the frontier's batch does
    cpu, wall = time.process_time(), time.perf_counter()
    for candidate in candidates:
        assess(candidate, theatre=theatre, worlds=args.worlds, seed=args.seed)
    floor_cpu, floor_wall = time.process_time() - cpu, time.perf_counter() - wall

    n = found.evaluations
    print(
        f"frontier: {n} packages assessed over {args.worlds} worlds "
        f"({args.population} candidates x {args.generations} generations per shipped package), "
        f"{len(found.points)} frontier points"
    )
    rows = (
        ("ours (deter_sign_frontier)", ours_cpu, ours_wall),
        ("floor (N x assess)", floor_cpu, floor_wall),
    )
    print(f"{'':<28} {'CPU s':>8} {'CPU s/pkg':>10} {'wall s':>8}")
    for label, seconds, wall_s in rows:
        print(f"{label:<28} {seconds:>8.1f} {seconds / n:>10.3f} {wall_s:>8.1f}")
    print(f"ratio (ours / floor, CPU): {ours_cpu / floor_cpu:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
