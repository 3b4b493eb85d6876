"""``guarantor frontier``: the dilemma, deter or be signed, over the shipped packages' levers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from guarantor.cli._common import (
    MAX_WORLDS,
    Command,
    JsonOption,
    SeedOption,
    TheatreOption,
    _whole_number_in,
    console,
    format_share,
    print_json,
    progress,
    reporting,
    writing,
)

FRONTIER_WORLDS = 200
"""``guarantor.explore.frontier.FRONTIER_WORLDS``, here so ``--help`` need not import explore."""
FRONTIER_POPULATION = 8
FRONTIER_GENERATIONS = 3


def print_frontier(data: dict[str, Any]) -> None:
    """The frontier, the shipped packages as written and what the frontier trades."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(
        "package",
        "P(hold 10 y)",
        "P(all sign)",
        "levers changed",
        title="Deter or be signed: the frontier, from the most signable to the most deterring",
    )
    for point in data["points"]:
        changed = "; ".join(f"{name} = {value}" for name, value in point["changed"].items())
        table.add_row(
            point["start"],
            format_share(point["p_hold_10y"]),
            format_share(point["p_signed"]),
            changed or "as written",
        )
    console.print(table)
    shipped = Table(
        "package",
        "P(hold 10 y)",
        "P(all sign)",
        "on the frontier, or beaten by",
        title="As written",
    )
    for point in data["shipped"]:
        shipped.add_row(
            point["start"],
            format_share(point["p_hold_10y"]),
            format_share(point["p_signed"]),
            escape(point["covered_by"]),
        )
    console.print(shipped)
    trades = [row for row in data["trades"] if abs(row["rho_with_hold"]) >= 0.5]
    for row in trades:
        direction = (
            "buys deterrence at the price of signature"
            if row["rho_with_hold"] > 0
            else ("buys signature at the price of deterrence")
        )
        console.print(
            f"{row['lever']}: {row['most_signable']} → {row['most_deterring']} along the frontier "
            f"(ρ = {row['rho_with_hold']:.2f} with P(hold)): {direction}"
        )
    console.print(
        f"{data['evaluations']} packages assessed over the same {data['worlds']:,} worlds "
        f"(seed {data['seed']}) in {data['seconds']:.0f} s"
    )


def frontier_command(
    packages: list[str] | None = typer.Argument(
        None, help="Packages to start from (shipped names or paths; default: every shipped one)."
    ),
    *,
    worlds: int = typer.Option(
        FRONTIER_WORLDS,
        "--worlds",
        "-n",
        callback=_whole_number_in("--worlds", 1, MAX_WORLDS),
        help="Worlds per candidate package (the same for every candidate).",
    ),
    seed: int = SeedOption,
    population: int = typer.Option(
        FRONTIER_POPULATION,
        "--population",
        callback=_whole_number_in("--population", 4, 200),
        help="Candidates per generation of each package's search.",
    ),
    generations: int = typer.Option(
        FRONTIER_GENERATIONS,
        "--generations",
        callback=_whole_number_in("--generations", 0, 100),
        help="Generations of each package's search (0: the shipped packages as written only).",
    ),
    lever: list[str] = typer.Option(
        None, "--lever", help="Turn only these levers (repeat; default: every lever)."
    ),
    workers: int | None = typer.Option(
        None,
        "--workers",
        callback=lambda value: (
            value if value is None else _whole_number_in("--workers", 1, 64)(value)
        ),
        help="Assess candidates in N local worker processes (default: in this process).",
    ),
    report: Path | None = typer.Option(
        None, "--report", help="Write an HTML report: the frontier, then the first package."
    ),
    theatre: str = TheatreOption,
    as_json: bool = JsonOption,
) -> None:
    """Deter or be signed: the frontier of packages between P(hold 10 y) and P(all sign)."""
    from guarantor.explore.executors import make_executor
    from guarantor.explore.frontier import deter_sign_frontier

    with reporting(as_json):
        kind = "in-process" if workers is None else "processes"
        with (
            progress("frontier", show=not as_json) as bar,
            make_executor(workers, kind=kind) as executor,
        ):
            bar.step("the shipped packages as written")

            def advance(name: str, done: int, total: int) -> None:
                bar.step(f"{name}: generation {done} of {total}")

            result = deter_sign_frontier(
                packages or None,
                theatre=theatre,
                worlds=worlds,
                seed=seed,
                levers=lever or None,
                population=population,
                generations=generations,
                executor=executor,
                on_progress=advance,
            )
        data = result.to_dict()
        if report is not None:
            from guarantor.assessment import assess
            from guarantor.report import write_report
            from guarantor.theatre import load_theatre

            first = packages[0] if packages else None  # None: the default package
            assessment = assess(first, theatre=load_theatre(theatre), worlds=worlds, seed=seed)
            with writing(report, "the report", field="--report"):
                write_report(assessment, report, frontier=data)
        if as_json:
            print_json(data)
            return
        print_frontier(data)
        if report is not None:
            console.print(f"report written to {report}")


def register(app: typer.Typer) -> None:
    """Add ``frontier`` to the command line."""
    app.command("frontier", cls=Command)(frontier_command)
