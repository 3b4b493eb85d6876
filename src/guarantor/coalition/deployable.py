"""What a nation can deploy, and sustain, of what it has: pledges checked against inventories.

::

    aircraft at home   = fleet x home share                          (host nation, own bases)
    aircraft abroad    = fleet x expeditionary share / rotation ratio (kept there for years)
    ships              = hulls of the class x (home | expeditionary) share
    troops             = army x pool share / ((tour + dwell) / tour)  (the land model's rule)

Each figure comes with its low-high range (the planning factors' ranges) and its derivation in
words, so a flagged pledge reads "France pledges 40 rafale; it can sustain about 17 abroad
(9-29): 143 x 0.35 / 3". The sea model already keeps only a share of the committed hulls on
station, and the air model applies the mission-capable rate to the aircraft fielded, so neither
is applied again here.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from guarantor.coalition.model import ESCORT_CLASSES, CoalitionData, shipped_data

TROOPS = "troops"
CAPABILITIES: dict[str, tuple[str, ...]] = {
    "escorts": ESCORT_CLASSES,
    "minehunters": ("minehunter",),
}
"""Capabilities by the warship classes that provide them; ``fighters`` are every combat type."""


@dataclass(frozen=True)
class Deployable:
    """What one nation can keep deployed of one kind of force, and how that was worked out."""

    actor: str
    kind: str
    inventory: float
    quantity: float
    low: float
    high: float
    at_home: bool
    derivation: str

    def describe(self, pledged: float | None = None) -> str:
        """One line: 'France pledges 40 rafale; it can sustain about 17 abroad (9-29)'."""
        where = "from home" if self.at_home else "abroad"
        can = (
            f"it can sustain about {self.quantity:,.0f} {where} ({self.low:,.0f}-{self.high:,.0f})"
        )
        if pledged is None:
            return f"{self.actor} {self.kind}: {can}; {self.derivation}"
        return f"{self.actor} pledges {pledged:,.0f} {self.kind}; {can}: {self.derivation}"


def aircraft(
    actor: str, kind: str, *, at_home: bool = False, data: CoalitionData | None = None
) -> Deployable | None:
    """Aircraft of ``kind`` that ``actor`` can keep committed (None when it has none)."""
    data = data or shipped_data()
    nation = data.nations.get(actor)
    held = None
    if nation is not None:
        held = nation.aircraft.get(kind) or nation.tankers.get(kind)
    if held is None:
        return None
    fleet = float(held.value)
    plan = data.planning
    if at_home:
        share = plan.aircraft_home_share
        low, high = share.range
        return Deployable(
            actor,
            kind,
            fleet,
            fleet * share.value,
            fleet * low,
            fleet * high,
            True,
            f"{fleet:,.0f} x {share.value:g} home share",
        )
    share, ratio = plan.aircraft_expeditionary_share, plan.aircraft_rotation_ratio
    return Deployable(
        actor,
        kind,
        fleet,
        fleet * share.value / ratio.value,
        fleet * share.range[0] / ratio.range[1],
        fleet * share.range[1] / ratio.range[0],
        False,
        f"{fleet:,.0f} x {share.value:g} expeditionary share / {ratio.value:g} rotation",
    )


def ships(
    actor: str, kind: str, *, at_home: bool = False, data: CoalitionData | None = None
) -> Deployable | None:
    """Warships of class ``kind`` that ``actor`` can commit to a standing operation."""
    data = data or shipped_data()
    nation = data.nations.get(actor)
    held = nation.ships.get(kind) if nation is not None else None
    if held is None:
        return None
    hulls = float(held.value)
    share = data.planning.ships_home_share if at_home else data.planning.ships_expeditionary_share
    low, high = share.range
    label = "home" if at_home else "expeditionary"
    return Deployable(
        actor,
        kind,
        hulls,
        hulls * share.value,
        hulls * low,
        hulls * high,
        at_home,
        f"{hulls:,.0f} x {share.value:g} {label} share",
    )


def troops(
    actor: str,
    *,
    pool_share: float | None = None,
    pool_range: tuple[float, float] | None = None,
    data: CoalitionData | None = None,
) -> Deployable:
    """Troops ``actor`` can keep deployed indefinitely under its own tour and dwell policy.

    ``pool_share`` (the share of the army one mission can draw on) defaults to the land model's
    nominal world parameter, so both models give the same figure.
    """
    data = data or shipped_data()
    if pool_share is None or pool_range is None:
        from guarantor.instruments.land.data import shipped_data as land_data

        nominal = land_data().world["pool_share_available"]
        pool_share = nominal.value if pool_share is None else pool_share
        pool_range = nominal.range if pool_range is None else pool_range
    policy = data.land_policy(actor)
    army = float(policy.army.value)
    tour, dwell = float(policy.tour_months.value), float(policy.dwell_months.value)
    ratio = (tour + dwell) / tour
    return Deployable(
        actor,
        TROOPS,
        army,
        army * pool_share / ratio,
        army * pool_range[0] / ratio,
        army * pool_range[1] / ratio,
        False,
        f"{army:,.0f} x {pool_share:g} pool share / {ratio:.2g} rotation "
        f"({tour:g}-month tours, {dwell:g} months' dwell)",
    )


def deployable(
    actor: str, kind: str, *, at_home: bool = False, data: CoalitionData | None = None
) -> Deployable | None:
    """What ``actor`` can deploy of ``kind``: ``troops``, an aircraft type or a warship class."""
    if kind == TROOPS:
        return troops(actor, data=data)
    return aircraft(actor, kind, at_home=at_home, data=data) or ships(
        actor, kind, at_home=at_home, data=data
    )


def capability_kinds(capability: str, actor: str, data: CoalitionData) -> tuple[str, ...]:
    """The types or classes of ``actor`` that provide ``capability``."""
    nation = data.nations.get(actor)
    if nation is None:
        return ()
    if capability == "fighters":
        return tuple(nation.aircraft)
    if capability == TROOPS:
        return (TROOPS,) if nation.land is not None else ()
    return tuple(k for k in CAPABILITIES[capability] if k in nation.ships)


def who_could_give(
    capability: str,
    shortfall: float,
    pledged: Mapping[str, float],
    *,
    home: Collection[str] = (),
    data: CoalitionData | None = None,
) -> list[dict[str, Any]]:
    """Nations that have ``capability`` and could offer more than they pledge.

    Home nations come first, then the nations that could offer most.

    ``capability`` is ``fighters``, ``escorts``, ``minehunters`` or ``troops``; ``pledged`` what
    each nation already pledges of it; ``home`` the nations that would act from their own bases
    or waters (the home share applies to them). A nation without the capability, already
    pledging all it can sustain, or that has publicly ruled out sending it (``rules_out``), is
    not listed. ``covers_shortfall`` is true down to the row
    whose running total first meets ``shortfall``.
    """
    data = data or shipped_data()
    rows: list[dict[str, Any]] = []
    for actor in data.contributors():
        ruled_out = {r.kind for r in data.nations[actor].rules_out}
        kinds = tuple(k for k in capability_kinds(capability, actor, data) if k not in ruled_out)
        figures = [
            troops(actor, data=data)
            if kind == TROOPS
            else deployable(actor, kind, at_home=actor in home, data=data)
            for kind in kinds
        ]
        found = [f for f in figures if f is not None]
        if not found:
            continue
        can = sum(f.quantity for f in found)
        spare = can - float(pledged.get(actor, 0.0))
        if spare < 0.5:
            continue
        nation = data.nations[actor]
        rows.append(
            {
                "actor": actor,
                "name": nation.name,
                "member": data.is_member(actor),
                "has": ", ".join(f"{f.inventory:,.0f} {f.kind}" for f in found),
                "can_sustain": round(can, 1),
                "pledged": float(pledged.get(actor, 0.0)),
                "could_still_offer": round(spare, 1),
                "mandate": nation.decides.mandate.value,
                "derivation": "; ".join(f.derivation for f in found),
            }
        )
    rows.sort(key=lambda row: (row["actor"] not in home, -row["could_still_offer"], row["actor"]))
    running = 0.0
    for row in rows:
        row["covers_shortfall"] = running < shortfall
        running += row["could_still_offer"]
    return rows


def shortfall_tables(
    capability: str,
    unit: str,
    required: float,
    fielded: float,
    pledged: Mapping[str, float],
    *,
    home: Collection[str] = (),
    data: CoalitionData | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """A section's ``shortfall`` row and its ``who_could_fill`` rows (none without a shortfall).

    ``required`` and ``fielded`` are the section's figures in ``unit`` (the median world);
    ``pledged`` what each nation fields of the capability.
    """
    missing = max(required - fielded, 0.0)
    row = {
        "capability": capability,
        "unit": unit,
        "required": round(required, 1),
        "fielded": round(fielded, 1),
        "shortfall": round(missing, 1),
    }
    rows = who_could_give(capability, missing, pledged, home=home, data=data) if missing else []
    for item in rows:
        item["capability"] = capability
    return {"shortfall": [row], "who_could_fill": rows}
