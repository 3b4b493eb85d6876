"""Sea: protecting ships on the lane to Odesa, and the Montreux Convention (``docs/sea.md``).

The model lives in :mod:`.model` (corridor geometry, escorts required, protection, throughput),
the Montreux rules in :mod:`.montreux`, the data schema and loader in :mod:`.data`, and the
instrument contract in :mod:`.instrument`.
"""

from guarantor.instruments.maritime.instrument import INSTRUMENT
from guarantor.instruments.maritime.model import (
    DAYS_PER_MONTH,
    ESCORT_ROLES,
    KM_PER_NMI,
    MCM_ROLES,
    WORLD_PARAMETERS,
    CorridorGeometry,
    LaneFlow,
    Pledges,
    PortLeg,
    Protection,
    Requirement,
    assess,
    corridor_geometry,
    corridor_layer,
    cover_radius_km,
    damage_per_call,
    lane_flow,
    parameters,
    pledges,
    protection,
    record_check,
    requirement,
    sample_worlds,
    stations_layer,
    sweep_capacity_km2,
)

__all__ = [
    "DAYS_PER_MONTH",
    "ESCORT_ROLES",
    "INSTRUMENT",
    "KM_PER_NMI",
    "MCM_ROLES",
    "WORLD_PARAMETERS",
    "CorridorGeometry",
    "LaneFlow",
    "Pledges",
    "PortLeg",
    "Protection",
    "Requirement",
    "assess",
    "corridor_geometry",
    "corridor_layer",
    "cover_radius_km",
    "damage_per_call",
    "lane_flow",
    "parameters",
    "pledges",
    "protection",
    "record_check",
    "requirement",
    "sample_worlds",
    "stations_layer",
    "sweep_capacity_km2",
]
