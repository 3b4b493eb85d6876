"""Sizing: the force the line needs against the Russian grouping, and force-to-space for missions.

Threat-based sizing (``docs/land.md``), vectorised over worlds::

    grouping          = Russian grouping facing the line x rebuild factor
    defender's ratio  = hasty (1:2.5) + preparation x (deliberate (1:3) - hasty), x terrain
    first echelon     = sum over sectors of (1 - reserve share) x grouping x sector share
                        / defender's ratio of the sector
    second echelon    = first echelon x second-echelon share          ("two up, one back")
    reserve           = reserve share x grouping / deliberate ratio   (matches Russia's reserve
                                                                       wherever it masses)
    manoeuvre troops  = first + second echelon + reserve
    enablers          = manoeuvre x (fires + air defence + engineers + logistics shares)
    required          = manoeuvre + enablers

Ukraine's army holds the line; the package's forces at the line add to it. The missions a
package can pledge are sized by force-to-space (posts, monitors, frontage) or, for a
reassurance force, by its mission: a tripwire battlegroup per sector, a garrison per protected
hub, and its own air defence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from guarantor.instruments.land.data import LandData

FloatArray = NDArray[np.float64]
ENABLERS = ("fires_support_share", "air_defence_share", "engineer_share", "logistics_share")


@dataclass(frozen=True)
class ThreatSizing:
    """The force the line needs, per world, and how it is built up."""

    grouping: FloatArray
    sector_ids: tuple[str, ...]
    sector_ratio: FloatArray  # (n, sectors) defender's ratio in each sector
    sector_first_echelon: FloatArray  # (n, sectors)
    first_echelon: FloatArray
    second_echelon: FloatArray
    reserve: FloatArray
    enablers: FloatArray

    @property
    def manoeuvre(self) -> FloatArray:
        """Manoeuvre troops: both echelons and the reserve."""
        return np.asarray(self.first_echelon + self.second_echelon + self.reserve, np.float64)

    @property
    def required(self) -> FloatArray:
        """The whole force the line needs: manoeuvre troops and their enablers."""
        return np.asarray(self.manoeuvre + self.enablers, np.float64)


def defender_ratio(
    preparation: ArrayLike, hasty: float, deliberate: float, terrain: ArrayLike = 1.0
) -> FloatArray:
    """Attackers one defender can hold: the doctrinal ratio by preparation, times terrain."""
    prepared = np.asarray(preparation, np.float64)
    return np.asarray((hasty + prepared * (deliberate - hasty)) * np.asarray(terrain), np.float64)


def threat_sizing(data: LandData, p: dict[str, FloatArray]) -> ThreatSizing:
    """The force the line needs against the Russian grouping, sector by sector, in depth."""
    grouping = p["russian_grouping_troops"] * p["russian_rebuild_factor"]
    hasty = data.doctrine["hasty_defence_ratio"].value
    deliberate = data.doctrine["deliberate_defence_ratio"].value
    shares = np.array([s.grouping_share.value for s in data.sectors], np.float64)
    shares = shares / shares.sum()
    terrain = np.array([data.terrain[s.terrain].value for s in data.sectors], np.float64)
    ratio = defender_ratio(p["defence_preparation"][:, None], hasty, deliberate, terrain[None, :])
    forward = (1.0 - p["operational_reserve_share"]) * grouping
    sector_first = forward[:, None] * shares[None, :] / ratio
    first = sector_first.sum(axis=1)
    second = first * p["second_echelon_share"]
    reserve = p["operational_reserve_share"] * grouping / deliberate
    manoeuvre = first + second + reserve
    enabler_share = sum((p[name] for name in ENABLERS), np.zeros_like(first))
    return ThreatSizing(
        grouping=np.asarray(grouping, np.float64),
        sector_ids=tuple(s.id for s in data.sectors),
        sector_ratio=ratio,
        sector_first_echelon=sector_first,
        first_echelon=first,
        second_echelon=np.asarray(second, np.float64),
        reserve=np.asarray(reserve, np.float64),
        enablers=np.asarray(manoeuvre * enabler_share, np.float64),
    )


def brigades_required(length_km: ArrayLike, frontage_km_per_brigade: ArrayLike) -> FloatArray:
    """Brigades needed to hold a line by frontage alone: length over frontage per brigade."""
    return np.asarray(np.asarray(length_km) / np.asarray(frontage_km_per_brigade), np.float64)


def line_holding_troops(
    length_km: ArrayLike, frontage_km_per_brigade: ArrayLike, brigade_troops: ArrayLike
) -> FloatArray:
    """Troops in the line to hold it by frontage, before reserves and rotation."""
    brigades = brigades_required(length_km, frontage_km_per_brigade)
    return np.asarray(brigades * np.asarray(brigade_troops), np.float64)


def monitoring_personnel(length_km: ArrayLike, monitors_per_km: ArrayLike) -> FloatArray:
    """Monitors on station to watch a line at a given density."""
    return np.asarray(np.asarray(length_km) * np.asarray(monitors_per_km), np.float64)


def tripwire_troops(
    length_km: ArrayLike, post_spacing_km: ArrayLike, post_troops: ArrayLike
) -> FloatArray:
    """Troops for a post every ``post_spacing_km`` along the line."""
    posts = np.ceil(np.asarray(length_km) / np.asarray(post_spacing_km))
    return np.asarray(posts * np.asarray(post_troops), np.float64)


def reassurance_troops(data: LandData, p: dict[str, FloatArray]) -> tuple[FloatArray, int, int]:
    """A reassurance force's requirement from its mission, with its sectors and protected hubs.

    A tripwire battlegroup on each sector's axis, a garrison at each hub the mission protects,
    and the force's own air defence on top: never the package's own choice of hubs.
    """
    sectors = len(data.sectors)
    hubs = len(data.reassurance_mission.protect)
    own_air_defence = data.reassurance_mission.own_air_defence_share.value
    troops = (sectors + hubs) * p["hub_garrison_troops"] * (1.0 + own_air_defence)
    return np.asarray(troops, np.float64), sectors, hubs


def ukraine_line_troops(ukraine_force: FloatArray, p: dict[str, FloatArray]) -> FloatArray:
    """Ukraine's ground forces facing the line: its army times the ground forces' share."""
    return np.asarray(ukraine_force * p["ukraine_ground_share"], np.float64)
