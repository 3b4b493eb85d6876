"""The analyst's codings of an actor file as named random columns, drawn once per world.

Every number the acceptability model reads from an actor file (a position, a salience, a war
cost, a capability, a red line's threshold) is a *coding*: a flagged quantity with a range, or,
where dated statements are coded, a normal distribution fitted to their codings and truncated to
the range (:func:`guarantor.bargaining.actors.fitted`). The issue space adds one coding per
dimension, ``mapping.<dimension>``: where within its range the package's position on that
dimension lies, the *same* draw for the package and for the status quo (common random numbers:
a package equal to the status quo sits exactly on it in every world).

Draws come from a generator (``rng``, the assessment's convention), from per-world keys (the
durability simulation's counter-based draws, so chunking never changes a world) or, with
neither, every coding takes its central value.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr, ndtri

from guarantor.bargaining.actors import ActorEntry, ActorSet, fitted
from guarantor.randomness import uniforms
from guarantor.sourcing import Quantity

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Coding:
    """One coded number: its name, whose it is, its quantity and any fitted distribution."""

    name: str
    kind: str
    actor: str | None
    dimension: str | None
    quantity: Quantity | None
    fit: tuple[float, float] | None = None

    @property
    def central(self) -> float:
        """The value every world takes without draws (a fitted mean, clipped to the range)."""
        if self.quantity is None:
            return 0.5
        if self.fit is not None:
            low, high = self.quantity.range
            return float(min(high, max(low, self.fit[0])))
        return float(self.quantity.value)

    def from_unit(self, unit: FloatArray) -> FloatArray:
        """Map uniform draws onto the coding (a truncated normal where fitted to statements)."""
        if self.quantity is None:
            return unit
        low, high = self.quantity.range
        if self.fit is None or high <= low:
            return np.asarray(low + (high - low) * unit, dtype=np.float64)
        mean, sd = self.fit
        lo, hi = ndtr((low - mean) / sd), ndtr((high - mean) / sd)
        inner = np.clip(lo + (hi - lo) * unit, 1e-12, 1 - 1e-12)
        return np.asarray(np.clip(mean + sd * ndtri(inner), low, high), dtype=np.float64)

    def describe(self) -> str:
        """The coding in words, with its range or fitted distribution."""
        if self.quantity is None:
            return f"{self.name}: where the package sits within its position's range"
        low, high = self.quantity.range
        if self.fit is not None:
            return (
                f"{self.name}: fitted to statements, mean {self.fit[0]:.2f}, sd {self.fit[1]:.2f}"
                f" within {low:g}-{high:g}"
            )
        return f"{self.name}: {self.quantity.value:g} ({low:g}-{high:g})"


def red_line_name(actor: ActorEntry, number: int) -> str:
    """The coding name of an actor's red line: ``<actor>.red_line.<dimension>``.

    Red lines that share a dimension are numbered from 1.
    """
    line = actor.red_lines[number]
    same = [k for k, other in enumerate(actor.red_lines) if other.dimension == line.dimension]
    suffix = f".{same.index(number) + 1}" if len(same) > 1 else ""
    return f"{actor.id}.red_line.{line.dimension}{suffix}"


def codings(actor_set: ActorSet) -> tuple[Coding, ...]:
    """Every coding of ``actor_set`` in a fixed order, then one mapping coding per dimension."""
    found: list[Coding] = []
    dims = actor_set.dimension_ids
    for actor in actor_set.actors:
        a = actor.id
        found.append(Coding(f"{a}.capability", "capability", a, None, actor.capability))
        found.append(Coding(f"{a}.war_cost", "war_cost", a, None, actor.war_cost))
        for d in dims:
            fit = fitted(actor.statements.get(d, ()))
            found.append(Coding(f"{a}.position.{d}", "position", a, d, actor.position[d], fit))
        for d in dims:
            found.append(Coding(f"{a}.salience.{d}", "salience", a, d, actor.salience[d]))
        for number, line in enumerate(actor.red_lines):
            found.append(
                Coding(
                    red_line_name(actor, number),
                    "red_line",
                    a,
                    line.dimension,
                    line.threshold,
                    fitted(line.statements),
                )
            )
    found.extend(Coding(f"mapping.{d}", "mapping", None, d, None) for d in dims)
    return tuple(found)


def draw(
    coded: tuple[Coding, ...],
    size: int,
    *,
    rng: np.random.Generator | None = None,
    keys: NDArray[np.uint64] | None = None,
) -> dict[str, FloatArray] | None:
    """Every coding over ``size`` worlds (None: no draws, every coding at its central value).

    With ``keys`` (one per world) each coding's draw in a world depends only on the world's key
    and the coding's name.
    """
    if keys is not None:
        if keys.size != size:
            raise ValueError(f"need one key per world ({size}), got {keys.size}")
        out = {}
        for coding in coded:
            salt = np.uint64(zlib.crc32(f"acceptability/{coding.name}".encode()) << 16)
            out[coding.name] = coding.from_unit(uniforms(keys ^ salt, -1, 0))
        return out
    if rng is None:
        return None
    unit = rng.random((size, len(coded)))
    return {coding.name: coding.from_unit(unit[:, k]) for k, coding in enumerate(coded)}
