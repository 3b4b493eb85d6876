"""What AEW orbits add to the detection of threats heading for each target.

The intelligence section (over the same worlds) says how far each orbit sees a low-level
threat and how much of the time it is up; :func:`aew_cover` turns that into extra km of
warning per target and :meth:`AewCover.delay` into the detection delay the air model uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from guarantor.geo import distance_km
from guarantor.instruments.air.targets import Target
from guarantor.packages.schema import Package
from guarantor.section import Section, Worlds
from guarantor.theatre import Theatre

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class AewCover:
    """What AEW orbits add to detection at each target: from the intelligence section.

    Per orbit station: the share of time an orbit is up (worlds,) and how many km before the
    ground radar an orbit sees a low-level threat heading for each target (worlds, targets):
    ``max(0, seen − distance(station, target) − ground radar horizon)``. ``floor`` is the time
    from a track to the alert at the fighters, below which no delay falls.
    """

    up: tuple[FloatArray, ...]
    extra_km: tuple[FloatArray, ...]
    floor: FloatArray

    def delay(self, base: FloatArray, speed_kmh: FloatArray) -> FloatArray:
        """Expected detection delay per world and target for a class flying at ``speed_kmh``.

        Where an orbit is up the threat is seen ``extra km / speed`` earlier (never below the
        floor); the expectation over time weighs that by the orbit's share of time up, and the
        best station counts.
        """
        plain = base[:, None]
        delay = np.broadcast_to(plain, (base.size, self.extra_km[0].shape[1])).copy()
        for up, extra in zip(self.up, self.extra_km, strict=True):
            gain = extra / speed_kmh[:, None] * 60.0
            covered = np.maximum(np.minimum(plain, self.floor[:, None]), plain - gain)
            delay = np.minimum(delay, plain - up[:, None] * (plain - covered))
        return np.asarray(delay, np.float64)


def aew_cover(
    theatre: Theatre,
    package: Package,
    worlds: Worlds | None,
    *,
    inputs: Mapping[str, Section] | None,
    found: list[Target],
    size: int,
) -> AewCover | None:
    """The AEW cover of the targets, from the intelligence section (computed here if not given).

    None when the package flies no AEW orbit: detection stays the air data's.
    """
    from guarantor.instruments.intelligence.data import shipped_data as intelligence_data
    from guarantor.instruments.intelligence.model import station_key

    section = (inputs or {}).get("intelligence")
    if section is None or section.metric("warning_gain_min").value.size not in {1, size}:
        # not given, or given over other worlds (a one-world air run in many-world inputs)
        from guarantor.instruments.intelligence.model import assess as intelligence

        section = intelligence(theatre, package, worlds)

    def value(name: str) -> FloatArray:
        return np.broadcast_to(section.metric(name).value, (size,)).astype(np.float64)

    ground = value("ground_detection_km")
    lon = np.array([t.place.longitude for t in found])
    lat = np.array([t.place.latitude for t in found])
    ups, extras = [], []
    for station_id, station in intelligence_data().stations.items():
        up = value(f"aew_coverage_{station_key(station_id)}")
        if not np.any(up > 0):
            continue
        seen = value(f"aew_detection_km_{station_key(station_id)}")
        r = distance_km(station.lon, station.lat, lon, lat)
        ups.append(up)
        extras.append(np.maximum(0.0, seen[:, None] - r[None, :] - ground[:, None]))
    if not ups:
        return None
    return AewCover(tuple(ups), tuple(extras), value("alert_processing_min"))
