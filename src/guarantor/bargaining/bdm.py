"""Bueno de Mesquita's expected-utility model as replicated by Scholz, Calbert & Smith (2011).

Bueno de Mesquita (1994, 1997, *International Interactions* 23:235); Scholz, Calbert & Smith,
"Unravelling Bueno De Mesquita's group decision model", *J. Theoretical Politics* 23(4):510
(2011); replications ``jmckib/bdm-scholz-expected-utility-model`` and
``dmasad/bdm-scholz-expected-utility-model``. One issue dimension at a time; this module runs
many independent problems at once (a batch axis: worlds × dimensions), all in array arithmetic.

With ``Δ`` the initial range of positions and ``r`` the evaluating actor's risk exponent:

- vote of k for i over j: ``v_k(i,j) = c_k s_k [(|x_k − x_j|/Δ)^r_k − (|x_k − x_i|/Δ)^r_k]``;
- ``P(i,j) = Σ_k max(0, v_k(i,j)) / D`` with ``D = Σ_k Σ_a Σ_b |v_k(a,b)|`` (Scholz's global
  denominator) or ``D = Σ_k |v_k(i,j)|`` (the pairwise reading; option ``probability``);
- ``U_s, U_f = 2 − 4(0.5 ∓ 0.5|x_i − x_j|/Δ)^r``, ``U_sq = 2 − 4·0.5^r``,
  ``U_b, U_w = 2 − 4(0.5 ∓ 0.25(|x_i − μ| + |x_i − x_j|)/Δ)^r``;
- ``EU_i(j) = s_j[P U_s + (1 − P) U_f] + (1 − s_j) U_s − Q U_sq − (1 − Q)[T U_b + (1 − T) U_w]``;
- risk: with r = 1, ``danger_i = Σ_{k≠i} EU_k(i)``, ``R_i = (2 danger_i − max − min)/(max − min)``,
  ``r_i = (1 − R_i/3)/(1 + R_i/3)``;
- offers to i from j (from i's view): confrontation if ``EU_ji > EU_ij > 0`` (adopt x_j),
  compromise if ``EU_ji > 0 > EU_ij`` and ``EU_ji > |EU_ij|`` (move ``|EU_ij/EU_ji|`` of the way),
  capitulation if ``EU_ji > 0 > EU_ij`` and ``EU_ji < |EU_ij|`` (adopt x_j); i takes a
  confrontation first, then a compromise, then a capitulation; everyone moves at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.bargaining.table import ActorTable

FloatArray = NDArray[np.float64]

CONFRONTATION, COMPROMISE, CAPITULATION = 1, 2, 3
OFFER_NAMES = {
    0: "none",
    CONFRONTATION: "confrontation",
    COMPROMISE: "compromise",
    CAPITULATION: "capitulation",
}


class ProbabilityRule(StrEnum):
    """Denominator of the win probability: Scholz's code, or the pair's own votes."""

    SCHOLZ = "scholz"
    PAIRWISE = "pairwise"


class CompromiseChoice(StrEnum):
    """Which compromise an actor takes when several are offered."""

    SCHOLZ = "scholz"
    """Scholz's code: the smallest EU-weighted position (what produced the published log)."""
    SMALLEST_MOVE = "smallest_move"
    """BDM's and Scholz's paper: the offer that moves the actor least."""


@dataclass(frozen=True)
class BdmOptions:
    """The replications' ambiguities, as options; the defaults reproduce the published log."""

    probability: ProbabilityRule = ProbabilityRule.SCHOLZ
    compromise: CompromiseChoice = CompromiseChoice.SCHOLZ
    capitulation_typo: bool = True
    """jmckib's ``eu_ji < abs(eu_ji)`` makes capitulation unreachable; False uses |EU_ij|."""
    q: float = 1.0
    t: float = 1.0
    flip_status_quo_sign: bool = False
    """dmasad's "Unravelling" code adds the (1 − Q) term instead of subtracting it."""
    rounds: int = 10


@dataclass(frozen=True)
class BdmRun:
    """Every round of a batch of BDM problems.

    Arrays carry a leading batch axis b (independent problems), then rounds where relevant.
    """

    actors: tuple[str, ...]
    options: BdmOptions
    positions: FloatArray  # (rounds + 1, b, n)
    risk: FloatArray  # (rounds, b, n)  risk exponents r used in each round
    offer_kind: NDArray[
        np.int_
    ]  # (rounds, b, n) 0 none, 1 confrontation, 2 compromise, 3 capitulation
    offer_from: NDArray[np.int_]  # (rounds, b, n) proposer index, -1 for none
    offer_eu: FloatArray  # (rounds, b, n, 2) EU_ij and EU_ji of the taken offer
    mean: FloatArray  # (rounds + 1, b)
    median: FloatArray  # (rounds + 1, b)
    weight: FloatArray  # (b, n) capability × salience


def _powers(distance: FloatArray, exponent: FloatArray) -> FloatArray:
    return np.asarray(np.power(distance, exponent), dtype=np.float64)


def _probability(
    x: FloatArray, weight: FloatArray, r: FloatArray, span: FloatArray, rule: ProbabilityRule
) -> FloatArray:
    """P[b, i, j]: probability that i's position beats j's (0 where the positions coincide)."""
    # y[b, k, a] = (|x_k - x_a| / Δ)^r_k
    y = _powers(np.abs(x[:, :, None] - x[:, None, :]) / span[:, None, None], r[:, :, None])
    votes = weight[:, :, None, None] * (y[:, :, None, :] - y[:, :, :, None])  # [b, k, i, j]
    positive = np.sum(np.maximum(votes, 0.0), axis=1)
    if rule is ProbabilityRule.SCHOLZ:
        # Σ_a Σ_b |y_a - y_b| per voter, from sorted values: 2 Σ_a (2·rank_a − n + 1) y_(a)
        ordered = np.sort(y, axis=2)
        n = y.shape[2]
        ranks = 2 * np.arange(n) - n + 1
        spread = 2 * np.sum(ranks * ordered, axis=2)  # [b, k]
        denominator = np.sum(weight * spread, axis=1)[:, None, None]
    else:
        denominator = np.sum(np.abs(votes), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(denominator > 0, positive / denominator, 0.0)
    same = x[:, :, None] == x[:, None, :]
    return np.where(same, 0.0, p)


def _challenges(
    x: FloatArray,
    salience: FloatArray,
    p: FloatArray,
    *,
    r: FloatArray,
    span: FloatArray,
    mean: FloatArray,
    options: BdmOptions,
) -> tuple[FloatArray, FloatArray]:
    """From each actor i's own view (its exponent r_i): ``EU^i(i, j)`` and ``EU^i(j, i)``.

    Only an actor's own view enters the model (its danger and the offers it weighs), so the
    perspective axis collapses onto the actor's row: both arrays are [b, i, j].
    """
    gap = np.abs(x[:, :, None] - x[:, None, :]) / span[:, None, None]  # [b, i, j]
    r_row = r[:, :, None]
    success = 2 - 4 * _powers(0.5 - 0.5 * gap, r_row)
    failure = 2 - 4 * _powers(0.5 + 0.5 * gap, r_row)
    status_quo = 2 - 4 * _powers(np.full_like(r_row, 0.5), r_row)
    p_back = np.swapaxes(p, 1, 2)  # P(j, i)
    s_j = salience[:, None, :]
    s_i = salience[:, :, None]
    own = s_j * (p * success + (1 - p) * failure) + (1 - s_j) * success - options.q * status_quo
    other = s_i * (p_back * success + (1 - p_back) * failure) + (1 - s_i) * success
    other = other - options.q * status_quo
    if options.q != 1.0:
        off = np.abs(x - mean[:, None]) / span[:, None]
        for challenger_first, target in ((True, "own"), (False, "other")):
            drift = (off[:, :, None] if challenger_first else off[:, None, :]) + gap
            better = 2 - 4 * _powers(np.clip(0.5 - 0.25 * drift, 0, None), r_row)
            worse = 2 - 4 * _powers(0.5 + 0.25 * drift, r_row)
            tail = (1 - options.q) * (options.t * better + (1 - options.t) * worse)
            signed = tail if options.flip_status_quo_sign else -tail
            if target == "own":
                own = own + signed
            else:
                other = other + signed
    return np.asarray(own, dtype=np.float64), np.asarray(other, dtype=np.float64)


def weighted_mean(x: FloatArray, weight: FloatArray) -> FloatArray:
    """The forecast ``Σ c s x / Σ c s`` per problem."""
    return np.asarray(np.sum(weight * x, axis=-1) / np.sum(weight, axis=-1), dtype=np.float64)


def weighted_median(x: FloatArray, weight: FloatArray) -> FloatArray:
    """The position of the median voter (weights c·s), which beats every other in pairwise votes."""
    order = np.argsort(x, axis=-1, kind="stable")
    ordered = np.take_along_axis(x, order, axis=-1)
    cumulative = np.cumsum(np.take_along_axis(weight, order, axis=-1), axis=-1)
    half = cumulative[..., -1:] / 2
    index = np.argmax(cumulative >= half - 1e-12, axis=-1)
    return np.take_along_axis(ordered, index[..., None], axis=-1)[..., 0]


def _round(
    x: FloatArray,
    capability: FloatArray,
    salience: FloatArray,
    span: FloatArray,
    options: BdmOptions,
) -> tuple[FloatArray, FloatArray, NDArray[np.int_], NDArray[np.int_], FloatArray]:
    weight = capability * salience
    n = x.shape[1]
    mean = weighted_mean(x, weight)
    ones = np.ones_like(x)
    p_neutral = _probability(x, weight, ones, span, options.probability)
    _, towards = _challenges(x, salience, p_neutral, r=ones, span=span, mean=mean, options=options)
    # danger_i = Σ_{k≠i} EU^i(k, i): i's view (r = 1) of every other actor challenging it
    towards = np.where(np.eye(n, dtype=bool)[None], 0.0, towards)
    danger = np.sum(towards, axis=2)
    high, low = danger.max(axis=1, keepdims=True), danger.min(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        acceptance = np.where(high > low, (2 * danger - high - low) / (high - low), 0.0)
    r = (1 - acceptance / 3) / (1 + acceptance / 3)
    p = _probability(x, weight, r, span, options.probability)
    # From receiver i's view: eu_ij = EU^i(i, j), eu_ji = EU^i(j, i)
    eu_ij, eu_ji = _challenges(x, salience, p, r=r, span=span, mean=mean, options=options)
    distinct = x[:, :, None] != x[:, None, :]
    confront = distinct & (eu_ji > eu_ij) & (eu_ij > 0)
    pressed = distinct & (eu_ji > 0) & (eu_ij < 0)
    compromise = pressed & (eu_ji > np.abs(eu_ij))
    if options.capitulation_typo:
        capitulate = pressed & (eu_ji < np.abs(eu_ji))
    else:
        capitulate = pressed & (eu_ji < np.abs(eu_ij))
    x_i, x_j = x[:, :, None], x[:, None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        conceded = x_i + (x_j - x_i) * np.abs(eu_ij / eu_ji)
        weighted = (np.abs(eu_ij) * x_i + np.abs(eu_ji) * x_j) / (np.abs(eu_ij) + np.abs(eu_ji))
    target = np.broadcast_to(x_j, eu_ij.shape)
    move = np.abs(x_i - target)
    inf = np.inf
    key_confront = np.where(confront, move, inf)
    if options.compromise is CompromiseChoice.SCHOLZ:
        key_compromise = np.where(compromise, weighted, inf)
    else:
        key_compromise = np.where(compromise, np.abs(conceded - x_i), inf)
    key_capitulate = np.where(capitulate, move, inf)
    pick_confront = np.argmin(key_confront, axis=2)
    pick_compromise = np.argmin(key_compromise, axis=2)
    pick_capitulate = np.argmin(key_capitulate, axis=2)
    has_confront = confront.any(axis=2)
    has_compromise = compromise.any(axis=2)
    has_capitulate = capitulate.any(axis=2)
    kind = np.where(
        has_confront,
        CONFRONTATION,
        np.where(has_compromise, COMPROMISE, np.where(has_capitulate, CAPITULATION, 0)),
    )
    source = np.where(
        kind == CONFRONTATION,
        pick_confront,
        np.where(
            kind == COMPROMISE, pick_compromise, np.where(kind == CAPITULATION, pick_capitulate, -1)
        ),
    )
    safe = np.maximum(source, 0)[..., None]
    new_compromise = np.take_along_axis(conceded, safe, axis=2)[..., 0]
    new_adopt = np.take_along_axis(target, safe, axis=2)[..., 0]
    new_x = np.where(kind == COMPROMISE, new_compromise, np.where(kind > 0, new_adopt, x))
    chosen_eu = np.stack(
        [
            np.take_along_axis(eu_ij, safe, axis=2)[..., 0],
            np.take_along_axis(eu_ji, safe, axis=2)[..., 0],
        ],
        axis=-1,
    )
    chosen_eu = np.where((kind > 0)[..., None], chosen_eu, np.nan)
    return new_x, r, kind, source, chosen_eu


def run_bdm(
    capability: FloatArray,
    position: FloatArray,
    salience: FloatArray,
    options: BdmOptions | None = None,
    *,
    actors: tuple[str, ...] = (),
) -> BdmRun:
    """Run the BDM/Scholz model on a batch of one-dimensional problems.

    Args:
        capability: (b, n) or (n,) capabilities.
        position: (b, n) or (n,) positions, in any units.
        salience: (b, n) or (n,) saliences in [0, 1].
        options: the replications' options (defaults reproduce the published log).
        actors: actor names, for the explanation.

    Returns:
        Every round's positions, risk exponents, offers taken, mean and median forecasts.
    """
    options = options or BdmOptions()
    x = np.atleast_2d(np.asarray(position, dtype=np.float64)).copy()
    c = np.broadcast_to(np.atleast_2d(np.asarray(capability, dtype=np.float64)), x.shape)
    s = np.broadcast_to(np.atleast_2d(np.asarray(salience, dtype=np.float64)), x.shape)
    span = x.max(axis=1) - x.min(axis=1)
    span = np.where(span > 0, span, 1.0)
    weight = c * s
    positions, risks, kinds, sources, eus = [x], [], [], [], []
    for _ in range(options.rounds):
        x, r, kind, source, eu = _round(x, c, s, span, options)
        positions.append(x)
        risks.append(r)
        kinds.append(kind)
        sources.append(source)
        eus.append(eu)
    history = np.stack(positions)
    names = actors or tuple(f"actor-{index}" for index in range(x.shape[1]))
    return BdmRun(
        actors=names,
        options=options,
        positions=history,
        risk=np.stack(risks) if risks else np.zeros((0, *x.shape)),
        offer_kind=np.stack(kinds) if kinds else np.zeros((0, *x.shape), dtype=np.int_),
        offer_from=np.stack(sources) if sources else np.zeros((0, *x.shape), dtype=np.int_),
        offer_eu=np.stack(eus) if eus else np.zeros((0, *x.shape, 2)),
        mean=weighted_mean(history, weight[None]),
        median=weighted_median(history, np.broadcast_to(weight, history.shape)),
        weight=weight,
    )


def run_bdm_table(table: ActorTable, options: BdmOptions | None = None) -> BdmRun:
    """Run the BDM model on every dimension of an actor table (one batch row per dimension)."""
    return run_bdm(
        np.broadcast_to(table.capability, table.position.T.shape),
        table.position.T,
        table.salience.T,
        options,
        actors=table.actors,
    )


def bdm_run_to_dict(run: BdmRun, dimensions: tuple[str, ...] = ()) -> dict[str, Any]:
    """Return a run as JSON-ready data: every round's moves, risk exponents and forecasts."""
    batch = run.positions.shape[1]
    names = dimensions or tuple(f"problem-{index}" for index in range(batch))
    rounds = []
    for t in range(run.risk.shape[0]):
        per_dimension = {}
        for b, name in enumerate(names):
            moves = []
            for i, actor in enumerate(run.actors):
                kind = int(run.offer_kind[t, b, i])
                if kind == 0:
                    continue
                other = run.actors[int(run.offer_from[t, b, i])]
                verb = {
                    CONFRONTATION: f"{actor} loses a confrontation to {other}",
                    COMPROMISE: f"{actor} compromises with {other}",
                    CAPITULATION: f"{actor} capitulates to {other}",
                }[kind]
                moves.append(
                    {
                        "actor": actor,
                        "offer": OFFER_NAMES[kind],
                        "from": other,
                        "eu_challenge_by_actor": float(run.offer_eu[t, b, i, 0]),
                        "eu_challenge_by_other": float(run.offer_eu[t, b, i, 1]),
                        "from_position": float(run.positions[t, b, i]),
                        "to_position": float(run.positions[t + 1, b, i]),
                        "why": verb,
                    }
                )
            per_dimension[name] = {
                "positions": dict(zip(run.actors, run.positions[t, b].tolist(), strict=True)),
                "risk_exponents": dict(zip(run.actors, run.risk[t, b].tolist(), strict=True)),
                "moves": moves,
                "mean_after": float(run.mean[t + 1, b]),
                "median_after": float(run.median[t + 1, b]),
            }
        rounds.append({"round": t + 1, "dimensions": per_dimension})
    return {
        "engine": "bdm",
        "actors": list(run.actors),
        "options": {
            key: str(value) if isinstance(value, StrEnum) else value
            for key, value in vars(run.options).items()
        },
        "initial": {
            name: {"mean": float(run.mean[0, b]), "median": float(run.median[0, b])}
            for b, name in enumerate(names)
        },
        "rounds": rounds,
        "final": {
            name: {
                "positions": dict(zip(run.actors, run.positions[-1, b].tolist(), strict=True)),
                "mean": float(run.mean[-1, b]),
                "median": float(run.median[-1, b]),
            }
            for b, name in enumerate(names)
        },
    }
