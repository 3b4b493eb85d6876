"""Sea: protecting ships on the lane to Odesa, and the Montreux Convention (``docs/sea.md``).

The model is split along its seams: :mod:`.geometry` (the corridor), :mod:`.escorts` (pledges,
ships required, protection), :mod:`.flow` (throughput and risk by port group), :mod:`.insurance`
(war-risk premiums and participation), :mod:`.convoys` (convoys against the barrier),
:mod:`.navies` (pledges against inventories), :mod:`.views` (tables and layers), :mod:`.records`
(checks against the record) and :mod:`.model` (the section); the Montreux rules are in
:mod:`.montreux`, its cases in :mod:`.cases`, the data schema and loader in :mod:`.data`, and the
instrument contract in :mod:`.instrument`.
"""

from guarantor.instruments.maritime.escorts import (
    ESCORT_ROLES,
    MCM_ROLES,
    Pledges,
    Requirement,
    cover_radius_km,
    pledges,
    protection,
    requirement,
    sweep_capacity_km2,
)
from guarantor.instruments.maritime.flow import (
    DAYS_PER_MONTH,
    WORLD_PARAMETERS,
    LaneFlow,
    Protection,
    damage_per_call,
    lane_flow,
    parameters,
)
from guarantor.instruments.maritime.geometry import (
    KM_PER_NMI,
    CorridorGeometry,
    PortLeg,
    corridor_geometry,
)
from guarantor.instruments.maritime.instrument import INSTRUMENT
from guarantor.instruments.maritime.model import assess
from guarantor.instruments.maritime.records import record_check, sample_worlds
from guarantor.instruments.maritime.views import corridor_layer, stations_layer

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
