"""The uncertainty space as the explorer needs it: a name, a low–high range and a nominal value.

The durability model owns the uncertainties (``guarantor.durability.load_uncertainties``); this
module reads whatever shape they come in (a mapping of :class:`~guarantor.sourcing.Quantity`,
objects with ``low``/``high``/``value``, or plain ``(low, high)`` pairs) into :class:`Bounds`.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.errors import DataError, Problem


@dataclass(frozen=True)
class Bounds:
    """One uncertainty's range and its nominal (central) value."""

    name: str
    low: float
    high: float
    nominal: float


def _bound(name: str, item: Any) -> Bounds | Problem:
    if isinstance(item, (tuple, list)) and len(item) in {2, 3}:
        low, high = float(item[0]), float(item[1])
        nominal = float(item[2]) if len(item) == 3 else 0.5 * (low + high)
    else:
        quantity = getattr(item, "quantity", item)
        low_value = getattr(item, "low", getattr(quantity, "low", None))
        high_value = getattr(item, "high", getattr(quantity, "high", None))
        if low_value is None or high_value is None:
            return Problem(
                "an uncertainty needs a low and a high",
                field=f"uncertainties.{name}",
                expected="low and high",
                received=type(item).__name__,
            )
        low, high = float(low_value), float(high_value)
        central = getattr(item, "value", getattr(quantity, "value", None))
        nominal = float(central) if central is not None else 0.5 * (low + high)
    if not (np.isfinite(low) and np.isfinite(high) and low <= high):
        return Problem(
            "an uncertainty's range must be finite with low ≤ high",
            field=f"uncertainties.{name}",
            received=f"[{low}, {high}]",
        )
    return Bounds(name, low, high, min(max(nominal, low), high))


def uncertainty_bounds(uncertainties: Any) -> dict[str, Bounds]:
    """Read the uncertainties' ranges (see the module docstring).

    Raises:
        DataError: an uncertainty has no range, or a range is inverted or infinite.
    """
    items = getattr(uncertainties, "uncertainties", uncertainties)
    if isinstance(items, Mapping):
        pairs = list(items.items())
    else:
        pairs = [(str(getattr(item, "name", index)), item) for index, item in enumerate(items)]
    bounds: dict[str, Bounds] = {}
    problems: list[Problem] = []
    for name, item in pairs:
        found = _bound(str(name), item)
        if isinstance(found, Problem):
            problems.append(found)
        else:
            bounds[str(name)] = found
    if problems:
        raise DataError(problems)
    return bounds


def varying(bounds: Mapping[str, Bounds]) -> dict[str, Bounds]:
    """Only the uncertainties whose range is not a single point."""
    return {name: bound for name, bound in bounds.items() if bound.high > bound.low}


def load_bounds(path_or_name: str | None = None) -> dict[str, Bounds]:
    """The durability model's uncertainties, as bounds."""
    durability: Any = importlib.import_module("guarantor.durability")
    return uncertainty_bounds(durability.load_uncertainties(path_or_name))


def nominal_worlds(bounds: Mapping[str, Bounds], size: int) -> dict[str, NDArray[np.float64]]:
    """``size`` worlds with every uncertainty at its nominal value."""
    return {name: np.full(size, bound.nominal) for name, bound in bounds.items()}


def read_ranges(path: str | Path) -> dict[str, Bounds]:
    """Read a ranges file: ``uncertainties: {name: {value, low, high, unit, assumption}}``.

    Every entry is a quantity (sourced with a range, or a flagged assumption with one), so a
    ranges file follows the same rule as all shipped data.

    Raises:
        DataError: the file is missing or malformed, with every problem located.
    """
    from pydantic import TypeAdapter, ValidationError

    from guarantor.errors import short_repr
    from guarantor.sourcing import Quantity
    from guarantor.yamlio import load_yaml

    try:
        raw, lines = load_yaml(Path(path))
    except FileNotFoundError:
        raise DataError.single("no such ranges file", file=str(path)) from None
    entries = raw.get("uncertainties") if isinstance(raw, dict) else None
    if not isinstance(entries, dict) or not entries:
        raise DataError([lines.problem([], "expected a mapping 'uncertainties' of quantities")])
    try:
        quantities = TypeAdapter(dict[str, Quantity]).validate_python(entries)
    except ValidationError as error:
        raise DataError(
            [
                lines.problem(
                    ["uncertainties", *(part for part in detail["loc"][:1])],
                    detail["msg"].removeprefix("Value error, "),
                    received=short_repr(detail.get("input")),
                )
                for detail in error.errors(include_url=False)
            ]
        ) from None
    problems = [
        lines.problem(["uncertainties", name], "an uncertainty needs a low and a high")
        for name, quantity in quantities.items()
        if quantity.low is None or quantity.high is None
    ]
    if problems:
        raise DataError(problems)
    return uncertainty_bounds(quantities)


def latin_hypercube(
    bounds: Mapping[str, Bounds], n: int, *, seed: int
) -> dict[str, NDArray[np.float64]]:
    """``n`` worlds by Latin hypercube sampling, uniform within each range."""
    from scipy.stats import qmc

    if n < 1:
        raise DataError.single("the number of worlds must be ≥ 1", field="worlds", received=str(n))
    free = varying(bounds)
    worlds = nominal_worlds(bounds, n)
    if free:
        sample = qmc.LatinHypercube(d=len(free), seed=np.random.default_rng(seed)).random(n)
        lows = np.array([bound.low for bound in free.values()])
        highs = np.array([bound.high for bound in free.values()])
        scaled = qmc.scale(sample, lows, highs)
        for column, name in enumerate(free):
            worlds[name] = np.ascontiguousarray(scaled[:, column])
    return worlds
