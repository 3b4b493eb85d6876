"""Sustainment: what each contributor can keep in place under its own rotation policy.

::

    rotation ratio       = (tour + dwell x dwell_factor) / tour         (UK 6 + 24 months: 5:1)
    personnel for Y yrs  = deployed x min(12 Y / tour, rotation ratio)  (UK, 2 years: 4 tours)
    deployable pool      = army x pool_share_available
    sustainable          = min(pledged x fulfilment, pool / rotation ratio)
    months sustained     = pool / deployed x tour        (inf when the pool covers the ratio)

A pledge above the contributor's deployable pool is flagged: it cannot be met even once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from guarantor.instruments.land.data import LandData

FloatArray = NDArray[np.float64]


def rotation_ratio(tour_months: ArrayLike, dwell_months: ArrayLike) -> FloatArray:
    """Personnel in the force-generation pool per soldier kept deployed indefinitely."""
    tour = np.asarray(tour_months, np.float64)
    return np.asarray((tour + np.asarray(dwell_months)) / tour, np.float64)


def personnel_required(
    deployed: ArrayLike, years: ArrayLike, tour_months: ArrayLike, dwell_months: ArrayLike
) -> FloatArray:
    """Personnel needed to keep ``deployed`` on station for ``years`` with rotation.

    Each soldier serves one tour until the pool can be recycled after its dwell time, so the
    multiplier is the number of tours in the period, capped at the rotation ratio.
    """
    tours = 12.0 * np.asarray(years, np.float64) / np.asarray(tour_months, np.float64)
    multiplier = np.minimum(tours, rotation_ratio(tour_months, dwell_months))
    return np.asarray(np.asarray(deployed) * multiplier, np.float64)


def months_sustained(
    pool: ArrayLike, deployed: ArrayLike, tour_months: ArrayLike, ratio: ArrayLike
) -> FloatArray:
    """How long a pool keeps ``deployed`` on station before dwell rules break (inf: forever)."""
    pool_array = np.asarray(pool, np.float64)
    deployed_array = np.asarray(deployed, np.float64)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        tours = pool_array / deployed_array
    months = np.where(tours >= np.asarray(ratio), np.inf, tours * np.asarray(tour_months))
    return np.asarray(np.where(deployed_array > 0, months, np.inf), np.float64)


@dataclass(frozen=True)
class Sustained:
    """One pledge against its contributor's policy and pool, per world."""

    tour_months: float
    dwell_months: FloatArray
    ratio: FloatArray
    pool: FloatArray
    offered: FloatArray
    sustainable: FloatArray
    personnel_required: FloatArray
    months: FloatArray
    above_pool: FloatArray  # 1.0 where the pledge exceeds the deployable pool


def sustain(data: LandData, actor: str, pledged: float, p: dict[str, FloatArray]) -> Sustained:
    """What ``actor`` can keep in place of ``pledged`` troops under its own rotation policy."""
    policy = data.policy(actor)
    tour = policy.tour_months.value
    dwell = policy.dwell_months.value * p["dwell_factor"]
    ratio = rotation_ratio(tour, dwell)
    pool = policy.army.value * p["pool_share_available"]
    offered = pledged * p["pledge_fulfilment_share"]
    return Sustained(
        tour_months=tour,
        dwell_months=np.asarray(dwell, np.float64),
        ratio=ratio,
        pool=np.asarray(pool, np.float64),
        offered=np.asarray(offered, np.float64),
        sustainable=np.asarray(np.minimum(offered, pool / ratio), np.float64),
        personnel_required=personnel_required(offered, p["mission_years"], tour, dwell),
        months=months_sustained(pool, offered, tour, ratio),
        above_pool=np.asarray(pledged > pool, np.float64),
    )
