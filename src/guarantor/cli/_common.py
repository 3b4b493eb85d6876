"""What every command shares: the console, JSON output and turning bad data into an exit code."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import typer
from rich.console import Console

from guarantor.errors import DataError, Problem
from guarantor.serialize import jsonable

console = Console(highlight=False)
error_console = Console(stderr=True, highlight=False)

JsonOption = typer.Option(False, "--json", help="Print the result as JSON.")


def print_json(value: Any) -> None:
    """Print JSON to standard output (no colour, no wrapping)."""
    sys.stdout.write(json.dumps(jsonable(value), indent=2, ensure_ascii=False) + "\n")


def fail(error: DataError, *, as_json: bool = False) -> NoReturn:
    """Report bad data (every problem, located) and exit with status 1, without a traceback."""
    if as_json:
        print_json({"ok": False, "problems": [problem.as_dict() for problem in error.problems]})
    else:
        error_console.print(f"[bold red]error:[/] {len(error.problems)} problem(s) found")
        for problem in error.problems:
            error_console.print(f"  {problem}", markup=False, soft_wrap=True)
    raise typer.Exit(code=1)


@contextmanager
def reporting(as_json: bool = False) -> Iterator[None]:
    """Run a command body; bad data becomes a located report and exit status 1."""
    try:
        yield
    except DataError as error:
        fail(error, as_json=as_json)


@contextmanager
def writing(path: object, what: str, *, field: str = "") -> Iterator[None]:
    """Write an output file; a filesystem error becomes a located DataError (exit 1)."""
    try:
        yield
    except OSError as error:
        problem = Problem(f"cannot write {what}: {error.strerror}", file=str(path), field=field)
        raise DataError([problem]) from None
