"""``guarantor air``: reaction times, sustained CAP stations and protected cities of a package."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import typer
from rich.table import Table

from guarantor.cli._common import JsonOption, console, print_json, reporting, writing
from guarantor.instruments import air
from guarantor.packages import load_package
from guarantor.section import Section
from guarantor.serialize import jsonable
from guarantor.theatre import load_theatre


def _share(value: float) -> str:
    return f"{value:.0%}"


def print_air(section: Section) -> None:
    """Print the air section as readable tables."""
    console.print(f"[bold]{section.title}[/]")
    console.print(section.verdict)
    metrics = Table("metric", "value", "5%", "95%", "unit")
    for metric in section.metrics:
        summary = metric.summary()
        metrics.add_row(
            metric.name,
            f"{summary['value']:,.3g}",
            f"{summary['low']:,.3g}",
            f"{summary['high']:,.3g}",
            metric.unit,
        )
    console.print(metrics)
    commitments = Table("commitment", "actor", "fighters", "tankers", "bases", "conditional")
    for row in section.tables.get("commitments", []):
        commitments.add_row(
            row["commitment"],
            row["actor"],
            f"{row['fighters']:g}",
            f"{row['tankers']:g}",
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
            "-" if row["route_km"] is None else f"{row['route_km']:.0f}",
            "yes" if row["needs_tanker"] else "no",
            "-" if row["aircraft_required"] is None else f"{row['aircraft_required']:.1f}",
            "-" if row["aircraft_allocated"] is None else f"{row['aircraft_allocated']:.1f}",
            _share(row["sustained_share_of_worlds"]),
        )
    console.print(stations)
    qra = section.tables.get("qra", [])
    if qra:
        console.print(
            "quick-reaction alert: "
            + ", ".join(f"{row['aircraft']:g} at {row['base']}" for row in qra)
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
            "unreachable" if row["alert_minutes"] is None else f"{row['alert_minutes']:.0f}",
            _share(row["protected_drone"]),
            _share(row["protected_cruise"]),
            _share(row["protected_ballistic"]),
            "yes" if row["named_by_package"] else "",
        )
    console.print(targets)
    print_raid(section)
    for note in section.notes:
        console.print(f"- {note}", markup=False)


def _band(row: dict[str, float], key: str) -> str:
    return f"{row[key]:,.1f} ({row[key + '_low']:,.1f}-{row[key + '_high']:,.1f})"


def print_raid(section: Section) -> None:
    """Leakers per city with and without the package, and the marginal value curve."""
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
            f"{row['launched']:,.1f}",
            _band(row, "leakers_without"),
            _band(row, "leakers_with"),
            _share(row["drone_paths_reached"]),
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
            f"{row['aircraft']:.0f}",
            f"{row['fielded']:.0f}",
            _band(row, "leakers"),
            f"{row['missiles_expended']:,.0f}",
        )
    console.print(curve)
    flagged = [row for row in section.tables.get("feasibility", []) if row["flagged"]]
    for row in flagged:
        console.print(
            f"[yellow]flagged[/]: {row['check']} {row['subject']}: pledged "
            f"{row['pledged']:g} above {row['limit']:g}; {row['fieldable']:g} fielded"
        )


def write_layers(path: Path, section: Section) -> None:
    """Write the section's map layers to one GeoJSON file (a collection per layer).

    Raises:
        DataError: the file cannot be written.
    """
    features = [
        {**feature, "properties": {**feature["properties"], "layer": name}}
        for name, layer in section.layers.items()
        for feature in layer["features"]
    ]
    collection = {"type": "FeatureCollection", "features": features}
    with writing(path, "GeoJSON", field="--geojson"):
        path.write_text(json.dumps(jsonable(collection)), encoding="utf-8")


def air_command(
    package: str = typer.Argument(None, help="A package file or a shipped package's name."),
    *,
    as_json: bool = JsonOption,
    cell_km: float = typer.Option(20.0, "--cell-km", min=2.0, max=200.0, help="Grid cell size."),
    worlds: int = typer.Option(1, "--worlds", min=1, max=100_000, help="Worlds to sample."),
    seed: int = typer.Option(0, "--seed", help="Seed of the world sample."),
    geojson: Path = typer.Option(None, "--geojson", help="Write the map layers to FILE."),
    raid: str = typer.Option(
        None, "--raid", help="A shipped raid profile (default: the record night of 9 July 2025)."
    ),
) -> None:
    """Reaction times, CAP stations and protected cities of a package's air policing."""
    with reporting(as_json):
        theatre = load_theatre()
        loaded = load_package(package, theatre)
        table = None
        if worlds > 1:
            rng = np.random.default_rng(seed)
            table = {
                name: rng.uniform(*q.range, size=worlds) for name, q in air.WORLD_PARAMETERS.items()
            }
        section = air.assess(theatre, loaded, table, cell_km=cell_km, raid=raid)
        if geojson is not None:
            write_layers(geojson, section)
        if as_json:
            print_json({"package": loaded.name, **section.to_dict(layers=False)})
            return
        print_air(section)
        if geojson is not None:
            console.print(f"map layers written to {geojson}")


def register(app: typer.Typer) -> None:
    """Add the air command."""
    app.command("air")(air_command)
