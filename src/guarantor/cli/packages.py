"""``guarantor package`` and ``guarantor validate``."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from guarantor.cli._common import JsonOption, console, print_json, reporting
from guarantor.errors import DataError
from guarantor.packages import Package, load_package, shipped_packages
from guarantor.packages.schema import Amount, magnitude
from guarantor.validation import validate_file

package_app = typer.Typer(help="Packages: the levers.", no_args_is_help=True)


def _amounts(commitment: object) -> str:
    parts: list[str] = []
    for name, value in vars(commitment).items():
        if name in {"id", "actor", "instrument", "conditions", "source", "note"} or value is None:
            continue
        if isinstance(value, tuple) and value and hasattr(value[0], "count"):
            parts.extend(
                f"{magnitude(item.count):g} {item.type}"
                + (f"@{item.base}" if hasattr(item, "base") else "")
                for item in value
            )
        elif isinstance(value, (int, float)) or hasattr(value, "unit"):
            amount: Amount = value  # type: ignore[assignment]
            unit = getattr(amount, "unit", "")
            parts.append(f"{name}={magnitude(amount):g}{' ' + unit if unit else ''}")
        elif isinstance(value, str):
            parts.append(f"{name}={value}")
    return ", ".join(parts)


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


@package_app.command("list")
def list_packages(as_json: bool = JsonOption) -> None:
    """List the shipped packages."""
    with reporting(as_json):
        packages = [load_package(name) for name in shipped_packages()]
        if as_json:
            print_json(
                [
                    {"name": p.name, "title": p.title, "commitments": len(p.commitments)}
                    for p in packages
                ]
            )
            return
        table = Table("name", "title", "commitments", title="Shipped packages")
        for package in packages:
            table.add_row(package.name, package.title, str(len(package.commitments)))
        console.print(table)


@package_app.command("show")
def show(
    package: str = typer.Argument(None, help="A package file or a shipped package's name."),
    as_json: bool = JsonOption,
) -> None:
    """Show a package's commitments, conditions and triggers (default: the default package)."""
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
                _amounts(commitment),
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
    results = []
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
            from guarantor.cli._common import error_console

            error_console.print(f"[bold red]error:[/] {len(problems)} problem(s) found")
            for problem in problems:
                error_console.print(f"  {problem}", markup=False, soft_wrap=True)
    if problems:
        raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    """Add the package and validate commands."""
    app.add_typer(package_app, name="package")
    app.command("validate")(validate)
