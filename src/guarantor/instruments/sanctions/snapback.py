"""Snapback as a process: who must decide, how long it takes, who may block, month by month.

The package's sanctions commitment names the body that restores sanctions (its ``actor``): the EU
Council decides by unanimity, so each veto player (Hungary, Slovakia) may hold out, with the
chance of its position on sanctions in the bargaining actors' file (1 = sanctions lifted); each
holdout delays adoption and blocks it outright with a small chance. The US executive and the G7
have no such veto players. Unless the snapback is ``automatic``, the body must first choose to move
(``snapback_enforcement_probability``). An automatic snapback is voted in advance: no will, no
veto, and only the short implementation lag remains.

After enactment the harsher regime applies and Russia rebuilds its usable shadow fleet with time
constant ``fleet_adaptation_months``, so the revenue lost is largest at first and then eases::

    E[loss](t) = sum_k P_k * enacted_fraction(t, lag_k) * loss(t - lag_k)
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from guarantor.instruments.sanctions.market import Enforcement
from guarantor.instruments.sanctions.revenue import Regime, regime, status_quo_lost
from guarantor.instruments.sanctions.schema import Body, FloatArray, SanctionsData
from guarantor.packages.schema import SanctionsLevel

_ALIASES = {"US": "USA", "UNITED STATES": "USA", "EUROPEAN UNION": "EU"}


@lru_cache(maxsize=4)
def holdout_chances(actors_file: str) -> dict[str, float]:
    """Each actor's chance of holding out on restoring sanctions: its sanctions position."""
    from guarantor.bargaining.actors import load_actors

    actors = load_actors(actors_file)
    return {
        actor.id: actor.position["sanctions"].value
        for actor in actors.actors
        if "sanctions" in actor.position
    }


def deciding_body(actor: str, data: SanctionsData) -> tuple[str, Body]:
    """The body whose decision restores sanctions for a commitment made by ``actor``.

    An actor with no body of its own (a single state, a coalition) decides as the G7 does:
    no unanimity among 27, no Hungarian or Slovak vote.
    """
    key = _ALIASES.get(actor.upper(), actor.upper())
    bodies = data.snapback.bodies
    if key in bodies:
        return key, bodies[key]
    fallback = "G7" if "G7" in bodies else "EU"
    return fallback, bodies[fallback]


@dataclass(frozen=True)
class Outcome:
    """One way the decision can go: its chance per world and its lag in months."""

    probability: FloatArray
    lag_months: float
    holdouts: tuple[str, ...]


@dataclass(frozen=True)
class Process:
    """The decision process of a package's snapback."""

    body: str
    automatic: bool
    outcomes: tuple[Outcome, ...]

    @property
    def credibility(self) -> FloatArray:
        """Chance, per world, that sanctions are restored at all."""
        return np.asarray(sum(o.probability for o in self.outcomes), dtype=np.float64)

    @property
    def expected_lag_months(self) -> FloatArray:
        """Expected months from the violation to restored sanctions, if they are restored."""
        total = self.credibility
        weighted = sum(o.probability * o.lag_months for o in self.outcomes)
        return np.asarray(
            np.where(total > 0, weighted / np.maximum(total, 1e-12), np.nan), dtype=np.float64
        )


def process(
    actor: str,
    automatic: bool,
    data: SanctionsData,
    will: FloatArray,
    *,
    holdouts: dict[str, float] | None = None,
) -> Process:
    """Enumerate who holds out, the chance each outcome has and the lag it takes."""
    key, body = deciding_body(actor, data)
    if automatic:
        lag = data.snapback.automatic_lag_months.value
        return Process(key, True, (Outcome(np.ones_like(will), lag, ()),))
    chances = holdout_chances(data.snapback.veto_actors_file) if holdouts is None else holdouts
    players = [p for p in body.veto_players if p in chances]
    outcomes = []
    for pattern in itertools.product((False, True), repeat=len(players)):
        held = tuple(p for p, h in zip(players, pattern, strict=True) if h)
        chance = 1.0
        for player, holds in zip(players, pattern, strict=True):
            chance *= chances[player] if holds else 1.0 - chances[player]
        passes = (1.0 - body.block_given_holdout.value) ** len(held)
        lag = body.lag_months.value + body.holdout_delay_months.value * len(held)
        outcomes.append(Outcome(np.asarray(will * chance * passes), lag, held))
    return Process(key, False, tuple(outcomes))


@dataclass(frozen=True)
class Paths:
    """Revenue month by month after a violation, per world (worlds x months)."""

    months: FloatArray
    peace: FloatArray
    enacted: FloatArray
    expected: FloatArray
    eu_cost_expected: FloatArray


def _enacted_fraction(months: FloatArray, lag: float) -> FloatArray:
    return np.asarray(np.clip(months + 1.0 - lag, 0.0, 1.0), dtype=np.float64)


def paths(
    peace: Regime,
    after: SanctionsLevel,
    snap: Process,
    data: SanctionsData,
    parameters: dict[str, FloatArray],
    *,
    horizon: int | None = None,
) -> Paths:
    """Revenue in peace, once sanctions are enacted, and in expectation, for each month.

    Over ``horizon`` months (default: the data's charted horizon); each month's numbers are the
    same whatever the horizon, so a shorter one serves a metric over the first months.
    """
    horizon = int(data.snapback.horizon_months.value) if horizon is None else horizon
    months = np.arange(horizon, dtype=np.float64)
    size = peace.revenue_usd_bn_per_month.shape[0]
    bite = parameters["sanctions_bite"]
    start = Enforcement.of(data.levels[after], bite).usable_fleet_share
    home = np.maximum(start, Enforcement.of(data.levels[peace.level], bite).usable_fleet_share)
    tau = parameters["fleet_adaptation_months"]
    days = data.exports.days_per_month.value
    imports = data.market.eu_oil_imports_mbd.value

    reference = status_quo_lost(data, parameters)
    # loss on a grid of months since enactment; between grid points it is interpolated (the
    # fleet recovers smoothly, with a time constant of three months or more)
    grid = np.arange(horizon + 1, dtype=np.float64)
    losses = np.empty((size, grid.size))
    dearer = np.empty((size, grid.size))
    for index, elapsed in enumerate(grid):
        usable = home - (home - start) * np.exp(-elapsed / tau)
        state = regime(
            after, data, parameters, usable_fleet_share=usable, reference_lost_mbd=reference
        )
        losses[:, index] = np.maximum(
            peace.revenue_usd_bn_per_month - state.revenue_usd_bn_per_month, 0.0
        )
        dearer[:, index] = (
            (state.market.brent_usd_per_bbl - peace.market.brent_usd_per_bbl)
            * imports
            * days
            / 1000.0
        )

    def since(elapsed: float) -> tuple[FloatArray, FloatArray]:
        at = min(max(elapsed, 0.0), float(horizon))
        low = int(np.floor(at))
        high = min(low + 1, horizon)
        weight = at - low
        return (
            losses[:, low] * (1.0 - weight) + losses[:, high] * weight,
            dearer[:, low] * (1.0 - weight) + dearer[:, high] * weight,
        )

    enacted = np.empty((size, horizon))
    expected = np.zeros((size, horizon))
    eu_cost = np.zeros((size, horizon))
    for t in range(horizon):
        enacted[:, t] = peace.revenue_usd_bn_per_month - since(t + 0.5)[0]
    for outcome in snap.outcomes:
        fraction = _enacted_fraction(months, outcome.lag_months)
        for t in range(horizon):
            if fraction[t] <= 0:
                continue
            loss, dear = since(t + 0.5 - outcome.lag_months)
            expected[:, t] += outcome.probability * fraction[t] * loss
            eu_cost[:, t] += outcome.probability * fraction[t] * dear
    peace_path = np.repeat(peace.revenue_usd_bn_per_month[:, None], horizon, axis=1)
    return Paths(months, peace_path, enacted, peace_path - expected, eu_cost)
