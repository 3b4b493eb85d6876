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

from guarantor.errors import DataError
from guarantor.sourcing import Quantity, Source, SourceRef, Strict, load_sourced
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
    "cruise_detection_delay_min",
    "fuel_endurance_factor",
    "reserve_h",
    "refuelling_extension_h",
    "cap_engagement_radius_km",
    "cap_aircraft_per_station",
    "raid_size_factor",
    "raid_window_h",
    "pk_missile_drone",
    "pk_missile_cruise",
    "pk_gun_drone",
    "reattack_share",
    "minutes_per_engagement",
    "crew_ratio",
    "sorties_per_pilot_night",
    "ukraine_layer_factor",
    "pilot_hours_year",
    "airframe_hours_year",
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
    "cruise_detection_delay_min": (0.0, 24 * 60.0),
    "fuel_endurance_factor": (0.1, 5.0),
    "reserve_h": (0.0, 5.0),
    "refuelling_extension_h": (0.0, 12.0),
    "cap_engagement_radius_km": (0.0, 2000.0),
    "cap_aircraft_per_station": (1.0, 100.0),
    "raid_size_factor": (0.0, 10.0),
    "raid_window_h": (0.5, 24.0),
    "pk_missile_drone": (0.0, 1.0),
    "pk_missile_cruise": (0.0, 1.0),
    "pk_gun_drone": (0.0, 1.0),
    "reattack_share": (0.0, 1.0),
    "minutes_per_engagement": (0.5, 120.0),
    "crew_ratio": (0.1, 5.0),
    "sorties_per_pilot_night": (0.1, 5.0),
    "ukraine_layer_factor": (0.0, 2.0),
    "pilot_hours_year": (10.0, 1000.0),
    "airframe_hours_year": (10.0, 2000.0),
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


class Umbrella(Strict):
    """Surface-to-air umbrellas that close airspace beyond the package's stand-off."""

    crimea_km: Quantity
    belarus_km: Quantity


class TypeFigures(Strict):
    """What a fighter (or tanker) type brings to a raid night and to years of patrols."""

    id: Identifier
    sortie_endurance_h: Quantity | None = None
    missiles_per_sortie: Quantity | None = None
    gun_passes_per_sortie: Quantity | None = None
    cost_per_flight_hour_usd: Quantity


class Ramp(Strict):
    """How many fighters a base can park and turn round."""

    base: Identifier
    aircraft: Quantity


class Aim(Strict):
    """The share of a raid one target draws."""

    target: Identifier
    share: Quantity


class Raid(Strict):
    """One night's launch, by threat class, and where it aimed."""

    id: Identifier
    name: str
    date: str
    source: SourceRef
    threats: dict[Identifier, Quantity] = Field(min_length=1)
    decoy_share: Quantity
    aim: tuple[Aim, ...] = ()

    @model_validator(mode="after")
    def _shares(self) -> Self:
        total = sum(a.share.value for a in self.aim)
        if total > 1.0 + 1e-9:
            raise ValueError(f"aim shares add up to {total:g}, more than the whole raid")
        if not 0.0 <= self.decoy_share.value <= 1.0:
            raise ValueError(f"decoy_share must lie in [0, 1], got {self.decoy_share.value:g}")
        for name, count in self.threats.items():
            if count.range[0] < 0:
                raise ValueError(f"threats.{name} must be >= 0, got {count.range[0]:g}")
        return self


class Counted(Strict):
    """Threats of one kind launched and downed (shot down or lost to jamming) in a night."""

    launched: int = Field(ge=0)
    downed: int = Field(ge=0)
    source: SourceRef
    note: str | None = None

    @model_validator(mode="after")
    def _downed(self) -> Self:
        if self.downed > self.launched:
            raise ValueError(f"downed ({self.downed}) exceeds launched ({self.launched})")
        return self


class CountedMissiles(Counted):
    """Missiles of a night, with how many were ballistic."""

    ballistic: Quantity

    @model_validator(mode="after")
    def _ballistic(self) -> Self:
        if self.ballistic.range[1] > self.launched:
            raise ValueError(f"ballistic ({self.ballistic.range[1]:g}) exceeds launched")
        return self


class RecordNight(Strict):
    """One night of the record Ukraine's own layer is fitted to and scored on."""

    night: str
    drones: Counted | None = None
    missiles: CountedMissiles | None = None


class AirData(Strict):
    """The whole data file."""

    sources: dict[Identifier, Source] = Field(default_factory=dict)
    world: dict[Identifier, Quantity]
    qra: Qra
    model: ModelSettings
    threats: tuple[ThreatClass, ...] = Field(min_length=1)
    launch_areas: tuple[LaunchArea, ...] = Field(min_length=1)
    umbrella: Umbrella
    types: tuple[TypeFigures, ...] = ()
    ramps: tuple[Ramp, ...] = ()
    default_raid: Identifier
    raids: tuple[Raid, ...] = Field(min_length=1)
    record: tuple[RecordNight, ...] = ()

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
        threat_ids = {threat.id for threat in self.threats}
        for raid in self.raids:
            unknown = sorted(set(raid.threats) - threat_ids)
            if unknown:
                raise ValueError(f"raid {raid.id!r} names unknown threat classes {unknown}")
        if self.default_raid not in {raid.id for raid in self.raids}:
            raise ValueError(f"default_raid {self.default_raid!r} is not one of the raids")
        if not self.model.route_node_km.value > 0 or not self.model.path_samples.value >= 2:
            raise ValueError("model.route_node_km must be > 0 and model.path_samples >= 2")
        return self

    def raid(self, ident: str | None = None) -> Raid:
        """The raid with this id (the default raid when None).

        Raises:
            DataError: no raid has this id.
        """
        wanted = ident or self.default_raid
        for raid in self.raids:
            if raid.id == wanted:
                return raid
        raise DataError.single(
            "unknown raid",
            field="--raid",
            expected=f"one of {[raid.id for raid in self.raids]}",
            received=wanted,
        )

    def figures(self, type_id: str) -> TypeFigures | None:
        """The raid and sustainment figures of an aircraft type, if the file gives them."""
        return next((t for t in self.types if t.id == type_id), None)

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
