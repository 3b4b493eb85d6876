"""The intelligence data file's schema (``data.yaml``), its loader and the world parameters."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from guarantor.errors import DataError, Problem
from guarantor.instruments import tables
from guarantor.packages.schema import IntelligenceLevel, SharingUse
from guarantor.section import Worlds
from guarantor.sourcing import Quantity, Source, Strict, load_sourced

FloatArray = NDArray[np.float64]
DATA_FILE = Path(__file__).parent / "data.yaml"
SUSPENDING_PROVIDER = "USA"
"""The provider whose feed the record shows suspended (March 2025)."""


class AewType(Strict):
    """An airborne early warning type: operator, fleet, endurance, radar reach, transit."""

    name: str
    operator: str
    fleet: Quantity
    endurance_h: Quantity
    radar_range_km: Quantity
    transit_h: Quantity


class Station(Strict):
    """The centre of an AEW orbit over allied territory."""

    name: str
    lon: float
    lat: float
    source: str
    note: str | None = None


class Level(Strict):
    """What a level of sharing brings: freshness (attribution) and targeting uplift."""

    freshness: Quantity
    targeting_uplift: Quantity


class WorldDefaults(Strict):
    """Parameters that vary by world, with their defaults and ranges."""

    aew_orbit_altitude_m: Quantity
    low_level_target_altitude_m: Quantity
    ground_radar_height_m: Quantity
    low_level_threat_speed_kmh: Quantity
    alert_processing_min: Quantity
    aew_mission_capable_rate: Quantity
    aew_deployable_share: Quantity
    aew_turnaround_h: Quantity
    aew_maintenance_h: Quantity
    aew_reserve_h: Quantity
    attribution_national: Quantity
    attribution_imagery: Quantity
    attribution_signals: Quantity
    attribution_aew: Quantity
    us_suspension_per_year: Quantity
    suspension_months: Quantity


class IntelligenceData(Strict):
    """The whole file."""

    sources: dict[str, Source]
    aew_types: dict[str, AewType]
    stations: dict[str, Station]
    sharing_levels: dict[IntelligenceLevel, Level]
    sharing_uses: dict[SharingUse, Quantity]
    world: WorldDefaults

    def citations(self) -> tuple[str, ...]:
        """Every source of the file, cited."""
        return tuple(source.cite() for source in self.sources.values())


def load_data(path: Path = DATA_FILE) -> IntelligenceData:
    """Load and validate an intelligence data file.

    Raises:
        DataError: with every problem found, each located by file, line and field.
    """
    data = load_sourced(path, IntelligenceData)
    problems = [
        Problem(
            f"the data must describe every level of sharing; {level.value!r} is missing",
            file=str(path),
            field="sharing_levels",
            expected=", ".join(level.value for level in IntelligenceLevel),
        )
        for level in IntelligenceLevel
        if level not in data.sharing_levels
    ] + [
        Problem(
            f"the data must describe every use of shared intelligence; {use.value!r} is missing",
            file=str(path),
            field="sharing_uses",
            expected=", ".join(use.value for use in SharingUse),
        )
        for use in SharingUse
        if use not in data.sharing_uses
    ]
    if problems:
        raise DataError(problems)
    return data


@lru_cache(maxsize=1)
def shipped_data() -> IntelligenceData:
    """The shipped data file (loaded once)."""
    return load_data()


WORLD_NAMES: tuple[str, ...] = tuple(WorldDefaults.model_fields)
"""The world parameters the intelligence model reads."""
WARNING_NAMES: tuple[str, ...] = (
    "aew_orbit_altitude_m",
    "low_level_target_altitude_m",
    "ground_radar_height_m",
    "low_level_threat_speed_kmh",
    "alert_processing_min",
    "aew_mission_capable_rate",
    "aew_deployable_share",
    "aew_turnaround_h",
    "aew_maintenance_h",
    "aew_reserve_h",
)
"""The parameters the warning time depends on (the air model lists them too)."""
_SHARES = {
    "aew_mission_capable_rate",
    "aew_deployable_share",
    "attribution_national",
    "attribution_imagery",
    "attribution_signals",
    "attribution_aew",
}
BOUNDS: dict[str, tuple[float, float]] = {
    name: (0.0, 1.0) if name in _SHARES else (0.0, 1e6) for name in WORLD_NAMES
}
BOUNDS["aew_orbit_altitude_m"] = (100.0, 20_000.0)
BOUNDS["low_level_threat_speed_kmh"] = (50.0, 5_000.0)
BOUNDS["suspension_months"] = (0.0, 120.0)
BOUNDS["us_suspension_per_year"] = (0.0, 12.0)


def world_table(
    worlds: Worlds | None, data: IntelligenceData | None = None
) -> dict[str, FloatArray]:
    """Every intelligence world parameter as an array over worlds (defaults where not given).

    See :func:`guarantor.instruments.tables.world_table`: parameters of other models in
    ``worlds`` are ignored, and a value not finite or out of bounds raises a ``DataError``.
    """
    data = data or shipped_data()
    defaults = {name: getattr(data.world, name) for name in WORLD_NAMES}
    return tables.world_table(worlds, defaults, BOUNDS)
