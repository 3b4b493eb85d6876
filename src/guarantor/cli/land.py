"""``guarantor land``: what the package's land commitments can man, sustain, train and supply."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from guarantor.cli._common import JsonOption, console, print_json, reporting, writing
from guarantor.cli.sanctions import print_section, sample_worlds
from guarantor.geo import feature_collection
from guarantor.instruments import land
from guarantor.packages import load_package
from guarantor.serialize import jsonable
from guarantor.theatre import load_theatre


def land_command(
    package: str = typer.Argument(None, help="A package file or a shipped package's name."),
    as_json: bool = JsonOption,
    worlds: int = typer.Option(1, "--worlds", min=1, max=1_000_000, help="Worlds to sample."),
    seed: int = typer.Option(0, "--seed", help="Seed of the world sample."),
    geojson: Path = typer.Option(
        None, "--geojson", help="Write the contact line and the hubs to FILE.geojson."
    ),
) -> None:
    """Troops required and pledged, rotation, hubs, line coverage, training and arms flow."""
    with reporting(as_json):
        theatre = load_theatre()
        loaded = load_package(package, theatre)
        table = sample_worlds(land.WORLD_PARAMETERS, worlds, seed)
        section = land.assess(theatre, loaded, table)
        if geojson is not None:
            features = [
                feature
                for layer in section.layers.values()
                for feature in layer.get("features", [])
            ]
            with writing(geojson, "GeoJSON"):
                geojson.write_text(
                    json.dumps(jsonable(feature_collection(features)), indent=1),
                    encoding="utf-8",
                )
        if as_json:
            print_json({"package": loaded.name, **section.to_dict()})
            return
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
                f"{row['pledged']:,.0f}",
                f"{row['sustainable']:,.0f}",
                "indefinitely" if months is None else f"{months:.0f}",
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
                f"{row['troops']:,.0f}",
                f"{row['personnel_pool_required']:,.0f}",
                str(row["hubs_garrisoned"]),
                ", ".join(row["cities_uncovered"]) or "-",
                f"{row['line_share_as_tripwire']:.0%}",
                f"{row['line_share_as_line_holding']:.0%}",
            )
        console.print(tiers)
        if geojson is not None:
            console.print(f"GeoJSON written to {geojson}")


def register(app: typer.Typer) -> None:
    """Add the land command."""
    app.command("land")(land_command)
