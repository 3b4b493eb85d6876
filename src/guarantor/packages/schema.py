"""The package language: a named set of commitments, with conditions and triggers.

A package is the set of levers an analyst pulls: who (an actor) commits what (an instrument), how
much (with units), where, and under which conditions; plus triggers that change the package while
the peace is running ("if Russia violates the ceasefire, sanctions snap back"). Amounts are written
as plain numbers or as quantities with units and provenance (``{value: 12, unit: aircraft,
source: ...}``); a quantity's unit is checked against what the field expects.

This module is longer than most (about 500 lines) on purpose: it is the package language's
reference, every commitment kind side by side, and reads best as one page.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import Field, field_validator, model_validator

from guarantor.sourcing import Finite, Quantity, Source, SourceRef, Strict
from guarantor.theatre.schema import Identifier

Amount = Finite | Quantity

CEILINGS: dict[str, tuple[float, str]] = {
    # field: (highest plausible amount, why); checks of input, not findings: each is several
    # times the largest real figure so that only nonsense is refused
    "aircraft": (200, "aircraft of one type at one base: a squadron is 12-24 aircraft"),
    "ships": (60, "ships of one type: no European navy has more than about 20 escorts"),
    "troops": (500_000, "troops from one actor: Europe's largest armies have about 200,000"),
    "army_cap": (2_000_000, "a cap on Ukraine's forces: they numbered about 900,000 in 2025"),
    "monitors": (50_000, "monitors: the OSCE mission in Ukraine peaked at about 1,300"),
    "instructors": (50_000, "instructors: EUMAM Ukraine trained with a few thousand"),
    "trainees_per_year": (1_000_000, "trainees a year: more than Ukraine's whole army"),
    "usd_bn_per_year": (1_000, "USD bn a year: the US defence budget is about 900"),
    "tonnes_per_day": (100_000, "tonnes a day: the Berlin airlift peaked near 13,000"),
    "standoff_km": (3_000, "km: more than the theatre's width"),
    "readiness_min": (1_440, "minutes: a day; quick-reaction alert is 15"),
    "years": (100, "years a treaty runs"),
    "systems": (50_000, "tanks or guns: more than any army holds"),
    "factor": (10, "a reinforcement multiplies a commitment at most tenfold"),
    "orbits": (10, "continuous AEW orbits of one type: NATO's whole E-3A fleet holds about three"),
}
"""The upper end of every amount a package can set (its lower end is 0, or 1 for years)."""
AIRCRAFT_PER_BASE = 250
"""Most aircraft (fighters and tankers) a package may place at one base."""
TROOPS_PER_ACTOR = 500_000
"""Most troops one actor may commit across a package's forces."""


def magnitude(amount: Amount | None, default: float = 0.0) -> float:
    """Return the number of an amount written plainly or as a quantity."""
    if amount is None:
        return default
    return amount.value if isinstance(amount, Quantity) else float(amount)


def _check_unit(
    amount: Amount | None, allowed: tuple[str, ...], ceiling: str, minimum: float = 0.0
) -> None:
    if amount is None:
        return
    if isinstance(amount, Quantity) and amount.unit not in allowed:
        raise ValueError(f"unit must be {' or '.join(map(repr, allowed))}, got {amount.unit!r}")
    number = magnitude(amount)
    if number < minimum:
        raise ValueError(f"must be ≥ {minimum:g}, got {number:g}")
    highest, why = CEILINGS[ceiling]
    if number > highest:
        raise ValueError(f"must be ≤ {highest:,g} ({why}), got {number:.6g}")


class Instrument(StrEnum):
    """The kinds of guarantee (and settlement terms) a commitment can make."""

    AIR_POLICING = "air_policing"
    MARITIME_SECURITY = "maritime_security"
    REASSURANCE_FORCE = "reassurance_force"
    MONITORING_MISSION = "monitoring_mission"
    TRAINING_MISSION = "training_mission"
    ARMS_SUPPLY = "arms_supply"
    INTELLIGENCE_SHARING = "intelligence_sharing"
    SANCTIONS_SNAPBACK = "sanctions_snapback"
    US_BACKSTOP = "us_backstop"
    NATO_MEMBERSHIP = "nato_membership"
    BILATERAL_TREATY = "bilateral_treaty"
    ARMY_CAP = "army_cap"
    TERRITORIAL_RECOGNITION = "territorial_recognition"


class BackstopLevel(StrEnum):
    """How far the United States backs a guarantee, weakest first."""

    NONE = "none"
    POLITICAL = "political"
    MONITORING = "monitoring"
    ENABLERS = "enablers"
    AIR_SUPPORT = "air_support"
    ARTICLE5_LIKE = "article5_like"

    @property
    def rank(self) -> int:
        """Position on the ladder, 0 for none."""
        return list(BackstopLevel).index(self)


class SanctionsLevel(StrEnum):
    """What happens to sanctions on Russian oil, weakest first."""

    RELIEF = "relief"
    STATUS_QUO = "status_quo"
    TIGHTER = "tighter"
    FULL_SNAPBACK = "full_snapback"


class NatoTrack(StrEnum):
    """Where Ukraine stands on the way to NATO, furthest from membership first."""

    RENOUNCED = "renounced"
    OPEN_DOOR = "open_door"
    INVITATION = "invitation"
    MEMBERSHIP = "membership"


class TreatyForm(StrEnum):
    """How binding a bilateral guarantee is, weakest first."""

    POLITICAL_ASSURANCE = "political_assurance"
    SECURITY_AGREEMENT = "security_agreement"
    RATIFIED_TREATY = "ratified_treaty"


class IntelligenceLevel(StrEnum):
    """How much intelligence is shared, least first."""

    STRATEGIC = "strategic"
    OPERATIONAL = "operational"
    REAL_TIME_TARGETING = "real_time_targeting"


class SharingUse(StrEnum):
    """What the provider lets Ukraine use shared intelligence for, narrowest first."""

    DEFENSIVE_ONLY = "defensive_only"
    WITHIN_UKRAINE = "within_ukraine"
    UNRESTRICTED = "unrestricted"


class ForceLocation(StrEnum):
    """Where a force stands."""

    INSIDE_UKRAINE = "inside_ukraine"
    NEIGHBOURING_NATO = "neighbouring_nato"


class ForceMission(StrEnum):
    """What a land force is for."""

    REASSURANCE = "reassurance"
    TRIPWIRE = "tripwire"
    LINE_HOLDING = "line_holding"


class RecognitionLevel(StrEnum):
    """What is recognised of Russia's hold on occupied territory, least first."""

    NONE = "none"
    FREEZE_WITHOUT_RECOGNITION = "freeze_without_recognition"
    DE_FACTO = "de_facto"
    DE_JURE = "de_jure"


class Condition(Strict):
    """One condition a commitment depends on; exactly one field is set."""

    us_backstop_at_least: BackstopLevel | None = None
    russia_consents: bool | None = None
    ceasefire_agreed: bool | None = None
    parliament_approves: Identifier | None = None
    commitment_active: Identifier | None = None
    nato_unanimity: bool | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        set_fields = [name for name, value in self if value is not None]
        if len(set_fields) != 1:
            names = ", ".join(type(self).model_fields)
            raise ValueError(f"a condition sets exactly one of {names}; got {set_fields or 'none'}")
        return self

    def describe(self) -> str:
        """Return the condition in words."""
        name, value = next((name, value) for name, value in self if value is not None)
        words = {
            "us_backstop_at_least": f"the US backstop is at least '{value}'",
            "russia_consents": "Russia consents" if value else "Russia does not consent",
            "ceasefire_agreed": "a ceasefire is agreed with Russia",
            "parliament_approves": f"the parliament of {value} approves",
            "commitment_active": f"commitment '{value}' is in force",
            "nato_unanimity": "NATO allies agree unanimously",
        }
        return words[name]


class _Commitment(Strict):
    id: Identifier
    actor: Identifier
    conditions: tuple[Condition, ...] = ()
    source: SourceRef | None = None
    note: str | None = None

    @property
    def conditional(self) -> bool:
        """Whether the commitment depends on a condition."""
        return bool(self.conditions)


class AircraftPledge(Strict):
    """Aircraft of one type at one base."""

    type: Identifier
    base: Identifier
    count: Amount

    @field_validator("count")
    @classmethod
    def _count(cls, value: Amount) -> Amount:
        _check_unit(value, ("aircraft",), "aircraft")
        return value


class ShipPledge(Strict):
    """Ships of one type."""

    type: Identifier
    count: Amount

    @field_validator("count")
    @classmethod
    def _count(cls, value: Amount) -> Amount:
        _check_unit(value, ("ships",), "ships")
        return value


class AirPolicing(_Commitment):
    """Fighters (and tankers) guarding Ukraine's skies from their bases."""

    instrument: Literal[Instrument.AIR_POLICING]
    aircraft: tuple[AircraftPledge, ...]
    tankers: tuple[AircraftPledge, ...] = ()
    standoff_km: Amount | None = None
    readiness_min: Amount | None = None
    protect: tuple[Identifier, ...] = ()
    cap_stations: tuple[Identifier, ...] = ()

    @field_validator("aircraft")
    @classmethod
    def _some_aircraft(cls, value: tuple[AircraftPledge, ...]) -> tuple[AircraftPledge, ...]:
        if not value:
            raise ValueError("air policing needs at least one aircraft pledge")
        return value

    @field_validator("standoff_km")
    @classmethod
    def _standoff(cls, value: Amount | None) -> Amount | None:
        _check_unit(value, ("km",), "standoff_km")
        return value

    @field_validator("readiness_min")
    @classmethod
    def _readiness(cls, value: Amount | None) -> Amount | None:
        _check_unit(value, ("min",), "readiness_min")
        return value


class MaritimeSecurity(_Commitment):
    """Warships and mine-countermeasure vessels protecting the sea lane to Odesa."""

    instrument: Literal[Instrument.MARITIME_SECURITY]
    ships: tuple[ShipPledge, ...]
    in_black_sea: bool = True

    @field_validator("ships")
    @classmethod
    def _some_ships(cls, value: tuple[ShipPledge, ...]) -> tuple[ShipPledge, ...]:
        if not value:
            raise ValueError("maritime security needs at least one ship pledge")
        return value


class ReassuranceForce(_Commitment):
    """Troops deployed to reassure (not to hold the line), at hubs."""

    instrument: Literal[Instrument.REASSURANCE_FORCE]
    troops: Amount
    location: ForceLocation = ForceLocation.INSIDE_UKRAINE
    mission: ForceMission = ForceMission.REASSURANCE
    hubs: tuple[Identifier, ...] = ()

    @field_validator("troops")
    @classmethod
    def _troops(cls, value: Amount) -> Amount:
        _check_unit(value, ("troops",), "troops")
        return value


class MonitoringMission(_Commitment):
    """Monitors of the ceasefire along the contact line."""

    instrument: Literal[Instrument.MONITORING_MISSION]
    monitors: Amount
    armed: bool = False
    technical_means: bool = False

    @field_validator("monitors")
    @classmethod
    def _monitors(cls, value: Amount) -> Amount:
        _check_unit(value, ("people",), "monitors")
        return value


class TrainingMission(_Commitment):
    """Instructors training Ukraine's forces."""

    instrument: Literal[Instrument.TRAINING_MISSION]
    instructors: Amount | None = None
    trainees_per_year: Amount | None = None
    location: ForceLocation = ForceLocation.INSIDE_UKRAINE

    @field_validator("instructors")
    @classmethod
    def _instructors(cls, value: Amount | None) -> Amount | None:
        _check_unit(value, ("people",), "instructors")
        return value

    @field_validator("trainees_per_year")
    @classmethod
    def _trainees(cls, value: Amount | None) -> Amount | None:
        _check_unit(value, ("trainees/yr",), "trainees_per_year")
        return value

    @model_validator(mode="after")
    def _some_amount(self) -> Self:
        if self.instructors is None and self.trainees_per_year is None:
            raise ValueError("give 'instructors' or 'trainees_per_year'")
        return self


class ArmsSupply(_Commitment):
    """A flow of weapons and money for them."""

    instrument: Literal[Instrument.ARMS_SUPPLY]
    usd_bn_per_year: Amount
    tonnes_per_day: Amount | None = None
    via: tuple[Identifier, ...] = ()

    @field_validator("usd_bn_per_year")
    @classmethod
    def _money(cls, value: Amount) -> Amount:
        _check_unit(value, ("USD bn/yr",), "usd_bn_per_year")
        return value

    @field_validator("tonnes_per_day")
    @classmethod
    def _tonnes(cls, value: Amount | None) -> Amount | None:
        _check_unit(value, ("t/d",), "tonnes_per_day")
        return value


class AewOrbit(Strict):
    """Continuous airborne early warning orbits of one aircraft type over one station."""

    type: Identifier
    station: Identifier
    orbits: Amount

    @field_validator("orbits")
    @classmethod
    def _orbits(cls, value: Amount) -> Amount:
        _check_unit(value, ("orbits",), "orbits")
        return value


class IntelligenceSharing(_Commitment):
    """Intelligence shared with Ukraine by one provider (the actor), and on what terms.

    ``level`` is how fresh and detailed it is; ``use`` what Ukraine may use it for; ``imagery``
    and ``signals`` whether satellite imagery and signals intelligence are shared; ``aew`` the
    airborne early warning orbits the provider flies over allied territory and shares tracks from.
    """

    instrument: Literal[Instrument.INTELLIGENCE_SHARING]
    level: IntelligenceLevel
    use: SharingUse = SharingUse.WITHIN_UKRAINE
    imagery: bool = False
    signals: bool = False
    aew: tuple[AewOrbit, ...] = ()


class SanctionsSnapback(_Commitment):
    """What happens to sanctions on Russian oil, and whether they snap back."""

    instrument: Literal[Instrument.SANCTIONS_SNAPBACK]
    level: SanctionsLevel
    automatic: bool = False


class UsBackstop(_Commitment):
    """The United States' backing of the guarantee."""

    instrument: Literal[Instrument.US_BACKSTOP]
    level: BackstopLevel
    ratified: bool = False


class NatoMembership(_Commitment):
    """Ukraine's track towards NATO."""

    instrument: Literal[Instrument.NATO_MEMBERSHIP]
    track: NatoTrack


class BilateralTreaty(_Commitment):
    """A bilateral security guarantee to Ukraine."""

    instrument: Literal[Instrument.BILATERAL_TREATY]
    form: TreatyForm
    partner: Identifier = "UKR"
    years: Amount | None = None

    @field_validator("years")
    @classmethod
    def _years(cls, value: Amount | None) -> Amount | None:
        _check_unit(value, ("years",), "years", minimum=1)
        return value


class ArmyCap(_Commitment):
    """A cap on Ukraine's armed forces (a settlement term Ukraine accepts)."""

    instrument: Literal[Instrument.ARMY_CAP]
    troops: Amount
    tanks: Amount | None = None
    artillery: Amount | None = None

    @field_validator("troops")
    @classmethod
    def _troops(cls, value: Amount) -> Amount:
        _check_unit(value, ("troops",), "army_cap")
        return value

    @field_validator("tanks", "artillery")
    @classmethod
    def _systems(cls, value: Amount | None) -> Amount | None:
        _check_unit(value, ("systems",), "systems")
        return value


class TerritorialRecognition(_Commitment):
    """What an actor recognises of Russia's hold on occupied territory."""

    instrument: Literal[Instrument.TERRITORIAL_RECOGNITION]
    level: RecognitionLevel
    areas: tuple[Literal["crimea", "donetsk", "luhansk", "zaporizhzhia", "kherson"], ...] = ()


Commitment = Annotated[
    AirPolicing
    | MaritimeSecurity
    | ReassuranceForce
    | MonitoringMission
    | TrainingMission
    | ArmsSupply
    | IntelligenceSharing
    | SanctionsSnapback
    | UsBackstop
    | NatoMembership
    | BilateralTreaty
    | ArmyCap
    | TerritorialRecognition,
    Field(discriminator="instrument"),
]


class TriggerEvent(StrEnum):
    """What Russia (or the world) does that a trigger watches for."""

    PROBE = "probe"
    CEASEFIRE_VIOLATION = "ceasefire_violation"
    ATTACK_ON_SHIPPING = "attack_on_shipping"
    LIMITED_ATTACK = "limited_attack"
    OFFENSIVE = "offensive"
    US_BACKSTOP_LAPSES = "us_backstop_lapses"
    INTELLIGENCE_SUSPENDED = "intelligence_suspended"


class TriggerAction(StrEnum):
    """What a trigger does to the package."""

    SNAP_BACK_SANCTIONS = "snap_back_sanctions"
    REINFORCE = "reinforce"
    LAPSE = "lapse"
    ACTIVATE = "activate"


class Trigger(Strict):
    """An adaptive rule: after ``count`` events of a kind, do something to the package."""

    id: Identifier
    when: TriggerEvent
    count: int = Field(default=1, ge=1, le=1000)
    within_months: int | None = Field(default=None, ge=1, le=600)
    then: TriggerAction
    commitment: Identifier | None = None
    factor: Amount | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _target(self) -> Self:
        needs_commitment = {TriggerAction.REINFORCE, TriggerAction.LAPSE, TriggerAction.ACTIVATE}
        if self.then in needs_commitment and self.commitment is None:
            raise ValueError(f"action '{self.then}' needs the 'commitment' it applies to")
        if self.then is TriggerAction.REINFORCE:
            if self.factor is None:
                raise ValueError("action 'reinforce' needs a 'factor' (e.g. 2 to double)")
            _check_unit(self.factor, ("1",), "factor", minimum=1.0)
        return self


class Package(Strict):
    """A named set of commitments, with rules of engagement and triggers."""

    name: Identifier
    title: str
    description: str = ""
    theatre: Identifier = "ukraine-2025"
    as_of: str | None = None
    # rules of engagement: one rule set for every domain, or one per domain (a domain not named
    # has no rules of engagement, so no authority to answer probes there)
    roe: str | dict[Literal["air", "sea", "land"], Annotated[str, Field(min_length=1)]] | None = (
        None
    )
    sources: dict[Identifier, Source] = Field(default_factory=dict)
    source: SourceRef | None = None
    commitments: tuple[Commitment, ...]
    triggers: tuple[Trigger, ...] = ()

    @field_validator("commitments")
    @classmethod
    def _some_commitments(cls, value: tuple[Commitment, ...]) -> tuple[Commitment, ...]:
        if not value:
            raise ValueError("a package needs at least one commitment")
        return value

    def of(self, instrument: Instrument) -> list[Commitment]:
        """Return the commitments of one instrument."""
        return [c for c in self.commitments if c.instrument == instrument]

    def commitment(self, commitment_id: str) -> Commitment:
        """Return the commitment with this id."""
        for commitment in self.commitments:
            if commitment.id == commitment_id:
                return commitment
        raise KeyError(f"package {self.name!r} has no commitment {commitment_id!r}")
