"""What every command shares: the console, JSON output and turning bad data into an exit code."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import typer
from pydantic import BaseModel
from rich.console import Console

from guarantor.errors import DataError

console = Console(highlight=False)
error_console = Console(stderr=True, highlight=False)

JsonOption = typer.Option(False, "--json", help="Print the result as JSON.")


def to_jsonable(value: Any) -> Any:
    """Turn results (numpy, enums, pydantic models, paths, dataclass dicts) into JSON data."""
    if isinstance(value, BaseModel):
        return to_jsonable(value.model_dump(mode="json", exclude_none=True))
    if isinstance(value, dict):
        return {str(key): to_jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(item) for item in value]
    if isinstance(value, np.ndarray):
        return to_jsonable(value.tolist())
    if isinstance(value, np.generic):
        return to_jsonable(value.item())
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Path):
        return str(value)
    return value


def print_json(value: Any) -> None:
    """Print JSON to standard output (no colour, no wrapping)."""
    sys.stdout.write(json.dumps(to_jsonable(value), indent=2, ensure_ascii=False) + "\n")


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
