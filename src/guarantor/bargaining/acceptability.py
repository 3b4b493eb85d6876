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
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.bargaining.actors import ActorSet, Dimension, load_actors
from guarantor.bargaining.bdm import BdmOptions, run_bdm
from guarantor.errors import DataError, Problem
from guarantor.packages.schema import (
    ArmyCap,
    ForceLocation,
    Instrument,
    NatoMembership,
    NatoTrack,
    Package,
    ReassuranceForce,
    SanctionsLevel,
    SanctionsSnapback,
    TerritorialRecognition,
    UsBackstop,
    magnitude,
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


def _levels(package: Package, dimension: str) -> list[str]:
    """Named levels a package sets on an anchored dimension."""
    if dimension == "nato":
        return [
            c.track.value
            for c in package.of(Instrument.NATO_MEMBERSHIP)
            if isinstance(c, NatoMembership)
        ]
    if dimension == "us_commitment":
        return [
            c.level.value for c in package.of(Instrument.US_BACKSTOP) if isinstance(c, UsBackstop)
        ]
    if dimension == "territory":
        return [
            c.level.value
            for c in package.of(Instrument.TERRITORIAL_RECOGNITION)
            if isinstance(c, TerritorialRecognition)
        ]
    if dimension == "sanctions":
        return [
            c.level.value
            for c in package.of(Instrument.SANCTIONS_SNAPBACK)
            if isinstance(c, SanctionsSnapback)
        ]
    return []


def _amount(package: Package, dimension: str) -> float | None:
    """The amount a package sets on a numeric dimension (None: no commitment)."""
    if dimension == "foreign_troops":
        forces = [
            magnitude(c.troops)
            for c in package.of(Instrument.REASSURANCE_FORCE)
            if isinstance(c, ReassuranceForce) and c.location is ForceLocation.INSIDE_UKRAINE
        ]
        return float(sum(forces))
    if dimension == "army_cap":
        caps = [
            magnitude(c.troops) for c in package.of(Instrument.ARMY_CAP) if isinstance(c, ArmyCap)
        ]
        return min(caps) if caps else None
    return None


OCCUPIED_AREAS = 5
"""Crimea, Donetsk, Luhansk, Zaporizhzhia and Kherson: the areas a recognition can name."""


def _territory_share(package: Package) -> float:
    """Share of the occupied areas a recognition covers: all of them when it names none.

    Each named area counts equally (an assumption: the areas differ in size and in what Russia
    holds of them); the position on the territory dimension scales with the share.
    """
    shares = [
        len(set(c.areas)) / OCCUPIED_AREAS if c.areas else 1.0
        for c in package.of(Instrument.TERRITORIAL_RECOGNITION)
        if isinstance(c, TerritorialRecognition)
    ]
    return max(shares, default=1.0)


# Where two commitments set one dimension, the one furthest towards Russia's end counts for
# recognition (a concession made is made); elsewhere the strongest guarantee counts.
_TAKE_MAX = {"territory"}


def _draw(quantity: Quantity, size: int, rng: np.random.Generator | None) -> FloatArray:
    if rng is None:
        return np.full(size, quantity.value)
    low, high = quantity.range
    return low + (high - low) * rng.random(size)


def _scale_position(
    dimension: Dimension, amount: float, size: int, rng: np.random.Generator | None
) -> FloatArray:
    assert dimension.scale is not None
    zero = _draw(dimension.scale.zero_at, size, rng)
    one = _draw(dimension.scale.one_at, size, rng)
    return np.clip((amount - zero) / (one - zero), 0.0, 1.0)


def package_point(
    actor_set: ActorSet,
    package: Package | None,
    size: int = 1,
    rng: np.random.Generator | None = None,
) -> tuple[FloatArray, list[str]]:
    """The point of a package (or of the status quo, for ``None``) on every dimension, per world.

    Returns the points (size, d) and, per dimension, how the point was set.
    """
    columns, how = [], []
    for dimension in actor_set.dimensions:
        if dimension.anchors:
            levels = _levels(package, dimension.id) if package is not None else []
            levels = [level for level in levels if level in dimension.anchors]
            if not levels:
                level = actor_set.status_quo.get(dimension.id)
                if level is None or level not in dimension.anchors:
                    raise DataError(
                        [
                            Problem(
                                "the package sets nothing on this dimension and the actor file "
                                "gives no status-quo level",
                                field=f"status_quo.{dimension.id}",
                            )
                        ]
                    )
                levels = [level]
                how.append(f"{dimension.id}: status quo ({level})")
            else:
                how.append(f"{dimension.id}: {', '.join(levels)}")
            values = np.stack([_draw(dimension.anchors[level], size, rng) for level in levels])
            column = values.max(axis=0) if dimension.id in _TAKE_MAX else values.min(axis=0)
            if dimension.id == "territory" and package is not None:
                column = column * _territory_share(package)
            columns.append(column)
        else:
            amount = _amount(package, dimension.id) if package is not None else None
            if amount is None:
                columns.append(
                    np.zeros(size)
                    if dimension.id == "army_cap"
                    else _scale_position(dimension, 0.0, size, rng)
                )
                how.append(f"{dimension.id}: no commitment")
            else:
                columns.append(_scale_position(dimension, amount, size, rng))
                how.append(f"{dimension.id}: {amount:g}")
    return np.stack(columns, axis=1), how


def utility_of_point(ideal: FloatArray, salience: FloatArray, point: FloatArray) -> FloatArray:
    """KTAB's risk-neutral utility ``1 − d`` of ``point`` (w, d) to each actor (w, n, d)."""
    weighted = salience * (ideal - point[:, None, :])
    distance = np.sqrt(np.sum(weighted**2, axis=2) / np.sum(salience**2, axis=2))
    return np.asarray(1.0 - distance, dtype=np.float64)


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
            threshold = _draw(line.threshold, size, rng)
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


def describe_point(actor_set: ActorSet, package: Package) -> dict[str, Any]:
    """The package's point on each dimension at central values, with how it was set."""
    point, how = package_point(actor_set, package)
    return {
        dim: {"position": float(point[0, k]), "set_by": how[k]}
        for k, dim in enumerate(actor_set.dimension_ids)
    }
