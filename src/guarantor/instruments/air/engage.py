"""A raid night, engagement by engagement, in expectation and vectorised over worlds.

Threats of class c aimed at target k (``n[w, k, c]`` in world w) first meet Ukraine's own layer,
which downs a share ``u[w, c]`` of them (fitted to the record, :mod:`.baseline`). The survivors
``r = n · (1 − u)`` meet the package's fighters where the fighters can reach them in time: a share
``reach[w, k, c]`` of their paths. The night's fighter sorties carry ``G[w]`` gun passes (drones
only) and ``M[w]`` missile shots. Each engaged threat is shot at; a miss is re-attacked with
probability ρ (shoot-look-shoot), so per threat engaged with kill probability p::

    shots σ = 1 + ρ (1 − p)            kills κ = p (1 + ρ (1 − p))

Guns go first against the drones in reach, then missiles against what is still in reach. Each
phase engages every reachable threat when its budget covers the shots they need, and otherwise
the same fraction ``f = budget / shots needed`` of each (the fighters are vectored to threats
as they come, not to one target first)::

    kills = reachable · f · κ          shots used = f · shots needed ≤ budget

Leakers with the package are ``r`` less the fighters' kills. Expected values per world: the
5–95 % band over worlds comes from the uncertain parameters (raid size, kill probabilities,
sortie generation, geometry). No Python loop over worlds, targets or threats.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class Night:
    """Expected outcome of one raid night per world, target and threat class (w, k, c)."""

    launched: FloatArray
    stopped_ukraine: FloatArray
    stopped_package: FloatArray
    missiles_used: FloatArray
    """Air-to-air missiles fired per world, shape (w,)."""
    gun_passes_used: FloatArray

    @property
    def leakers_without(self) -> FloatArray:
        """Threats past Ukraine's layer alone."""
        return np.asarray(self.launched - self.stopped_ukraine, np.float64)

    @property
    def leakers_with(self) -> FloatArray:
        """Threats past Ukraine's layer and the package's fighters."""
        return np.asarray(self.launched - self.stopped_ukraine - self.stopped_package, np.float64)


def _phase(
    reachable: FloatArray, p: FloatArray, reattack: FloatArray, budget: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Kills (w, k, c) and shots used (w,) of one weapon against reachable threats.

    ``p`` is the kill probability per shot, broadcastable to (w, 1, c).
    """
    shots_each = 1.0 + reattack[:, None, None] * (1.0 - p)
    kills_each = p * (1.0 + reattack[:, None, None] * (1.0 - p))
    needed = (reachable * shots_each).sum(axis=(1, 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = np.where(needed > 0, np.minimum(1.0, budget / needed), 0.0)
    kills = reachable * (fraction[:, None, None] * kills_each)
    return np.asarray(kills, np.float64), np.asarray(fraction * needed, np.float64)


def night(
    launched: FloatArray,
    ukraine_share: FloatArray,
    reach: FloatArray,
    *,
    missiles: FloatArray,
    gun_passes: FloatArray,
    pk_missile: FloatArray,
    pk_gun: FloatArray,
    gun_classes: BoolArray,
    reattack: FloatArray,
) -> Night:
    """One raid night (see the module docstring).

    Args:
        launched: threats aimed at each target, shape (w, k, c).
        ukraine_share: share of each class Ukraine's layer downs, shape (w, c).
        reach: share of each target's threats of each class the fighters reach, (w, k, c).
        missiles: missile shots the night's sorties carry, shape (w,).
        gun_passes: gun passes they carry, shape (w,).
        pk_missile: kill probability of one missile against each class, shape (w, c).
        pk_gun: kill probability of one gun pass against a drone, shape (w,).
        gun_classes: classes a gun can engage (slow drones), shape (c,).
        reattack: share of misses re-attacked, shape (w,).
    """
    stopped_ukraine = launched * ukraine_share[:, None, :]
    reachable = (launched - stopped_ukraine) * reach
    for_guns = reachable * gun_classes[None, None, :]
    gun_p = np.broadcast_to(pk_gun[:, None, None], for_guns.shape)
    gun_kills, gun_used = _phase(for_guns, gun_p, reattack, gun_passes)
    missile_kills, missiles_used = _phase(
        reachable - gun_kills, pk_missile[:, None, :], reattack, missiles
    )
    return Night(
        np.asarray(launched, np.float64),
        np.asarray(stopped_ukraine, np.float64),
        np.asarray(gun_kills + missile_kills, np.float64),
        missiles_used,
        gun_used,
    )


def night_per_threat(
    classes: NDArray[np.int64],
    targets: NDArray[np.int64],
    size: FloatArray,
    ukraine_share: FloatArray,
    reach: FloatArray,
    *,
    missiles: FloatArray,
    gun_passes: FloatArray,
    pk_missile: FloatArray,
    pk_gun: FloatArray,
    gun_classes: BoolArray,
    reattack: FloatArray,
    weight: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray]:
    """The same night written threat by threat: a Python loop over the raid's threats.

    Each threat ``i`` (class ``classes[i]``, aimed at ``targets[i]``, counting ``weight[i]``
    threats, 1 unless given, times the raid's ``size`` per world) is taken in turn: first to add
    up the shots the night's reachable threats need, then to give each its expected fate.
    Returns leakers with the package per world and missiles used. Kept as the benchmark's peer
    and as a check of :func:`night` (they agree to rounding).
    """
    n = size.size
    weights = np.ones(classes.size) if weight is None else weight
    gun_needed = np.zeros(n)
    left = []
    for c, k, w in zip(classes, targets, weights, strict=True):
        reachable = w * size * (1.0 - ukraine_share[:, c]) * reach[:, k, c]
        if gun_classes[c]:
            gun_needed += reachable * (1.0 + reattack * (1.0 - pk_gun))
        left.append(reachable)
    gun_fraction = np.where(gun_needed > 0, np.minimum(1.0, gun_passes / gun_needed), 0.0)
    missile_needed = np.zeros(n)
    after_guns = []
    for c, reachable in zip(classes, left, strict=True):
        if gun_classes[c]:
            kills = reachable * gun_fraction * pk_gun * (1.0 + reattack * (1.0 - pk_gun))
        else:
            kills = np.zeros(n)
        rest = reachable - kills
        p = pk_missile[:, c]
        missile_needed += rest * (1.0 + reattack * (1.0 - p))
        after_guns.append((kills, rest))
    fraction = np.where(missile_needed > 0, np.minimum(1.0, missiles / missile_needed), 0.0)
    leakers = np.zeros(n)
    for c, w, (gun_kills, rest) in zip(classes, weights, after_guns, strict=True):
        p = pk_missile[:, c]
        kills = gun_kills + rest * fraction * p * (1.0 + reattack * (1.0 - p))
        leakers += w * size * (1.0 - ukraine_share[:, c]) - kills
    return leakers, fraction * missile_needed
