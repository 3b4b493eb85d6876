"""``guarantor sanctions``: Russia's oil revenue under a package, and the cost of a violation."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import typer
from numpy.typing import NDArray
from rich.table import Table

from guarantor.cli._common import JsonOption, console, print_json, reporting, writing
from guarantor.errors import DataError, Problem
from guarantor.instruments import sanctions
from guarantor.packages import load_package
from guarantor.packages.schema import SanctionsLevel
from guarantor.section import Section
from guarantor.sourcing import Quantity
from guarantor.theatre import load_theatre

PLOT_SUFFIXES = (".html", ".svg")


def sample_worlds(
    parameters: dict[str, Quantity], n: int, seed: int
) -> dict[str, NDArray[np.float64]] | None:
    """Draw ``n`` worlds uniformly over each parameter's low-high range (None for n = 1)."""
    if n <= 1:
        return None
    rng = np.random.default_rng(seed)
    return {name: rng.uniform(*q.range, size=n) for name, q in parameters.items()}


def print_section(section: Section) -> None:
    """Print a section's verdict, metrics and notes as text."""
    console.print(f"[bold]{section.title}[/]")
    console.print(section.verdict)
    table = Table("metric", "value", "5%", "95%", "unit", "reason")
    for metric in section.metrics:
        summary = metric.summary()
        table.add_row(
            metric.name,
            f"{summary['value']:,.3g}",
            f"{summary['low']:,.3g}",
            f"{summary['high']:,.3g}",
            metric.unit,
            metric.reason,
        )
    console.print(table)
    for note in section.notes:
        console.print(f"- {note}", markup=False)


def _svg(revenue: dict[SanctionsLevel, NDArray[np.float64]]) -> str:
    width, height, left, bottom, top = 640, 360, 70, 60, 30
    top_value = max(float(np.percentile(v, 95)) for v in revenue.values()) * 1.15 or 1.0
    scale = (height - bottom - top) / top_value
    step = (width - left - 20) / len(revenue)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        'font-family="sans-serif" font-size="12">',
        f'<text x="{width / 2}" y="18" text-anchor="middle" font-size="14">'
        "Russia's oil export revenue by sanctions level (USD bn a month; median, 5-95%)</text>",
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" '
        'stroke="black"/>',
    ]
    for tick in np.linspace(0.0, top_value, 5):
        y = height - bottom - tick * scale
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick:.0f}</text>'
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="#ddd"/>'
        )
    for index, (level, values) in enumerate(revenue.items()):
        low, middle, high = np.percentile(values, [5, 50, 95])
        x = left + index * step + step * 0.2
        bar = step * 0.6
        parts.append(
            f'<rect x="{x:.1f}" y="{height - bottom - middle * scale:.1f}" width="{bar:.1f}" '
            f'height="{middle * scale:.1f}" fill="#4a7ab5"><title>{middle:.2f}</title></rect>'
            f'<line x1="{x + bar / 2:.1f}" y1="{height - bottom - low * scale:.1f}" '
            f'x2="{x + bar / 2:.1f}" y2="{height - bottom - high * scale:.1f}" stroke="black"/>'
            f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 18}" text-anchor="middle">'
            f"{html.escape(level.value)}</text>"
            f'<text x="{x + bar / 2:.1f}" y="{height - bottom - middle * scale - 6:.1f}" '
            f'text-anchor="middle">{middle:.1f}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def _html(revenue: dict[SanctionsLevel, NDArray[np.float64]]) -> str:
    import plotly.graph_objects as go

    figure = go.Figure()
    for level, values in revenue.items():
        figure.add_trace(go.Box(y=values, name=level.value, boxpoints=False))
    figure.update_layout(
        title="Russia's oil export revenue by sanctions level",
        yaxis_title="USD bn a month",
        showlegend=False,
    )
    text: str = figure.to_html(include_plotlyjs=True, full_html=True)
    return text


def write_plot(path: Path, revenue: dict[SanctionsLevel, NDArray[np.float64]]) -> None:
    """Write the revenue-by-level plot as self-contained HTML (plotly) or SVG.

    Raises:
        DataError: the file's suffix is not .html or .svg, or it cannot be written.
    """
    suffix = path.suffix.lower()
    if suffix not in PLOT_SUFFIXES:
        raise DataError(
            [
                Problem(
                    "unsupported plot format",
                    field="--plot",
                    expected=" or ".join(PLOT_SUFFIXES),
                    received=str(path),
                )
            ]
        )
    text = _html(revenue) if suffix == ".html" else _svg(revenue)
    with writing(path, "plot"):
        path.write_text(text, encoding="utf-8")


def sanctions_command(
    package: str = typer.Argument(None, help="A package file or a shipped package's name."),
    as_json: bool = JsonOption,
    worlds: int = typer.Option(1, "--worlds", min=1, max=1_000_000, help="Worlds to sample."),
    seed: int = typer.Option(0, "--seed", help="Seed of the world sample."),
    plot: Path = typer.Option(None, "--plot", help="Write revenue by level to FILE.html/.svg."),
) -> None:
    """Russia's oil revenue under the package's sanctions level, and what a violation costs."""
    with reporting(as_json):
        theatre = load_theatre()
        loaded = load_package(package, theatre)
        table = sample_worlds(sanctions.WORLD_PARAMETERS, worlds, seed)
        section = sanctions.assess(theatre, loaded, table)
        if plot is not None:
            write_plot(plot, sanctions.revenue_by_level(table))
        if as_json:
            print_json({"package": loaded.name, **section.to_dict()})
            return
        print_section(section)
        levels = Table("level", "regime", "revenue USD bn/month", "budget RUB trn/yr", "Urals")
        for row in section.tables["levels"]:
            levels.add_row(
                row["level"],
                row["regime"],
                f"{row['revenue_usd_bn_per_month']:.1f}",
                f"{row['budget_oil_gas_rub_trn_per_year']:.2f}",
                f"{row['urals_usd_per_bbl']:.1f}",
            )
        console.print(levels)
        if plot is not None:
            console.print(f"plot written to {plot}")


def register(app: typer.Typer) -> None:
    """Add the sanctions command."""
    app.command("sanctions")(sanctions_command)
