"""``guarantor land``: what the package's land commitments can man, sustain, train and supply."""

from __future__ import annotations

from pathlib import Path

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
    reporting,
)


def land_command(
    package: str = typer.Argument(None, help="A package file or a shipped package's name."),
    *,
    worlds: int = WorldsOption,
    seed: int = SeedOption,
    geojson: Path = typer.Option(
        None, "--geojson", help="Write the contact line and the hubs to FILE.geojson."
    ),
    theatre: str = TheatreOption,
    as_json: bool = JsonOption,
) -> None:
    """Troops required and pledged, rotation, hubs, line coverage, training and arms flow."""
    from rich.table import Table

    from guarantor.cli.views import print_package, print_section, write_geojson
    from guarantor.instruments import land
    from guarantor.packages import load_package
    from guarantor.theatre import load_theatre

    with reporting(as_json):
        with progress("land", show=not as_json) as bar:
            bar.step("loading")
            loaded_theatre = load_theatre(theatre)
            loaded = load_package(package, loaded_theatre)
            bar.step(f"{worlds:,} worlds")
            table, rng = instrument_worlds("land", worlds, seed)
            section = land.assess(loaded_theatre, loaded, table, rng=rng).over(worlds)
        if geojson is not None:
            write_geojson(geojson, section)
        if as_json:
            print_json(
                {"package": loaded.name, "worlds": worlds, "seed": seed, **section.to_dict()}
            )
            return
        print_package(loaded)
        print_section(section)
        commitments = Table(
            "id",
            "actor",
            "mission",
            "pledged",
            "sustainable",
            "months",
            "conditions",
            title="Commitments",
        )
        for row in section.tables["commitments"]:
            months = row["months_sustained"]
            commitments.add_row(
                row["id"],
                row["actor"],
                row["mission"],
                format_number(row["pledged"]),
                format_number(row["sustainable"]),
                "indefinitely" if months is None else format_number(months),
                "; ".join(row["conditions"]) or "-",
            )
        console.print(commitments)
        tiers = Table(
            "option",
            "troops",
            "pool needed",
            "hubs",
            "uncovered cities",
            "line as tripwire",
            "line held",
            title="Force options",
        )
        for row in section.tables["tiers"]:
            tiers.add_row(
                row["name"],
                format_number(row["troops"]),
                format_number(row["personnel_pool_required"]),
                str(row["hubs_garrisoned"]),
                ", ".join(row["cities_uncovered"]) or "-",
                format_share(row["line_share_as_tripwire"]),
                format_share(row["line_share_as_line_holding"]),
            )
        console.print(tiers)
        if geojson is not None:
            console.print(f"GeoJSON written to {geojson}")


def register(app: typer.Typer) -> None:
    """Add the land command."""
    app.command("land", cls=Command)(land_command)
