"""Land: the line against the threat, sustainment, tiers in place, training, arms (docs/land.md).

The model lives in :mod:`.model` (steps in :mod:`.sizing`, :mod:`.sustainment`, :mod:`.places`,
:mod:`.training_arms`, :mod:`.views`), its data in :mod:`.data`, the contract in :mod:`.instrument`.
"""

from guarantor.instruments.land.data import (
    DATA_FILE,
    WORLD_PARAMETERS,
    Arms,
    LandData,
    Sector,
    Tier,
    load_data,
)
from guarantor.instruments.land.instrument import INSTRUMENT
from guarantor.instruments.land.model import MONITORING, assess, line_strength
from guarantor.instruments.land.places import tier_table
from guarantor.instruments.land.sizing import (
    brigades_required,
    defender_ratio,
    line_holding_troops,
    monitoring_personnel,
    reassurance_troops,
    threat_sizing,
    tripwire_troops,
)
from guarantor.instruments.land.sustainment import (
    months_sustained,
    personnel_required,
    rotation_ratio,
)
from guarantor.instruments.land.training_arms import (
    MONTHS_CAP,
    arms_tonnes_per_day,
    hub_capacity_tonnes_per_day,
    months_of_war,
    trainees_per_year,
    training_need_per_year,
    ukraine_strength_share,
)

__all__ = [
    "DATA_FILE",
    "INSTRUMENT",
    "MONITORING",
    "MONTHS_CAP",
    "WORLD_PARAMETERS",
    "Arms",
    "LandData",
    "Sector",
    "Tier",
    "arms_tonnes_per_day",
    "assess",
    "brigades_required",
    "defender_ratio",
    "hub_capacity_tonnes_per_day",
    "line_holding_troops",
    "line_strength",
    "load_data",
    "monitoring_personnel",
    "months_of_war",
    "months_sustained",
    "personnel_required",
    "reassurance_troops",
    "rotation_ratio",
    "threat_sizing",
    "tier_table",
    "trainees_per_year",
    "training_need_per_year",
    "tripwire_troops",
    "ukraine_strength_share",
]
