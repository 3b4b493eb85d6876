"""``guarantor land``: what the package's land commitments can man, sustain, train and supply."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import typer

from guarantor.cli._common import (
    Command,
    JsonOption,
    SeedOption,
    TheatreOption,
    WorldsOption,
    console,
    instrument_section,
    reporting,
    section_json,
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
    """The line against the threat, what the package keeps in place, tiers, training and arms."""
    from guarantor.cli.views import print_package, print_section, write_geojson

    with reporting(as_json):
        _, loaded, section = instrument_section(
            "land", package, theatre, worlds, seed, show=not as_json
        )
        if geojson is not None:
            write_geojson(geojson, section)
        if as_json:
            section_json(loaded, worlds, seed, section)
            return
        print_package(loaded)
        print_section(section)
        _print_tables(section.tables)
        if geojson is not None:
            console.print(f"GeoJSON written to {geojson}")


def _print_tables(tables: Mapping[str, list[dict[str, Any]]]) -> None:
    """The figures with their planning factors and sources, then commitments, sectors, tiers."""
    from rich.table import Table

    explained = Table(
        "figure", "value", "planning factor", "source", title="How each figure is made"
    )
    for row in tables["explanations"]:
        explained.add_row(
            row["figure"], f"{row['value']:,.2f} {row['unit']}", row["factor"], row["source"]
        )
    console.print(explained)
    commitments = Table(
        "id",
        "actor",
        "mission",
        "pledged",
        "sustainable",
        "tour+dwell",
        "months",
        "flags",
        title="Commitments (each nation's own rotation policy)",
    )
    for row in tables["commitments"]:
        months = row["months_sustained"]
        flags = ["above the deployable pool"] if row["pledge_above_pool"] else []
        flags += row["conditions"]
        commitments.add_row(
            row["id"],
            row["actor"],
            row["mission"],
            f"{row['pledged']:,.0f}",
            f"{row['sustainable']:,.0f}",
            f"{row['tour_months']:g}+{row['dwell_months']:g}",
            "indefinitely" if months is None else f"{months:.0f}",
            "; ".join(flags) or "-",
        )
    console.print(commitments)
    sectors = Table(
        "sector", "terrain", "grouping share", "defender's ratio", "first echelon", title="Sectors"
    )
    for row in tables["sectors"]:
        sectors.add_row(
            row["name"],
            row["terrain"],
            f"{row['grouping_share']:.0%}",
            f"1:{row['defender_ratio']:.2g}",
            f"{row['first_echelon_troops']:,.0f}",
        )
    console.print(sectors)
    tiers = Table(
        "option",
        "troops",
        "zone",
        "hubs (garrison, km to the line, days to reinforce)",
        "pool needed",
        "line held",
        title="Force options where their sources place them",
    )
    for row in tables["tiers"]:
        hubs = "; ".join(
            f"{h['name']} {h['garrison']:,.0f} ({h['distance_to_line_km']} km,"
            f" {h['reinforcement_days']} d)"
            for h in row["hubs"]
        )
        tiers.add_row(
            row["name"],
            f"{row['troops']:,.0f}",
            row["zone"],
            hubs or "-",
            f"{row['personnel_pool_required']:,.0f}",
            f"{row['line_share_as_line_holding']:.0%}",
        )
    console.print(tiers)


def register(app: typer.Typer) -> None:
    """Add the land command."""
    app.command("land", cls=Command)(land_command)
