"""Places: where forces stand, how far from the line, and how soon a brigade can reinforce them.

Zones (``docs/land.md``): a place within ``line_zone_km`` of the contact line is *at the line*;
otherwise it is *west* when it lies west of the Dnipro (drawn through the theatre's river cities)
and in the *centre* when east of it. A published force option is placed in the zone its source
gives (the IISS tiers, the UK–France plan) and garrisons that zone's free cities, the mission's
protected hubs first, then nearest the threat first, one battlegroup at least each.

Reinforcement by a brigade from Poland or Romania::

    distance   = great-circle km between the theatre's coordinates x road circuity
    by road    = readiness + distance / road march a day
    by rail    = readiness + distance / rail km a day + gauge transfer at the border
    response   = min over origins of min(by road, by rail)       (days)
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray

from guarantor.errors import DataError
from guarantor.geo import distance_km, feature_collection, length_km, to_feature
from guarantor.instruments.land.data import LandData, Tier, Zone
from guarantor.theatre import Theatre

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Places:
    """Points with their distance to the contact line (km) and side of the Dnipro."""

    ids: tuple[str, ...]
    names: tuple[str, ...]
    lon: FloatArray
    lat: FloatArray
    distance_km: FloatArray
    west_of_dnipro: NDArray[np.bool_]

    def zone(self, line_zone_km: float) -> list[Zone]:
        """Each place's zone for one depth of the line zone."""
        zones: list[Zone] = []
        for distance, west in zip(self.distance_km, self.west_of_dnipro, strict=True):
            if np.isfinite(distance) and distance <= line_zone_km:
                zones.append("line")
            else:
                zones.append("west" if west else "centre")
        return zones


def theatre_line_length(theatre: Theatre) -> float:
    """The contact line's length: from the geography when it has the line, else the fact."""
    try:
        return length_km(theatre.contact_line)
    except DataError:
        return theatre.fact("contact_line_length_km").value


def contact_line(theatre: Theatre) -> Any | None:
    """The contact line's geometry, or None when the geography lacks it."""
    try:
        return theatre.contact_line
    except DataError:
        return None


def _occupied(theatre: Theatre) -> Any | None:
    try:
        return theatre.occupied
    except DataError:
        return None


_DISTANCES: dict[int, dict[tuple[float, float], float]] = {}
"""Distances to the line already measured, per live theatre (a theatre is immutable)."""


def _known(theatre: Theatre) -> dict[tuple[float, float], float]:
    key = id(theatre)
    if key not in _DISTANCES:
        _DISTANCES[key] = {}
        weakref.finalize(theatre, _DISTANCES.pop, key, None)
    return _DISTANCES[key]


def distance_to_line_km(theatre: Theatre, lon: FloatArray, lat: FloatArray) -> FloatArray:
    """Great-circle distance from each point to the nearest point of the contact line."""
    line = contact_line(theatre)
    if line is None or lon.size == 0:
        return np.full(lon.shape, np.nan)
    known = _known(theatre)
    keys = [(float(x), float(y)) for x, y in zip(lon, lat, strict=True)]
    missing = [i for i, key in enumerate(keys) if key not in known]
    if missing:
        # vertices every ~0.05 degrees (about 5 km): the nearest vertex is within a few km of
        # the nearest point, well inside the precision of the line itself
        points = shapely.get_coordinates(shapely.segmentize(line, 0.05))
        far = distance_km(
            lon[missing, None], lat[missing, None], points[None, :, 0], points[None, :, 1]
        ).min(axis=1)
        known.update({keys[i]: float(d) for i, d in zip(missing, far, strict=True)})
    return np.array([known[key] for key in keys], np.float64)


def west_of_dnipro(
    theatre: Theatre, data: LandData, lon: FloatArray, lat: FloatArray
) -> NDArray[np.bool_]:
    """Whether each point lies west of the Dnipro; a city on the river (Kyiv, Dnipro) is not."""
    river = [theatre.place(place) for place in data.dnipro]
    river_lat = np.array([place.latitude for place in river], np.float64)
    river_lon = np.array([place.longitude for place in river], np.float64)
    order = np.argsort(river_lat)
    # the river runs north to south: its longitude at each latitude, held beyond its ends
    at = np.interp(lat, river_lat[order], river_lon[order])
    # a hundredth of a degree (under a kilometre) of tolerance keeps the river cities off the west
    return np.asarray(lon < at - 0.01, dtype=bool)


def places_of(theatre: Theatre, data: LandData, ids: tuple[str, ...]) -> Places:
    """The theatre places with these ids, with distance to the line and side of the Dnipro."""
    places = [theatre.place(place) for place in ids]
    lon = np.array([place.longitude for place in places], np.float64)
    lat = np.array([place.latitude for place in places], np.float64)
    return Places(
        tuple(place.id for place in places),
        tuple(place.name for place in places),
        lon,
        lat,
        distance_to_line_km(theatre, lon, lat),
        west_of_dnipro(theatre, data, lon, lat) if ids else np.zeros(0, bool),
    )


def free_cities(theatre: Theatre, data: LandData) -> Places:
    """Ukraine's cities outside the occupied area, nearest the line first."""
    cities = [city for city in theatre.cities if city.country == "UKR"]
    lon = np.array([city.longitude for city in cities], dtype=np.float64)
    lat = np.array([city.latitude for city in cities], dtype=np.float64)
    occupied = _occupied(theatre)
    free = (
        ~np.asarray(shapely.intersects_xy(occupied, lon, lat), dtype=bool)
        if occupied is not None
        else np.ones(lon.shape, dtype=bool)
    )
    distance = distance_to_line_km(theatre, lon, lat)
    key = distance if np.isfinite(distance).all() else -lon
    ids = tuple(cities[int(i)].id for i in np.argsort(key, kind="stable") if free[i])
    return places_of(theatre, data, ids)


def reinforcement_days(
    theatre: Theatre, data: LandData, places: Places, p: dict[str, FloatArray]
) -> tuple[FloatArray, list[str]]:
    """Days for a brigade from the nearest origin to reach each place (n worlds x places).

    Also returns, for each place, the origin that is quickest in the central world.
    """
    origins = [theatre.place(origin.id) for origin in data.reinforcement_origins]
    olon = np.array([origin.longitude for origin in origins], np.float64)
    olat = np.array([origin.latitude for origin in origins], np.float64)
    straight = distance_km(places.lon[:, None], places.lat[:, None], olon[None, :], olat[None, :])
    route = straight[None, :, :] * p["road_circuity"][:, None, None]
    ready = p["readiness_days"][:, None, None]
    road = ready + route / p["road_march_km_per_day"][:, None, None]
    rail = (
        ready
        + route / p["rail_km_per_day"][:, None, None]
        + p["gauge_transfer_days"][:, None, None]
    )
    by_origin = np.minimum(road, rail)
    quickest = by_origin.min(axis=2) if places.ids else np.zeros((by_origin.shape[0], 0))
    names = [
        data.reinforcement_origins[i].name for i in np.median(by_origin, axis=0).argmin(axis=1)
    ]
    return np.asarray(quickest, np.float64), names


def _ordered_for(tier: Tier, data: LandData, cities: Places, zones: list[Zone]) -> list[int]:
    protected = data.reassurance_mission.protect
    in_zone = [i for i, zone in enumerate(zones) if zone == tier.zone]
    # the mission's protected hubs first, then the cities nearest the threat
    return sorted(in_zone, key=lambda i: (cities.ids[i] not in protected, cities.distance_km[i]))


def tier_table(
    theatre: Theatre, data: LandData, p: dict[str, FloatArray] | None = None
) -> list[dict[str, Any]]:
    """Each published force option placed where its source places it (central values).

    Rotation comes from a 6-month tour and the UK's 24-month dwell (the Times' arithmetic);
    the hubs are the free cities of the tier's zone, a battlegroup at least each. Without
    ``p``, every world parameter takes its central value (the line's length the theatre's).
    """
    from guarantor.instruments.land.data import parameters
    from guarantor.instruments.land.sustainment import rotation_ratio

    if p is None:
        p = parameters(None, theatre_line_length(theatre))

    used = (
        "contact_line_length_km",
        "dwell_factor",
        "line_zone_km",
        "hub_garrison_troops",
        "tripwire_post_spacing_km",
        "tripwire_post_troops",
        "frontage_km_per_brigade",
        "brigade_troops",
    )
    median = {name: float(np.median(p[name])) for name in used}
    length = median["contact_line_length_km"]
    uk = data.policy("GBR")
    ratio = float(
        rotation_ratio(uk.tour_months.value, uk.dwell_months.value * median["dwell_factor"])
    )
    cities = free_cities(theatre, data)
    zones = cities.zone(median["line_zone_km"])
    days, origins = reinforcement_days(theatre, data, cities, p)
    central_days = np.median(days, axis=0) if cities.ids else np.zeros(0)
    rows = []
    for tier in data.tiers:
        ordered = _ordered_for(tier, data, cities, zones)
        count = min(int(tier.troops // median["hub_garrison_troops"]), len(ordered))
        chosen = ordered[:count]
        garrison = tier.troops / count if count else 0.0
        hubs = [
            {
                "id": cities.ids[i],
                "name": cities.names[i],
                "zone": zones[i],
                "garrison": round(garrison),
                "distance_to_line_km": _round_or_none(float(cities.distance_km[i])),
                "reinforcement_days": round(float(central_days[i]), 1),
                "reinforced_from": origins[i],
            }
            for i in chosen
        ]
        tripwire = tier.troops * median["tripwire_post_spacing_km"] / median["tripwire_post_troops"]
        holding = tier.troops * median["frontage_km_per_brigade"] / median["brigade_troops"]
        rows.append(
            {
                "tier": tier.id,
                "name": tier.name,
                "troops": tier.troops,
                "troops_low": tier.low,
                "troops_high": tier.high,
                "zone": tier.zone,
                "personnel_pool_required": tier.troops * ratio,
                "hubs_garrisoned": len(hubs),
                "hubs": hubs,
                "cities_covered": [hub["name"] for hub in hubs],
                "cities_uncovered": [
                    cities.names[i] for i in range(len(cities.ids)) if i not in chosen
                ],
                "nearest_to_line_km": min(
                    (
                        h["distance_to_line_km"]
                        for h in hubs
                        if h["distance_to_line_km"] is not None
                    ),
                    default=None,
                ),
                "line_share_as_tripwire": min(tripwire / length, 1.0),
                "line_share_as_line_holding": min(holding / length, 1.0),
                "source": data.sources[tier.source].cite(),
                "placement_source": data.sources[tier.placement_source].cite(),
            }
        )
    return rows


def _round_or_none(value: float) -> float | None:
    return round(value, 1) if np.isfinite(value) else None


def layers(
    theatre: Theatre,
    data: LandData,
    *,
    hubs: Places,
    hub_troops: FloatArray,
    garrison: FloatArray,
    hub_days: FloatArray,
    tiers: list[dict[str, Any]],
) -> dict[str, Any]:
    """The contact line, the package's hubs, the published tiers in place, and the origins."""
    drawn: dict[str, Any] = {}
    line = contact_line(theatre)
    if line is not None:
        drawn["contact_line"] = feature_collection(
            [to_feature(line, id="contact-line", length_km=round(length_km(line), 1))]
        )
    troops = np.median(hub_troops, axis=0) if hub_troops.size else np.zeros(len(hubs.ids))
    days = np.median(hub_days, axis=0) if hub_days.size else np.zeros(len(hubs.ids))
    needed = float(np.median(garrison))
    drawn["hubs"] = feature_collection(
        [
            to_feature(
                shapely.Point(hubs.lon[i], hubs.lat[i]),
                id=hubs.ids[i],
                name=hubs.names[i],
                troops=round(float(troops[i]), 0),
                covered=bool(troops[i] >= needed),
                distance_to_contact_line_km=_round_or_none(float(hubs.distance_km[i])),
                reinforcement_days=round(float(days[i]), 1),
                value=round(float(days[i]), 1),
            )
            for i in range(len(hubs.ids))
        ]
    )
    features = []
    for row in tiers:
        for hub in row["hubs"]:
            place = theatre.place(hub["id"])
            features.append(
                to_feature(
                    shapely.Point(place.longitude, place.latitude),
                    id=f"{row['tier']}:{hub['id']}",
                    tier=row["tier"],
                    name=f"{row['name']}: {hub['name']}",
                    zone=hub["zone"],
                    garrison=hub["garrison"],
                    distance_to_contact_line_km=hub["distance_to_line_km"],
                    reinforcement_days=hub["reinforcement_days"],
                    reinforced_from=hub["reinforced_from"],
                    value=hub["reinforcement_days"],
                )
            )
    drawn["tiers"] = feature_collection(features)
    drawn["reinforcement_origins"] = feature_collection(
        [
            to_feature(
                shapely.Point(theatre.place(o.id).longitude, theatre.place(o.id).latitude),
                id=o.id,
                name=o.name,
            )
            for o in data.reinforcement_origins
        ]
    )
    return drawn
