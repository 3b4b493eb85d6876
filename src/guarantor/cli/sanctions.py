"""``guarantor sanctions``: Russia's oil revenue under a package, and the cost of a violation."""

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
    instrument_section,
    reporting,
    section_json,
    writing,
)


def sanctions_command(
    package: str = typer.Argument(None, help="A package file or a shipped package's name."),
    *,
    worlds: int = WorldsOption,
    seed: int = SeedOption,
    plot: Path = typer.Option(
        None, "--plot", help="Chart revenue month by month after a violation to FILE.html/.svg."
    ),
    theatre: str = TheatreOption,
    as_json: bool = JsonOption,
) -> None:
    """Russia's oil revenue under the package's sanctions level, and what a violation costs."""
    from rich.table import Table

    from guarantor.cli.views import print_package, print_section
    from guarantor.report.svg import revenue_path_plot

    with reporting(as_json):
        _, loaded, section = instrument_section(
            "sanctions", package, theatre, worlds, seed, show=not as_json
        )
        if plot is not None:
            text = revenue_path_plot(section, plot.suffix, field="--plot")
            with writing(plot, "plot", field="--plot"):
                plot.write_text(text, encoding="utf-8")
        if as_json:
            section_json(loaded, worlds, seed, section)
            return
        print_package(loaded)
        print_section(section)
        levels = Table("level", "regime", "revenue USD bn/month", "budget RUB trn/yr", "Urals")
        for row in section.tables["levels"]:
            levels.add_row(
                row["level"],
                row["regime"],
                format_number(row["revenue_usd_bn_per_month"]),
                format_number(row["budget_oil_gas_rub_trn_per_year"]),
                format_number(row["urals_usd_per_bbl"]),
            )
        console.print(levels)
        paths = Table("month", "in peace", "after a violation", "5%", "95%", "EU oil bill +")
        for row in section.tables["paths"]:
            if row["month"] in (1, 2, 3, 4, 6, 9, 12, 18, 24):
                paths.add_row(
                    str(row["month"]),
                    format_number(row["peace_usd_bn"]),
                    format_number(row["expected_usd_bn"]),
                    format_number(row["expected_low"]),
                    format_number(row["expected_high"]),
                    format_number(row["eu_cost_usd_bn"]),
                )
        console.print(paths)
        if plot is not None:
            console.print(f"plot written to {plot}")


def register(app: typer.Typer) -> None:
    """Add the sanctions command."""
    app.command("sanctions", cls=Command)(sanctions_command)
