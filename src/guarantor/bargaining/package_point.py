"""A package as a point on the bargaining model's issue dimensions, and its utility to actors.

A package's commitments set its point ``p``: the strongest guarantee where several commitments
set one dimension, the largest concession on territory (scaled by the share of the occupied
areas it names), forces counting on "foreign troops" only when stationed inside Ukraine; a
dimension the package leaves alone takes the status quo. Actor i's utility of ``p`` is KTAB's
risk-neutral ``u_i(p) = 1 − d_i(p)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.bargaining.actors import ActorSet, Dimension
from guarantor.errors import DataError, Problem
from guarantor.packages.schema import (
    ArmyCap,
    ForceLocation,
    Instrument,
    NatoMembership,
    Package,
    ReassuranceForce,
    SanctionsSnapback,
    TerritorialRecognition,
    UsBackstop,
    magnitude,
)
from guarantor.sourcing import Quantity

FloatArray = NDArray[np.float64]


def _levels(package: Package, dimension: str) -> list[str]:
    """Named levels a package sets on an anchored dimension."""
    if dimension == "nato":
        return [
            c.track.value
            for c in package.of(Instrument.NATO_MEMBERSHIP)
            if isinstance(c, NatoMembership)
        ]
    if dimension == "us_commitment":
        return [
            c.level.value for c in package.of(Instrument.US_BACKSTOP) if isinstance(c, UsBackstop)
        ]
    if dimension == "territory":
        return [
            c.level.value
            for c in package.of(Instrument.TERRITORIAL_RECOGNITION)
            if isinstance(c, TerritorialRecognition)
        ]
    if dimension == "sanctions":
        return [
            c.level.value
            for c in package.of(Instrument.SANCTIONS_SNAPBACK)
            if isinstance(c, SanctionsSnapback)
        ]
    return []


def _amount(package: Package, dimension: str) -> float | None:
    """The amount a package sets on a numeric dimension (None: no commitment)."""
    if dimension == "foreign_troops":
        forces = [
            magnitude(c.troops)
            for c in package.of(Instrument.REASSURANCE_FORCE)
            if isinstance(c, ReassuranceForce) and c.location is ForceLocation.INSIDE_UKRAINE
        ]
        return float(sum(forces))
    if dimension == "army_cap":
        caps = [
            magnitude(c.troops) for c in package.of(Instrument.ARMY_CAP) if isinstance(c, ArmyCap)
        ]
        return min(caps) if caps else None
    return None


OCCUPIED_AREAS = 5
"""Crimea, Donetsk, Luhansk, Zaporizhzhia and Kherson: the areas a recognition can name."""


def _territory_share(package: Package) -> float:
    """Share of the occupied areas a recognition covers: all of them when it names none.

    Each named area counts equally (an assumption: the areas differ in size and in what Russia
    holds of them); the position on the territory dimension scales with the share.
    """
    shares = [
        len(set(c.areas)) / OCCUPIED_AREAS if c.areas else 1.0
        for c in package.of(Instrument.TERRITORIAL_RECOGNITION)
        if isinstance(c, TerritorialRecognition)
    ]
    return max(shares, default=1.0)


# Where two commitments set one dimension, the one furthest towards Russia's end counts for
# recognition (a concession made is made); elsewhere the strongest guarantee counts.
_TAKE_MAX = {"territory"}


def draw_in_range(quantity: Quantity, size: int, rng: np.random.Generator | None) -> FloatArray:
    """``size`` uniform draws within the quantity's range (its value everywhere without ``rng``)."""
    if rng is None:
        return np.full(size, quantity.value)
    low, high = quantity.range
    return low + (high - low) * rng.random(size)


def _scale_position(
    dimension: Dimension, amount: float, size: int, rng: np.random.Generator | None
) -> FloatArray:
    assert dimension.scale is not None
    zero = draw_in_range(dimension.scale.zero_at, size, rng)
    one = draw_in_range(dimension.scale.one_at, size, rng)
    return np.clip((amount - zero) / (one - zero), 0.0, 1.0)


def package_point(
    actor_set: ActorSet,
    package: Package | None,
    size: int = 1,
    rng: np.random.Generator | None = None,
) -> tuple[FloatArray, list[str]]:
    """The point of a package (or of the status quo, for ``None``) on every dimension, per world.

    Returns the points (size, d) and, per dimension, how the point was set.
    """
    columns, how = [], []
    for dimension in actor_set.dimensions:
        if dimension.anchors:
            levels = _levels(package, dimension.id) if package is not None else []
            levels = [level for level in levels if level in dimension.anchors]
            if not levels:
                level = actor_set.status_quo.get(dimension.id)
                if level is None or level not in dimension.anchors:
                    raise DataError(
                        [
                            Problem(
                                "the package sets nothing on this dimension and the actor file "
                                "gives no status-quo level",
                                field=f"status_quo.{dimension.id}",
                            )
                        ]
                    )
                levels = [level]
                how.append(f"{dimension.id}: status quo ({level})")
            else:
                how.append(f"{dimension.id}: {', '.join(levels)}")
            values = np.stack(
                [draw_in_range(dimension.anchors[level], size, rng) for level in levels]
            )
            column = values.max(axis=0) if dimension.id in _TAKE_MAX else values.min(axis=0)
            if dimension.id == "territory" and package is not None:
                column = column * _territory_share(package)
            columns.append(column)
        else:
            amount = _amount(package, dimension.id) if package is not None else None
            if amount is None:
                columns.append(
                    np.zeros(size)
                    if dimension.id == "army_cap"
                    else _scale_position(dimension, 0.0, size, rng)
                )
                how.append(f"{dimension.id}: no commitment")
            else:
                columns.append(_scale_position(dimension, amount, size, rng))
                how.append(f"{dimension.id}: {amount:g}")
    return np.stack(columns, axis=1), how


def utility_of_point(ideal: FloatArray, salience: FloatArray, point: FloatArray) -> FloatArray:
    """KTAB's risk-neutral utility ``1 − d`` of ``point`` (w, d) to each actor (w, n, d)."""
    weighted = salience * (ideal - point[:, None, :])
    distance = np.sqrt(np.sum(weighted**2, axis=2) / np.sum(salience**2, axis=2))
    return np.asarray(1.0 - distance, dtype=np.float64)


def describe_point(actor_set: ActorSet, package: Package) -> dict[str, Any]:
    """The package's point on each dimension at central values, with how it was set."""
    point, how = package_point(actor_set, package)
    return {
        dim: {"position": float(point[0, k]), "set_by": how[k]}
        for k, dim in enumerate(actor_set.dimension_ids)
    }
