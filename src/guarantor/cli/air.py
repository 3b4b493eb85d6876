"""``guarantor air``: reaction times, sustained CAP stations and protected cities of a package."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

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
    instrument_section,
    print_json,
    reporting,
)

if TYPE_CHECKING:
    from guarantor.section import Section


def print_air(section: Section) -> None:
    """Print the air section as readable tables."""
    from rich.table import Table

    from guarantor.cli.views import print_section

    print_section(section, reasons=False)
    commitments = Table("commitment", "actor", "fighters", "tankers", "bases", "conditional")
    for row in section.tables.get("commitments", []):
        commitments.add_row(
            row["commitment"],
            row["actor"],
            format_number(row["fighters"]),
            format_number(row["tankers"]),
            " ".join(row["bases"]),
            "; ".join(row["conditions"]) if row["conditional"] else "no",
        )
    console.print(commitments)
    stations = Table(
        "CAP station",
        "commitment",
        "best pledge",
        "route km",
        "tanker",
        "aircraft needed",
        "allocated",
        "held in worlds",
        title="CAP stations",
    )
    for row in section.tables.get("cap_stations", []):
        stations.add_row(
            row["station"] + (" (conditional)" if row["conditional"] else ""),
            row["commitment"],
            row["best_pledge"] or "out of reach",
            format_number(row["route_km"]),
            "yes" if row["needs_tanker"] else "no",
            format_number(row["aircraft_required"]),
            format_number(row["aircraft_allocated"]),
            format_share(row["sustained_share_of_worlds"]),
        )
    console.print(stations)
    qra = section.tables.get("qra", [])
    if qra:
        console.print(
            "quick-reaction alert: "
            + ", ".join(f"{format_number(row['aircraft'])} at {row['base']}" for row in qra)
            + " (counted in aircraft needed)"
        )
    targets = Table(
        "target",
        "kind",
        "alert min",
        "drones",
        "cruise",
        "ballistic",
        "named",
        title="Targets protected (share of worlds)",
    )
    for row in section.tables.get("targets", []):
        targets.add_row(
            row["name"],
            row["kind"],
            "unreachable" if row["alert_minutes"] is None else format_number(row["alert_minutes"]),
            format_share(row["protected_drone"]),
            format_share(row["protected_cruise"]),
            format_share(row["protected_ballistic"]),
            "yes" if row["named_by_package"] else "",
        )
    console.print(targets)
    print_raid(section)


def _band(row: dict[str, float], key: str) -> str:
    return (
        f"{format_number(row[key])} ({format_number(row[key + '_low'])}-"
        f"{format_number(row[key + '_high'])})"
    )


def print_raid(section: Section) -> None:
    """Leakers per city with and without the package, and the marginal value curve."""
    from rich.table import Table

    cities = Table(
        "target",
        "threats aimed",
        "leakers without package (5-95 %)",
        "leakers with package (5-95 %)",
        "drone paths reached",
        title="Raid night: armed leakers per target",
    )
    for row in section.tables.get("raid_targets", []):
        cities.add_row(
            row["name"],
            format_number(row["launched"]),
            _band(row, "leakers_without"),
            _band(row, "leakers_with"),
            format_share(row["drone_paths_reached"]),
        )
    console.print(cities)
    curve = Table(
        "aircraft pledged",
        "fielded",
        "leakers (5-95 %)",
        "missiles expended",
        title="Marginal value: armed leakers as aircraft are added",
    )
    for row in section.tables.get("marginal_value", []):
        curve.add_row(
            format_number(row["aircraft"]),
            format_number(row["fielded"]),
            _band(row, "leakers"),
            format_number(row["missiles_expended"]),
        )
    console.print(curve)
    for row in section.tables.get("feasibility", []):
        if row["flagged"]:
            console.print(
                f"[yellow]flagged[/]: {row['check']} {row['subject']}: pledged "
                f"{format_number(row['pledged'])} above {format_number(row['limit'])}; "
                f"{format_number(row['fieldable'])} fielded"
            )


def air_command(
    package: str = typer.Argument(None, help="A package file or a shipped package's name."),
    *,
    cell_km: float = typer.Option(20.0, "--cell-km", min=2.0, max=200.0, help="Grid cell size."),
    raid: str = typer.Option(
        None, "--raid", help="A shipped raid profile (default: the record night of 9 July 2025)."
    ),
    worlds: int = WorldsOption,
    seed: int = SeedOption,
    geojson: Path = typer.Option(None, "--geojson", help="Write the map layers to FILE."),
    theatre: str = TheatreOption,
    as_json: bool = JsonOption,
) -> None:
    """Reaction times, CAP stations and protected cities of a package's air policing."""
    from guarantor.cli.views import print_package, write_geojson

    with reporting(as_json):
        _, loaded, section = instrument_section(
            "air", package, theatre, worlds, seed, show=not as_json, cell_km=cell_km, raid=raid
        )
        if geojson is not None:
            write_geojson(geojson, section, field="--geojson")
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
        print_air(section)
        if geojson is not None:
            console.print(f"map layers written to {geojson}")


def register(app: typer.Typer) -> None:
    """Add the air command."""
    app.command("air", cls=Command)(air_command)
