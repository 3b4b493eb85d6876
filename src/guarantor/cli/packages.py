"""``guarantor package`` and ``guarantor validate``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from guarantor.cli._common import (
    Command,
    Group,
    JsonOption,
    console,
    format_number,
    print_json,
    reporting,
)

if TYPE_CHECKING:
    from guarantor.packages import Package

package_app = typer.Typer(cls=Group, help="Packages: the levers.", no_args_is_help=True)

_NOT_AMOUNTS = frozenset({"id", "actor", "instrument", "conditions", "source", "note"})


def _pledge(item: Any) -> str:
    """One pledge of a list (aircraft, tankers, ships) as ``12 f-16@rzeszow``; a name as itself."""
    from guarantor.packages.schema import magnitude

    count = getattr(item, "count", None)
    if isinstance(item, str) or count is None:
        return str(item)
    where = getattr(item, "base", None) or getattr(item, "home_port", None)
    return f"{format_number(magnitude(count))} {item.type}" + (f"@{where}" if where else "")


def _amount(name: str, value: Any) -> str | None:
    """One field of a commitment as text, or None when it is unset or not an amount."""
    from guarantor.packages.schema import magnitude

    if name in _NOT_AMOUNTS or value is None or value == ():
        return None
    if isinstance(value, tuple):
        items = [_pledge(item) for item in value]
        # a list of pledges reads on its own; a list of names needs its field's name
        if any(not isinstance(item, str) for item in value):
            return ", ".join(items)
        return f"{name}={'/'.join(items)}"
    if isinstance(value, bool):
        return f"{name}={'yes' if value else 'no'}"
    if isinstance(value, str):  # names and enumerations (StrEnum is a str)
        return f"{name}={value}"
    if isinstance(value, int | float) or hasattr(value, "unit"):
        unit = getattr(value, "unit", "")
        return f"{name}={format_number(magnitude(value))}{' ' + unit if unit else ''}"
    return f"{name}={value}"


def amounts(commitment: object) -> str:
    """A commitment's amounts and settings as one line (what ``package show`` prints)."""
    parts = (_amount(name, value) for name, value in vars(commitment).items())
    return ", ".join(part for part in parts if part)


def shipped_summaries() -> list[dict[str, Any]]:
    """Name, title and commitment count of every shipped package, read without validating.

    ``package list`` only lists: it reads each shipped file's header (and counts its commitments)
    without loading the theatre's geometry and the schema, so that it answers at start-up speed.
    ``package show`` and ``validate`` check a package in full; a test holds this list equal to the
    validated packages.
    """
    from importlib.util import find_spec

    from guarantor.yamlio import load_yaml

    spec = find_spec("guarantor.packages")
    assert spec is not None
    assert spec.submodule_search_locations is not None
    folder = Path(next(iter(spec.submodule_search_locations))) / "data"
    rows = []
    for path in sorted(folder.glob("*.yaml")):
        raw, _ = load_yaml(path)
        data = raw if isinstance(raw, dict) else {}
        commitments = data.get("commitments")
        rows.append(
            {
                "name": path.stem,
                "title": str(data.get("title", "")),
                "commitments": len(commitments) if isinstance(commitments, list) else 0,
            }
        )
    return rows


def describe(package: Package) -> dict[str, object]:
    """Return a package as JSON-ready data, with conditions spelled out."""
    return {
        "name": package.name,
        "title": package.title,
        "description": package.description,
        "theatre": package.theatre,
        "roe": package.roe,
        "commitments": [
            {
                **commitment.model_dump(mode="json", exclude_none=True),
                "conditional": commitment.conditional,
                "conditions_text": [condition.describe() for condition in commitment.conditions],
            }
            for commitment in package.commitments
        ],
        "triggers": [
            trigger.model_dump(mode="json", exclude_none=True) for trigger in package.triggers
        ],
    }


@package_app.command("list", cls=Command)
def list_packages(as_json: bool = JsonOption) -> None:
    """List the shipped packages."""
    from rich.table import Table

    with reporting(as_json):
        rows = shipped_summaries()
        if as_json:
            print_json(rows)
            return
        table = Table("name", "title", "commitments", title="Shipped packages")
        for row in rows:
            table.add_row(row["name"], row["title"], str(row["commitments"]))
        console.print(table)


@package_app.command("show", cls=Command)
def show(
    package: str = typer.Argument(None, help="A package file or a shipped package's name."),
    as_json: bool = JsonOption,
) -> None:
    """Show a package's commitments, conditions and triggers (default: the default package)."""
    from rich.table import Table

    from guarantor.packages import load_package

    with reporting(as_json):
        loaded = load_package(package)
        if as_json:
            print_json(describe(loaded))
            return
        console.print(f"[bold]{loaded.title}[/] ({loaded.name})")
        if loaded.description:
            console.print(loaded.description)
        table = Table("id", "actor", "instrument", "amounts", "conditions", title="Commitments")
        for commitment in loaded.commitments:
            table.add_row(
                commitment.id,
                commitment.actor,
                commitment.instrument.value,
                amounts(commitment),
                "; ".join(condition.describe() for condition in commitment.conditions) or "-",
            )
        console.print(table)
        for trigger in loaded.triggers:
            target = f" {trigger.commitment}" if trigger.commitment else ""
            console.print(
                f"trigger {trigger.id}: after {trigger.count} × {trigger.when.value} → "
                f"{trigger.then.value}{target}"
            )


def validate(
    files: list[Path] = typer.Argument(..., help="Files to check (any guarantor data file)."),
    as_json: bool = JsonOption,
) -> None:
    """Check data files; print every problem with file:line:field and exit 1 if any."""
    from guarantor.cli._common import error_console
    from guarantor.errors import DataError
    from guarantor.validation import validate_file

    results: list[dict[str, Any]] = []
    problems = []
    for path in files:
        try:
            kind, _ = validate_file(path)
            results.append({"file": str(path), "kind": kind, "ok": True})
        except DataError as error:
            problems.extend(error.problems)
            results.append({"file": str(path), "ok": False, "problems": len(error.problems)})
    if as_json:
        print_json(
            {"ok": not problems, "files": results, "problems": [p.as_dict() for p in problems]}
        )
    else:
        for result in results:
            mark = "[green]ok[/]" if result["ok"] else "[red]invalid[/]"
            kind = f" ({result['kind']})" if result.get("kind") else ""
            console.print(f"{mark} {result['file']}{kind}")
        if problems:
            error_console.print(f"[bold red]error:[/] {len(problems)} problem(s) found")
            for problem in problems:
                error_console.print(f"  {problem}", markup=False, soft_wrap=True)
    if problems:
        raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    """Add the package and validate commands."""
    app.add_typer(package_app, name="package")
    app.command("validate", cls=Command)(validate)
