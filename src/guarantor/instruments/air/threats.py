"""Threat interception: can a fighter reach a point of a threat's path before the threat does?

A threat flies straight from its launch area to its target at its speed. Fighters learn of it
after a detection delay; alert fighters then need their readiness plus the transit along their
route, fighters already on a CAP station only the transit. The threat is intercepted if some
point of its path is reached by a fighter no later than by the threat (a CAP fighter only within
its engagement radius of its station)::

    detection delay + defence time(P) <= distance from launch to P / threat speed

A target is protected against a threat class when every path from every launch area within the
class's range is intercepted (the attacker chooses the path). Vectorised over worlds, targets,
launch areas and points along the paths.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
_CHUNK_ELEMENTS = 4_000_000
"""Worlds are processed in chunks holding at most this many (world, point) pairs."""


@dataclass(frozen=True)
class Paths:
    """Straight threat paths from launch areas (J) to targets (K), sampled at S points."""

    x_m: FloatArray
    """Plane coordinates of the sample points, shape (K, J, S)."""
    y_m: FloatArray
    along_km: FloatArray
    """Distance flown from launch to each sample point, shape (K, J, S)."""
    in_range: BoolArray
    """Whether the target lies within the threat's range of the launch area, shape (K, J)."""

    @property
    def shape(self) -> tuple[int, int, int]:
        """(targets, launch areas, samples)."""
        k, j, s = self.x_m.shape
        return int(k), int(j), int(s)


def threat_paths(
    launch_x_m: FloatArray,
    launch_y_m: FloatArray,
    target_x_m: FloatArray,
    target_y_m: FloatArray,
    *,
    samples: int,
    range_km: float,
) -> Paths:
    """Sample straight paths from every launch area to every target (in the plane)."""
    fraction = np.linspace(0.0, 1.0, samples)
    dx = target_x_m[:, None] - launch_x_m[None, :]
    dy = target_y_m[:, None] - launch_y_m[None, :]
    length_km = np.hypot(dx, dy) / 1000.0
    x = launch_x_m[None, :, None] + dx[:, :, None] * fraction
    y = launch_y_m[None, :, None] + dy[:, :, None] * fraction
    return Paths(x, y, length_km[:, :, None] * fraction, length_km <= range_km)


@dataclass(frozen=True)
class Defence:
    """What reaches a set of points, to be combined per world.

    Alert groups share a readiness and an airspace; CAP stations are airborne already.
    """

    alert_transit_min: FloatArray
    """Fastest transit at cruise to each point per alert group, shape (groups, points)."""
    alert_gap_km: FloatArray
    """Distance from each point to free airspace per group (0 if free), shape (groups, points)."""
    alert_readiness_min: FloatArray
    """Readiness of each group in each world, shape (groups, worlds)."""
    cap_transit_min: FloatArray
    """Transit at cruise from each CAP station to each point, shape (stations, points)."""
    cap_distance_km: FloatArray
    """Distance from each CAP station to each point, shape (stations, points)."""
    cap_gap_km: FloatArray
    cap_held: BoolArray
    """Whether each station is held in each world, shape (stations, worlds)."""


def defence_minutes(
    defence: Defence,
    speed_factor: FloatArray,
    engagement_range_km: FloatArray,
    cap_radius_km: FloatArray,
    worlds: slice,
) -> FloatArray:
    """Minutes until a fighter can engage each point, shape (worlds in slice, points)."""
    factor = speed_factor[worlds, None]
    leash = cap_radius_km[worlds, None]
    reach = engagement_range_km[worlds, None]
    points = defence.alert_transit_min.shape[1]
    earliest = np.full((factor.shape[0], points), np.inf)
    for group in range(defence.alert_transit_min.shape[0]):
        ready = defence.alert_readiness_min[group, worlds, None]
        time = ready + defence.alert_transit_min[group][None, :] / factor
        usable = defence.alert_gap_km[group][None, :] <= reach
        earliest = np.minimum(earliest, np.where(usable, time, np.inf))
    for station in range(defence.cap_transit_min.shape[0]):
        time = defence.cap_transit_min[station][None, :] / factor
        usable = (
            (defence.cap_gap_km[station][None, :] <= reach)
            & (defence.cap_distance_km[station][None, :] <= leash)
            & defence.cap_held[station, worlds, None]
        )
        earliest = np.minimum(earliest, np.where(usable, time, np.inf))
    return earliest


def caught_share(
    paths: Paths,
    defence: Defence,
    *,
    threat_speed_kmh: FloatArray,
    detection_delay_min: FloatArray,
    speed_factor: FloatArray,
    engagement_range_km: FloatArray,
    cap_radius_km: FloatArray,
) -> FloatArray:
    """Share of each target's threat paths a fighter reaches in time, shape (worlds, targets).

    The share is over the launch areas within the class's range (each path counted once); a
    target no launch area can reach gets 1. Defence data must describe the paths' points
    flattened in (target, launch area, sample) order. ``detection_delay_min`` is per world, or
    per world and target (shape (worlds, targets): earlier detection near AEW orbits).
    """
    targets, launches, samples = paths.shape
    n_worlds = threat_speed_kmh.size
    along = paths.along_km.reshape(-1)
    in_range = paths.in_range[None, :, :]
    count = paths.in_range.sum(axis=1)
    result = np.zeros((n_worlds, targets))
    chunk = max(1, _CHUNK_ELEMENTS // max(along.size, 1))
    for start in range(0, n_worlds, chunk):
        worlds = slice(start, min(start + chunk, n_worlds))
        earliest = defence_minutes(
            defence, speed_factor, engagement_range_km, cap_radius_km, worlds
        )
        threat_min = along[None, :] * 60.0 / threat_speed_kmh[worlds, None]
        if detection_delay_min.ndim == 2:  # per target: each target's points share its delay
            delay = np.repeat(detection_delay_min[worlds], launches * samples, axis=1)
        else:
            delay = detection_delay_min[worlds, None]
        caught = earliest + delay <= threat_min
        caught_path = caught.reshape(-1, targets, launches, samples).any(axis=3)
        hits = (caught_path & in_range).sum(axis=2)
        result[worlds] = np.where(count > 0, hits / np.maximum(count, 1), 1.0)
    return result


def protected(
    paths: Paths,
    defence: Defence,
    *,
    threat_speed_kmh: FloatArray,
    detection_delay_min: FloatArray,
    speed_factor: FloatArray,
    engagement_range_km: FloatArray,
    cap_radius_km: FloatArray,
) -> BoolArray:
    """Whether each target is protected in each world, shape (worlds, targets).

    Protected: every path from every launch area within range is reached in time (the attacker
    picks the path); a target no launch area can reach counts as protected.
    """
    share = caught_share(
        paths,
        defence,
        threat_speed_kmh=threat_speed_kmh,
        detection_delay_min=detection_delay_min,
        speed_factor=speed_factor,
        engagement_range_km=engagement_range_km,
        cap_radius_km=cap_radius_km,
    )
    return np.asarray(share >= 1.0 - 1e-12)
