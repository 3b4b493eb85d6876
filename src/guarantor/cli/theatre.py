"""``guarantor theatre``: show the shipped theatre."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from guarantor.cli._common import (
    DEFAULT_THEATRE,
    Command,
    Group,
    JsonOption,
    console,
    format_number,
    print_json,
    reporting,
)

if TYPE_CHECKING:
    from guarantor.theatre import Theatre

theatre_app = typer.Typer(
    cls=Group, help="The theatre: geography, places, platforms, actors.", no_args_is_help=True
)


def summary(theatre: Theatre) -> dict[str, object]:
    """Return the theatre's headline facts as data."""
    from guarantor.geo import area_km2, length_km
    from guarantor.packages.schema import magnitude

    data = theatre.data
    return {
        "name": data.name,
        "title": data.title,
        "as_of": data.as_of,
        "ukraine_area_km2": round(area_km2(theatre.ukraine)),
        "occupied_area_km2": round(area_km2(theatre.occupied)),
        "contact_line_km": round(length_km(theatre.contact_line)),
        "actors": [actor.id for actor in data.actors],
        "cities": [
            {"id": c.id, "name": c.name, "population": magnitude(c.population)}
            for c in data.places.cities
        ],
        "air_bases": [
            {
                "id": b.id,
                "name": b.name,
                "country": b.country,
                "lat": b.latitude,
                "lon": b.longitude,
            }
            for b in data.places.air_bases
        ],
        "ports": [p.id for p in data.places.ports],
        "nuclear_plants": [p.id for p in data.places.nuclear_plants],
        "aircraft": [a.id for a in data.platforms.aircraft],
        "ships": [s.id for s in data.platforms.ships],
        "sources": len(theatre.sources),
    }


@theatre_app.command("show", cls=Command)
def show(
    theatre: str = typer.Argument(DEFAULT_THEATRE, help="A shipped theatre's name or a path."),
    as_json: bool = JsonOption,
) -> None:
    """Show a theatre's geography, places, platforms and actors."""
    from rich.table import Table

    from guarantor.packages.schema import magnitude
    from guarantor.theatre import load_theatre

    with reporting(as_json):
        loaded = load_theatre(Path(theatre) if Path(theatre).exists() else theatre)
        facts = summary(loaded)
        if as_json:
            print_json(facts)
            return
        console.print(f"[bold]{facts['title']}[/] ({facts['name']}, as of {facts['as_of']})")
        console.print(
            f"Ukraine {format_number(facts['ukraine_area_km2'])} km², of which occupied "
            f"{format_number(facts['occupied_area_km2'])} km²; contact line "
            f"{format_number(facts['contact_line_km'])} km"
        )
        bases = Table("air base", "country", "lat", "lon", title="Air bases")
        for base in loaded.data.places.air_bases:
            bases.add_row(base.name, base.country, f"{base.latitude:.4f}", f"{base.longitude:.4f}")
        console.print(bases)
        cities = Table("city", "population (2021)", title="Cities")
        for city in loaded.cities:
            cities.add_row(city.name, format_number(magnitude(city.population)))
        console.print(cities)
        platforms = loaded.data.platforms
        console.print(
            f"{len(loaded.data.actors)} actors, {len(platforms.aircraft)} aircraft types, "
            f"{len(platforms.ships)} ship types, {facts['sources']} sources"
        )


def register(app: typer.Typer) -> None:
    """Add the theatre commands."""
    app.add_typer(theatre_app, name="theatre")
