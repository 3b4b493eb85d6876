"""Actor files: positions, saliences and capabilities on issue dimensions, with sources.

An actor file (``data/actors-2025.yaml``) declares the issue dimensions (0 = the most
pro-Ukraine, pro-guarantee end, 1 = the most pro-Russian end) with how a package's commitments map
onto each, the actors with their capability, position, salience, war cost and red lines, the
bodies that ratify by unanimity, and today's status quo. Every number is a :class:`Quantity`:
sourced, or a flagged assumption with a range that Monte Carlo sampling sweeps.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal, Self

import numpy as np
from pydantic import Field, model_validator

from guarantor.bargaining.table import SALIENCE_LIMIT, ActorTable
from guarantor.errors import DataError, Problem
from guarantor.sourcing import Quantity, Source, Strict, check_source_refs, validate_as
from guarantor.theatre.schema import Identifier
from guarantor.yamlio import LineMap, load_yaml

DEFAULT_ACTORS = "actors-2025"
_TOLERANCE = 1e-9


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


def _data_root() -> Path:
    return Path(str(resources.files("guarantor.bargaining") / "data"))


def shipped_actor_sets() -> list[str]:
    """Names of the actor files shipped inside guarantor."""
    return sorted(path.stem for path in _data_root().glob("*.yaml"))


def actors_path(name_or_path: str | Path | None) -> Path:
    """Resolve a shipped actor file's name or a path (default: the shipped 2025 actors)."""
    name_or_path = DEFAULT_ACTORS if name_or_path is None else name_or_path
    path = Path(name_or_path)
    if path.suffix in {".yaml", ".yml"} and path.exists():
        return path
    shipped = _data_root() / f"{name_or_path}.yaml"
    if shipped.exists():
        return shipped
    raise DataError(
        [
            Problem(
                "no such actor file",
                field="actors",
                expected=f"a YAML file or one of {shipped_actor_sets()}",
                received=str(name_or_path),
            )
        ]
    )


def _cross_checks(actor_set: ActorSet, raw: dict[str, Any], lines: LineMap) -> list[Problem]:
    problems: list[Problem] = []
    dims = set(actor_set.dimension_ids)
    ids = actor_set.actor_ids
    for name, group in (("dimension", actor_set.dimension_ids), ("actor", ids)):
        repeated = sorted({x for x in group if group.count(x) > 1})
        if repeated:
            problems.append(
                lines.problem([f"{name}s"], f"duplicate {name} ids", received=", ".join(repeated))
            )
    for index, actor in enumerate(actor_set.actors):
        for field in ("position", "salience"):
            mapping: dict[str, Quantity] = getattr(actor, field)
            for dimension in mapping:
                if dimension not in dims:
                    problems.append(
                        lines.problem(
                            ["actors", index, field, dimension],
                            "unknown dimension",
                            expected=f"one of {sorted(dims)}",
                            received=dimension,
                        )
                    )
            for dimension in sorted(dims - set(mapping)):
                problems.append(
                    lines.problem(
                        ["actors", index, field],
                        f"missing {field} on a dimension",
                        expected=dimension,
                        received="nothing",
                    )
                )
        for dimension in actor.statements:
            if dimension not in dims:
                problems.append(
                    lines.problem(
                        ["actors", index, "statements", dimension],
                        "unknown dimension",
                        expected=f"one of {sorted(dims)}",
                        received=dimension,
                    )
                )
        total = sum(q.value for q in actor.salience.values())
        if total > SALIENCE_LIMIT + _TOLERANCE:
            problems.append(
                lines.problem(
                    ["actors", index, "salience"],
                    "saliences of one actor sum over the limit",
                    expected=f"a sum ≤ {SALIENCE_LIMIT:g}",
                    received=f"{total:g}",
                )
            )
        for number, line in enumerate(actor.red_lines):
            if line.dimension not in dims:
                problems.append(
                    lines.problem(
                        ["actors", index, "red_lines", number, "dimension"],
                        "unknown dimension",
                        expected=f"one of {sorted(dims)}",
                        received=line.dimension,
                    )
                )
    for index, body in enumerate(actor_set.bodies):
        for number, member in enumerate(body.members):
            if member not in ids:
                problems.append(
                    lines.problem(
                        ["bodies", index, "members", number],
                        "unknown actor",
                        expected="an actor id of this file",
                        received=member,
                    )
                )
    for dimension, level in actor_set.status_quo.items():
        if dimension not in dims:
            problems.append(
                lines.problem(
                    ["status_quo", dimension],
                    "unknown dimension",
                    expected=f"one of {sorted(dims)}",
                    received=dimension,
                )
            )
            continue
        spec = actor_set.dimension(dimension)
        if spec.anchors and level not in spec.anchors:
            problems.append(
                lines.problem(
                    ["status_quo", dimension],
                    "unknown level",
                    expected=f"one of {sorted(spec.anchors)}",
                    received=level,
                )
            )
    problems.extend(check_source_refs(raw, actor_set.sources, lines))
    return problems


def parse_actors(raw: Any, lines: LineMap) -> ActorSet:
    """Validate parsed YAML as an actor file.

    Raises:
        DataError: every problem, located by file, line and dotted field.
    """
    if not isinstance(raw, dict):
        raise DataError(
            [lines.problem([], "an actor file is a mapping", received=type(raw).__name__)]
        )
    problems: list[Problem] = []
    # Report a missing capability in plain words before pydantic's generic message.
    listed = raw.get("actors")
    for index, actor in enumerate(listed if isinstance(listed, list) else []):
        if isinstance(actor, dict) and "capability" not in actor:
            problems.append(
                lines.problem(
                    ["actors", index],
                    "missing capability",
                    expected="capability: {value, unit, source|assumption}",
                    received="nothing",
                )
            )
    if problems:
        # Check the rest with a stand-in capability so that every problem is reported at once.
        stand_in = {"value": 1.0, "low": 1.0, "high": 1.0, "unit": "1", "assumption": "stand-in"}
        patched = {
            **raw,
            "actors": [
                {**actor, "capability": stand_in}
                if isinstance(actor, dict) and "capability" not in actor
                else actor
                for actor in (listed if isinstance(listed, list) else [])
            ],
        }
        try:
            parse_actors(patched, lines)
        except DataError as error:
            problems.extend(error.problems)
        raise DataError(problems)
    actor_set = validate_as(ActorSet, raw, lines)
    problems = _cross_checks(actor_set, raw, lines)
    if problems:
        raise DataError(problems)
    return actor_set


def load_actors(path_or_name: str | Path | None = None) -> ActorSet:
    """Load an actor file by shipped name or path, validate it and check its references.

    Raises:
        DataError: salience sums over the limit, unknown dimensions, missing capabilities and
            every other problem found, each located by file, line and field.
    """
    path = actors_path(path_or_name)
    return _load_cached(str(path.resolve()), path.stat().st_mtime_ns)


@lru_cache(maxsize=16)
def _load_cached(path: str, mtime_ns: int) -> ActorSet:
    """One parse per file version: an actor set is frozen, so every caller may share it."""
    del mtime_ns  # part of the cache key only: an edited file is read again
    raw, lines = load_yaml(Path(path))
    return parse_actors(raw, lines)
