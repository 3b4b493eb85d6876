"""The coalition as data for its views: one row per state, and a map layer of the members.

The command line, the web page and the JSON API all render :func:`rows`; the map colours the
states of the theatre's sourced geography by the fighters each could sustain abroad.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shapely.geometry import mapping

from guarantor.coalition.deployable import CAPABILITIES, aircraft, ships, troops
from guarantor.coalition.model import CoalitionData, Nation, shipped_data

if TYPE_CHECKING:
    from guarantor.theatre import Theatre


def _total(group: dict[str, Any]) -> float:
    return float(sum(q.value for q in group.values()))


def _abroad(actor: str, nation: Nation, data: CoalitionData) -> dict[str, float]:
    fighters = sum(
        f.quantity for k in nation.aircraft if (f := aircraft(actor, k, data=data)) is not None
    )
    escorts = sum(
        f.quantity for k in CAPABILITIES["escorts"] if (f := ships(actor, k, data=data)) is not None
    )
    land = troops(actor, data=data).quantity if nation.land is not None else 0.0
    return {
        "fighters_sustainable_abroad": round(fighters, 1),
        "escorts_committable_abroad": round(escorts, 1),
        "troops_sustainable_abroad": round(land),
    }


def rows(data: CoalitionData | None = None) -> list[dict[str, Any]]:
    """One row per state: members first (as reported), then the others listed."""
    data = data or shipped_data()
    order = list(data.members) + [a for a in data.nations if a not in data.members]
    out = []
    for actor in order:
        nation = data.nations[actor]
        out.append(
            {
                "actor": actor,
                "name": nation.name,
                "member": data.is_member(actor),
                "combat_aircraft": {k: q.value for k, q in nation.aircraft.items()},
                "combat_aircraft_total": _total(nation.aircraft),
                "tankers": _total(nation.tankers),
                "aew": _total(nation.aew),
                "ships": {k: q.value for k, q in nation.ships.items()},
                "escorts": sum(
                    nation.ships[k].value for k in CAPABILITIES["escorts"] if k in nation.ships
                ),
                "minehunters": nation.ships["minehunter"].value
                if "minehunter" in nation.ships
                else 0.0,
                "army": nation.land.army.value if nation.land is not None else None,
                "trainees_per_year": nation.training.trainees_per_year.value
                if nation.training is not None
                else None,
                **_abroad(actor, nation, data),
                "mandate": nation.decides.mandate.value,
                "mandate_rule": nation.decides.mandate.describe(),
                "mandate_basis": nation.decides.basis,
                "mandate_source": data.cite(nation.decides.source),
                "offers": [
                    {"date": o.date, "what": o.what, "source": data.cite(o.source)}
                    for o in nation.offers
                ],
                "rules_out": [
                    {"kind": r.kind, "date": r.date, "what": r.what, "source": data.cite(r.source)}
                    for r in nation.rules_out
                ],
            }
        )
    return out


def summary(data: CoalitionData | None = None) -> dict[str, Any]:
    """The membership as reported, and the rows."""
    data = data or shipped_data()
    m = data.membership
    return {
        "meeting": m.meeting,
        "as_of": m.as_of,
        "members_reported": round(m.count.value),
        "members_listed": len(data.members),
        "source": data.cite(m.leaders_source),
        "composition_source": data.cite(m.others_source),
        "outside": list(m.outside),
        "nations": rows(data),
    }


def map_layers(theatre: Theatre, data: CoalitionData | None = None) -> dict[str, Any]:
    """The states of the theatre's geography that the coalition lists, as a map layer.

    Coloured by ``value`` (fighters each could sustain abroad); states outside the drawn window
    are in the table only.
    """
    from shapely.geometry import box

    from guarantor.report.maps import SIMPLIFY_DEGREES, WINDOW

    data = data or shipped_data()
    by_actor = {row["actor"]: row for row in rows(data)}
    features = []
    for feature in theatre.features:
        row = by_actor.get(feature.id)
        if feature.kind != "country" or row is None:
            continue
        clipped = feature.geometry.intersection(box(*WINDOW)).simplify(
            SIMPLIFY_DEGREES, preserve_topology=True
        )
        if clipped.is_empty:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": mapping(clipped),
                "properties": {
                    "id": feature.id,
                    "name": row["name"],
                    "member": row["member"],
                    "value": row["fighters_sustainable_abroad"],
                    "escorts_committable_abroad": row["escorts_committable_abroad"],
                    "troops_sustainable_abroad": row["troops_sustainable_abroad"],
                    "mandate": row["mandate_rule"],
                },
            }
        )
    return {"coalition.states": {"type": "FeatureCollection", "features": features}}
