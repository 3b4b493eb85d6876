"""Air: guarding Ukraine's skies from bases in Poland and Romania (``docs/air.md``).

Three questions, vectorised over grid cells, bases and worlds:

1. Reaction time: minutes until the first alert fighter reaches each cell of Ukraine,
   readiness (RS-15) + route length / cruise speed, routes going round forbidden airspace
   (Belarus, Russia, occupied Ukraine and the package's stand-off from Russia), only within the
   type's combat radius (with tankers if the commitment pledges them).
2. Sustained patrols: how many CAP stations the pledged fleet holds around the clock, with the
   RAND sortie-rate model SR = 24 / (FT + TAT + MT), and the tanker sorties they need.
3. Threat interception: whether a fighter reaches a point of a threat's straight path before
   the threat does, for Shahed-type and jet drones and cruise missiles; never for ballistic
   missiles.
4. A raid night: a recorded raid's threats per target meet Ukraine's own layer (fitted to the
   record, :mod:`.baseline`) and then the fighters' gun passes and missiles from the night's
   sortie budget (:mod:`.engage`, :mod:`.raid`): leakers per city with and without the package,
   and the marginal value curve of aircraft.
5. What can be fielded (:mod:`.fleet`: fleets and ramps) and what patrols take over years
   (:mod:`.upkeep`: flying hours, pilots, cost).

:func:`assess` returns the ``air`` Section. The pieces are public: the reaction field
(:func:`reaction_field`), sortie rates and CAP requirements (:func:`sortie_rate`,
:func:`cap_aircraft_required`), routes (:func:`route_km`), interception (:func:`protected`),
the raid night (:func:`night`) and time on station (:func:`time_on_station_h`).
The model is deterministic; ``rng`` is accepted for the shared contract.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from guarantor.instruments.air.baseline import Layer, layer
from guarantor.instruments.air.cap import cap_plan
from guarantor.instruments.air.data import WORLD_NAMES, AirData, load_data, shipped_data
from guarantor.instruments.air.engage import Night, night
from guarantor.instruments.air.fleet import Fielded, fielded
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
    time_on_station_h,
)
from guarantor.instruments.air.threats import Paths, caught_share, protected, threat_paths
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
    "Fielded",
    "Layer",
    "Night",
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
    "caught_share",
    "fielded",
    "forbidden_for",
    "layer",
    "load_data",
    "night",
    "pledge_transit",
    "protected",
    "reaction_field",
    "route_km",
    "routes_from",
    "sortie_rate",
    "tanker_sorties_required",
    "threat_paths",
    "threat_plan",
    "time_on_station_h",
    "world_table",
]
