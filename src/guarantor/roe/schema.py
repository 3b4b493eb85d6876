"""The rules-of-engagement language: incidents, conditions, rules, invariants and rule sets.

An *incident* is what a pilot or a ship's captain sees: where (zone, domain), who (actor,
platform), what (act, target, weapon), how sure (positive identification), how close and how
high, and which authority can be reached. A *rule* authorises one response on the ladder
``monitor < warn < shadow < intercept < escort_out < disable < engage`` when all its conditions
hold and the authority it needs is available. A *hit policy* says which rule fires when several
match; *invariants* state what must always hold (e.g. "engage requires a hostile act, or hostile
intent with positive identification, and delegated authority").

Conditions are written per field (``act: {at_least: hostile_intent}``, ``zone: [a, b]``,
``pid: true``); thresholds on measured fields carry a unit and a source or a flagged assumption
with a range (``distance_km: {below: 20, unit: km, assumption: ..., low: 10, high: 40}``), so
that a threshold is never an unexplained number and can be swept.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any, Self

from pydantic import Field, model_validator

from guarantor.sourcing import Quantity, Source, SourceRef, Strict
from guarantor.theatre.schema import Identifier


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
DEFAULT_MONOTONE: dict[str, Direction] = {
    "act": Direction.INCREASING,
    "weapon": Direction.INCREASING,
    "distance_km": Direction.DECREASING,
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


class Incident(Strict):
    """One incident the rules decide on."""

    domain: Domain
    act: Act
    zone: Zone
    distance_km: float = Field(ge=0, allow_inf_nan=False)
    actor: Actor = Actor.UNIDENTIFIED
    platform: Platform = Platform.UNKNOWN
    target: Target = Target.NONE
    pid: bool = False
    weapon: Weapon = Weapon.UNKNOWN
    authority: Authority = Authority.ON_SCENE
    altitude_m: float = Field(0.0, ge=0, allow_inf_nan=False)

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

    def value(self, name: str) -> str | bool | float:
        """The incident's value of field ``name`` (enum values as text)."""
        value = getattr(self, name)
        return str(value.value) if isinstance(value, enum.Enum) else value

    def as_data(self) -> dict[str, Any]:
        """The incident as plain data (every field, enum values as text)."""
        return {name: self.value(name) for name in INCIDENT_FIELDS}


# ---------------------------------------------------------------------------------------------
# Conditions and expressions (compiled from the YAML by guarantor.roe.loader)

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Test:
    """One condition on one field.

    Category and ordinal tests hold when the value is in ``allowed`` (``at_least``, ``not_in``
    and friends are compiled to that set); flag tests hold when the value equals ``flag``;
    measure tests compare with ``threshold`` by ``op`` (``<``, ``<=``, ``>``, ``>=``).
    """

    field: str
    text: str
    allowed: frozenset[str] = frozenset()
    flag: bool | None = None
    op: str = ""
    threshold: Quantity | None = None
    where: Path = ()

    def holds(self, values: dict[str, Any]) -> bool:
        """Whether the test holds for a mapping of field values (plain data)."""
        value = values[self.field]
        spec = INVARIANT_FIELDS[self.field]
        if spec.kind is FieldKind.FLAG:
            return bool(value) is self.flag
        if spec.kind is FieldKind.MEASURE:
            assert self.threshold is not None
            limit = self.threshold.value
            return bool(
                {
                    "<": value < limit,
                    "<=": value <= limit,
                    ">": value > limit,
                    ">=": value >= limit,
                }[self.op]
            )
        return str(value) in self.allowed


@dataclass(frozen=True)
class All:
    """Every part holds (an empty ``All`` always holds)."""

    parts: tuple[Expr, ...]


@dataclass(frozen=True)
class AnyOf:
    """At least one part holds."""

    parts: tuple[Expr, ...]


@dataclass(frozen=True)
class Not:
    """The part does not hold."""

    part: Expr


Expr = Test | All | AnyOf | Not
TRUE = All(())


def holds(expr: Expr, values: dict[str, Any]) -> bool:
    """Evaluate an expression on plain field values."""
    if isinstance(expr, Test):
        return expr.holds(values)
    if isinstance(expr, All):
        return all(holds(part, values) for part in expr.parts)
    if isinstance(expr, AnyOf):
        return any(holds(part, values) for part in expr.parts)
    return not holds(expr.part, values)


def describe(expr: Expr) -> str:
    """The expression in words."""
    if isinstance(expr, Test):
        return expr.text
    if isinstance(expr, All):
        return " and ".join(_wrapped(part) for part in expr.parts) if expr.parts else "always"
    if isinstance(expr, AnyOf):
        return " or ".join(_wrapped(part) for part in expr.parts) if expr.parts else "never"
    return f"not {_wrapped(expr.part)}"


def _wrapped(expr: Expr) -> str:
    text = describe(expr)
    return f"({text})" if isinstance(expr, (All, AnyOf)) and len(expr.parts) > 1 else text


def tests_in(expr: Expr) -> list[Test]:
    """Every test inside an expression."""
    if isinstance(expr, Test):
        return [expr]
    if isinstance(expr, Not):
        return tests_in(expr.part)
    return [test for part in expr.parts for test in tests_in(part)]


@dataclass(frozen=True)
class Rule:
    """One rule: it authorises a response when its conditions hold and authority is reachable."""

    id: str
    index: int
    conditions: tuple[Test, ...]
    response: Response
    authority: Authority
    reason: str
    sources: tuple[str, ...] = ()
    line: int | None = None

    @property
    def authority_test(self) -> Test:
        """The implicit condition that the rule's authority can be reached."""
        reachable = _values(Authority)[_values(Authority).index(self.authority.value) :]
        return Test(
            "authority",
            f"authority ≥ {self.authority.value}",
            allowed=frozenset(reachable),
            where=("rules", self.index, "authority"),
        )

    @property
    def all_conditions(self) -> tuple[Test, ...]:
        """The written conditions plus the authority condition."""
        return (*self.conditions, self.authority_test)


@dataclass(frozen=True)
class Invariant:
    """Something that must hold for every incident: ``when`` implies ``require``."""

    id: str
    text: str
    when: Expr
    require: Expr
    line: int | None = None


@dataclass(frozen=True)
class Ruleset:
    """A loaded, checked rule set."""

    name: str
    title: str
    hit_policy: HitPolicy
    rules: tuple[Rule, ...]
    default: Response
    default_allowed: Expr
    scope: tuple[Test, ...]
    invariants: tuple[Invariant, ...]
    monotone: dict[str, Direction]
    revision: str
    file: str
    description: str = ""
    sources: dict[str, Source] = field(default_factory=dict)
    parameters: dict[str, Quantity] = field(default_factory=dict)

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id.

        Raises:
            KeyError: no such rule.
        """
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(f"rule set {self.name!r} has no rule {rule_id!r}")

    def precedence(self) -> list[Rule]:
        """Rules in the order the hit policy tries them (the first match fires)."""
        if self.hit_policy is HitPolicy.PRIORITY:
            return sorted(self.rules, key=lambda rule: (-rule.response, rule.index))
        if self.hit_policy is HitPolicy.UNIQUE:
            # a conflict resolves to the weakest response matched
            return sorted(self.rules, key=lambda rule: (rule.response, rule.index))
        return list(self.rules)


# ---------------------------------------------------------------------------------------------
# The file as written (pydantic checks its shape; conditions are compiled by the loader)


class RuleDoc(Strict):
    """A rule as written."""

    id: Identifier
    when: dict[str, Any] = Field(default_factory=dict)
    then: str
    authority: Authority = Authority.ON_SCENE
    reason: str = Field(min_length=1)
    source: SourceRef | None = None
    sources: tuple[Identifier, ...] = ()
    note: str | None = None


class DefaultDoc(Strict):
    """The default response, and the incidents allowed to fall through to it."""

    response: str = "monitor"
    allowed_when: Any = None


class InvariantDoc(Strict):
    """An invariant as written."""

    id: Identifier
    text: str = Field(min_length=1)
    when: Any = None
    require: Any
    source: SourceRef | None = None
    sources: tuple[Identifier, ...] = ()


class RulesetDoc(Strict):
    """A rule-set file as written."""

    name: Identifier
    title: str = Field(min_length=1)
    description: str = ""
    mission: str = ""
    hit_policy: HitPolicy
    sources: dict[Identifier, Source] = Field(default_factory=dict)
    parameters: dict[Identifier, Quantity] = Field(default_factory=dict)
    scope: dict[str, Any] = Field(default_factory=dict)
    default: DefaultDoc = Field(default_factory=DefaultDoc)
    monotone: dict[str, Direction] | None = None
    rules: list[RuleDoc] = Field(min_length=1)
    invariants: list[InvariantDoc] = Field(default_factory=list)


class FixtureDoc(Strict):
    """An incident with the response it should get."""

    id: Identifier
    incident: dict[str, Any]
    expect: str
    expect_rule: str | None = None
    note: str | None = None
    source: SourceRef | None = None


class FixturesDoc(Strict):
    """A fixtures file as written."""

    ruleset: str | None = None
    description: str = ""
    sources: dict[Identifier, Source] = Field(default_factory=dict)
    fixtures: list[FixtureDoc] = Field(min_length=1)


@dataclass(frozen=True)
class Fixture:
    """A loaded fixture: an incident and the response expected.

    ``bands`` are the ranges its measured fields are claimed to hold over
    (``{field: (low, high)}``), checked by the solver.
    """

    id: str
    incident: Incident
    expect: Response
    expect_rule: str | None = None
    bands: dict[str, tuple[float, float]] = field(default_factory=dict)
    note: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Fixtures:
    """A loaded fixtures file."""

    fixtures: tuple[Fixture, ...]
    ruleset: str | None
    file: str
