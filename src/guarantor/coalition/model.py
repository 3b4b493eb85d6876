"""The coalition's data: members, inventories, offers and how each state decides.

``data/coalition.yaml`` is the one inventory of the project: the air model's fleets, the sea
model's navies and the land model's armies and rotation policies are read from here. The file is
validated on load (every problem located by file, line and field) and cached.
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Self

from pydantic import Field, model_validator

from guarantor.sourcing import Quantity, Source, SourceRef, Strict, load_sourced

DATA_FILE = Path(__file__).with_name("data") / "coalition.yaml"

ESCORT_CLASSES = ("destroyer", "frigate", "corvette")
"""Warship classes that can escort merchant ships (the sea model's escort roles)."""


class Mandate(StrEnum):
    """Who must agree before a state's forces deploy abroad."""

    PRIOR = "prior"
    SUBSEQUENT = "subsequent"
    LIMITED = "limited"
    CONVENTION = "convention"
    EXECUTIVE = "executive"

    def describe(self) -> str:
        """The rule in a few words."""
        return {
            "prior": "parliament approves beforehand",
            "subsequent": "parliament approves afterwards or to extend",
            "limited": "parliament approves some deployments",
            "convention": "a vote by custom, not by law",
            "executive": "the government decides",
        }[self.value]


class Decision(Strict):
    """How a state decides to send forces abroad, with the law or practice cited."""

    mandate: Mandate
    basis: str = Field(min_length=1)
    source: SourceRef | None = None

    @property
    def parliament_needed(self) -> bool:
        """Whether a parliamentary vote (by law or by convention) precedes a deployment."""
        return self.mandate in (Mandate.PRIOR, Mandate.CONVENTION)


class Offer(Strict):
    """Something a state has publicly offered, dated and sourced."""

    date: str = Field(min_length=1)
    what: str = Field(min_length=1)
    source: SourceRef


class RuledOut(Strict):
    """A kind of force a state has publicly ruled out sending (``troops``, an aircraft type...)."""

    kind: str = Field(min_length=1)
    date: str = Field(min_length=1)
    what: str = Field(min_length=1)
    source: SourceRef


class LandForce(Strict):
    """A state's trained land force and its rotation policy (tour, then dwell at home)."""

    army: Quantity
    tour_months: Quantity
    dwell_months: Quantity


class Training(Strict):
    """What a state has trained of Ukraine's soldiers a year."""

    trainees_per_year: Quantity


class Nation(Strict):
    """One state: what it has, what it offered, how it decides."""

    name: str = Field(min_length=1)
    aircraft: dict[str, Quantity] = Field(default_factory=dict)
    tankers: dict[str, Quantity] = Field(default_factory=dict)
    aew: dict[str, Quantity] = Field(default_factory=dict)
    ships: dict[str, Quantity] = Field(default_factory=dict)
    land: LandForce | None = None
    training: Training | None = None
    decides: Decision
    offers: tuple[Offer, ...] = ()
    rules_out: tuple[RuledOut, ...] = ()

    def fleet(self, kind: str) -> float:
        """Aircraft of a type, or warships of a class, the state has (0 when none is listed)."""
        held = self.aircraft.get(kind) or self.ships.get(kind)
        return float(held.value) if held is not None else 0.0


class Membership(Strict):
    """The coalition's members as reported at a dated meeting."""

    meeting: str
    as_of: str
    count: Quantity
    leader_level: Quantity
    leaders: tuple[str, ...]
    leaders_source: str
    others: tuple[str, ...]
    others_source: str
    others_note: str | None = None
    outside: tuple[str, ...] = ()
    outside_source: str | None = None

    @property
    def members(self) -> tuple[str, ...]:
        """Every member, leaders first, in the order reported."""
        return self.leaders + tuple(m for m in self.others if m not in self.leaders)

    @model_validator(mode="after")
    def _counts(self) -> Self:
        if len(set(self.members)) != round(self.count.value):
            raise ValueError(
                f"the members listed ({len(set(self.members))}) differ from the count reported "
                f"({self.count.value:g})"
            )
        if len(set(self.leaders)) != round(self.leader_level.value):
            raise ValueError(
                f"the leaders listed ({len(set(self.leaders))}) differ from the number reported "
                f"({self.leader_level.value:g})"
            )
        return self


class Planning(Strict):
    """Planning factors for what a nation can deploy (flagged assumptions with ranges)."""

    aircraft_home_share: Quantity
    aircraft_expeditionary_share: Quantity
    aircraft_rotation_ratio: Quantity
    ships_home_share: Quantity
    ships_expeditionary_share: Quantity
    troops_per_brigade: Quantity


class CoalitionData(Strict):
    """The whole of ``coalition.yaml``."""

    sources: dict[str, Source]
    membership: Membership
    planning: Planning
    land_default: LandForce
    nations: dict[str, Nation]

    @model_validator(mode="after")
    def _complete(self) -> Self:
        m = self.membership
        missing = [f"nations.{actor}" for actor in m.members if actor not in self.nations]
        cited = [m.leaders_source, m.others_source, m.outside_source]
        missing += [f"sources.{key}" for key in cited if key and key not in self.sources]
        if missing:
            raise ValueError(f"missing entries: {', '.join(missing)}")
        return self

    @property
    def members(self) -> tuple[str, ...]:
        """The coalition's members (Ukraine included, as reported)."""
        return self.membership.members

    def is_member(self, actor: str) -> bool:
        """Whether ``actor`` is a reported member of the coalition."""
        return actor in self.membership.members

    def contributors(self) -> tuple[str, ...]:
        """States that could contribute forces to Ukraine's guarantee.

        The members but Ukraine, and the United States; states reported outside the coalition
        are left out.
        """
        members = [m for m in self.members if m != "UKR"]
        others = [a for a in self.nations if a not in members and a not in self.membership.outside]
        return tuple(members + [a for a in others if a != "UKR"])

    def land_policy(self, actor: str) -> LandForce:
        """The actor's land force and rotation policy (the default when it has none)."""
        nation = self.nations.get(actor)
        if nation is not None and nation.land is not None:
            return nation.land
        return self.land_default

    def cite(self, ref: SourceRef | None) -> str:
        """A source reference as a one-line citation ('' when there is none)."""
        if ref is None:
            return ""
        if isinstance(ref, Source):
            return ref.cite()
        source = self.sources.get(ref)
        return source.cite() if source is not None else ref


def load_data(path: Path | None = None) -> CoalitionData:
    """Read and check a coalition data file (default: the shipped one).

    Raises:
        DataError: with every problem found, each located by file, line and field.
    """
    if path is None:
        return shipped_data()
    return load_sourced(path, CoalitionData)


@lru_cache(maxsize=1)
def shipped_data() -> CoalitionData:
    """The shipped coalition file, read once."""
    return load_sourced(DATA_FILE, CoalitionData)
