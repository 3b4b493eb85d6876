"""Air: guarding Ukraine's skies from bases in Poland and Romania (``docs/air.md``).

Three questions, vectorised over grid cells, bases and worlds:

1. Reaction time: minutes until the first alert fighter reaches each cell of Ukraine,
   readiness (RS-15) + route length / cruise speed, routes going round forbidden airspace
   (Belarus, Russia, occupied Ukraine and the package's stand-off from Russia), only within the
   type's combat radius (with tankers if the commitment pledges them).
2. Sustained patrols: how many CAP stations the pledged fleet holds around the clock, with the
   RAND sortie-rate model SR = 24 / (FT + TAT + MT), and the tanker sorties they need.
3. Threat interception: whether a fighter reaches a point of a threat's straight path before
   the threat does, for Shahed-type drones and cruise missiles; never for ballistic missiles.

:func:`assess` returns the ``air`` Section. The pieces are public: the reaction field
(:func:`reaction_field`), sortie rates and CAP requirements (:func:`sortie_rate`,
:func:`cap_aircraft_required`), routes (:func:`route_km`) and interception (:func:`protected`).
The model is deterministic; ``rng`` is accepted for the shared contract.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from guarantor.instruments.air.cap import cap_plan
from guarantor.instruments.air.data import WORLD_NAMES, AirData, load_data, shipped_data
from guarantor.instruments.air.geometry import Airspace, build_airspace, route_km, routes_from
from guarantor.instruments.air.instrument import INSTRUMENT
from guarantor.instruments.air.model import assess, threat_plan
from guarantor.instruments.air.pledges import AirPledges, Pledge, Station, air_pledges
from guarantor.instruments.air.reach import (
    airspace_for,
    forbidden_for,
    pledge_transit,
    reaction_field,
    world_table,
)
from guarantor.instruments.air.sustain import (
    allocate,
    cap_aircraft_required,
    cap_sorties_per_day,
    sortie_rate,
    tanker_sorties_required,
)
from guarantor.instruments.air.threats import Paths, protected, threat_paths
from guarantor.sourcing import Quantity

FloatArray = NDArray[np.float64]

WORLD_PARAMETERS: dict[str, Quantity] = {name: shipped_data().world[name] for name in WORLD_NAMES}
"""World parameters the model accepts, with defaults and ranges (sampled by the explorer)."""

__all__ = [
    "INSTRUMENT",
    "WORLD_PARAMETERS",
    "AirData",
    "AirPledges",
    "Airspace",
    "Paths",
    "Pledge",
    "Station",
    "air_pledges",
    "airspace_for",
    "allocate",
    "assess",
    "build_airspace",
    "cap_aircraft_required",
    "cap_plan",
    "cap_sorties_per_day",
    "forbidden_for",
    "load_data",
    "pledge_transit",
    "protected",
    "reaction_field",
    "route_km",
    "routes_from",
    "sortie_rate",
    "tanker_sorties_required",
    "threat_paths",
    "threat_plan",
    "world_table",
]
