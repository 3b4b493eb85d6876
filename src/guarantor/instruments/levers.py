"""Building blocks for instruments' sweep levers: scale pledges, scale amounts, choose a level.

Amounts are scaled proportionally across a package's pledges and rounded with the largest
remainder method, so that "60 aircraft" means exactly 60 aircraft spread over the same bases in
the same proportions as the original plan. Level levers set the level of every commitment of
their kind, adding one when the package has none. Copies are made with pydantic's
``model_copy(update=...)``: a shipped package is never touched.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from guarantor.errors import DataError, Problem
from guarantor.instruments.contract import Lever, LeverValue
from guarantor.packages.schema import Commitment, Instrument, Package, magnitude


def apportion(weights: Sequence[float], total: float, integer: bool) -> list[float]:
    """Split ``total`` in proportion to ``weights`` (largest remainder when ``integer``)."""
    share = np.asarray(weights, dtype=np.float64)
    share = share / share.sum() if share.sum() > 0 else np.full(share.size, 1.0 / share.size)
    exact = share * total
    if not integer:
        return [float(value) for value in exact]
    whole = np.floor(exact)
    missing = round(total) - int(whole.sum())
    order = np.argsort(-(exact - whole), kind="stable")
    whole[order[:missing]] += 1
    return [float(value) for value in whole]


def _missing(package: Package, lever: str, instrument: Instrument) -> DataError:
    return DataError(
        [
            Problem(
                f"package {package.name!r} has no {instrument.value} commitment "
                f"for lever {lever!r}",
                field=f"levers.{lever}",
                expected=f"a package with a {instrument.value} commitment",
                received=package.name,
            )
        ]
    )


def pledge_lever(
    name: str,
    description: str,
    unit: str,
    *,
    kind: type[Any],
    field: str,
    instrument: Instrument,
    low: float,
    high: float,
    step: float,
) -> Lever:
    """A lever that sets the total ``count`` of the pledges in a list field (aircraft, ships)."""

    def apply(package: Package, value: LeverValue) -> tuple[Commitment, ...]:
        slots = [
            (index, number, magnitude(pledge.count))
            for index, commitment in enumerate(package.commitments)
            if isinstance(commitment, kind)
            for number, pledge in enumerate(getattr(commitment, field))
        ]
        if not slots:
            raise _missing(package, name, instrument)
        counts = apportion([weight for *_, weight in slots], float(value), integer=True)
        commitments = list(package.commitments)
        for (index, number, _), count in zip(slots, counts, strict=True):
            commitment = commitments[index]
            pledges = list(getattr(commitment, field))
            pledges[number] = pledges[number].model_copy(update={"count": count})
            commitments[index] = commitment.model_copy(update={field: tuple(pledges)})
        return tuple(commitments)

    def read(package: Package) -> LeverValue:
        return float(
            sum(
                magnitude(pledge.count)
                for commitment in package.commitments
                if isinstance(commitment, kind)
                for pledge in getattr(commitment, field)
            )
        )

    return Lever(name, description, unit, apply, read, low, high, step)


def amount_lever(
    name: str,
    description: str,
    unit: str,
    *,
    kind: type[Any],
    field: str,
    instrument: Instrument,
    integer: bool,
    low: float,
    high: float,
    step: float,
) -> Lever:
    """A lever that sets the total of one amount field across commitments (troops, monitors)."""

    def apply(package: Package, value: LeverValue) -> tuple[Commitment, ...]:
        slots = [
            (index, magnitude(getattr(commitment, field)))
            for index, commitment in enumerate(package.commitments)
            if isinstance(commitment, kind) and getattr(commitment, field) is not None
        ]
        if not slots:
            raise _missing(package, name, instrument)
        amounts = apportion([weight for _, weight in slots], float(value), integer=integer)
        commitments = list(package.commitments)
        for (index, _), amount in zip(slots, amounts, strict=True):
            commitments[index] = commitments[index].model_copy(update={field: amount})
        return tuple(commitments)

    def read(package: Package) -> LeverValue:
        return float(
            sum(
                magnitude(getattr(commitment, field))
                for commitment in package.commitments
                if isinstance(commitment, kind)
            )
        )

    return Lever(name, description, unit, apply, read, low, high, step)


def level_lever(
    name: str,
    description: str,
    *,
    kind: type[Any],
    field: str,
    levels: Callable[[str], Any],
    choices: tuple[str, ...],
    added: Callable[[Any], Commitment],
) -> Lever:
    """A lever that sets a level on every commitment of a kind (adding one if there is none)."""

    def apply(package: Package, value: LeverValue) -> tuple[Commitment, ...]:
        level = levels(str(value))
        commitments = [
            c.model_copy(update={field: level}) if isinstance(c, kind) else c
            for c in package.commitments
        ]
        if not any(isinstance(c, kind) for c in package.commitments):
            commitments.append(added(level))
        return tuple(commitments)

    def read(package: Package) -> LeverValue:
        found = [str(getattr(c, field)) for c in package.commitments if isinstance(c, kind)]
        return found[0] if found else "none"

    return Lever(name, description, "level", apply, read, choices=choices)


def replaced(commitment: Commitment, **update: Any) -> Commitment:
    """A copy of ``commitment`` with fields replaced (for effects)."""
    copy: Commitment = commitment.model_copy(update=update)
    return copy
