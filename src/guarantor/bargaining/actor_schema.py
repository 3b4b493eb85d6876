"""The actor file's language: dimensions, actors, red lines, coded statements and bodies.

The pydantic models an actor file (:mod:`~guarantor.bargaining.actors`) validates against, and
:meth:`ActorSet.sample`, which turns the file's numbers into arrays over worlds. Every number is a
:class:`~guarantor.sourcing.Quantity`: sourced, or a flagged assumption with a range.
"""

from __future__ import annotations

from typing import Literal, Self

import numpy as np
from pydantic import Field, model_validator

from guarantor.bargaining.table import SALIENCE_LIMIT, ActorTable
from guarantor.sourcing import Quantity, Source, Strict
from guarantor.theatre.schema import Identifier


class Scale(Strict):
    """A numeric dimension: the amount at which the position is 0 and the one at which it is 1."""

    zero_at: Quantity
    one_at: Quantity

    @model_validator(mode="after")
    def _distinct(self) -> Self:
        if self.zero_at.value == self.one_at.value:
            raise ValueError("zero_at and one_at must differ")
        return self


class Dimension(Strict):
    """An issue dimension: what its ends mean, and where a package that sets nothing sits.

    The instruments place a package on the dimensions their commitments touch (their
    ``positions``); settlement terms no instrument reads (recognition of territory) are placed
    by ``anchors`` here. ``unset`` is the position when neither the package nor the status quo
    sets the dimension (no troops, no cap).
    """

    id: Identifier
    name: str
    zero_means: str
    one_means: str
    anchors: dict[str, Quantity] = Field(default_factory=dict)
    scale: Scale | None = None
    unset: Quantity | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _one_mapping(self) -> Self:
        if self.anchors and self.scale is not None:
            raise ValueError("give 'anchors' (named levels) or 'scale' (an amount), not both")
        for level, anchor in self.anchors.items():
            if not 0 <= anchor.value <= 1:
                raise ValueError(f"anchor {level!r} must lie in [0, 1], got {anchor.value}")
        return self


class CodedStatement(Strict):
    """A dated statement and the number an analyst reads from it on a dimension's 0-1 scale."""

    value: float = Field(ge=0.0, le=1.0)
    said: str
    date: str
    source: str


CODING_SD = 0.05
"""Least spread of a coding fitted to statements: the analyst's reading error (an assumption)."""


def fitted(statements: tuple[CodedStatement, ...]) -> tuple[float, float] | None:
    """Mean and spread of the codings of ``statements`` (None without any).

    The spread is the codings' standard deviation, at least :data:`CODING_SD`: statements that
    agree still leave the reading of each uncertain.
    """
    if not statements:
        return None
    values = np.array([s.value for s in statements])
    return float(values.mean()), max(float(values.std()), CODING_SD)


class RedLine(Strict):
    """An actor refuses any package whose point lies below (or above) a threshold.

    With ``statements`` the threshold is drawn from a normal distribution fitted to their
    codings (mean and spread, :func:`fitted`), truncated to the threshold's range; without
    them, uniformly within the range.
    """

    dimension: Identifier
    veto_if: Literal["below", "above"]
    threshold: Quantity
    statement: str
    source: str | None = None
    statements: tuple[CodedStatement, ...] = ()


class ActorEntry(Strict):
    """One actor's capability, positions, saliences, war cost and red lines."""

    id: Identifier
    name: str
    capability: Quantity
    war_cost: Quantity
    position: dict[Identifier, Quantity]
    salience: dict[Identifier, Quantity]
    red_lines: tuple[RedLine, ...] = ()
    statements: dict[Identifier, tuple[CodedStatement, ...]] = Field(default_factory=dict)
    note: str | None = None

    @model_validator(mode="after")
    def _ranges(self) -> Self:
        if self.capability.value <= 0 or self.capability.range[0] <= 0:
            raise ValueError("capability must be > 0")
        for dimension, quantity in {**self.position, **self.salience}.items():
            low, high = quantity.range
            if low < 0 or high > 1:
                raise ValueError(f"{dimension}: positions and saliences lie in [0, 1]")
        return self


class Body(Strict):
    """A body that decides by unanimity (NATO, the EU) and the instruments it must approve."""

    id: Identifier
    name: str
    members: tuple[Identifier, ...]
    approves: tuple[str, ...]
    source: str | None = None


class ActorSet(Strict):
    """An actor file: dimensions, actors, unanimity bodies and the status quo."""

    name: Identifier
    title: str
    as_of: str | None = None
    sources: dict[Identifier, Source] = Field(default_factory=dict)
    dimensions: tuple[Dimension, ...] = Field(min_length=1)
    actors: tuple[ActorEntry, ...] = Field(min_length=2)
    bodies: tuple[Body, ...] = ()
    status_quo: dict[Identifier, str] = Field(default_factory=dict)
    status_quo_note: str | None = None

    @property
    def dimension_ids(self) -> tuple[str, ...]:
        """Dimension ids in file order."""
        return tuple(d.id for d in self.dimensions)

    @property
    def actor_ids(self) -> tuple[str, ...]:
        """Actor ids in file order."""
        return tuple(a.id for a in self.actors)

    def dimension(self, dimension_id: str) -> Dimension:
        """Return the dimension with this id."""
        for dimension in self.dimensions:
            if dimension.id == dimension_id:
                return dimension
        raise KeyError(f"no dimension {dimension_id!r}")

    def sample(
        self,
        size: int,
        rng: np.random.Generator | None,
        *,
        values: dict[str, np.ndarray] | None = None,
    ) -> dict[str, np.ndarray]:
        """Actors' numbers over ``size`` worlds; central values without ``rng`` and ``values``.

        ``values`` are codings already drawn (:func:`guarantor.bargaining.codings.draw`), by
        name. Returns arrays with a leading world axis: ``capability`` (w, n), ``position`` and
        ``salience`` (w, n, d; saliences scaled down where a draw sums over the limit),
        ``war_cost`` (w, n).
        """
        from guarantor.bargaining.codings import codings, draw

        coded = {c.name: c for c in codings(self)}
        if values is None:
            values = draw(tuple(coded.values()), size, rng=rng)

        def column(name: str) -> np.ndarray:
            if values is None:
                return np.full(size, coded[name].central)
            return np.asarray(values[name], dtype=np.float64)

        dims = self.dimension_ids
        ids = self.actor_ids
        capability = np.stack([column(f"{a}.capability") for a in ids], axis=1)
        war_cost = np.stack([column(f"{a}.war_cost") for a in ids], axis=1)
        position = np.stack(
            [np.stack([column(f"{a}.position.{d}") for d in dims], axis=1) for a in ids], axis=1
        )
        salience = np.stack(
            [np.stack([column(f"{a}.salience.{d}") for d in dims], axis=1) for a in ids], axis=1
        )
        total = salience.sum(axis=2, keepdims=True)
        salience = np.where(total > SALIENCE_LIMIT, salience * SALIENCE_LIMIT / total, salience)
        return {
            "capability": capability,
            "position": position,
            "salience": salience,
            "war_cost": war_cost,
        }

    def table(self) -> ActorTable:
        """The central values as an :class:`ActorTable` for the SMP and BDM engines."""
        central = self.sample(1, None)
        return ActorTable(
            name=self.name,
            description=self.title,
            actors=self.actor_ids,
            dimensions=self.dimension_ids,
            capability=central["capability"][0],
            position=central["position"][0],
            salience=central["salience"][0],
            actor_descriptions=tuple(a.name for a in self.actors),
        )
