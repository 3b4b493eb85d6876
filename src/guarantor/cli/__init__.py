"""The command line: ``guarantor <command>``; every command that prints results has ``--json``."""

from __future__ import annotations

import typer

from guarantor.cli import (
    air,
    assess,
    bargain,
    coalition,
    explore,
    frontier,
    land,
    packages,
    roe,
    sanctions,
    sea,
    search,
    serve,
    simulate,
    theatre,
)
from guarantor.cli._common import Group, console

app = typer.Typer(
    cls=Group,
    name="guarantor",
    help="Design and stress-test security guarantees for Ukraine after a ceasefire.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from guarantor import __version__

        console.print(f"guarantor {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Design and stress-test security guarantees for Ukraine after a ceasefire."""


# Each module registers its own commands; the order here is the order of the help.
for _module in (
    assess,
    theatre,
    packages,
    coalition,
    air,
    sea,
    land,
    sanctions,
    roe,
    bargain,
    simulate,
    explore,
    search,
    frontier,
    serve,
):
    _module.register(app)


def main() -> None:
    """Entry point of the ``guarantor`` command."""
    app()
