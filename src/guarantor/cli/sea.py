"""``guarantor sea``: the sea lane to Odesa under a package (escorts, Montreux, tonnes, risk)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

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
)

if TYPE_CHECKING:
    from guarantor.instruments.maritime.montreux import Scenario


def sea(
    package: str = typer.Argument(None, help="A package file or a shipped package's name."),
    *,
    worlds: int = WorldsOption,
    seed: int = SeedOption,
    records: bool = typer.Option(
        False, "--records", help="Also check the model against the grain deal and the corridor."
    ),
    geojson: Path = typer.Option(
        None, "--geojson", help="Write the corridor and patrol stations to this GeoJSON file."
    ),
    straits: str = typer.Option(
        "closed",
        "--straits",
        help="The straits' scenario: closed (war, Türkiye not belligerent, its 2022 policy), "
        "open (peace, Arts. 10-18) or turkey-belligerent (Art. 20).",
    ),
    theatre_name: str = TheatreOption,
    as_json: bool = JsonOption,
) -> None:
    """Escorts, Montreux, tonnes a month and ships damaged on the sea lane to Odesa."""
    from guarantor.cli.views import write_geojson
    from guarantor.instruments import maritime
    from guarantor.instruments.maritime.data import load_maritime

    with reporting(as_json):
        scenario = _scenario(straits)
        theatre, loaded, section = instrument_section(
            "maritime",
            package,
            theatre_name,
            worlds,
            seed,
            show=not as_json,
            label="sea",
            # the straits' status is a named scenario, set here, never drawn
            fixed={"straits_scenario": float(scenario.code)},
        )
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
            write_geojson(geojson, section)
        if as_json:
            extra = {"record_checks": checks} if records else {}
            section_json(loaded, worlds, seed, section, straits=scenario.value, **extra)
            return
        _show(section, f"{loaded.title} ({loaded.name})", checks)


def _scenario(name: str) -> Scenario:
    from guarantor.errors import DataError
    from guarantor.instruments.maritime.montreux import Scenario

    try:
        return Scenario(name)
    except ValueError:
        raise DataError.single(
            "unknown straits scenario",
            field="--straits",
            expected=" | ".join(s.value for s in Scenario),
            received=name,
        ) from None


def _show(section: Any, title: str, checks: list[dict[str, Any]]) -> None:
    from rich.table import Table

    from guarantor.cli.views import print_section

    console.print(f"[bold]{title}[/]")
    print_section(section, reasons=False)
    console.print("[bold]Montreux verdict by ship[/]")
    for row in section.tables["montreux_verdicts"]:
        colour = "red" if row["barred"] else "green"
        console.print(
            f"  [{colour}]{row['status']}[/] {row['commitment']}: {row['ships']} {row['actor']} "
            f"{row['ship_type']} ({row['category'].replace('_', ' ')}), {row['admitted']} pass "
            f"— {row['article']}: {row['reason']}",
            soft_wrap=True,
        )
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
            format_number(row["capacity_mt_per_month"]),
            format_number(row["sea_km"]),
            format_number(row["river_km"]),
            format_number(row["transit_h"]),
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
                format_number(row["value"], row["unit"]),
                " / ".join(
                    format_number(row[key]) for key in ("model_p5", "model_p50", "model_p95")
                ),
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
    app.command("sea", cls=Command)(sea)
