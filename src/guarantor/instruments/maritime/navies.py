"""Navies that exist: a package's ship pledges against what each navy can commit, by class.

The hulls a nation has come from the coalition's inventory (:mod:`guarantor.coalition`); what it
can commit to a standing operation is the hulls of the class times the home share (a Black Sea
state in its own sea) or the expeditionary share. A frigate pledge may be met by frigates or
destroyers. A pledge above that is flagged with the figure and capped: the sea model counts what
can be fielded, not what was pledged. A nation the coalition has no entry for is listed as
unchecked and its pledge kept.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from guarantor.coalition import CoalitionData, ships
from guarantor.coalition import shipped_data as coalition_data
from guarantor.instruments.maritime.montreux import Deployment

HULLS: dict[str, tuple[str, ...]] = {"frigate": ("frigate", "destroyer")}
"""Classes that can fill a pledge of a ship type (the type itself otherwise)."""


def inventory_check(
    deployments: Sequence[Deployment], coalition: CoalitionData | None = None
) -> list[dict[str, Any]]:
    """One row per actor and ship type pledged: pledged, inventory, what can be committed.

    The status is ``within what it can commit``, ``exceeds what it can commit``, ``exceeds
    inventory`` or ``no inventory data``.
    """
    coalition = coalition or coalition_data()
    pledged: dict[tuple[str, str, bool], int] = {}
    for deployment in deployments:
        key = (deployment.actor, deployment.ship_type, _at_home(deployment))
        pledged[key] = pledged.get(key, 0) + max(deployment.count, 0)
    rows = []
    for (actor, ship_type, home), count in pledged.items():
        nation = coalition.nations.get(actor)
        if nation is None:
            rows.append(
                _row(
                    actor,
                    ship_type,
                    count,
                    inventory=None,
                    limit=None,
                    status="no inventory data",
                    line="",
                )
            )
            continue
        figures = [
            f
            for kind in HULLS.get(ship_type, (ship_type,))
            if (f := ships(actor, kind, at_home=home, data=coalition)) is not None
        ]
        inventory = sum(f.inventory for f in figures)
        limit = sum(f.quantity for f in figures)
        low, high = sum(f.low for f in figures), sum(f.high for f in figures)
        where = "in its own sea" if home else "abroad"
        how = "; ".join(
            f"{f.inventory:,.0f} {f.kind} x {f.derivation.split(' x ')[1]}" for f in figures
        )
        line = (
            f"{actor} pledges {count} {ship_type}; it can commit about {limit:,.0f} {where} "
            f"({low:,.0f}-{high:,.0f}): {how or 'it has none'}"
        )
        if count > inventory:
            status = "exceeds inventory"
        elif count > limit + 1e-9:
            status = "exceeds what it can commit"
        else:
            status = "within what it can commit"
        row = _row(
            actor,
            ship_type,
            count,
            inventory=inventory,
            limit=limit,
            status=status,
            line=line,
        )
        row.update(
            limit_low=round(low, 1),
            limit_high=round(high, 1),
            source="; ".join(
                coalition.cite(nation.ships[f.kind].source)
                for f in figures
                if nation.ships[f.kind].source
            ),
        )
        rows.append(row)
    return rows


def _row(
    actor: str,
    ship_type: str,
    count: int,
    *,
    inventory: float | None,
    limit: float | None,
    status: str,
    line: str,
) -> dict[str, Any]:
    fieldable = count if limit is None else min(count, math.floor(limit + 1e-9))
    return {
        "actor": actor,
        "ship_type": ship_type,
        "pledged": count,
        "inventory": None if inventory is None else int(inventory),
        "can_commit": None if limit is None else round(limit, 1),
        "fieldable": fieldable,
        "status": status,
        "flagged": fieldable < count,
        "derivation": line,
        "source": "",
    }


def capped(
    deployments: Sequence[Deployment], coalition: CoalitionData | None = None
) -> tuple[tuple[Deployment, ...], list[dict[str, Any]]]:
    """The deployments with counts capped at what each navy can commit, and the checks."""
    rows = inventory_check(deployments, coalition)
    allowed = {(r["actor"], r["ship_type"]): r for r in rows}
    left = {key: int(row["fieldable"]) for key, row in allowed.items()}
    out = []
    for deployment in deployments:
        key = (deployment.actor, deployment.ship_type)
        take = min(max(deployment.count, 0), left[key])
        left[key] -= take
        out.append(replace(deployment, count=take))
    return tuple(out), rows


def ships_beyond_inventory(rows: Sequence[dict[str, Any]]) -> int:
    """Ships pledged above what the pledging navies can commit (checked nations only)."""
    return sum(row["pledged"] - row["fieldable"] for row in rows if row["flagged"])


def _at_home(deployment: Deployment) -> bool:
    return deployment.littoral and deployment.in_black_sea
