"""Start-up of the command line: every command's ``--help`` and ``package list``, against a floor.

Ours: ``python -m guarantor <command> --help`` (and ``guarantor --help``, ``package list``) as a
fresh process, output discarded. The floor, measured in the same run and interleaved with ours so
that both see the same machine load: ``python -c 'import typer, rich.console'``, the framework's
own start-up, below which no Typer command line can answer. The goal (#15): ``--help`` and
``package list`` within 2.5x the floor.

Each figure is the median of ``--repeats`` runs (default 7); the ratio is ours over the floor's
median. Run: ``.venv/bin/python benchmarks/bench_cli.py [--repeats N]``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

GOAL_RATIO = 2.5
FLOOR = [sys.executable, "-c", "import typer, rich.console"]


def _seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def _commands() -> list[tuple[str, list[str]]]:
    from typer.main import get_command

    from guarantor.cli import app

    root = get_command(app)
    names: list[tuple[str, ...]] = [()]
    for name, command in sorted(root.commands.items()):  # type: ignore[attr-defined]
        names.append((name,))
        for sub in sorted(getattr(command, "commands", {})):
            names.append((name, sub))
    runs = [(" ".join((*name, "--help")), [*name, "--help"]) for name in names]
    runs.append(("package list", ["package", "list"]))
    return [(label, [sys.executable, "-m", "guarantor", *args]) for label, args in runs]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    commands = _commands()
    floor: list[float] = []
    ours: dict[str, list[float]] = {label: [] for label, _ in commands}
    for _ in range(args.repeats):
        for label, command in commands:
            floor.append(_seconds(FLOOR))
            ours[label].append(_seconds(command))
    floor_s = statistics.median(floor)
    print(f"floor (python -c 'import typer, rich.console'): {floor_s:.3f} s (median)")
    print(f"{'command':<32} {'ours s':>8} {'floor s':>8} {'ratio':>6}")
    worst = 0.0
    for label, times in ours.items():
        median = statistics.median(times)
        ratio = median / floor_s
        worst = max(worst, ratio)
        mark = "" if ratio <= GOAL_RATIO else f"  over {GOAL_RATIO}x"
        print(f"{label:<32} {median:8.3f} {floor_s:8.3f} {ratio:5.2f}x{mark}")
    goal = [label for label in ours if label in {"--help", "package list"}]
    met = all(statistics.median(ours[label]) / floor_s <= GOAL_RATIO for label in goal)
    print(
        f"goal: --help and package list within {GOAL_RATIO}x the floor: "
        f"{'met' if met else 'NOT met'}; slowest command {worst:.2f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
