"""The command line: ``guarantor <command>``; every command that prints results has ``--json``."""

from __future__ import annotations

import importlib
import importlib.util

import typer

from guarantor import __version__
from guarantor.cli._common import console

app = typer.Typer(
    name="guarantor",
    help="Design and stress-test security guarantees for Ukraine after a ceasefire.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each module registers its own commands with ``register(app)``. Listed here in the order the
# help shows them; a model's commands appear once its module exists.
_COMMAND_MODULES = (
    "assess",
    "theatre",
    "packages",
    "air",
    "sea",
    "land",
    "sanctions",
    "roe",
    "bargain",
    "simulate",
    "explore",
    "serve",
)


def _version(value: bool) -> None:
    if value:
        console.print(f"guarantor {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Design and stress-test security guarantees for Ukraine after a ceasefire."""


for _name in _COMMAND_MODULES:
    if importlib.util.find_spec(f"guarantor.cli.{_name}") is not None:
        importlib.import_module(f"guarantor.cli.{_name}").register(app)


def main() -> None:
    """Entry point of the ``guarantor`` command."""
    app()
