"""``guarantor coalition``: the Coalition of the Willing as it is, state by state."""

from __future__ import annotations

from pathlib import Path

import typer

from guarantor.cli._common import Command, JsonOption, console, format_number, print_json, reporting


def coalition_command(
    data: Path | None = typer.Option(
        None, "--data", help="A coalition data file (default: the shipped one)."
    ),
    actor: str | None = typer.Option(
        None, "--actor", help="Show one state in full: inventory, offers, how it decides."
    ),
    as_json: bool = JsonOption,
) -> None:
    """List the coalition's states: what each has, can sustain abroad, offered, how it decides."""
    from guarantor.coalition import load_data
    from guarantor.coalition.views import summary
    from guarantor.errors import DataError

    with reporting(as_json):
        loaded = load_data(data)
        facts = summary(loaded)
        if actor is not None:
            chosen = [row for row in facts["nations"] if row["actor"] == actor.upper()]
            if not chosen:
                raise DataError.single(
                    "no such state in the coalition's data",
                    field="--actor",
                    expected=f"one of {sorted(loaded.nations)}",
                    received=actor,
                )
            facts = {**facts, "nations": chosen}
        if as_json:
            print_json(facts)
            return
        _print(facts, full=actor is not None)


def _print(facts: dict[str, object], *, full: bool) -> None:
    from rich.table import Table

    console.print(
        f"[bold]Coalition of the Willing[/bold]: {facts['members_reported']} states at the "
        f"{facts['meeting']} ({facts['as_of']}); {facts['members_listed']} listed. "
        f"Source: {facts['source']}"
    )
    table = Table(
        show_lines=False, caption="member: at the Paris summit; abroad: what it can sustain"
    )
    for column in (
        "state",
        "member",
        "fighters",
        "tankers",
        "AEW",
        "escorts",
        "MCM",
        "army",
        "fighters abroad",
        "escorts abroad",
        "troops abroad",
        "mandate",
    ):
        table.add_column(
            column, justify="left" if column in ("state", "mandate") else "right", overflow="fold"
        )
    nations = facts["nations"]
    assert isinstance(nations, list)
    for row in nations:
        table.add_row(
            row["actor"],
            "yes" if row["member"] else "no",
            format_number(row["combat_aircraft_total"]),
            format_number(row["tankers"]),
            format_number(row["aew"]),
            format_number(row["escorts"]),
            format_number(row["minehunters"]),
            "—" if row["army"] is None else format_number(row["army"]),
            format_number(round(row["fighters_sustainable_abroad"])),
            format_number(round(row["escorts_committable_abroad"])),
            format_number(round(row["troops_sustainable_abroad"])),
            row["mandate"],
        )
    console.print(table)
    if full:
        for row in nations:
            console.print(
                f"[bold]{row['name']}[/bold] decides: {row['mandate_rule']}: "
                f"{row['mandate_basis']} ({row['mandate_source'] or 'not verified'})"
            )
            for kind, count in {**row["combat_aircraft"], **row["ships"]}.items():
                console.print(f"  has {format_number(count)} {kind}")
            for offer in row["offers"]:
                console.print(f"  offered ({offer['date']}): {offer['what']} — {offer['source']}")
            for ruled in row["rules_out"]:
                console.print(f"  rules out {ruled['kind']} ({ruled['date']}): {ruled['what']}")
    console.print(
        "Abroad: what each state can keep deployed of what it has (docs/coalition.md); "
        "a state without a listed force has none recorded."
    )


def register(app: typer.Typer) -> None:
    """Add ``coalition`` to the command line."""
    app.command("coalition", cls=Command)(coalition_command)
