"""Views every instrument command shares: a section's metrics as a table, its layers as GeoJSON.

A metric whose every world is 0 or 1 (held, accepts, breached) is a probability: it is shown as
the share of worlds where it is 1 (its mean), never as a median of 0 or 1.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from guarantor.cli._common import console, format_number, format_share, writing
from guarantor.section import Metric, Section


def is_probability(metric: Metric) -> bool:
    """Whether a metric is yes/no per world, so that its mean is a probability."""
    import numpy as np

    values = metric.value[np.isfinite(metric.value)]
    return values.size > 0 and bool(np.all((values == 0) | (values == 1)))


def metric_cells(metric: Metric) -> tuple[str, str, str]:
    """The value and the 5–95 % band of a metric, as text for a table.

    A yes/no metric shows the share of worlds (the mean) and no band.
    """
    summary = metric.summary()
    if is_probability(metric):
        return format_share(summary["mean"]), "", ""
    if summary["low"] == summary["high"]:
        return format_number(summary["value"]), "", ""
    return (
        format_number(summary["value"]),
        format_number(summary["low"]),
        format_number(summary["high"]),
    )


def print_package(package: Any) -> None:
    """Name the package a result is about: its title and its name."""
    console.print(f"[bold]{package.title}[/] ({package.name})", soft_wrap=True)


def print_section(section: Section, *, reasons: bool = True) -> None:
    """Print a section's verdict, its metrics (median or share of worlds, band) and notes."""
    from rich.table import Table

    console.print(f"[bold]{section.title}[/]")
    console.print(section.verdict, markup=False)
    columns = ["metric", "median or share", "5 %", "95 %", "unit"]
    table = Table(*columns, *(["reason"] if reasons else []))
    for metric in section.metrics:
        value, low, high = metric_cells(metric)
        unit = "of worlds" if is_probability(metric) else metric.unit
        table.add_row(metric.label, value, low, high, unit, *([metric.reason] if reasons else []))
    console.print(table)
    for note in section.notes:
        console.print(f"- {note}", markup=False)


def feature_collection(layers: Any) -> dict[str, Any]:
    """Every layer's features in one collection, each tagged with its layer's name."""
    features = [
        {**feature, "properties": {**feature.get("properties", {}), "layer": name}}
        for name, layer in layers.items()
        for feature in layer.get("features", [])
    ]
    return {"type": "FeatureCollection", "features": features}


def write_geojson(path: Path, section: Section, *, field: str = "--geojson") -> None:
    """Write the section's map layers to one GeoJSON file.

    Raises:
        DataError: the file cannot be written.
    """
    from guarantor.serialize import jsonable

    text = json.dumps(jsonable(feature_collection(section.layers)), indent=1)
    with writing(path, "GeoJSON", field=field):
        path.write_text(text, encoding="utf-8")
