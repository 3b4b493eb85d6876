"""Would they sign it? Acceptance per actor, vetoes, the settlement and surviving commitments.

Two options are on the table in every world: the package, and the status quo of a continuing
war (:mod:`~guarantor.bargaining.package_point`; the instruments place both on the issue
dimensions with the same draws). Actor i's utility of a point p is KTAB's risk-neutral
``u_i(p) = 1 − d_i(p)`` with ``d_i(p) = sqrt(Σ_d (s_id (x_id − p_d))² / Σ_d s_id²)``; its best
alternative to the package is the war going on, ``r_i = u_i(q) − war_cost_i × war_cost_scale``.
Actor i accepts when ``u_i(p) ≥ r_i`` and the package crosses none of its red lines. An actor
whose red line is crossed vetoes; so does a member of a unanimity body the package needs (NATO
accession, EU sanctions) that rejects it. The package is signed where Ukraine and Russia accept
and nobody vetoes: only there does a ceasefire hold and a commitment stand, and each commitment
stands only where its own actor accepts and its conditions (Russia's consent, a parliament,
NATO unanimity, a US backstop, another commitment) hold in that world.

Every coding (position, salience, war cost, capability, red-line threshold, the package's place
within each position's range) is drawn once per world (:mod:`~guarantor.bargaining.codings`):
uniformly within its range, or from a distribution fitted to coded statements. The mean of a
0/1 metric over worlds is a probability. A variance-based sensitivity over the same worlds says
which codings decide each actor's acceptance.

The settlement is KTAB's SMP (:func:`~guarantor.bargaining.smp.run_smp`) run from the package at
central codings: the actors who accept the package start at its point, those who reject it at
their own positions; where bargaining moves the forecast away from the package is the concession
the dynamics produce.

This module assembles the section; the parts live beside it: acceptance in every world
(:mod:`~guarantor.bargaining.evaluation`), the commitments that stand and the bodies a package
needs (:mod:`~guarantor.bargaining.commitments`), the variance shares
(:mod:`~guarantor.bargaining.sensitivity`) and the settlement
(:mod:`~guarantor.bargaining.settlement`), whose public names it re-exports.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.bargaining.actors import ActorSet, load_actors
from guarantor.bargaining.codings import Coding, codings, draw
from guarantor.bargaining.commitments import commitments_standing, needing_approval
from guarantor.bargaining.evaluation import Evaluation
from guarantor.bargaining.package_point import (
    OCCUPIED_AREAS,
    describe_point,
    package_point,
    utility_of_point,
)
from guarantor.bargaining.sensitivity import (
    SENSITIVITY_BINS,
    SENSITIVITY_MIN_WORLDS,
    deciding_codings,
    first_order_shares,
)
from guarantor.bargaining.settlement import CONCESSION, settlement
from guarantor.packages.schema import Package
from guarantor.section import Metric, Section, Worlds, n_worlds, world_parameter
from guarantor.sourcing import Quantity
from guarantor.theatre import Theatre

WORLD_PARAMETERS: dict[str, Quantity] = {
    "war_cost_scale": Quantity(
        value=1.0,
        low=0.5,
        high=1.5,
        unit="1",
        assumption="multiplies every actor's cost of continuing the war (war weariness)",
    ),
}

DECIDING = 3
"""Codings named as deciding each actor's acceptance."""

__all__ = [
    "CONCESSION",
    "DECIDING",
    "OCCUPIED_AREAS",
    "SENSITIVITY_BINS",
    "SENSITIVITY_MIN_WORLDS",
    "WORLD_PARAMETERS",
    "acceptability",
    "deciding_codings",
    "describe_point",
    "first_order_shares",
    "package_point",
    "settlement",
    "utility_of_point",
]


def acceptability(
    theatre: Theatre | None,
    package: Package,
    worlds: Worlds | None = None,
    *,
    rng: np.random.Generator | None = None,
    actors: ActorSet | None = None,
    keys: NDArray[np.uint64] | None = None,
) -> Section:
    """Who would sign ``package``: acceptance per actor, Russia's consent, vetoes, settlement.

    Args:
        theatre: the theatre (unused: the actor file carries everything this model needs).
        package: the package to assess.
        worlds: world parameters (``war_cost_scale``); its length is the number of worlds.
        rng: draws every coding per world; central values if None (and no ``keys``).
        actors: the actor file (default: the shipped 2025 actors).
        keys: per-world keys (the durability simulation's); each world's codings then depend
            only on its key.

    Returns:
        Section "acceptability" with ``p_accept_<ACTOR>``, ``russia_consents``,
        ``vetoes_triggered`` and ``package_signed`` over worlds; tables of the coalition (with
        the codings that decide each actor), the settlement, the commitments that survive, the
        bodies, the package's point and the sensitivity of each actor's acceptance.
    """
    del theatre
    actor_set = actors or load_actors()
    size = n_worlds(worlds) if worlds or keys is None else int(keys.size)
    scale = world_parameter(worlds, "war_cost_scale", WORLD_PARAMETERS["war_cost_scale"], size)
    coded = codings(actor_set)
    values = draw(coded, size, rng=rng, keys=keys)
    if values is not None:
        values = {**values, "war_cost_scale": scale}
    ev = Evaluation(actor_set, package, size, values, scale)
    accept = ev.accept
    ids = actor_set.actor_ids
    vetoing = ev.breached.copy()
    body_rows = []
    for body in actor_set.bodies:
        needing = needing_approval(package, body.approves)
        members = [ids.index(m) for m in body.members]
        rejecting = ~accept[:, members]
        if needing:
            vetoing[:, members] |= rejecting
        body_rows.append(
            {
                "body": body.id,
                "needed_for": needing,
                "p_unanimous": float(np.mean(~rejecting.any(axis=1))),
                "likely_vetoes": [
                    m for m, r in zip(body.members, rejecting.mean(axis=0), strict=True) if r >= 0.5
                ],
            }
        )
    vetoes = vetoing.sum(axis=1).astype(np.float64)
    russia = accept[:, ids.index("RUS")] if "RUS" in ids else np.ones(size, dtype=bool)
    ukraine = accept[:, ids.index("UKR")] if "UKR" in ids else np.ones(size, dtype=bool)
    signed = russia & ukraine & (vetoes == 0)
    assumptions = (
        "actor positions, saliences, war costs and red lines are analyst coding of dated "
        "statements, flagged with ranges (fitted to the statements where several are coded)",
    )
    metrics = [
        Metric.of(
            f"p_accept_{actor_id}",
            accept[:, index],
            "1",
            f"{actor_id} accepts when its utility of the package ≥ that of the war going on less "
            "its war cost and no red line is crossed (1 = accepts in this world)",
            sources=(actor_set.name,),
            assumptions=assumptions,
        )
        for index, actor_id in enumerate(ids)
    ]
    metrics += [
        Metric.of(
            "russia_consents",
            russia,
            "1",
            "Russia accepts the package in this world; conditional commitments on Russia's "
            "consent stand only here",
            assumptions=assumptions,
        ),
        Metric.of(
            "vetoes_triggered",
            vetoes,
            "count",
            "actors whose red line is crossed, or members of a unanimity body the package "
            "needs who reject it",
            assumptions=assumptions,
        ),
        Metric.of(
            "package_signed",
            signed,
            "1",
            "Ukraine and Russia accept and nobody vetoes (1 = signed in this world)",
            assumptions=assumptions,
        ),
    ]
    by_name = {c.name: c for c in coded}
    sensitivity: list[dict[str, Any]] = []
    deciding: dict[str, list[dict[str, Any]]] = {}
    if values is not None:
        moving = [
            d
            for k, d in enumerate(actor_set.dimension_ids)
            if np.ptp(ev.point[:, k]) > 0 or np.ptp(ev.status_quo[:, k]) > 0
        ]
        shared = [f"mapping.{d}" for d in moving] + ["war_cost_scale"]
        outcomes = accept.astype(np.float64)
        measured = ["acceptance"] * len(ids)
        for index in range(len(ids)):
            if outcomes[:, index].var() == 0:
                outcomes[:, index] = ev.margin[:, index]
                measured[index] = "margin to rejection"
        own = [c.name for c in coded if c.actor is not None]
        shares = first_order_shares(values, outcomes, own + shared)
        for index, actor_id in enumerate(ids):
            ranked = sorted(
                (
                    (name, float(value[index]))
                    for name, value in shares.items()
                    if name.startswith(f"{actor_id}.") or name in shared
                ),
                key=lambda item: -item[1],
            )
            rows = [
                {
                    "actor": actor_id,
                    "coding": name,
                    "share": share,
                    "of": measured[index],
                    "coding_range": _describe(by_name.get(name), name),
                }
                for name, share in ranked[:DECIDING]
                if share >= 0.005
            ]
            deciding[actor_id] = rows
            sensitivity.extend(rows)
    share = ev.arrays["capability"] / ev.arrays["capability"].sum(axis=1, keepdims=True)
    coalition = [
        {
            "actor": actor_id,
            "p_accept": float(np.mean(accept[:, index])),
            "side": "for" if np.mean(accept[:, index]) >= 0.5 else "against",
            "capability_share": float(np.mean(share[:, index])),
            "utility_of_package": float(np.mean(ev.u_package[:, index])),
            "utility_of_status_quo": float(np.mean(ev.u_status_quo[:, index])),
            "reservation_utility": float(np.mean(ev.reserve[:, index])),
            "p_red_line_crossed": float(np.mean(ev.breached[:, index])),
            "red_lines_crossed": ev.breach_text[actor_id],
            "decided_in": deciding[actor_id][0]["of"] if deciding.get(actor_id) else "",
            "deciding_codings": [
                f"{row['coding']} {row['share']:.0%}" for row in deciding.get(actor_id, [])
            ],
        }
        for index, actor_id in enumerate(ids)
    ]
    stands, reasons = commitments_standing(actor_set, package, accept, signed)
    commitments = [
        {
            "commitment": c.id,
            "actor": c.actor,
            "instrument": c.instrument.value,
            "conditions": [condition.describe() for condition in c.conditions],
            "p_survives": float(np.mean(stands[c.id])),
            "reason": "; ".join(reasons[c.id]),
        }
        for c in package.commitments
    ]
    settled = settlement(actor_set, package)
    conceded = [
        f"{row['dimension']} {row['package']:.2f}→{row['settlement']:.2f}"
        for row in settled["rows"]
        if row["towards"] != "holds"
    ]
    p_for = [str(row["actor"]) for row in coalition if row["side"] == "for"]
    verdict = (
        f"Russia consents in {np.mean(russia):.0%} of worlds, {np.mean(vetoes):.1f} vetoes on "
        f"average, signed in {np.mean(signed):.0%}; for: {', '.join(p_for) or 'nobody'}; "
        f"bargaining moves {', '.join(conceded) or 'nothing'}"
    )
    return Section(
        name="acceptability",
        title="Would they sign it?",
        verdict=verdict,
        metrics=tuple(metrics),
        tables={
            "coalition": coalition,
            "settlement": settled["rows"],
            "commitments": commitments,
            "bodies": body_rows,
            "package_point": [
                {
                    "dimension": dim,
                    "mean": float(np.mean(ev.point[:, k])),
                    "status_quo": float(np.mean(ev.status_quo[:, k])),
                    "set_by": ev.how[k],
                }
                for k, dim in enumerate(actor_set.dimension_ids)
            ],
            "sensitivity": sensitivity,
        },
        notes=(
            f"{size} world(s); actor file {actor_set.name}",
            f"settlement: KTAB's SMP from the package at central codings, {settled['turns']} "
            f"turns ({settled['stop_reason']}); starting at the package: "
            f"{', '.join(settled['starting_at_package']) or 'nobody'}",
        ),
    )


def _describe(coding: Coding | None, name: str) -> str:
    if coding is None:
        return f"{name}: {WORLD_PARAMETERS['war_cost_scale'].assumption} (0.5-1.5)"
    return coding.describe()
