"""A package as a point on the bargaining model's issue dimensions, and its utility to actors.

The instruments place the package: each one's ``positions(package)`` (the contract's
:class:`~guarantor.instruments.contract.IssuePosition`, in ``instruments/<name>/issues.py``)
says where the commitments it reads put it on the dimensions they touch. Recognition of occupied
territory, a settlement term no instrument reads, is placed here by the actor file's anchors,
scaled by the share of the occupied areas it names. Where several positions set one dimension
the strongest guarantee counts (the lowest), and on territory the largest concession. A
dimension the package leaves alone takes the status quo's position, and one the status quo
leaves alone its ``unset`` end (no troops, no cap).

The status quo is itself a small package (the actor file's ``status_quo`` levels turned into
commitments) placed by the same instruments, so a package that sets what the status quo sets
sits exactly on it. Each position is drawn within its range with the dimension's one *mapping*
draw per world, shared by package and status quo (common random numbers).

Actor i's utility of a point ``p`` is KTAB's risk-neutral ``u_i(p) = 1 − d_i(p)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.bargaining.actors import ActorSet
from guarantor.errors import DataError, Problem
from guarantor.instruments import registry
from guarantor.instruments.contract import IssuePosition
from guarantor.packages.schema import Instrument, Package, TerritorialRecognition
from guarantor.sourcing import Quantity

FloatArray = NDArray[np.float64]

OCCUPIED_AREAS = 5
"""Crimea, Donetsk, Luhansk, Zaporizhzhia and Kherson: the areas a recognition can name."""

# Where two positions set one dimension, the one furthest towards Russia's end counts for
# recognition (a concession made is made); elsewhere the strongest guarantee counts.
_TAKE_MAX = {"territory"}

# The status quo's levels become commitments of these kinds (field holding the level).
_STATUS_QUO_KINDS = {
    "nato": (Instrument.NATO_MEMBERSHIP, "track"),
    "us_commitment": (Instrument.US_BACKSTOP, "level"),
    "sanctions": (Instrument.SANCTIONS_SNAPBACK, "level"),
    "territory": (Instrument.TERRITORIAL_RECOGNITION, "level"),
}


def _territory(actor_set: ActorSet, package: Package) -> tuple[IssuePosition, ...]:
    """Recognition on the ``territory`` dimension, scaled by the share of the areas named.

    Each named area counts equally (an assumption: the areas differ in size and in what Russia
    holds of them); naming none means all of them.
    """
    try:
        anchors = actor_set.dimension("territory").anchors
    except KeyError:
        return ()
    found = []
    for c in package.commitments:
        if not isinstance(c, TerritorialRecognition) or c.level.value not in anchors:
            continue
        share = len(set(c.areas)) / OCCUPIED_AREAS if c.areas else 1.0
        anchor = anchors[c.level.value]
        low, high = anchor.range
        quantity = Quantity(
            value=anchor.value * share,
            low=low * share,
            high=high * share,
            unit="1",
            assumption=f"{anchor.assumption or 'anchor'}; {share:.0%} of the occupied areas",
        )
        found.append(IssuePosition("territory", quantity, (c.id,), f"{c.level.value} ({c.id})"))
    if not found:
        return ()
    return (max(found, key=lambda p: p.position.value),)


def issue_positions(actor_set: ActorSet, package: Package) -> dict[str, list[IssuePosition]]:
    """Every position the instruments (and the territory anchors) give ``package``, by dimension.

    An instrument that maps to no dimension (or has no ``positions`` yet) adds nothing; a
    dimension the actor file does not model is left out.
    """
    dims = set(actor_set.dimension_ids)
    found: dict[str, list[IssuePosition]] = {}
    for instrument in registry.instruments():
        positions = getattr(instrument, "positions", None)
        for position in positions(package) if callable(positions) else ():
            if position.dimension in dims:
                found.setdefault(position.dimension, []).append(position)
    for position in _territory(actor_set, package):
        found.setdefault("territory", []).append(position)
    return found


def status_quo_package(actor_set: ActorSet) -> Package:
    """The status quo (today's terms if the war goes on) as a package of commitments.

    Raises:
        DataError: a status-quo level the package language does not know.
    """
    commitments: list[dict[str, Any]] = []
    for dimension, level in actor_set.status_quo.items():
        if dimension not in _STATUS_QUO_KINDS:
            continue
        kind, field = _STATUS_QUO_KINDS[dimension]
        commitments.append(
            {
                "id": f"status-quo-{dimension.replace('_', '-')}",
                "actor": "UKR",
                "instrument": kind.value,
                field: level,
            }
        )
    if not commitments:
        commitments.append(
            {
                "id": "status-quo-nato",
                "actor": "UKR",
                "instrument": "nato_membership",
                "track": "open_door",
            }
        )
    try:
        return Package.model_validate(
            {"name": "status-quo", "title": "Status quo", "commitments": commitments}
        )
    except ValueError as error:
        raise DataError(
            [
                Problem(
                    "a status-quo level the package language does not know",
                    field="status_quo",
                    received=str(error).splitlines()[0],
                )
            ]
        ) from None


def _drawn(quantity: Quantity, unit: FloatArray | None, size: int) -> FloatArray:
    if unit is None:
        return np.full(size, float(quantity.value))
    low, high = quantity.range
    return np.asarray(low + (high - low) * unit, dtype=np.float64)


def _combine(
    positions: list[IssuePosition], dimension: str, unit: FloatArray | None, size: int
) -> FloatArray:
    values = np.stack([_drawn(p.position, unit, size) for p in positions])
    combined = values.max(axis=0) if dimension in _TAKE_MAX else values.min(axis=0)
    return np.asarray(combined, dtype=np.float64)


def package_point(
    actor_set: ActorSet,
    package: Package | None,
    size: int = 1,
    mapping: Mapping[str, FloatArray] | None = None,
) -> tuple[FloatArray, list[str]]:
    """The point of a package (or of the status quo, for ``None``) on every dimension, per world.

    ``mapping`` gives, per dimension, the uniform draw (per world) that places each position
    within its range (``None``: central values). Returns the points (size, d) and, per
    dimension, how the point was set.
    """
    quo = issue_positions(actor_set, status_quo_package(actor_set))
    own = issue_positions(actor_set, package) if package is not None else {}
    columns, how = [], []
    for dimension in actor_set.dimensions:
        d = dimension.id
        unit = None if mapping is None else mapping.get(f"mapping.{d}")
        if d in own:
            columns.append(_combine(own[d], d, unit, size))
            how.append(f"{d}: " + "; ".join(p.why for p in own[d]))
        elif d in quo:
            columns.append(_combine(quo[d], d, unit, size))
            how.append(f"{d}: status quo ({'; '.join(p.why for p in quo[d])})")
        else:
            unset = dimension.unset
            value = 1.0 if unset is None else float(unset.value)
            columns.append(np.full(size, value))
            how.append(f"{d}: no commitment")
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
