"""What every command shares: options, defaults, console, formatting, progress and errors.

The options and their defaults, the console, one number formatter, progress displays, JSON
output, and turning bad data or a bad path into a located error with exit status 1.

This module is imported by every command module when ``guarantor`` starts, so it imports only
typer, rich and guarantor's light modules (errors); numpy, pydantic and the models are imported
inside the functions that need them. ``tests/test_cli_startup.py`` holds it to that.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer
from rich.console import Console
from typer.core import TyperCommand, TyperGroup

from guarantor.errors import DataError, Problem

if TYPE_CHECKING:
    from rich.progress import Progress

# The one world sampler's defaults. They move to ``guarantor.worlds`` with the architecture work
# (#15); switching is one line: ``from guarantor.worlds import DEFAULT_SEED, DEFAULT_WORLDS``.
DEFAULT_WORLDS = 1000
"""Worlds every command samples unless told otherwise."""
DEFAULT_SEED = 1
"""Seed of every command's worlds and draws unless told otherwise."""
DEFAULT_THEATRE = "ukraine-2025"
"""The shipped theatre (``guarantor.theatre.DEFAULT_THEATRE``, kept here so ``--help`` need not
load the theatre's geometry; a test holds the two equal)."""
MAX_WORLDS = 1_000_000


class _FlagHelp:
    """Give ``--help`` a default of False, so that an absent ``--help`` is a plain bool.

    Typer (0.29) coerces a flag whose value is not a bool through a pydantic ``TypeAdapter``;
    its own ``--help`` flag defaults to None, so every command paid pydantic's import (about
    0.15 s) before running, even ``package list``, which needs no pydantic at all.
    """

    def get_help_option(self, ctx: Any) -> Any:
        """The help option, its default made False."""
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None and option.default is None:
            option.default = False
        return option


class Command(_FlagHelp, TyperCommand):
    """Every guarantor command (see :class:`_FlagHelp`)."""


class Group(_FlagHelp, TyperGroup):
    """Every guarantor command group (see :class:`_FlagHelp`)."""


console = Console(highlight=False)
error_console = Console(stderr=True, highlight=False)


def _whole_number_in(field: str, low: int, high: int | None) -> Any:
    """An option callback: a value out of range is bad input (located, exit 1), not a usage box."""

    def check(value: int) -> int:
        if value < low or (high is not None and value > high):
            expected = f"a whole number from {low:,}" + (f" to {high:,}" if high else "")
            fail(
                DataError.single(
                    "out of range", field=field, expected=expected, received=str(value)
                )
            )
        return value

    return check


JsonOption = typer.Option(False, "--json", help="Print the result as JSON.")
WorldsOption = typer.Option(
    DEFAULT_WORLDS,
    "--worlds",
    "-n",
    callback=_whole_number_in("--worlds", 1, MAX_WORLDS),
    help="Number of worlds.",
)
SeedOption = typer.Option(
    DEFAULT_SEED,
    "--seed",
    "-s",
    callback=_whole_number_in("--seed", 0, 2**63 - 1),
    help="Seed of the worlds and every random draw.",
)
TheatreOption = typer.Option(
    DEFAULT_THEATRE, "--theatre", help="A shipped theatre's name or a theatre folder."
)


def format_number(value: Any, unit: str = "") -> str:
    """A number for people: thousands separated, four significant figures, never ``4.24e+04``.

    Whole numbers of 1,000 and more print whole (``42,400``); smaller numbers keep four
    significant figures (``12.35``, ``0.0123``); tiny ones keep three (``1.23e-05`` only below one
    in ten thousand, where a fixed notation would be all zeros). ``None`` and non-finite values
    print as ``—``.
    """
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return "—" if value is None else str(value)
    number = float(value)
    if not math.isfinite(number):
        return "—"
    if number == 0:
        text = "0"
    elif abs(number) >= 1000:
        text = f"{number:,.0f}"
    elif abs(number) >= 1e-4:
        digits = 4 - 1 - math.floor(math.log10(abs(number)))
        text = f"{round(number, digits):,.{max(digits, 0)}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    else:
        text = f"{number:.3g}"
    return f"{text} {unit}".strip() if unit and unit != "1" else text


def format_share(value: Any) -> str:
    """A probability or share of worlds as a percentage (``37.5 %``; ``<0.1 %`` for tiny ones)."""
    if value is None or not isinstance(value, int | float) or not math.isfinite(value):
        return "—"
    share = float(value)
    if 0 < share < 0.001:
        return "<0.1 %"
    if 0.999 < share < 1:
        return ">99.9 %"
    return f"{share:.1%}".replace(".0%", "%").replace("%", " %")


def print_json(value: Any) -> None:
    """Print JSON to standard output (no colour, no wrapping)."""
    from guarantor.serialize import jsonable

    sys.stdout.write(json.dumps(jsonable(value), indent=2, ensure_ascii=False) + "\n")


def print_warnings(warnings: list[str]) -> None:
    """Show the warnings attached to a result (in yellow, on the console with the result)."""
    for warning in warnings:
        console.print(f"[yellow]warning:[/] {warning}", soft_wrap=True)


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
    """Run a command body; bad data or an unreadable file becomes a located report and exit 1."""
    try:
        yield
    except DataError as error:
        fail(error, as_json=as_json)
    except OSError as error:
        # an input that exists but cannot be read (a folder, no permission): the project's
        # ``file: problem`` form, not a traceback
        problem = Problem(f"cannot read: {error.strerror or error}", file=str(error.filename or ""))
        fail(DataError([problem]), as_json=as_json)


@contextmanager
def writing(path: object, what: str, *, field: str = "") -> Iterator[None]:
    """Write an output file; a filesystem error becomes a located DataError (exit 1)."""
    try:
        yield
    except OSError as error:
        problem = Problem(f"cannot write {what}: {error.strerror}", file=str(path), field=field)
        raise DataError([problem]) from None


def check_store(path: Path, *, create: bool = False, field: str = "--store") -> Path:
    """Check that ``path`` can be a results store folder; with ``create``, make it.

    Raises:
        DataError: the path is a file, lies under a file, or cannot be made or written.
    """
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        problem = "is a file" if existing == path else f"lies under a file ({existing})"
        raise DataError.single(
            f"the results store {problem}",
            file=str(path),
            field=field,
            expected="a folder, or a path where one can be made",
        )
    if not create:
        return path
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".guarantor-write-check"
        probe.touch()
        probe.unlink()
    except OSError as error:
        raise DataError.single(
            f"the results store cannot be written: {error.strerror or error}",
            file=str(path),
            field=field,
            expected="a writable folder",
        ) from None
    return path


def readable_file(path: Path, *, field: str) -> Path:
    """Check that an input file exists and is a file.

    Raises:
        DataError: ``file: problem`` when it is missing or a folder.
    """
    if not path.exists():
        raise DataError.single("no such file", file=str(path), field=field)
    if not path.is_file():
        raise DataError.single("not a file", file=str(path), field=field, expected="a file")
    return path


class Steps:
    """A running progress display: name the current step, advance a bar of known length."""

    def __init__(self, bar: Progress) -> None:
        self._bar = bar
        self._task = bar.add_task("", total=None)

    def step(self, description: str) -> None:
        """Show what is being done now."""
        self._bar.update(self._task, description=description)

    def total(self, total: int, completed: int = 0) -> None:
        """Turn the display into a bar of ``total`` steps, ``completed`` done."""
        self._bar.update(self._task, total=total, completed=completed)

    def advance(self, steps: int = 1) -> None:
        """Mark ``steps`` more steps done."""
        self._bar.advance(self._task, steps)


@contextmanager
def progress(label: str, *, show: bool = True) -> Iterator[Steps]:
    """A rich progress display on standard error (hidden with ``show=False``, as for ``--json``).

    It starts as a spinner with the time elapsed and becomes a bar once given a total.
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    bar = Progress(
        SpinnerColumn(),
        TextColumn(f"[bold]{label}[/]" + " {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=error_console,
        disable=not show,
        transient=True,
    )
    with bar:
        yield Steps(bar)


def instrument_section(
    instrument: str,
    package: str | None,
    theatre: str,
    worlds: int,
    seed: int,
    *,
    show: bool,
    label: str | None = None,
    fixed: dict[str, float] | None = None,
    **options: Any,
) -> tuple[Any, Any, Any]:
    """What an instrument's command does first: theatre, package, worlds, one model run.

    The theatre and the package are loaded, the worlds drawn exactly as ``assess`` draws them
    (:func:`instrument_worlds`), ``fixed`` columns (a named scenario, never drawn) set in every
    world, and the instrument's ``assess`` run with ``options``. Returns (theatre, package,
    section over ``worlds`` worlds).
    """
    import importlib

    import numpy as np

    from guarantor.packages import load_package
    from guarantor.theatre import load_theatre

    module = importlib.import_module(f"guarantor.instruments.{instrument}")
    with progress(label or instrument, show=show) as bar:
        bar.step("loading")
        loaded_theatre = load_theatre(theatre)
        loaded = load_package(package, loaded_theatre)
        bar.step(f"{worlds:,} worlds")
        table, rng = instrument_worlds(instrument, worlds, seed)
        if fixed:
            table = {**(table or {}), **{k: np.full(worlds, v) for k, v in fixed.items()}}
        section = module.assess(loaded_theatre, loaded, table, rng=rng, **options).over(worlds)
    return loaded_theatre, loaded, section


def section_json(package: Any, worlds: int, seed: int, section: Any, **more: Any) -> None:
    """Print an instrument command's JSON: the package, worlds, seed, ``more`` and the section."""
    print_json(
        {"package": package.name, "worlds": worlds, "seed": seed, **more, **section.to_dict()}
    )


def instrument_worlds(instrument: str, worlds: int, seed: int) -> tuple[Any, Any]:
    """The worlds and the generator a model runs with, exactly as ``assess`` gives them.

    ``instrument`` is a registry name (``air``, ``maritime``, ``land``, ``sanctions``) or
    ``acceptability``. The worlds are the one sampler's (:func:`guarantor.worlds.sample`, over
    the whole world space) cut to the columns the model reads, so that the same ``--worlds`` and
    ``--seed`` give the same numbers here as in ``assess``; ``None`` when it reads none.
    """
    from guarantor import worlds as world_sampler

    declared: list[str]
    if instrument == "acceptability":
        from guarantor import bargaining

        declared, name = list(bargaining.WORLD_PARAMETERS), "acceptability"
    else:
        from guarantor.instruments import registry

        model = registry.load(instrument)
        declared, name = list(model.world_parameters), model.name
    table = world_sampler.sample(worlds, seed, parameters=world_sampler.space())
    own = world_sampler.columns(table, declared)
    return own or None, world_sampler.model_rng(seed, name)
