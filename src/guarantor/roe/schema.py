"""The rules-of-engagement vocabulary: the response ladder, incident fields and incidents.

An *incident* is what a pilot or a ship's captain sees: where (zone, domain), who (actor,
platform), what (act, target, weapon), how sure (positive identification), how close and how
high, and which authority can be reached. A *rule* authorises one response on the ladder
``monitor < warn < shadow < intercept < escort_out < disable < engage`` when all its conditions
hold and the authority it needs is available. A *hit policy* says which rule fires when several
match; *invariants* state what must always hold (e.g. "engage requires a hostile act, or hostile
intent with positive identification, and delegated authority").

The rules themselves (conditions, rules, prohibitions, invariants, rule sets) are in
:mod:`guarantor.roe.rules`; the files as written in :mod:`guarantor.roe.documents`. A rule set
may declare incident fields beyond the built-in ones (``fields:``), so an incident carries
those in ``extra``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Any, Self

from pydantic import Field, model_validator

from guarantor.sourcing import Strict


class Response(IntEnum):
    """The response ladder, weakest first; compare numerically (``ENGAGE > WARN``)."""

    MONITOR = 0
    WARN = 1
    SHADOW = 2
    INTERCEPT = 3
    ESCORT_OUT = 4
    DISABLE = 5
    ENGAGE = 6

    @property
    def label(self) -> str:
        """The name as written in rule files (``escort_out``)."""
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Response:
        """Return the response named ``text`` (as written in rule files).

        Raises:
            KeyError: ``text`` names no response.
        """
        if text != text.lower():
            raise KeyError(text)
        return cls[text.upper()]


class Domain(StrEnum):
    """Where the threat moves."""

    AIR = "air"
    SEA = "sea"
    LAND = "land"


class Actor(StrEnum):
    """Who is behind the threat, as far as known."""

    RUSSIA = "russia"
    UNIDENTIFIED = "unidentified"
    OTHER = "other"


class Platform(StrEnum):
    """What the threat is."""

    UNKNOWN = "unknown"
    DRONE = "drone"
    MANNED_AIRCRAFT = "manned_aircraft"
    MISSILE = "missile"
    WARSHIP = "warship"
    SMALL_CRAFT = "small_craft"
    GROUND_UNIT = "ground_unit"
    SABOTEURS = "saboteurs"


class Act(StrEnum):
    """What the threat does, least threatening first (the order is used for escalation)."""

    PRESENCE = "presence"
    AIRSPACE_VIOLATION = "airspace_violation"
    HOSTILE_INTENT = "hostile_intent"
    HOSTILE_ACT = "hostile_act"
    ATTACK_ON_SHIPPING = "attack_on_shipping"
    ATTACK_ON_COALITION_FORCES = "attack_on_coalition_forces"


class Target(StrEnum):
    """What the threat is aimed at, if anything."""

    NONE = "none"
    UKRAINIAN_TERRITORY = "ukrainian_territory"
    CIVILIAN_INFRASTRUCTURE = "civilian_infrastructure"
    SHIPPING = "shipping"
    UKRAINIAN_FORCES = "ukrainian_forces"
    COALITION_FORCES = "coalition_forces"


class Zone(StrEnum):
    """Where the incident happens."""

    UKRAINE_WEST_OF_LINE = "ukraine_west_of_line"
    UKRAINE_EAST_OF_LINE = "ukraine_east_of_line"
    BLACK_SEA_CORRIDOR = "black_sea_corridor"
    NATO_AIRSPACE = "nato_airspace"
    NEAR_RUSSIAN_TERRITORY = "near_russian_territory"
    RUSSIAN_TERRITORY = "russian_territory"


class Weapon(StrEnum):
    """The weapon class seen, least dangerous first.

    ``light``: guns; ``heavy``: bombs, artillery, explosive drones; ``missile``: cruise,
    ballistic or anti-ship missiles.
    """

    NONE = "none"
    UNKNOWN = "unknown"
    LIGHT = "light"
    HEAVY = "heavy"
    MISSILE = "missile"


class Authority(StrEnum):
    """The most senior authority that can be reached in time, lowest first."""

    ON_SCENE = "on_scene"
    MISSION_COMMANDER = "mission_commander"
    NATIONAL_COMMAND = "national_command"
    COALITION_COUNCIL = "coalition_council"


class HitPolicy(StrEnum):
    """Which rule fires when several match (after DMN's hit policies).

    ``first``: the first matching rule in file order. ``priority``: the matching rule with the
    strongest response (ties: file order), as DMN's PRIORITY ranks by the output list, here the
    ladder. ``unique``: at most one rule may match; an overlap with different responses is a
    conflict, which the engine resolves to the weakest response and reports.
    """

    FIRST = "first"
    PRIORITY = "priority"
    UNIQUE = "unique"


class Direction(StrEnum):
    """Which way a field makes an incident more threatening."""

    INCREASING = "increasing"
    DECREASING = "decreasing"


class FieldKind(enum.Enum):
    """How a field's values compare."""

    CATEGORY = "category"
    ORDINAL = "ordinal"
    FLAG = "flag"
    MEASURE = "measure"


@dataclass(frozen=True)
class FieldSpec:
    """One field conditions can test: its kind, its values (in order) or its unit."""

    name: str
    kind: FieldKind
    values: tuple[str, ...] = ()
    unit: str = ""
    description: str = ""
    default: str | bool | float | None = None  # declared fields: the value when not given

    def index(self, value: str) -> int:
        """Position of ``value`` in the field's list of values."""
        return self.values.index(value)


def _values(kind: type[enum.Enum]) -> tuple[str, ...]:
    return tuple(str(member.value) for member in kind)


INCIDENT_FIELDS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in (
        FieldSpec("domain", FieldKind.CATEGORY, _values(Domain), description="where it moves"),
        FieldSpec("actor", FieldKind.CATEGORY, _values(Actor), description="who is behind it"),
        FieldSpec("platform", FieldKind.CATEGORY, _values(Platform), description="what it is"),
        FieldSpec("act", FieldKind.ORDINAL, _values(Act), description="what it does"),
        FieldSpec("target", FieldKind.CATEGORY, _values(Target), description="what it aims at"),
        FieldSpec("zone", FieldKind.CATEGORY, _values(Zone), description="where it happens"),
        FieldSpec("pid", FieldKind.FLAG, description="positive identification"),
        FieldSpec("weapon", FieldKind.ORDINAL, _values(Weapon), description="weapon class"),
        FieldSpec(
            "authority", FieldKind.ORDINAL, _values(Authority), description="authority reachable"
        ),
        FieldSpec("altitude_m", FieldKind.MEASURE, unit="m", description="height above ground"),
        FieldSpec(
            "distance_km",
            FieldKind.MEASURE,
            unit="km",
            description="distance to the nearest protected asset",
        ),
    )
}
RESPONSE_FIELD = FieldSpec(
    "response",
    FieldKind.ORDINAL,
    tuple(response.label for response in Response),
    description="the response decided",
)
# Invariants may also test the response decided for the incident.
INVARIANT_FIELDS: dict[str, FieldSpec] = {**INCIDENT_FIELDS, "response": RESPONSE_FIELD}
# The threat lattice: more of these never gets a weaker response. Positive identification and a
# more senior authority within reach never *remove* an option either.
DEFAULT_MONOTONE: dict[str, Direction] = {
    "act": Direction.INCREASING,
    "weapon": Direction.INCREASING,
    "distance_km": Direction.DECREASING,
    "pid": Direction.INCREASING,
    "authority": Direction.INCREASING,
}


# Which domains each platform moves in (naval drones and combat divers included).
PLATFORM_DOMAINS: dict[Platform, frozenset[Domain]] = {
    Platform.UNKNOWN: frozenset(Domain),
    Platform.DRONE: frozenset({Domain.AIR, Domain.SEA}),
    Platform.MANNED_AIRCRAFT: frozenset({Domain.AIR}),
    Platform.MISSILE: frozenset({Domain.AIR}),
    Platform.WARSHIP: frozenset({Domain.SEA}),
    Platform.SMALL_CRAFT: frozenset({Domain.SEA}),
    Platform.GROUND_UNIT: frozenset({Domain.LAND}),
    Platform.SABOTEURS: frozenset({Domain.LAND, Domain.SEA}),
}


ExtraValue = str | bool | float
MAX_DISTANCE_KM = 5_000.0
"""Farthest an incident may lie from what it threatens: more than the theatre's width."""
MAX_ALTITUDE_M = 100_000.0
"""Highest an incident may happen: the edge of space (ballistic missiles fly higher, but the
rules decide on them before they are that high)."""


class Incident(Strict):
    """One incident the rules decide on.

    ``extra`` holds the values of fields a rule set declares in its own schema (``fields:``);
    the rule set checks them and fills in its defaults when it decides.
    """

    domain: Domain
    act: Act
    zone: Zone
    distance_km: float = Field(ge=0, le=MAX_DISTANCE_KM, allow_inf_nan=False)
    actor: Actor = Actor.UNIDENTIFIED
    platform: Platform = Platform.UNKNOWN
    target: Target = Target.NONE
    pid: bool = False
    weapon: Weapon = Weapon.UNKNOWN
    authority: Authority = Authority.ON_SCENE
    altitude_m: float = Field(0.0, ge=0, le=MAX_ALTITUDE_M, allow_inf_nan=False)
    extra: dict[str, ExtraValue] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _platform_fits_domain(self) -> Self:
        allowed = PLATFORM_DOMAINS[self.platform]
        if self.domain not in allowed:
            names = ", ".join(sorted(domain.value for domain in allowed))
            raise ValueError(
                f"a {self.platform.value} does not move in the {self.domain.value} domain "
                f"(it moves in: {names})"
            )
        return self

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Incident:
        """The incident of :meth:`as_data`'s plain data (declared fields at the top level)."""
        known = {key: value for key, value in data.items() if key in INCIDENT_FIELDS}
        extra = {key: value for key, value in data.items() if key not in INCIDENT_FIELDS}
        return cls.model_validate({**known, "extra": extra} if extra else known)

    def value(self, name: str) -> ExtraValue:
        """The incident's value of field ``name`` (enum values as text)."""
        if name not in INCIDENT_FIELDS:
            return self.extra[name]
        value = getattr(self, name)
        return str(value.value) if isinstance(value, enum.Enum) else value

    def as_data(self) -> dict[str, Any]:
        """The incident as plain data (every field, enum values as text; declared fields last)."""
        return {**{name: self.value(name) for name in INCIDENT_FIELDS}, **self.extra}
