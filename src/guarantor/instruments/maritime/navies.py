"""Navies that exist: a package's ship pledges against each nation's inventory, by class.

A pledge above what a navy owns is flagged, not refused: the model still counts the ships (the
package may mean new construction or a partner's hulls), and the report says so. Nations the
data has no inventory for are listed as unchecked.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from guarantor.instruments.maritime.data import MaritimeData
from guarantor.instruments.maritime.montreux import Deployment


def inventory_check(deployments: Sequence[Deployment], data: MaritimeData) -> list[dict[str, Any]]:
    """One row per actor and ship type pledged: pledged, inventory and a status.

    The status is ``within inventory``, ``exceeds inventory`` or ``no inventory data``.
    """
    pledged: dict[tuple[str, str], int] = {}
    for deployment in deployments:
        key = (deployment.actor, deployment.ship_type)
        pledged[key] = pledged.get(key, 0) + max(deployment.count, 0)
    rows = []
    for (actor, ship_type), count in pledged.items():
        navy = data.file.navies.get(actor)
        held = navy.classes.get(ship_type) if navy is not None else None
        if navy is None or held is None:
            rows.append(
                {
                    "actor": actor,
                    "ship_type": ship_type,
                    "pledged": count,
                    "inventory": None,
                    "status": "no inventory data",
                    "as_of": navy.as_of if navy is not None else None,
                    "source": "",
                }
            )
            continue
        rows.append(
            {
                "actor": actor,
                "ship_type": ship_type,
                "pledged": count,
                "inventory": int(held.value),
                "status": "exceeds inventory" if count > held.value else "within inventory",
                "as_of": navy.as_of,
                "source": data.cite(held.source),
            }
        )
    return rows


def ships_beyond_inventory(rows: Sequence[dict[str, Any]]) -> int:
    """Ships pledged above the pledging navies' inventories (checked nations only)."""
    return sum(
        row["pledged"] - row["inventory"] for row in rows if row["status"] == "exceeds inventory"
    )
