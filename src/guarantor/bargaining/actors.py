"""Actor files: positions, saliences and capabilities on issue dimensions, with sources.

An actor file (``data/actors-2025.yaml``) declares the issue dimensions (0 = the most
pro-Ukraine, pro-guarantee end, 1 = the most pro-Russian end) with how a package's commitments map
onto each, the actors with their capability, position, salience, war cost and red lines, the
bodies that ratify by unanimity, and today's status quo. Every number is a :class:`Quantity`:
sourced, or a flagged assumption with a range that Monte Carlo sampling sweeps.

This module finds, loads and cross-checks actor files (every problem at once, located by file,
line and field); the models they validate against are in :mod:`~guarantor.bargaining.actor_schema`,
whose names it re-exports.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from guarantor.bargaining.actor_schema import (
    CODING_SD,
    ActorEntry,
    ActorSet,
    Body,
    CodedStatement,
    Dimension,
    RedLine,
    Scale,
    fitted,
)
from guarantor.bargaining.table import SALIENCE_LIMIT
from guarantor.errors import DataError, Problem
from guarantor.sourcing import Quantity, check_source_refs, validate_as
from guarantor.yamlio import LineMap, load_yaml

DEFAULT_ACTORS = "actors-2025"
_TOLERANCE = 1e-9

__all__ = [
    "CODING_SD",
    "DEFAULT_ACTORS",
    "ActorEntry",
    "ActorSet",
    "Body",
    "CodedStatement",
    "Dimension",
    "RedLine",
    "Scale",
    "actors_path",
    "fitted",
    "load_actors",
    "parse_actors",
    "shipped_actor_sets",
]


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
