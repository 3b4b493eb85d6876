"""Convoys: escorting merchant ships in groups, the alternative to a barrier of escort stations.

A station barrier spreads the escorts along the track and covers the share of it they can
reach (:func:`guarantor.instruments.maritime.model.protection`). A convoy system puts the same
escorts *with* the ships: a convoy of ``m`` merchant ships sails with ``e`` escorts from the
Odesa roads to the Bosporus and back. Every convoyed ship is covered at sea, but:

- the escorts bring at most ``concurrent × (hours a month / cycle) × m`` calls a month, where
  ``concurrent = floor(escorts on station / e)`` convoys are at sea at once and a cycle is the
  round trip at merchant speed plus a turnaround; calls above that are lost (the throughput
  cost of convoying);
- a ship waits on average half the interval between departures, ``cycle / concurrent / 2``.

The model computes both modes and says which damages fewer ships for the tonnes carried.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

KM_PER_NMI = 1.852
HOURS_PER_MONTH = 365.25 * 24 / 12


@dataclass(frozen=True)
class ConvoyPlan:
    """What a convoy system made of the escorts on station can do, in every world."""

    concurrent_convoys: FloatArray
    cycle_h: FloatArray
    capacity_calls_per_month: FloatArray
    wait_h: FloatArray

    @property
    def runs(self) -> NDArray[np.bool_]:
        """Worlds with enough escorts for at least one convoy."""
        return np.asarray(self.concurrent_convoys >= 1.0)


def plan(
    p: Mapping[str, FloatArray], escorts_on_station: FloatArray, track_km: float
) -> ConvoyPlan:
    """Convoys at sea at once, the cycle, the calls a month they carry and the mean wait."""
    escorts = np.asarray(escorts_on_station, dtype=np.float64)
    per_convoy = np.maximum(p["convoy_escorts_per_convoy"], 1.0)
    concurrent = np.floor(escorts / per_convoy + 1e-9)
    speed_kmh = np.maximum(p["merchant_speed_kn"] * KM_PER_NMI, 1e-9)
    cycle = 2.0 * track_km / speed_kmh + p["convoy_turnaround_h"]
    capacity = concurrent * HOURS_PER_MONTH / cycle * np.maximum(p["convoy_ships_per_convoy"], 0.0)
    wait = np.where(concurrent >= 1.0, cycle / np.maximum(concurrent, 1.0) / 2.0, np.inf)
    return ConvoyPlan(concurrent, cycle, capacity, np.asarray(wait, dtype=np.float64))


def carried_share(plan_: ConvoyPlan, calls_wanted: FloatArray) -> FloatArray:
    """Share of the calls owners want that the convoys carry (1 when capacity suffices)."""
    wanted = np.asarray(calls_wanted, dtype=np.float64)
    share = np.where(wanted > 0, plan_.capacity_calls_per_month / np.maximum(wanted, 1e-12), 1.0)
    return np.asarray(np.clip(share, 0.0, 1.0), dtype=np.float64)
