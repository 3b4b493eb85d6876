"""``guarantor sea``: the sea lane to Odesa under a package (escorts, Montreux, tonnes, risk)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import typer
from rich.table import Table

from guarantor.cli._common import JsonOption, console, print_json, reporting, writing
from guarantor.instruments import maritime
from guarantor.instruments.maritime.data import load_maritime
from guarantor.packages import load_package
from guarantor.serialize import jsonable
from guarantor.theatre import DEFAULT_THEATRE, load_theatre


def _geojson(layers: dict[str, Any]) -> dict[str, Any]:
    features = [
        {**feature, "properties": {**feature["properties"], "layer": name}}
        for name, layer in layers.items()
        for feature in layer["features"]
    ]
    return {"type": "FeatureCollection", "features": features}


def sea(
    package: str = typer.Argument(None, help="A package file or a shipped package's name."),
    *,
    worlds: int = typer.Option(
        1, "--worlds", min=1, max=1_000_000, help="Worlds drawn over the parameter ranges."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the world draw."),
    records: bool = typer.Option(
        False, "--records", help="Also check the model against the grain deal and the corridor."
    ),
    geojson: Path = typer.Option(
        None, "--geojson", help="Write the corridor and patrol stations to this GeoJSON file."
    ),
    theatre_name: str = typer.Option(
        DEFAULT_THEATRE, "--theatre", help="A theatre directory or a shipped theatre's name."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Escorts, Montreux, tonnes a month and ships damaged on the sea lane to Odesa."""
    with reporting(as_json):
        theatre = load_theatre(theatre_name)
        loaded = load_package(package, theatre)
        table = maritime.sample_worlds(worlds, np.random.default_rng(seed)) if worlds > 1 else None
        section = maritime.assess(theatre, loaded, table)
        checks = (
            [
                row
                for record in load_maritime().file.records
                for row in maritime.record_check(theatre, record)
            ]
            if records
            else []
        )
        if geojson is not None:
            with writing(geojson, "GeoJSON"):
                geojson.write_text(
                    json.dumps(jsonable(_geojson(dict(section.layers))), indent=1),
                    encoding="utf-8",
                )
        if as_json:
            result = {"package": loaded.name, "worlds": worlds, **section.to_dict()}
            if records:
                result["record_checks"] = checks
            print_json(result)
            return
        _show(section, loaded.title, checks)


def _show(section: Any, title: str, checks: list[dict[str, Any]]) -> None:
    console.print(f"[bold]{section.title}[/] — {title}")
    console.print(section.verdict)
    metrics = Table("metric", "value", "5%", "95%", "unit", title="Metrics (over worlds)")
    for metric in section.metrics:
        summary = metric.summary()
        metrics.add_row(
            metric.label,
            f"{summary['value']:.3g}",
            f"{summary['low']:.3g}",
            f"{summary['high']:.3g}",
            metric.unit,
        )
    console.print(metrics)
    commitments = Table(
        "commitment",
        "actor",
        "committed",
        "remaining",
        "status",
        "articles",
        title="Commitments under Montreux",
    )
    for row in section.tables["commitments"]:
        commitments.add_row(
            row["commitment"],
            row["actor"],
            str(row["ships_committed"]),
            str(row["ships_remaining"]),
            row["status"],
            "; ".join(row["articles"]) or "-",
        )
    console.print(commitments)
    for violation in section.tables["montreux_violations"]:
        since = f" (since {violation['since']})" if violation["since"] else ""
        console.print(
            f"[red]Montreux[/] {violation['commitment']}: {violation['article']}{since} — "
            f"{violation['message']}",
            markup=True,
        )
    ports = Table(
        "port", "group", "capacity Mt/month", "sea km", "river km", "transit h", title="Ports"
    )
    for row in section.tables["ports"]:
        ports.add_row(
            row["name"],
            row["group"],
            f"{row['capacity_mt_per_month']:.2f}",
            f"{row['sea_km']:.0f}",
            f"{row['river_km']:.0f}",
            f"{row['transit_h']:.1f}",
        )
    console.print(ports)
    if checks:
        record_table = Table(
            "record",
            "observed",
            "value",
            "model 5-50-95%",
            "test",
            "inside",
            title="Checks against the record",
        )
        for row in checks:
            record_table.add_row(
                row["title"],
                row["observed"],
                f"{row['value']:g} {row['unit']}",
                f"{row['model_p5']:.3g} / {row['model_p50']:.3g} / {row['model_p95']:.3g}",
                row["test"],
                "yes" if row["inside"] else "[red]no[/]",
            )
        console.print(record_table)
    sources = sorted({source for metric in section.metrics for source in metric.sources})
    console.print("[bold]Sources[/]")
    for source in sources:
        console.print(f"  {source}", markup=False, soft_wrap=True)
    assumptions = sorted(
        {assumption for metric in section.metrics for assumption in metric.assumptions}
    )
    console.print("[bold]Assumptions[/] (each a world parameter that can be swept)")
    for assumption in assumptions:
        console.print(f"  {assumption}", markup=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add the ``sea`` command."""
    app.command("sea")(sea)
