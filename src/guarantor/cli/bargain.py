"""``guarantor bargain`` (SMP or BDM on an actor file or KTAB CSV) and ``guarantor accept``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from guarantor.cli._common import (
    Command,
    JsonOption,
    SeedOption,
    TheatreOption,
    WorldsOption,
    console,
    format_number,
    format_share,
    instrument_worlds,
    print_json,
    progress,
    readable_file,
    reporting,
)

if TYPE_CHECKING:
    from guarantor.bargaining import ActorTable


class Engine(StrEnum):
    """Which bargaining engine runs."""

    SMP = "smp"
    BDM = "bdm"


def _table(source: str | None) -> ActorTable:
    from guarantor.bargaining import load_actors, read_bdm_csv, read_ktab_csv

    if source is not None and source.lower().endswith(".csv"):
        path = readable_file(Path(source), field="input")
        header = path.read_text(encoding="utf-8", errors="replace").splitlines()[:1]
        if header and header[0].replace(" ", "").lower().startswith("actor,capability"):
            return read_bdm_csv(path)
        return read_ktab_csv(path)
    return load_actors(source).table()


def _print_smp(result: dict[str, Any]) -> None:
    from rich.table import Table

    for turn in result["turns"]:
        console.print(f"[bold]Turn {turn['turn']}[/] (change {turn['change']:.4f})")
        for challenge in turn["challenges"]:
            console.print(
                f"  {challenge['initiator']} challenges {challenge['target']}: "
                f"P(win) {challenge['probability_by_initiator']:.3f}, expected gain "
                f"{challenge['gain_to_initiator_by_initiator']:+.4f}"
            )
        for choice in turn["choices"]:
            if choice["chosen"] != "status quo":
                console.print(f"  {choice['reason']}")
    final = result["final"]
    table = Table("actor", *result["dimensions"], title=f"Final positions ({final['stop_reason']})")
    for actor, position in final["positions"].items():
        table.add_row(actor, *(f"{value:.3f}" for value in position))
    console.print(table)


def _print_bdm(result: dict[str, Any]) -> None:
    for round_ in result["rounds"]:
        console.print(f"[bold]Round {round_['round']}[/]")
        for name, dimension in round_["dimensions"].items():
            for move in dimension["moves"]:
                console.print(
                    f"  {name}: {move['why']} ({move['eu_challenge_by_actor']:+.4f} vs "
                    f"{move['eu_challenge_by_other']:+.4f}) → {move['to_position']:.4f}"
                )
            console.print(f"  {name}: mean {dimension['mean_after']:.4f}")


def bargain(
    source: str = typer.Argument(
        None, help="An actor file (YAML, name or path), a KTAB SMP CSV or a BDM CSV."
    ),
    engine: Engine = typer.Option(Engine.SMP, "--engine", help="smp (KTAB) or bdm (Scholz)."),
    rounds: int = typer.Option(10, "--rounds", min=1, max=1000, help="BDM rounds."),
    as_json: bool = JsonOption,
) -> None:
    """Run a bargaining model; every turn is shown (and in full with --json)."""
    from guarantor.bargaining import run_bdm_table, run_smp
    from guarantor.bargaining.bdm import bdm_run_to_dict
    from guarantor.bargaining.smp import smp_run_to_dict

    with reporting(as_json):
        table = _table(source)
        if engine is Engine.SMP:
            result = smp_run_to_dict(run_smp(table))
            if as_json:
                print_json(result)
            else:
                _print_smp(result)
            return
        from guarantor.bargaining.bdm import BdmOptions

        result = bdm_run_to_dict(run_bdm_table(table, BdmOptions(rounds=rounds)), table.dimensions)
        if as_json:
            print_json(result)
        else:
            _print_bdm(result)


def accept(
    package: str = typer.Argument(None, help="A package file or a shipped package's name."),
    *,
    actors: str = typer.Option(None, "--actors", help="An actor file (default: shipped 2025)."),
    worlds: int = WorldsOption,
    seed: int = SeedOption,
    theatre: str = TheatreOption,
    as_json: bool = JsonOption,
) -> None:
    """Who would sign a package: P(accept) per actor, Russia's consent, vetoes, settlement."""
    from rich.table import Table

    from guarantor.bargaining import acceptability, load_actors
    from guarantor.cli.views import print_package, print_section
    from guarantor.packages import load_package
    from guarantor.theatre import load_theatre

    with reporting(as_json):
        with progress("accept", show=not as_json) as bar:
            bar.step("loading")
            loaded_theatre = load_theatre(theatre)
            loaded = load_package(package, loaded_theatre)
            actor_set = load_actors(actors)
            bar.step(f"{worlds:,} worlds")
            table, rng = instrument_worlds("acceptability", worlds, seed)
            section = acceptability(loaded_theatre, loaded, table, rng=rng, actors=actor_set).over(
                worlds
            )
        if as_json:
            print_json(
                {
                    "package": loaded.name,
                    "worlds": worlds,
                    "seed": seed,
                    **section.to_dict(layers=False),
                }
            )
            return
        print_package(loaded)
        print_section(section, reasons=False)
        table = Table(
            "actor",
            "P(accept)",
            "side",
            "utility",
            "reservation",
            "red line",
            title="Coalition for and against",
        )
        for row in section.tables["coalition"]:
            table.add_row(
                row["actor"],
                format_share(row["p_accept"]),
                row["side"],
                format_number(row["utility_of_package"]),
                format_number(row["reservation_utility"]),
                format_share(row["p_red_line_crossed"]),
            )
        console.print(table)
        decide = Table(
            "actor",
            "P(accept)",
            "coding",
            "share",
            "of",
            title="Codings that decide each actor (first-order share of variance over worlds)",
        )
        accepted = {row["actor"]: row["p_accept"] for row in section.tables["coalition"]}
        for row in section.tables.get("sensitivity", []):
            decide.add_row(
                row["actor"],
                format_share(accepted[row["actor"]]),
                row["coding"],
                format_share(row["share"]),
                row["of"],
            )
        console.print(decide)
        settled = Table(
            "dimension",
            "status quo",
            "package",
            "settlement",
            "moves towards",
            title="Settlement: KTAB's SMP run from the package (central codings)",
        )
        for row in section.tables.get("settlement", []):
            settled.add_row(
                row["dimension"],
                f"{row['status_quo']:.2f}",
                f"{row['package']:.2f}",
                f"{row['settlement']:.2f}",
                row["towards"],
            )
        console.print(settled)
        kept = Table("commitment", "actor", "P(survives)", "why", title="Commitments")
        for row in section.tables["commitments"]:
            kept.add_row(
                row["commitment"], row["actor"], format_share(row["p_survives"]), row["reason"]
            )
        console.print(kept)


def register(app: typer.Typer) -> None:
    """Add the bargain and accept commands."""
    app.command("bargain", cls=Command)(bargain)
    app.command("accept", cls=Command)(accept)
