"""Would they sign it? Acceptance per actor, vetoes and the forecast settlement, over worlds.

Each actor's utility of a package is set against its reservation; vetoes come from red lines
and unanimity bodies; the settlement is what the BDM model forecasts.

A package becomes a point on the issue dimensions (NATO path, foreign troops in Ukraine, US
commitment, territorial recognition, a cap on Ukraine's army, sanctions). Actor i's utility of a
point p is KTAB's risk-neutral ``u_i(p) = 1 − d_i(p)`` with the salience-weighted distance
``d_i(p) = sqrt(Σ_d (s_id (x_id − p_d))² / Σ_d s_id²)``. Its reservation is the status quo of a
continuing war, less its cost of war: ``r_i = u_i(q) − war_cost_i × war_cost_scale``. Actor i
accepts when ``u_i(p) ≥ r_i`` and the point crosses none of its red lines. A member of a body
that decides by unanimity (NATO accession, EU sanctions) that rejects the package vetoes it; so
does any actor whose red line is crossed. Each world draws every position, salience,
capability, war cost, threshold and scale anchor uniformly within its range, so the mean of the
0/1 acceptance over worlds is the probability of acceptance.

The package's point and its utility are in :mod:`~guarantor.bargaining.package_point`
(re-exported here).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from guarantor.bargaining.actors import ActorSet, load_actors
from guarantor.bargaining.bdm import BdmOptions, run_bdm
from guarantor.bargaining.package_point import (
    OCCUPIED_AREAS,
    describe_point,
    draw_in_range,
    package_point,
    utility_of_point,
)
from guarantor.packages.schema import (
    NatoMembership,
    NatoTrack,
    Package,
    SanctionsLevel,
    SanctionsSnapback,
)
from guarantor.section import Metric, Section, Worlds, n_worlds, world_parameter
from guarantor.sourcing import Quantity
from guarantor.theatre import Theatre

FloatArray = NDArray[np.float64]

WORLD_PARAMETERS: dict[str, Quantity] = {
    "war_cost_scale": Quantity(
        value=1.0,
        low=0.5,
        high=1.5,
        unit="1",
        assumption="multiplies every actor's cost of continuing the war (war weariness)",
    ),
}

BDM_ROUNDS = 10
"""Rounds of the BDM model behind the settlement forecast (as in the published example)."""
_CHUNK_WORLDS = 256

__all__ = [
    "BDM_ROUNDS",
    "OCCUPIED_AREAS",
    "WORLD_PARAMETERS",
    "acceptability",
    "describe_point",
    "package_point",
    "utility_of_point",
]


def _needs_body(package: Package, approves: tuple[str, ...]) -> list[str]:
    needing = []
    for commitment in package.commitments:
        if commitment.instrument.value not in approves:
            continue
        if isinstance(commitment, NatoMembership) and commitment.track in {
            NatoTrack.INVITATION,
            NatoTrack.MEMBERSHIP,
        }:
            needing.append(commitment.id)
        if isinstance(commitment, SanctionsSnapback) and commitment.level in {
            SanctionsLevel.TIGHTER,
            SanctionsLevel.FULL_SNAPBACK,
        }:
            needing.append(commitment.id)
    return needing


def _settlement(draws: dict[str, FloatArray], rounds: int) -> FloatArray:
    """BDM forecast (weighted mean after ``rounds``) per world and dimension, in chunks."""
    w, n, d = draws["position"].shape
    out = np.empty((w, d))
    options = BdmOptions(rounds=rounds)
    for start in range(0, w, _CHUNK_WORLDS):
        stop = min(w, start + _CHUNK_WORLDS)
        x = np.moveaxis(draws["position"][start:stop], 2, 1).reshape(-1, n)
        s = np.moveaxis(draws["salience"][start:stop], 2, 1).reshape(-1, n)
        c = np.repeat(draws["capability"][start:stop], d, axis=0)
        run = run_bdm(c, x, s, options)
        out[start:stop] = run.mean[-1].reshape(stop - start, d)
    return out


def acceptability(
    theatre: Theatre,
    package: Package,
    worlds: Worlds | None = None,
    *,
    rng: np.random.Generator | None = None,
    actors: ActorSet | None = None,
) -> Section:
    """Who would sign ``package``: acceptance per actor, Russia's consent, vetoes, settlement.

    Args:
        theatre: the theatre (its actors name the package's committing parties).
        package: the package to assess.
        worlds: world parameters (``war_cost_scale``); its length is the number of worlds.
        rng: draws the actors' numbers within their ranges per world; central values if None.
        actors: the actor file (default: the shipped 2025 actors).

    Returns:
        Section "acceptability" with ``p_accept_<ACTOR>``, ``russia_consents``,
        ``vetoes_triggered``, ``package_signed`` and ``settlement_<dimension>`` over worlds, and
        tables of the coalition and of which commitments survive.
    """
    del theatre  # the actor file carries everything this model needs
    actor_set = actors or load_actors()
    size = n_worlds(worlds)
    scale = world_parameter(worlds, "war_cost_scale", WORLD_PARAMETERS["war_cost_scale"], size)
    draws = actor_set.sample(size, rng)
    point, how = package_point(actor_set, package, size, rng)
    status_quo, _ = package_point(actor_set, None, size, rng)
    u_package = utility_of_point(draws["position"], draws["salience"], point)
    u_reserve = utility_of_point(draws["position"], draws["salience"], status_quo) - (
        draws["war_cost"] * scale[:, None]
    )
    ids = actor_set.actor_ids
    dims = actor_set.dimension_ids
    breached = np.zeros((size, len(ids)), dtype=bool)
    breach_text: dict[str, list[str]] = {a: [] for a in ids}
    for index, actor in enumerate(actor_set.actors):
        for line in actor.red_lines:
            value = point[:, dims.index(line.dimension)]
            threshold = draw_in_range(line.threshold, size, rng)
            crossed = value < threshold if line.veto_if == "below" else value > threshold
            breached[:, index] |= crossed
            if crossed.any():
                breach_text[actor.id].append(line.statement)
    accept = (u_package >= u_reserve) & ~breached
    vetoing = breached.copy()
    body_rows = []
    for body in actor_set.bodies:
        needing = _needs_body(package, body.approves)
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
    settlement = _settlement(draws, BDM_ROUNDS)
    assumptions = (
        "actor positions and saliences are analyst coding of sourced statements, "
        "flagged with ranges in the actor file",
    )
    metrics = [
        Metric.of(
            f"p_accept_{actor_id}",
            accept[:, index],
            "1",
            f"{actor_id} accepts when its utility of the package ≥ the status quo less its war "
            "cost and no red line is crossed (1 = accepts in this world)",
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
            "Ukraine and Russia accept and nobody vetoes",
            assumptions=assumptions,
        ),
    ]
    metrics += [
        Metric.of(
            f"settlement_{dim}",
            settlement[:, k],
            "position 0-1",
            f"BDM/Scholz forecast after {BDM_ROUNDS} rounds (weighted mean), 0 = "
            f"{actor_set.dimensions[k].zero_means}, 1 = {actor_set.dimensions[k].one_means}",
            assumptions=assumptions,
        )
        for k, dim in enumerate(dims)
    ]
    share = draws["capability"] / draws["capability"].sum(axis=1, keepdims=True)
    coalition = [
        {
            "actor": actor_id,
            "p_accept": float(np.mean(accept[:, index])),
            "side": "for" if np.mean(accept[:, index]) >= 0.5 else "against",
            "capability_share": float(np.mean(share[:, index])),
            "utility_of_package": float(np.mean(u_package[:, index])),
            "reservation_utility": float(np.mean(u_reserve[:, index])),
            "p_red_line_crossed": float(np.mean(breached[:, index])),
            "red_lines_crossed": breach_text[actor_id],
        }
        for index, actor_id in enumerate(ids)
    ]
    commitments = []
    for commitment in package.commitments:
        survives = np.ones(size, dtype=bool)
        reasons = []
        for condition in commitment.conditions:
            if condition.russia_consents:
                survives &= russia
                reasons.append("falls away where Russia rejects the package")
            if condition.nato_unanimity:
                nato = next((b for b in actor_set.bodies if b.id == "NATO"), None)
                if nato is not None:
                    survives &= accept[:, [ids.index(m) for m in nato.members]].all(axis=1)
                    reasons.append("needs every NATO ally to accept")
        commitments.append(
            {
                "commitment": commitment.id,
                "actor": commitment.actor,
                "instrument": commitment.instrument.value,
                "conditions": [c.describe() for c in commitment.conditions],
                "p_survives": float(np.mean(survives)),
                "reason": "; ".join(reasons) or "no condition this model resolves",
            }
        )
    p_for = [str(row["actor"]) for row in coalition if row["side"] == "for"]
    verdict = (
        f"Russia consents in {np.mean(russia):.0%} of worlds, {np.mean(vetoes):.1f} vetoes on "
        f"average, signed in {np.mean(signed):.0%}; for: {', '.join(p_for) or 'nobody'}"
    )
    return Section(
        name="acceptability",
        title="Would they sign it?",
        verdict=verdict,
        metrics=tuple(metrics),
        tables={
            "coalition": coalition,
            "commitments": commitments,
            "bodies": body_rows,
            "package_point": [
                {
                    "dimension": dim,
                    "mean": float(np.mean(point[:, k])),
                    "status_quo": float(np.mean(status_quo[:, k])),
                    "set_by": how[k],
                }
                for k, dim in enumerate(dims)
            ],
        },
        notes=(f"{size} world(s); actor file {actor_set.name}",),
    )
