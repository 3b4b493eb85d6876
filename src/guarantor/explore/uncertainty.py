"""The uncertainty space as the explorer needs it: a range, a nominal value and a distribution.

The durability model owns the uncertainties (:func:`guarantor.durability.load_uncertainties`),
each with a low–high range and a distribution over it (uniform, triangular around its value, or
log-uniform). :class:`Bounds` keeps that uncertainty and maps points of the unit cube through
*its* inverse CDF (:meth:`guarantor.durability.Uncertainty.from_unit`), so that every analysis
(sweeps, Sobol, tornado, worst case) samples the same distributions as the durability model's own
:func:`~guarantor.durability.sample_worlds`. Plain ``(low, high)`` pairs and quantities without a
distribution are uniform.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.durability.uncertainties import Method, load_uncertainties, unit_sample
from guarantor.errors import DataError, Problem

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Bounds:
    """One uncertainty's range, its nominal (central) value and the distribution over the range.

    ``uncertainty`` is the durability model's :class:`~guarantor.durability.Uncertainty` when the
    bounds come from one: its inverse CDF is then used; otherwise the range is uniform.
    """

    name: str
    low: float
    high: float
    nominal: float
    uncertainty: Any = field(default=None, compare=False, repr=False)

    @property
    def distribution(self) -> str:
        """``uniform``, ``triangular`` or ``loguniform``."""
        return str(getattr(self.uncertainty, "distribution", "uniform"))

    def from_unit(self, unit: FloatArray) -> FloatArray:
        """Map points of [0, 1) onto this uncertainty's distribution (its inverse CDF)."""
        points = np.asarray(unit, dtype=np.float64)
        if self.uncertainty is not None:
            return np.asarray(self.uncertainty.from_unit(points), dtype=np.float64)
        return self.low + points * (self.high - self.low)


def _bound(name: str, item: Any) -> Bounds | Problem:
    if isinstance(item, (tuple, list)) and len(item) in {2, 3}:
        low, high = float(item[0]), float(item[1])
        nominal = float(item[2]) if len(item) == 3 else 0.5 * (low + high)
        carried = None
    else:
        low_value = getattr(item, "low", None)
        high_value = getattr(item, "high", None)
        if low_value is None or high_value is None:
            return Problem(
                "an uncertainty needs a low and a high",
                field=f"uncertainties.{name}",
                expected="low and high",
                received=type(item).__name__,
            )
        low, high = float(low_value), float(high_value)
        central = getattr(item, "value", None)
        nominal = float(central) if central is not None else 0.5 * (low + high)
        carried = item if callable(getattr(item, "from_unit", None)) else None
    if not (np.isfinite(low) and np.isfinite(high) and low <= high):
        return Problem(
            "an uncertainty's range must be finite with low ≤ high",
            field=f"uncertainties.{name}",
            received=f"[{low}, {high}]",
        )
    return Bounds(name, low, high, min(max(nominal, low), high), carried)


def uncertainty_bounds(uncertainties: Any) -> dict[str, Bounds]:
    """Read uncertainties (the durability model's, a mapping of quantities, or ``(low, high)``).

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


def world_bounds(
    path_or_name: str | Path | None = None, *, durability: bool = True
) -> dict[str, Bounds]:
    """Every world parameter of every model (:func:`guarantor.worlds.space`), as bounds.

    A sweep samples these, so that its worlds are the ones every other command draws from the
    same number of worlds and seed; ``path_or_name`` replaces the durability uncertainties (with
    ``durability`` False, for another model, whose names are its own).
    """
    from guarantor.worlds import space

    return {
        p.name: Bounds(p.name, p.low, p.high, min(max(p.nominal, p.low), p.high), p)
        for p in space(path_or_name, check_names=durability)
    }


def load_bounds(
    path_or_name: str | Path | None = None, *, durability: bool = True
) -> dict[str, Bounds]:
    """An uncertainties file (default: the durability model's shipped one), as bounds.

    The file format is the durability model's: ``uncertainties: {name: {value, low, high, unit,
    assumption | source, distribution?}}`` with an optional ``sources:`` registry. With
    ``durability`` (the default model) every name must be one that model reads.

    Raises:
        DataError: the file is missing or malformed, with every problem located.
    """
    return uncertainty_bounds(load_uncertainties(path_or_name, durability=durability))


def varying(bounds: Mapping[str, Bounds]) -> dict[str, Bounds]:
    """Only the uncertainties whose range is not a single point."""
    return {name: bound for name, bound in bounds.items() if bound.high > bound.low}


def nominal_worlds(bounds: Mapping[str, Bounds], size: int) -> dict[str, FloatArray]:
    """``size`` worlds with every uncertainty at its nominal value."""
    return {name: np.full(size, bound.nominal) for name, bound in bounds.items()}


def worlds_from_unit(bounds: Mapping[str, Bounds], unit: FloatArray) -> dict[str, FloatArray]:
    """Worlds from points of the unit cube, one column per uncertainty in ``bounds`` order."""
    cube = np.asarray(unit, dtype=np.float64)
    if cube.ndim != 2 or cube.shape[1] != len(bounds):
        raise ValueError(f"expected a (n, {len(bounds)}) unit sample, got shape {cube.shape}")
    return {
        name: np.ascontiguousarray(bound.from_unit(cube[:, column]))
        for column, (name, bound) in enumerate(bounds.items())
    }


def sample_worlds(
    bounds: Mapping[str, Bounds], n: int, *, seed: int, method: Method = "lhs"
) -> dict[str, FloatArray]:
    """``n`` worlds: a unit-cube sample (durability's ``unit_sample``) through each inverse CDF.

    The cube is drawn from :func:`guarantor.worlds.world_seed` and one world is the nominal one,
    as in :func:`guarantor.worlds.sample`: for :func:`world_bounds` the two give the same worlds.

    Raises:
        DataError: ``n`` is below 1.
    """
    if n < 1:
        raise DataError.single("the number of worlds must be ≥ 1", field="worlds", received=str(n))
    from guarantor.worlds import world_seed

    if n == 1:
        return nominal_worlds(bounds, 1)
    cube = unit_sample(len(bounds), n, seed=world_seed(seed), method=method)
    return worlds_from_unit(bounds, cube)
