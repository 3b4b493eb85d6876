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
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.bargaining.actors import ActorSet, load_actors
from guarantor.bargaining.codings import Coding, codings, draw, red_line_name
from guarantor.bargaining.package_point import (
    OCCUPIED_AREAS,
    describe_point,
    package_point,
    utility_of_point,
)
from guarantor.bargaining.smp import run_smp
from guarantor.bargaining.table import ActorTable
from guarantor.packages.schema import (
    BackstopLevel,
    NatoMembership,
    NatoTrack,
    Package,
    SanctionsLevel,
    SanctionsSnapback,
    UsBackstop,
)
from guarantor.section import Metric, Section, Worlds, n_worlds, world_parameter
from guarantor.sourcing import Quantity
from guarantor.theatre import Theatre

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

WORLD_PARAMETERS: dict[str, Quantity] = {
    "war_cost_scale": Quantity(
        value=1.0,
        low=0.5,
        high=1.5,
        unit="1",
        assumption="multiplies every actor's cost of continuing the war (war weariness)",
    ),
}

SENSITIVITY_BINS = 10
"""Quantile bins of each coding in the first-order variance share (:func:`deciding_codings`)."""
SENSITIVITY_MIN_WORLDS = 50
"""Fewer worlds than this give no sensitivity table (too few to bin)."""
DECIDING = 3
"""Codings named as deciding each actor's acceptance."""
CONCESSION = 0.05
"""A settlement this far from the package on a dimension counts as a concession."""

__all__ = [
    "DECIDING",
    "OCCUPIED_AREAS",
    "WORLD_PARAMETERS",
    "acceptability",
    "deciding_codings",
    "describe_point",
    "first_order_shares",
    "package_point",
    "settlement",
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


class _Evaluation:
    """Acceptance of one package in ``size`` worlds, given every coding's draw (or centrals)."""

    def __init__(
        self,
        actor_set: ActorSet,
        package: Package,
        size: int,
        values: dict[str, FloatArray] | None,
        scale: FloatArray,
    ) -> None:
        coded = codings(actor_set)
        self.coded = coded
        self.columns: dict[str, FloatArray] = (
            values if values is not None else {c.name: np.full(size, c.central) for c in coded}
        )
        arrays = actor_set.sample(size, None, values=values)
        mapping = None if values is None else {k: v for k, v in values.items() if "mapping." in k}
        self.point, self.how = package_point(actor_set, package, size, mapping)
        self.status_quo, _ = package_point(actor_set, None, size, mapping)
        self.arrays = arrays
        self.u_package = utility_of_point(arrays["position"], arrays["salience"], self.point)
        self.u_status_quo = utility_of_point(
            arrays["position"], arrays["salience"], self.status_quo
        )
        self.reserve = self.u_status_quo - arrays["war_cost"] * scale[:, None]
        ids = actor_set.actor_ids
        dims = actor_set.dimension_ids
        n = len(ids)
        self.breached = np.zeros((size, n), dtype=bool)
        slack = np.full((size, n), np.inf)
        self.breach_text: dict[str, list[str]] = {a: [] for a in ids}
        for index, actor in enumerate(actor_set.actors):
            for number, line in enumerate(actor.red_lines):
                name = red_line_name(actor, number)
                value = self.point[:, dims.index(line.dimension)]
                threshold = self.columns[name]
                side = threshold - value if line.veto_if == "below" else value - threshold
                crossed = side > 0
                self.breached[:, index] |= crossed
                slack[:, index] = np.minimum(slack[:, index], -side)
                if crossed.any():
                    self.breach_text[actor.id].append(line.statement)
        self.margin = np.minimum(self.u_package - self.reserve, slack)
        self.accept = (self.u_package >= self.reserve) & ~self.breached


def first_order_shares(
    columns: dict[str, FloatArray],
    outcomes: FloatArray,
    candidates: list[str],
    *,
    bins: int = SENSITIVITY_BINS,
) -> dict[str, FloatArray]:
    """Each candidate coding's first-order share of each outcome's variance (column of outcomes).

    The share is ``Var(E[Y | X_k]) / Var(Y)``, with ``E[Y | X_k]`` the mean of the outcome in
    each of ``bins`` quantile bins of the coding's draws, less the share that binning pure
    noise gives (``(bins − 1)/(n − 1)``), floored at 0; an outcome that does not vary has share
    0. Codings that do not vary are left out. ``outcomes`` is (n worlds, m outcomes).
    """
    y = np.asarray(outcomes, dtype=np.float64)
    n = y.shape[0]
    variance = y.var(axis=0)
    varies = variance > 1e-15
    if n < SENSITIVITY_MIN_WORLDS:
        return {}
    bias = (bins - 1) / (n - 1)
    centred = y - y.mean(axis=0)
    shares: dict[str, FloatArray] = {}
    for name in candidates:
        x = columns.get(name)
        if x is None or np.ptp(x) <= 0:
            continue
        rank = np.empty(n, dtype=np.int64)
        rank[np.argsort(x, kind="stable")] = np.arange(n)
        binned = rank * bins // n
        onehot = np.zeros((n, bins))
        onehot[np.arange(n), binned] = 1.0
        counts = onehot.sum(axis=0)
        means = (onehot.T @ centred) / np.maximum(counts, 1)[:, None]
        explained = (counts @ means**2) / n
        share = np.where(varies, explained / np.where(varies, variance, 1.0) - bias, 0.0)
        shares[name] = np.maximum(share, 0.0)
    return shares


def deciding_codings(
    columns: dict[str, FloatArray],
    outcome: FloatArray,
    candidates: list[str],
    *,
    bins: int = SENSITIVITY_BINS,
) -> list[tuple[str, float]]:
    """One outcome's first-order shares (:func:`first_order_shares`), largest first."""
    shares = first_order_shares(columns, np.asarray(outcome)[:, None], candidates, bins=bins)
    return sorted(((k, float(v[0])) for k, v in shares.items()), key=lambda item: -item[1])


def settlement(
    actor_set: ActorSet, package: Package, accept: BoolArray | None = None
) -> dict[str, Any]:
    """KTAB's SMP run from the package at central codings: forecast and concessions.

    Actors that accept the package (``accept``, central by default) start at its point, the
    rest at their own positions. Returns the forecast and the package's point per dimension, the
    concessions (dimensions where the forecast moved at least :data:`CONCESSION` from the
    package, with the direction), the turns and why the run stopped.
    """
    central = _Evaluation(actor_set, package, 1, None, np.ones(1))
    accepting = central.accept[0] if accept is None else np.asarray(accept, dtype=bool)
    arrays = central.arrays
    start = np.where(accepting[:, None], central.point[0][None, :], arrays["position"][0])
    table = ActorTable(
        name=actor_set.name,
        description=f"{actor_set.title}, from package {package.name}",
        actors=actor_set.actor_ids,
        dimensions=actor_set.dimension_ids,
        capability=arrays["capability"][0],
        position=start,
        salience=arrays["salience"][0],
    )
    run = run_smp(table)
    forecast = run.forecast()
    rows = []
    for k, dim in enumerate(actor_set.dimension_ids):
        move = float(forecast[k] - central.point[0, k])
        rows.append(
            {
                "dimension": dim,
                "package": float(central.point[0, k]),
                "status_quo": float(central.status_quo[0, k]),
                "settlement": float(forecast[k]),
                "concession": move,
                "towards": (
                    "Russia's end"
                    if move >= CONCESSION
                    else "Ukraine's end"
                    if move <= -CONCESSION
                    else "holds"
                ),
            }
        )
    return {
        "rows": rows,
        "turns": len(run.turns),
        "stop_reason": run.stop_reason,
        "starting_at_package": [a for a, yes in zip(table.actors, accepting, strict=True) if yes],
    }


def _survival(
    actor_set: ActorSet,
    package: Package,
    accept: BoolArray,
    signed: BoolArray,
) -> tuple[dict[str, BoolArray], dict[str, list[str]]]:
    """Per commitment, the worlds in which it stands, and why."""
    ids = actor_set.actor_ids
    bodies = {b.id: [ids.index(m) for m in b.members if m in ids] for b in actor_set.bodies}
    russia = accept[:, ids.index("RUS")] if "RUS" in ids else np.ones(signed.size, dtype=bool)
    base: dict[str, BoolArray] = {}
    reasons: dict[str, list[str]] = {}
    for c in package.commitments:
        here = signed.copy()
        why = ["stands only where the package is signed and the ceasefire holds"]
        if c.actor in ids:
            here &= accept[:, ids.index(c.actor)]
            why.append(f"and where {c.actor} itself accepts the package")
        elif c.actor in bodies:
            here &= accept[:, bodies[c.actor]].all(axis=1)
            why.append(f"and where every member of {c.actor} accepts")
        else:
            why.append(f"{c.actor} is not in the actor file: its own acceptance is not modelled")
        for condition in c.conditions:
            if condition.russia_consents is not None:
                here &= russia if condition.russia_consents else ~russia
                why.append("needs Russia's consent")
            if condition.parliament_approves is not None:
                who = condition.parliament_approves
                if who in ids:
                    here &= accept[:, ids.index(who)]
                    why.append(f"needs {who}'s parliament (taken to follow its government)")
                else:
                    why.append(f"the parliament of {who} is not modelled")
            if condition.nato_unanimity and "NATO" in bodies:
                here &= accept[:, bodies["NATO"]].all(axis=1)
                why.append("needs every NATO ally")
        base[c.id] = here
        reasons[c.id] = why
    stands = dict(base)
    for _ in range(len(package.commitments) + 1):  # commitments that depend on others
        backstop = np.zeros(signed.size, dtype=np.int64)
        for c in package.commitments:
            if isinstance(c, UsBackstop):
                backstop = np.maximum(backstop, np.where(stands[c.id], c.level.rank, 0))
        updated = {}
        for c in package.commitments:
            value = base[c.id].copy()
            for condition in c.conditions:
                if condition.commitment_active is not None:
                    other = stands.get(condition.commitment_active)
                    if other is not None:
                        value &= other
                if condition.us_backstop_at_least is not None:
                    value &= backstop >= BackstopLevel(condition.us_backstop_at_least).rank
            updated[c.id] = value
        if all(np.array_equal(updated[k], stands[k]) for k in stands):
            break
        stands = updated
    for c in package.commitments:
        for condition in c.conditions:
            if condition.commitment_active is not None:
                reasons[c.id].append(f"needs commitment {condition.commitment_active}")
            if condition.us_backstop_at_least is not None:
                reasons[c.id].append(
                    f"needs a US backstop of at least {condition.us_backstop_at_least}"
                )
    return stands, reasons


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
    ev = _Evaluation(actor_set, package, size, values, scale)
    accept = ev.accept
    ids = actor_set.actor_ids
    vetoing = ev.breached.copy()
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
    stands, reasons = _survival(actor_set, package, accept, signed)
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
