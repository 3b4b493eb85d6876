"""Experiments as a design: package variants × worlds, with a hash and an experiment index.

An *experiment* is one package (a design point) in one world. The design lists the points and
the worlds; experiment ``e`` is point ``e // n_worlds`` in world ``e % n_worlds``. The work is
cut into *chunks*, each one package over a contiguous range of worlds, so that a chunk is a single
vectorised kernel call. The design hash covers everything that determines the numbers (packages,
worlds, seed, months, model, theatre) and nothing that does not (chunk size, executor), so a run
resumed with another executor or more workers is recognised as the same run.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.errors import DataError, Problem
from guarantor.explore.variants import (
    LeverValue,
    apply_levers,
    parse_variant_spec,
    variant_label,
)
from guarantor.packages import Package, load_package
from guarantor.theatre import DEFAULT_THEATRE, Theatre, theatre_path

DEFAULT_MODEL = "guarantor.durability:run"
DEFAULT_CHUNK_SIZE = 25_000
"""Worlds per chunk by default. Large enough that a call's fixed costs (the sanctions model's
per-chunk work, the Parquet commit) stay small; small enough that two workers' working sets
share the machine's caches: on 2 cores, 2 workers against 1 went from 1.57-1.65x at 50,000
worlds to 1.72-1.77x at 25,000, and each worker was faster too (benchmarks/bench_explore.py)."""


def _digest(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def package_hash(package: Package) -> str:
    """A content hash of a package (every commitment, amount and trigger)."""
    return _digest(package.model_dump(mode="json"))


def theatre_hash(name_or_path: str | Path | None = DEFAULT_THEATRE) -> str:
    """A content hash of a theatre's folder (its YAML facts and its geography files)."""
    if name_or_path is None:
        return "none"
    folder = theatre_path(name_or_path).parent
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix in {".yaml", ".yml", ".geojson", ".json"}:
            digest.update(path.name.encode("utf-8"))
            digest.update(path.read_bytes())
    return digest.hexdigest()


def worlds_hash(worlds: Mapping[str, NDArray[np.float64]]) -> str:
    """A content hash of a table of worlds (names, order and exact float bits)."""
    digest = hashlib.sha256()
    for name in sorted(worlds):
        digest.update(name.encode("utf-8"))
        digest.update(np.ascontiguousarray(worlds[name], dtype=np.float64).tobytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class DesignPoint:
    """One package of the design: a shipped or user package, possibly with levers set."""

    index: int
    label: str
    package: Package
    levers: Mapping[str, LeverValue] = field(default_factory=dict)

    @cached_property
    def hash(self) -> str:
        """The package's content hash."""
        return package_hash(self.package)


@dataclass(frozen=True)
class Chunk:
    """One unit of work: one design point over worlds ``start`` to ``stop`` (exclusive)."""

    point: int
    start: int
    stop: int

    @property
    def id(self) -> str:
        """A stable name, used for the chunk's file in the store."""
        return f"p{self.point:05d}-w{self.start:010d}-{self.stop:010d}"

    @property
    def size(self) -> int:
        """The number of experiments in the chunk."""
        return self.stop - self.start


@dataclass(frozen=True)
class Design:
    """Package variants × worlds, and what the kernel needs to run them."""

    points: tuple[DesignPoint, ...]
    worlds: Mapping[str, NDArray[np.float64]]
    seed: int
    months: int = 120
    model: str = DEFAULT_MODEL
    theatre: str | None = DEFAULT_THEATRE
    replicate: int = 0
    chunk_size: int = DEFAULT_CHUNK_SIZE
    options: Mapping[str, Any] = field(default_factory=dict)
    world_index: NDArray[np.int64] | None = None
    """The index each world's randomness is keyed on (default: the world's own number).

    Analyses that need common random numbers give several worlds one index (a tornado's blocks),
    or draw it as one more input (Sobol's ``random_draws``)."""

    def __post_init__(self) -> None:
        problems = []
        if not self.points:
            problems.append(Problem("a design needs at least one package", field="packages"))
        lengths = {np.shape(values) for values in self.worlds.values()}
        if len(lengths) > 1 or any(len(shape) != 1 for shape in lengths):
            problems.append(
                Problem(
                    "world parameters must be one-dimensional arrays of one length",
                    field="worlds",
                    received=str(sorted(lengths)),
                )
            )
        if self.chunk_size < 1:
            problems.append(
                Problem("chunk size must be ≥ 1", field="chunk_size", received=str(self.chunk_size))
            )
        if self.months < 1:
            problems.append(
                Problem("months must be ≥ 1", field="months", received=str(self.months))
            )
        if self.world_index is not None and np.shape(self.world_index) != (self.n_worlds,):
            problems.append(
                Problem(
                    "the world index needs one entry per world",
                    field="world_index",
                    expected=f"shape ({self.n_worlds},)",
                    received=str(np.shape(self.world_index)),
                )
            )
        if problems:
            raise DataError(problems)

    @property
    def n_worlds(self) -> int:
        """The number of worlds."""
        return int(next(iter(self.worlds.values())).shape[0]) if self.worlds else 1

    @property
    def n_experiments(self) -> int:
        """Packages × worlds."""
        return len(self.points) * self.n_worlds

    @cached_property
    def theatre_hash(self) -> str:
        """The content hash of the theatre the design runs in."""
        return theatre_hash(self.theatre)

    @cached_property
    def hash(self) -> str:
        """What determines the numbers: packages, worlds, seed, months, model and theatre."""
        content: dict[str, Any] = {
            "packages": [(point.label, point.hash) for point in self.points],
            "worlds": worlds_hash(self.worlds),
            "n_worlds": self.n_worlds,
            "seed": self.seed,
            "months": self.months,
            "model": self.model,
            "theatre": self.theatre_hash,
            "replicate": self.replicate,
            "options": dict(self.options),
        }
        if self.world_index is not None:
            index = np.ascontiguousarray(self.world_index, dtype=np.int64)
            content["world_index"] = hashlib.sha256(index.tobytes()).hexdigest()
        return _digest(content)

    def experiment(self, point: int | NDArray[np.int64], world: int | NDArray[np.int64]) -> Any:
        """The experiment index of ``point`` in ``world`` (vectorised)."""
        return np.asarray(point, dtype=np.int64) * self.n_worlds + np.asarray(world, np.int64)

    def chunks(self) -> list[Chunk]:
        """Every chunk: each point's worlds cut into runs of at most ``chunk_size``."""
        return [
            Chunk(point.index, start, min(start + self.chunk_size, self.n_worlds))
            for point in self.points
            for start in range(0, self.n_worlds, self.chunk_size)
        ]

    def world_slice(self, chunk: Chunk) -> dict[str, NDArray[np.float64]]:
        """The world parameters of one chunk."""
        return {
            name: np.ascontiguousarray(values[chunk.start : chunk.stop])
            for name, values in self.worlds.items()
        }


def design_points(
    specs: Sequence[str | Package] | None, theatre: Theatre | None = None
) -> tuple[DesignPoint, ...]:
    """Expand package specs into design points.

    A spec is a package, a shipped name, a path, or a variant spec such as
    ``sky-shield-2025:aircraft=60,90,120``; ``None`` or an empty list means the default package.

    Raises:
        DataError: every bad spec, unknown package and impossible lever setting, together.
    """
    problems: list[Problem] = []
    points: list[DesignPoint] = []
    for spec in specs or [None]:  # type: ignore[list-item]
        try:
            if isinstance(spec, Package):
                points.append(DesignPoint(len(points), spec.name, spec))
                continue
            parsed = parse_variant_spec(spec) if spec is not None else None
            base = load_package(parsed.package if parsed else None, theatre)
            for settings in parsed.combinations() if parsed else [{}]:
                package = apply_levers(base, settings)
                values = {name: _number_or_text(value) for name, value in settings.items()}
                label = variant_label(base, values)
                points.append(DesignPoint(len(points), label, package, values))
        except DataError as error:
            problems.extend(error.problems)
    labels = [point.label for point in points]
    duplicates = sorted({label for label in labels if labels.count(label) > 1})
    if duplicates:
        problems.append(
            Problem(
                "a package appears twice in the design", field="packages", received=str(duplicates)
            )
        )
    if problems:
        raise DataError(problems)
    return tuple(points)


def _number_or_text(value: str) -> LeverValue:
    try:
        return float(value)
    except ValueError:
        return value
