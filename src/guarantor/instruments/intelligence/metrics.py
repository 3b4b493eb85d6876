"""The intelligence section's metrics: the pictures' values with units, sources and assumptions.

Warning time and its gain from AEW orbits, the orbits asked and held, attribution and the
targeting factor with and without the US feed, the suspension's rate and share of time, and
per AEW station the share of time an orbit is up and how far it sees (which the air model reads).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from guarantor.instruments.intelligence.data import IntelligenceData
from guarantor.section import Metric

if TYPE_CHECKING:
    from guarantor.instruments.intelligence.model import Orbit, Picture

FloatArray = NDArray[np.float64]


def station_key(station: str) -> str:
    """A station's id as it appears in metric names (``poland-east`` → ``poland_east``)."""
    return station.replace("-", "_")


def section_metrics(
    data: IntelligenceData,
    *,
    p: dict[str, FloatArray],
    found: list[Orbit],
    held: FloatArray,
    everyone: Picture,
    without: Picture,
    horizon: FloatArray,
    rate: FloatArray,
    suspended_share: FloatArray,
) -> tuple[Metric, ...]:
    """The metrics of the intelligence section, one value per world each."""
    sources = data.citations()
    assumptions = tuple(
        f"{name}: {q.assumption} ({q.low:g}-{q.high:g} {q.unit})"
        for name, q in data.world
        if q.assumption is not None
    )

    def metric(name: str, value: Any, unit: str, reason: str) -> Metric:
        return Metric.of(name, value, unit, reason, sources=sources, assumptions=assumptions)

    asked = np.array([orbit.asked for orbit in found])
    size = horizon.size
    stations = tuple(
        item
        for station_id in data.stations
        for item in (
            metric(
                f"aew_coverage_{station_key(station_id)}",
                everyone.station_up.get(station_id, np.zeros(size)),
                "share",
                f"share of time an AEW orbit is up over {data.stations[station_id].name}",
            ),
            metric(
                f"aew_detection_km_{station_key(station_id)}",
                everyone.station_seen_km.get(station_id, np.zeros(size)),
                "km",
                f"how far the orbit over {data.stations[station_id].name} sees a low-level "
                "target: min(radio horizon, radar reach)",
            ),
        )
    )
    return (
        metric(
            "warning_time_min",
            everyone.warning_min,
            "min",
            "warning against a low-level cruise missile, population-weighted over free Ukraine's "
            "cities: ground radar horizon plus what AEW orbits see beyond it",
        ),
        metric(
            "warning_gain_min",
            everyone.gain_min,
            "min",
            "minutes of warning the AEW orbits add to the ground radar's (the air model detects "
            "drones and cruise missiles this much earlier)",
        ),
        metric(
            "alert_processing_min",
            p["alert_processing_min"],
            "min",
            "floor of any detection delay: from a track to the alert at the fighters",
        ),
        metric(
            "warning_time_without_us_min",
            without.warning_min,
            "min",
            "warning time if the US feed stops (its AEW orbits included)",
        ),
        metric(
            "aew_horizon_km",
            horizon,
            "km",
            "4/3-earth radio horizon from the orbit's altitude to a low-level target",
        ),
        metric(
            "aew_orbits_asked",
            np.full(horizon.size, float(asked.sum())),
            "orbits",
            "continuous AEW orbits the package asks for",
        ),
        metric(
            "aew_orbits_held",
            held.sum(axis=0) if found else np.zeros(horizon.size),
            "orbits",
            "continuous orbits the deployable fleets hold (endurance, transit, sortie rate, "
            "mission-capable rate)",
        ),
        metric(
            "covered_population_share",
            everyone.covered_share,
            "share",
            "share of free Ukraine's city population an AEW orbit sees low-level threats coming "
            "to earlier than the ground radar",
        ),
        metric(
            "attribution_probability",
            everyone.attribution,
            "share",
            "chance a probe is attributed within days (national means plus shared imagery, "
            "signals and AEW tracks): only an attributed probe can be answered",
        ),
        metric(
            "attribution_without_us",
            without.attribution,
            "share",
            "chance of attribution while the US feed is suspended",
        ),
        metric(
            "targeting_factor",
            everyone.targeting_factor,
            "×",
            "multiplier on Ukraine's effective strength from targeting support (best provider)",
        ),
        metric(
            "targeting_factor_without_us",
            without.targeting_factor,
            "×",
            "targeting multiplier while the US feed is suspended",
        ),
        metric(
            "us_suspension_per_year",
            rate,
            "1/yr",
            "rate at which the US suspends its feed (0 when the package has no US sharing)",
        ),
        metric(
            "suspension_months",
            p["suspension_months"],
            "months",
            "how long a suspension lasts (the March 2025 pause: six days)",
        ),
        metric(
            "us_feed_suspended_share",
            suspended_share,
            "share",
            "expected share of time the US feed is suspended",
        ),
        *stations,
        metric(
            "ground_detection_km",
            everyone.ground_km,
            "km",
            "4/3-earth horizon of a ground radar's mast against a low-level target",
        ),
    )
