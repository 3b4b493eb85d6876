"""The air model's data file (``data/air.yaml``): schema and loading.

The file holds the defaults and ranges of the model's world parameters, QRA detachment sizes,
design parameters of the geometry, and the threat classes with their launch areas. Every number
is sourced or a flagged assumption with a range (see ``docs/air.md``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Self

from pydantic import Field, model_validator

from guarantor.sourcing import Quantity, Source, Strict, load_sourced
from guarantor.theatre.schema import Identifier, Located

DATA_FILE = Path(__file__).parent / "data.yaml"

WORLD_NAMES = (
    "mission_capable_rate",
    "readiness_min",
    "fighter_speed_factor",
    "detection_delay_min",
    "threat_speed_factor",
    "engagement_range_km",
    "turnaround_min",
    "maintenance_h",
    "time_on_station_h",
    "time_on_station_with_tanker_h",
    "cap_engagement_radius_km",
    "cap_aircraft_per_station",
    "tanker_offload_per_fighter_sortie_kg",
    "tanker_on_station_h",
)
"""Names of the world parameters, in the order the docs list them."""

BOUNDS: dict[str, tuple[float, float]] = {
    "mission_capable_rate": (0.0, 1.0),
    "readiness_min": (0.0, 24 * 60.0),
    "fighter_speed_factor": (0.1, 5.0),
    "detection_delay_min": (0.0, 24 * 60.0),
    "threat_speed_factor": (0.1, 10.0),
    "engagement_range_km": (0.0, 500.0),
    "turnaround_min": (0.0, 24 * 60.0),
    "maintenance_h": (0.0, 100.0),
    "time_on_station_h": (0.05, 24.0),
    "time_on_station_with_tanker_h": (0.05, 24.0),
    "cap_engagement_radius_km": (0.0, 2000.0),
    "cap_aircraft_per_station": (1.0, 100.0),
    "tanker_offload_per_fighter_sortie_kg": (0.0, 1e5),
    "tanker_on_station_h": (0.05, 24.0),
}
"""Physical bounds of the world parameters; values outside them are refused as bad data."""


class LaunchArea(Located):
    """A place threats are launched from."""

    country: Identifier


class ThreatClass(Strict):
    """A threat class: speed, range, launch areas and whether fighters can stop it."""

    id: Identifier
    name: str
    interceptable: bool
    speed_kmh: Quantity
    range_km: Quantity
    launch_areas: tuple[Identifier, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _positive(self) -> Self:
        for name in ("speed_kmh", "range_km"):
            quantity: Quantity = getattr(self, name)
            if not quantity.range[0] > 0:
                raise ValueError(f"{name} must be > 0, got {quantity.range[0]:g}")
        return self


class Qra(Strict):
    """Quick-reaction-alert detachment sizes."""

    aircraft_per_base: Quantity
    alert_aircraft_per_base: Quantity


class ModelSettings(Strict):
    """Design parameters of the geometry."""

    route_node_km: Quantity
    path_samples: Quantity


class AirData(Strict):
    """The whole data file."""

    sources: dict[Identifier, Source] = Field(default_factory=dict)
    world: dict[Identifier, Quantity]
    qra: Qra
    model: ModelSettings
    threats: tuple[ThreatClass, ...] = Field(min_length=1)
    launch_areas: tuple[LaunchArea, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _complete(self) -> Self:
        missing = [name for name in WORLD_NAMES if name not in self.world]
        if missing:
            raise ValueError(f"world is missing {', '.join(missing)}")
        unknown = [name for name in self.world if name not in WORLD_NAMES]
        if unknown:
            raise ValueError(f"world has unknown parameters {', '.join(unknown)}")
        for name, (low, high) in BOUNDS.items():
            quantity = self.world[name]
            if not (low <= quantity.range[0] and quantity.range[1] <= high):
                raise ValueError(f"world.{name} must lie in [{low:g}, {high:g}]")
        areas = {area.id for area in self.launch_areas}
        for threat in self.threats:
            lost = [ident for ident in threat.launch_areas if ident not in areas]
            if lost:
                raise ValueError(f"threat {threat.id!r} names unknown launch areas {lost}")
        if not self.model.route_node_km.value > 0 or not self.model.path_samples.value >= 2:
            raise ValueError("model.route_node_km must be > 0 and model.path_samples >= 2")
        return self

    def launch_area(self, ident: str) -> LaunchArea:
        """Return the launch area with this id."""
        return next(area for area in self.launch_areas if area.id == ident)


def load_data(path: Path | None = None) -> AirData:
    """Read and check an air data file (default: the shipped one).

    Raises:
        DataError: with every problem found, each located by file, line and field.
    """
    if path is None:
        return shipped_data()
    return load_sourced(path, AirData)


@lru_cache(maxsize=1)
def shipped_data() -> AirData:
    """The shipped data file, read once."""
    return load_data(DATA_FILE)
