"""The land data file (``data.yaml``): its schema, loading, and the world parameters it declares."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal, Self

import numpy as np
from numpy.typing import NDArray
from pydantic import model_validator

from guarantor.coalition.model import LandForce as Policy
from guarantor.coalition.model import shipped_data as coalition_data
from guarantor.errors import DataError, Problem
from guarantor.section import Worlds, n_worlds, out_of_bounds, world_parameter
from guarantor.sourcing import Quantity, Source, Strict, load_sourced

FloatArray = NDArray[np.float64]
DATA_FILE = Path(__file__).parent / "data.yaml"

Zone = Literal["west", "centre", "line"]
ZONES: tuple[Zone, ...] = ("west", "centre", "line")

# Physical bounds on world parameters; values outside them are refused as bad data.
BOUNDS: dict[str, tuple[float, float]] = {
    "contact_line_length_km": (1.0, 20000.0),
    "russian_grouping_troops": (0.0, 1e8),
    "russian_rebuild_factor": (0.0, 100.0),
    "defence_preparation": (0.0, 1.0),
    "operational_reserve_share": (0.0, 1.0),
    "second_echelon_share": (0.0, 10.0),
    "fires_support_share": (0.0, 10.0),
    "air_defence_share": (0.0, 10.0),
    "engineer_share": (0.0, 10.0),
    "logistics_share": (0.0, 10.0),
    "ukraine_ground_share": (0.0, 1.0),
    "frontage_km_per_brigade": (0.1, 1000.0),
    "brigade_troops": (1.0, 1e5),
    "monitors_per_km": (0.001, 1000.0),
    "tripwire_post_troops": (1.0, 1e5),
    "tripwire_post_spacing_km": (0.1, 5000.0),
    "hub_garrison_troops": (1.0, 1e6),
    "line_zone_km": (0.0, 2000.0),
    "dwell_factor": (0.0, 10.0),
    "mission_years": (0.01, 100.0),
    "pool_share_available": (0.0, 1.0),
    "pledge_fulfilment_share": (0.0, 1.0),
    "readiness_days": (0.0, 365.0),
    "road_march_km_per_day": (1.0, 5000.0),
    "rail_km_per_day": (1.0, 5000.0),
    "gauge_transfer_days": (0.0, 100.0),
    "road_circuity": (1.0, 5.0),
    "trainees_per_instructor": (0.0, 1000.0),
    "training_sites": (0.0, 1000.0),
    "training_weeks_per_year": (0.0, 52.2),
    "army_turnover_per_year": (0.0, 1.0),
    "usd_per_tonne_of_aid": (1.0, 1e9),
    "tonnes_per_vehicle": (0.0, 1000.0),
    "hub_surge_factor": (0.0, 100.0),
    "shell_share_of_arms": (0.0, 1.0),
    "usd_per_shell": (1.0, 1e7),
    "interceptor_share_of_arms": (0.0, 1.0),
    "usd_per_interceptor": (1.0, 1e10),
    "ukraine_shells_per_day_war": (0.0, 1e7),
    "russian_missiles_per_month": (0.0, 1e6),
    "interceptors_per_missile": (0.0, 100.0),
    "missiles_needing_interceptors_share": (0.0, 1.0),
    "stockpile_months": (0.0, 1200.0),
    "peacetime_use_share": (0.0, 1.0),
    "ukraine_share_of_interceptor_production": (0.0, 1.0),
    "technical_means_factor": (1.0, 20.0),
    "army_cap_position": (0.0, 1.0),
}
WORLD_NAMES = tuple(BOUNDS)

_UKRAINE = ("target_troops", "troops_offered", "tanks_offered", "artillery_offered")
_TRAINING = ("course_weeks", "trainees_in_training_at_once", "war_mobilisation_per_month")
_ARMS = ("shells_available_per_year", "interceptors_made_per_year")


class Tier(Strict):
    """A published force-size option and the zone its source places it in."""

    id: str
    name: str
    troops: float
    low: float
    high: float
    source: str
    zone: Zone
    placement_source: str


class Sector(Strict):
    """A sector of the line: the share of the Russian grouping facing it, and its terrain."""

    id: str
    name: str
    terrain: str
    grouping_share: Quantity


class Mission(Strict):
    """What a reassurance force is for: the hubs it protects and its own air defence."""

    protect: tuple[str, ...]
    protect_source: str
    protect_note: str
    own_air_defence_share: Quantity


class Arms(Strict):
    """The main logistics hub's record and what the world makes for Ukraine."""

    hub: str
    hub_vehicles: Quantity
    hub_days: Quantity
    hub_share_of_aid: Quantity
    shells_available_per_year: Quantity
    interceptors_made_per_year: Quantity


class Origin(Strict):
    """Where a reinforcing brigade starts (a theatre place)."""

    id: str
    name: str


class LandData(Strict):
    """The whole of ``data.yaml``."""

    sources: dict[str, Source]
    world: dict[str, Quantity]
    sectors: tuple[Sector, ...]
    terrain: dict[str, Quantity]
    doctrine: dict[str, Quantity]
    reassurance_mission: Mission
    ukraine: dict[str, Quantity]
    training: dict[str, Quantity]
    arms: Arms
    reinforcement_origins: tuple[Origin, ...]
    tiers: tuple[Tier, ...]
    dnipro: tuple[str, ...]
    checks: dict[str, Quantity]

    @model_validator(mode="after")
    def _complete(self) -> Self:
        missing = [name for name in WORLD_NAMES if name not in self.world]
        missing += [f"ukraine.{n}" for n in _UKRAINE if n not in self.ukraine]
        missing += [f"training.{n}" for n in _TRAINING if n not in self.training]
        missing += [
            f"doctrine.{n}"
            for n in ("hasty_defence_ratio", "deliberate_defence_ratio")
            if n not in self.doctrine
        ]
        missing += [
            f"sectors.{s.id}.terrain ({s.terrain})"
            for s in self.sectors
            if s.terrain not in self.terrain
        ]
        cited = [t.source for t in self.tiers] + [t.placement_source for t in self.tiers]
        cited.append(self.reassurance_mission.protect_source)
        missing += [f"sources.{key}" for key in cited if key not in self.sources]
        if not self.sectors:
            missing.append("sectors (at least one)")
        if len(self.dnipro) < 2:
            missing.append("dnipro (at least two places)")
        if missing:
            raise ValueError(f"missing entries: {', '.join(missing)}")
        return self

    def policy(self, actor: str) -> Policy:
        """The actor's army and rotation policy, from the coalition's data.

        A contributor without an entry gets the coalition's default.
        """
        return coalition_data().land_policy(actor)


def load_data(path: Path | None = None) -> LandData:
    """Read and check a land data file (default: the shipped one).

    Raises:
        DataError: with every problem found, each located by file, line and field.
    """
    if path is None:
        return shipped_data()
    return load_sourced(path, LandData)


@lru_cache(maxsize=1)
def shipped_data() -> LandData:
    """The shipped data file, read once."""
    return load_data(DATA_FILE)


WORLD_PARAMETERS: dict[str, Quantity] = {name: shipped_data().world[name] for name in WORLD_NAMES}
"""World parameters the model accepts, with defaults and ranges (sampled by the explorer)."""


def parameters(worlds: Worlds | None, line_length_km: float) -> dict[str, FloatArray]:
    """Every world parameter as an array over worlds, defaults filled in and bounds checked.

    Raises:
        DataError: a parameter is not finite or out of bounds, or there are no worlds.
    """
    size = n_worlds(worlds)
    if size == 0:
        raise DataError(
            [Problem("no worlds", field="worlds", expected="arrays of at least one value")]
        )
    problems: list[Problem] = []
    values: dict[str, FloatArray] = {}
    for name, default in WORLD_PARAMETERS.items():
        fallback: Quantity | float = default
        if name == "contact_line_length_km":
            fallback = line_length_km
        column = world_parameter(worlds, name, fallback, size)
        problem = out_of_bounds(name, column, *BOUNDS[name])
        if problem is not None:
            problems.append(problem)
        values[name] = column
    if problems:
        raise DataError(problems)
    return values


def assumptions(data: LandData) -> list[str]:
    """Every flagged assumption of the file, in words with its range."""
    groups: list[tuple[str, dict[str, Quantity]]] = [
        ("world", data.world),
        ("terrain", data.terrain),
        ("ukraine", data.ukraine),
        ("training", data.training),
        ("sectors", {s.id: s.grouping_share for s in data.sectors}),
        (
            "reassurance_mission",
            {"own_air_defence_share": data.reassurance_mission.own_air_defence_share},
        ),
    ]
    coalition = coalition_data()
    for actor, nation in coalition.nations.items():
        if nation.land is not None:
            groups.append((f"coalition.nations.{actor}.land", dict(nation.land)))
    groups.append(("coalition.land_default", dict(coalition.land_default)))
    return [
        f"{prefix}.{name} = {q.value:g} {q.unit} (range {q.low:g}-{q.high:g}): {q.assumption}"
        for prefix, group in groups
        for name, q in group.items()
        if q.assumption is not None and q.low is not None and q.high is not None
    ]
