"""Land: forces to hold, monitor or trip-wire the line; rotation; training; arms (``docs/land.md``).

The model lives in :mod:`.model`, the instrument contract in :mod:`.instrument`.
"""

from guarantor.instruments.land.instrument import INSTRUMENT
from guarantor.instruments.land.model import (
    DATA_FILE,
    MONITORING,
    WORLD_PARAMETERS,
    Arms,
    LandData,
    Tier,
    arms_tonnes_per_day,
    assess,
    brigades_required,
    hub_capacity_tonnes_per_day,
    line_holding_troops,
    load_data,
    monitoring_personnel,
    months_sustained,
    personnel_required,
    rotation_ratio,
    tier_table,
    trainees_per_year,
    tripwire_troops,
    ukraine_strength_share,
)

__all__ = [
    "DATA_FILE",
    "INSTRUMENT",
    "MONITORING",
    "WORLD_PARAMETERS",
    "Arms",
    "LandData",
    "Tier",
    "arms_tonnes_per_day",
    "assess",
    "brigades_required",
    "hub_capacity_tonnes_per_day",
    "line_holding_troops",
    "load_data",
    "monitoring_personnel",
    "months_sustained",
    "personnel_required",
    "rotation_ratio",
    "tier_table",
    "trainees_per_year",
    "tripwire_troops",
    "ukraine_strength_share",
]
