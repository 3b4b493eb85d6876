"""The kernel's model written again, one world at a time: the twins that cross-check the kernel.

:class:`ScalarWorld` is the monthly model of :mod:`guarantor.durability.kernel` for one world in
plain Python floats, for a package without triggers or conditions. It runs alone
(:func:`run_scalar`), as Mesa agents (:func:`run_mesa`) and as an EMA Workbench
``Model(function)`` (:func:`run_ema`); ``benchmarks/bench_durability.py`` times the three against
the kernel and ``tests/test_durability_twins.py`` checks that they agree with it.

The check (:func:`compare`) is paired: the kernel is run again on the very worlds (parameter
rows) the twin drew, ``replicates`` times each with its own keys, and each twin world's outcome is
compared with the kernel's mean over its replicates at the same parameters. The spread of the
parameters then cancels, and what is left is each world's own randomness; the standard error of
the mean difference is that of independent, identically distributed differences. For P(peace
holds) the kernel's value is its smooth per-world survival (the product of P(no offensive) along
the path), whose mean is P(hold) given the parameters.

Mesa and EMA Workbench are optional (the ``peers`` extra); they are imported when used.

One module on purpose (about 400 lines): the twins are one model written three ways, and a
reader checks that they are the same model by reading them side by side.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.durability.kernel import Behaviour, KernelInputs, simulate

FloatArray = NDArray[np.float64]
TWIN_OUTCOMES = ("held", "p_hold", "probes", "probes_answered", "limited_attacks")
"""What every twin reports per world: whether the peace held to the horizon (sampled), the
probability that it held along the world's path (the product of P(no offensive) month by month,
the kernel's smooth estimate), and the counts of probes, answered probes and limited attacks
while it held."""


@dataclass(frozen=True)
class PackageColumns:
    """A package's per-commitment columns, the same in every world (no conditions, no triggers)."""

    credibility: list[float]
    force: list[float]
    coverage: list[list[float]]
    is_us: list[bool]
    static_log_hr: float
    sanctions_share: float  # threat = share × enforcement probability
    election_months: tuple[int, ...]
    attribution: float = 1.0  # chance a probe is attributed: only then can it be answered
    strength_factor: float = 1.0  # the instruments' factor on Ukraine's strength (targeting)

    @classmethod
    def of(
        cls, inputs: KernelInputs, enforcement: float, strength: float | None = None
    ) -> PackageColumns:
        """The columns of the first world of ``inputs`` (``enforcement``: that world's draw).

        ``strength`` is that world's ``ukraine_force_strength``: the ratio of the kernel's
        defender strength to it is the factor the instruments hand over (1 when not given).

        Raises:
            ValueError: the package has triggers, conditional or expiring commitments, which
                the scalar model does not cover.
        """
        expiring = np.isfinite(np.asarray(inputs.expires_month, dtype=np.float64)).any()
        suspended = inputs.suspended_from is not None and (inputs.suspended_from >= 0).any()
        if inputs.triggers or not inputs.active.all() or expiring or suspended:
            raise ValueError(
                "the twins cover packages without triggers, conditions, expiring commitments "
                "or a suspendable intelligence feed"
            )
        share = float(inputs.sanctions_threat[0] / enforcement) if enforcement else 0.0
        return cls(
            credibility=[float(x) for x in inputs.credibility[0]],
            force=[float(x) for x in inputs.force[0]],
            coverage=[[float(x) for x in row] for row in inputs.coverage[0]],
            is_us=[bool(x) for x in inputs.is_us],
            static_log_hr=float(inputs.static_log_hr[0]),
            sanctions_share=share,
            election_months=tuple(inputs.election_months),
            attribution=1.0 if inputs.attribution is None else float(inputs.attribution[0]),
            strength_factor=1.0 if not strength else float(inputs.defender_strength[0]) / strength,
        )


class ScalarWorld:
    """One world, one month at a time, in plain Python: the kernel's model, written scalar."""

    def __init__(
        self, p: Mapping[str, float], pkg: PackageColumns, b: Behaviour, rng: random.Random
    ) -> None:
        """A world with parameters ``p`` (one value per uncertainty), drawing from ``rng``."""
        self.p, self.pkg, self.b, self.rng = p, pkg, b, rng
        self.us = p["us_resolve"]
        self.active = [True] * len(pkg.force)
        self.lapsed = False
        self.answered_total = self.ignored_total = 0.0
        self.alive = True
        self.breakdown = math.nan
        self.probes = self.probes_answered = self.limited_attacks = 0
        self.p_hold = 1.0
        total = sum(b.probe_class_shares)
        self.weights = [w / total for w in b.probe_class_shares]
        # what does not change from month to month, computed once (as the kernel does)
        strength = p["ukraine_force_strength"] * pkg.strength_factor
        self.aims = math.log(p["russia_war_aims"] / max(strength, 1e-3))
        self.risk = b.risk_weight * (p["russia_risk_tolerance"] - 0.5)
        threat = pkg.sanctions_share * p["snapback_enforcement_probability"]
        self.sanctions = b.sanctions_weight * threat
        self.decay = math.exp(-p["coalition_fatigue_per_year"] / 12)
        self.resolve = p["coalition_cohesion"]
        self.prior = self.force = 0.0
        self.answer = [0.0, 0.0, 0.0]
        self.refresh()

    def refresh(self) -> None:
        """Recompute what the commitments in force deliver (after an election or a lapse)."""
        pkg = self.pkg
        usf = [self.us if u else 1.0 for u in pkg.is_us]
        keep = 1.0
        for c, f, a in zip(pkg.credibility, usf, self.active, strict=True):
            keep *= 1.0 - min(1.0, max(0.0, c * f * a))
        self.prior = 1.0 - keep
        self.force = min(1.0, sum(f * a for f, a in zip(pkg.force, self.active, strict=True)))
        self.answer = [
            min(
                1.0,
                sum(
                    cov[k] * a * f for cov, a, f in zip(pkg.coverage, self.active, usf, strict=True)
                ),
            )
            * pkg.attribution
            for k in range(3)
        ]

    def offensive_risk(self) -> float:
        """Risk appetite's term in the offensive's utility (the same as in the probes')."""
        return self.risk

    def step(self, month: int) -> None:
        """Advance one month (0-based)."""
        p, b, rnd = self.p, self.b, self.rng
        if month in self.pkg.election_months:
            self.us = min(1.0, max(0.0, self.us + p["us_election_swing"] * (2 * rnd.random() - 1)))
            self.refresh()
        if self.us < b.us_lapse_resolve and not self.lapsed:
            self.lapsed = True
            self.active = [a and not u for a, u in zip(self.active, self.pkg.is_us, strict=True)]
            self.refresh()
        capacity = p["russia_capacity_at_ceasefire"] + (
            1 - p["russia_capacity_at_ceasefire"]
        ) * min(1.0, (month + 1) / p["russia_rebuild_months"])
        threat = self.aims + math.log(capacity)
        resolve = self.resolve
        self.resolve *= self.decay
        cred = (b.prior_strength * self.prior + self.answered_total) / (
            b.prior_strength + self.answered_total + self.ignored_total
        )
        answerable = sum(a * w for a, w in zip(self.answer, self.weights, strict=True))
        deter = b.response_weight * cred * resolve * answerable
        sanctions, risk = self.sanctions, self.risk
        odds_probe = math.exp(b.probe_log_odds + risk - deter)
        odds_limited = math.exp(b.limited_log_odds + threat + risk - deter - sanctions)
        odds_offensive = math.exp(
            b.baseline_log_odds
            + (b.weibull_shape - 1) * math.log(month + 1)
            + b.early_log_hr * (month < b.early_months)
            + threat
            + self.pkg.static_log_hr
            + b.log_hr_peacekeeping * self.force
            + b.log_hr_guarantee * cred
            - sanctions
            + self.offensive_risk()
        )
        rest = 1 + odds_probe + odds_limited
        p_off = odds_offensive / (rest + odds_offensive)
        self.p_hold *= 1.0 - p_off
        u = rnd.random()
        offensive = u < p_off
        u = u / p_off if offensive else (u - p_off) / (1 - p_off)
        pick = u * rest
        probe = 1 <= pick < 1 + odds_probe
        attack = pick >= 1 + odds_probe
        kind = rnd.random()
        air = kind < self.weights[0]
        sea = not air and kind < self.weights[0] + self.weights[1]
        column = 0 if air and not attack else 1 if sea and not attack else 2
        answered = (probe or attack) and rnd.random() < resolve * self.answer[column]
        self.answered_total += answered
        self.ignored_total += (probe or attack) and not answered
        if self.alive and offensive:
            self.alive = False
            self.breakdown = month + 1
        elif self.alive:
            self.probes += probe
            self.probes_answered += probe and answered
            self.limited_attacks += attack

    def outcomes(self) -> dict[str, float]:
        """This world's outcomes, named as :data:`TWIN_OUTCOMES`."""
        return {
            "held": float(self.alive),
            "p_hold": self.p_hold,
            "probes": float(self.probes),
            "probes_answered": float(self.probes_answered),
            "limited_attacks": float(self.limited_attacks),
        }


def _rows(worlds: Mapping[str, FloatArray]) -> list[dict[str, float]]:
    names = list(worlds)
    columns = [np.asarray(worlds[name], dtype=np.float64).tolist() for name in names]
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def _collect(worlds: list[ScalarWorld]) -> dict[str, FloatArray]:
    rows = [world.outcomes() for world in worlds]
    return {name: np.array([row[name] for row in rows]) for name in TWIN_OUTCOMES}


def run_scalar(
    worlds: Mapping[str, FloatArray],
    pkg: PackageColumns,
    behaviour: Behaviour,
    *,
    months: int,
    seed: int,
    world: type[ScalarWorld] = ScalarWorld,
) -> dict[str, FloatArray]:
    """Every world of ``worlds`` through ``months`` months, one after the other."""
    rng = random.Random(seed)
    done = []
    for params in _rows(worlds):
        one = world(params, pkg, behaviour, rng)
        for month in range(months):
            one.step(month)
        done.append(one)
    return _collect(done)


def run_mesa(
    worlds: Mapping[str, FloatArray],
    pkg: PackageColumns,
    behaviour: Behaviour,
    *,
    months: int,
    seed: int,
    world: type[ScalarWorld] = ScalarWorld,
) -> dict[str, FloatArray]:
    """The worlds as Mesa agents, one per world, stepped together once a month."""
    import mesa

    rows = _rows(worlds)

    class WorldAgent(mesa.Agent):  # type: ignore[misc]
        def __init__(self, model: Any, params: dict[str, float]) -> None:
            super().__init__(model)
            self.world = world(params, pkg, behaviour, model.random)

        def step(self) -> None:
            self.world.step(self.model.month)

    class Simulation(mesa.Model):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(seed=seed)
            self.month = 0
            for params in rows:
                WorldAgent(self, params)

        def step(self) -> None:
            self.agents.do("step")
            self.month += 1

    model = Simulation()
    for _ in range(months):
        model.step()
    return _collect([agent.world for agent in model.agents])


def run_ema(
    n: int,
    bounds: Mapping[str, tuple[float, float]],
    pkg: PackageColumns,
    behaviour: Behaviour,
    *,
    months: int,
    seed: int,
    world: type[ScalarWorld] = ScalarWorld,
) -> tuple[dict[str, FloatArray], dict[str, FloatArray]]:
    """``n`` worlds sampled and run by EMA Workbench (its own Latin hypercube over ``bounds``).

    Returns the outcomes and the worlds EMA drew (one array per uncertainty), so that the kernel
    can be run on the same parameters.
    """
    import logging
    import os
    import warnings

    os.environ.setdefault("TQDM_DISABLE", "1")  # EMA Workbench's progress bar
    logging.getLogger("EMA").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench import (
            Model,
            RealParameter,
            ScalarOutcome,
            SequentialEvaluator,
            perform_experiments,
        )
    rng = random.Random(seed)
    fixed = {name: low for name, (low, high) in bounds.items() if high <= low}

    def one_world(**params: float) -> dict[str, float]:
        state = world({**fixed, **params}, pkg, behaviour, rng)
        for month in range(months):
            state.step(month)
        return state.outcomes()

    model = Model("durability", function=one_world)
    model.uncertainties = [
        RealParameter(name, low, high) for name, (low, high) in bounds.items() if high > low
    ]
    model.outcomes = [ScalarOutcome(name) for name in TWIN_OUTCOMES]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        np_state = np.random.get_state()  # noqa: NPY002
        # EMA's sampler draws from numpy's global generator: seed it, then put it back
        np.random.seed(seed)  # noqa: NPY002
        try:
            with SequentialEvaluator(model) as evaluator:
                experiments, outcomes = perform_experiments(model, scenarios=n, evaluator=evaluator)
        finally:
            np.random.set_state(np_state)  # noqa: NPY002
    drawn = {
        name: (
            np.asarray(experiments[name], dtype=np.float64)
            if name in experiments
            else np.full(n, fixed[name])
        )
        for name in bounds
    }
    return {name: np.asarray(outcomes[name], dtype=np.float64) for name in TWIN_OUTCOMES}, drawn


@dataclass(frozen=True)
class Agreement:
    """One outcome of a twin against the kernel on the same worlds."""

    outcome: str
    twin: float  # the twin's mean
    kernel: float  # the kernel's mean on the same worlds
    standard_error: float  # of the mean paired difference
    n_worlds: int

    @property
    def z(self) -> float:
        """The difference in standard errors."""
        return (self.twin - self.kernel) / max(self.standard_error, 1e-12)

    @property
    def agrees(self) -> bool:
        """Whether the twin and the kernel agree within 3 standard errors."""
        return abs(self.z) < 3.0


def tile(worlds: Mapping[str, FloatArray], replicates: int) -> dict[str, FloatArray]:
    """The worlds repeated ``replicates`` times (replicate-major), for :func:`kernel_means`."""
    return {name: np.tile(np.asarray(values), replicates) for name, values in worlds.items()}


def kernel_means(
    inputs: KernelInputs,
    behaviour: Behaviour,
    keys: NDArray[np.uint64],
    *,
    months: int,
    replicates: int,
) -> dict[str, FloatArray]:
    """The kernel's mean outcomes per world over ``replicates`` runs of each.

    ``inputs`` and ``keys`` are for the worlds :func:`tile` repeated (one distinct key each).
    ``held`` and ``p_hold`` are both the smooth per-world survival to ``months``: its mean is
    P(hold) given the parameters, with less noise than the sampled 0/1.
    """
    out = simulate(inputs, behaviour, keys, months)
    n = inputs.n_worlds // replicates

    def mean(values: FloatArray) -> FloatArray:
        grid = np.asarray(values, dtype=np.float64).reshape(replicates, n)
        return np.asarray(grid.mean(axis=0), dtype=np.float64)

    return {
        "held": mean(out.world_expected_survival),
        "p_hold": mean(out.world_expected_survival),
        "probes": mean(out.probes),
        "probes_answered": mean(out.probes_answered),
        "limited_attacks": mean(out.limited_attacks),
    }


def compare(
    twin: Mapping[str, FloatArray], kernel: Mapping[str, FloatArray]
) -> dict[str, Agreement]:
    """Paired comparison, world by world, of a twin's outcomes with the kernel's on its worlds."""
    found = {}
    for name in TWIN_OUTCOMES:
        difference = np.asarray(twin[name]) - np.asarray(kernel[name])
        n = difference.size
        found[name] = Agreement(
            outcome=name,
            twin=float(np.mean(twin[name])),
            kernel=float(np.mean(kernel[name])),
            standard_error=float(np.std(difference, ddof=1) / math.sqrt(n)),
            n_worlds=n,
        )
    return found
