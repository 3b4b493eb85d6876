"""The compiled month passes give the numpy month loop's numbers to the bit, for any input."""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import reference_kernel
from guarantor.durability import kernel, load_calibration, load_uncertainties, sample_worlds
from guarantor.durability.inputs import package_inputs
from guarantor.durability.kernel import (
    Action,
    Behaviour,
    Event,
    KernelInputs,
    KernelOutput,
    TriggerRule,
    simulate,
)
from guarantor.packages import Package
from guarantor.randomness import world_keys
from guarantor.theatre import Theatre


def _differences(compiled: KernelOutput, numpy_loop: KernelOutput) -> list[str]:
    """The outputs that differ in dtype, shape or any bit."""
    found = []
    for item in fields(KernelOutput):
        ours, theirs = getattr(compiled, item.name), getattr(numpy_loop, item.name)
        same_layout = ours.dtype == theirs.dtype and ours.shape == theirs.shape
        if not (same_layout and ours.tobytes() == theirs.tobytes()):
            found.append(item.name)
    return found


@pytest.mark.parametrize("size", [1, 7, 2_500])
def test_every_shipped_package_gives_the_numpy_loops_numbers_to_the_bit(
    theatre: Theatre, packages: dict[str, Package], size: int
) -> None:
    calibration, uncertainties = load_calibration(), load_uncertainties()
    behaviour = calibration.behaviour_for_kernel()
    worlds = sample_worlds(uncertainties, size, seed=size)
    keys = world_keys(5, np.arange(size) + 11)
    for name, package in packages.items():
        inputs = package_inputs(
            theatre,
            package,
            worlds,
            calibration=calibration,
            uncertainties=uncertainties,
            keys=keys,
            months=120,
        ).kernel
        trace = size == 7
        compiled = simulate(inputs, behaviour, keys, 120, trace=trace)
        numpy_loop = reference_kernel.simulate(inputs, behaviour, keys, 120, trace=trace)
        assert _differences(compiled, numpy_loop) == [], name


def _random_inputs(rng: np.random.Generator, n: int, m: int) -> KernelInputs:
    """Inputs over their whole ranges, with triggers of every event and action."""
    triggers = tuple(
        TriggerRule(
            event=Event(int(rng.integers(6))),
            action=Action(int(rng.integers(4))),
            count=int(rng.integers(1, 4)),
            within_months=int(rng.integers(0, 13)),
            commitment=int(rng.integers(m)),
            factor=float(rng.uniform(0.5, 2.0)),
        )
        for _ in range(int(rng.integers(0, 4)))
    )
    expires = tuple(
        float(rng.uniform(1, 40)) if rng.random() < 0.3 else float("inf") for _ in range(m)
    )
    return KernelInputs(
        war_aims=rng.uniform(0.2, 1.5, n),
        risk_tolerance=rng.uniform(0, 1, n),
        capacity_at_ceasefire=rng.uniform(0.1, 1.0, n),
        rebuild_months=rng.uniform(6, 60, n),
        defender_strength=rng.uniform(0.3, 1.5, n),
        static_log_hr=rng.uniform(-1.5, 0.2, n),
        cohesion=rng.uniform(0.2, 1.0, n),
        fatigue_per_year=rng.uniform(0, 0.4, n),
        us_resolve=rng.uniform(0, 1, n),
        us_election_swing=rng.uniform(0, 0.5, n),
        sanctions_threat=rng.uniform(0, 0.4, n),
        active=rng.random((n, m)) < 0.8,
        force=rng.uniform(0, 0.6, (n, m)),
        coverage=rng.uniform(0, 1, (n, m, 3)),
        credibility=rng.uniform(0, 1, (n, m)),
        cost_usd_bn_per_month=rng.uniform(0, 2, (n, m)),
        is_us=rng.random(m) < 0.3,
        election_months=tuple(sorted({int(month) for month in rng.integers(0, 36, 2)})),
        triggers=triggers,
        expires_month=expires,
        clash_factor=(
            (1.0, 1.0, 1.0)
            if rng.random() < 0.3
            else tuple(float(value) for value in rng.uniform(0, 3, 3))  # type: ignore[arg-type]
        ),
    )


def _behaviour(rng: np.random.Generator) -> Behaviour:
    shares = rng.uniform(0.1, 1.0, 3)
    return Behaviour(
        baseline_log_odds=float(rng.uniform(-7, -3)),
        weibull_shape=float(rng.uniform(0.5, 1.5)),
        probe_log_odds=float(rng.uniform(-3, 0)),
        limited_log_odds=float(rng.uniform(-5, -2)),
        response_weight=float(rng.uniform(0, 4)),
        risk_weight=float(rng.uniform(0, 2)),
        sanctions_weight=float(rng.uniform(0, 4)),
        log_hr_peacekeeping=float(rng.uniform(-2, 0)),
        log_hr_guarantee=float(rng.uniform(-2, 0)),
        prior_strength=float(rng.uniform(1, 10)),
        clash_after_answered_probe=float(rng.uniform(0, 0.5)),
        clash_after_answered_attack=float(rng.uniform(0, 1)),
        us_lapse_resolve=float(rng.uniform(0, 0.5)),
        probe_class_shares=(float(shares[0]), float(shares[1]), float(shares[2])),
        early_log_hr=float(rng.uniform(0, 1)),
        early_months=int(rng.integers(0, 12)),
    )


@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 300),
    m=st.integers(1, 6),
    months=st.integers(1, 48),
)
def test_any_inputs_give_the_numpy_loops_numbers_to_the_bit(
    seed: int, n: int, m: int, months: int
) -> None:
    rng = np.random.default_rng(seed)
    inputs, behaviour = _random_inputs(rng, n, m), _behaviour(rng)
    keys = world_keys(seed, np.arange(n))
    compiled = simulate(inputs, behaviour, keys, months, trace=True)
    numpy_loop = reference_kernel.simulate(inputs, behaviour, keys, months, trace=True)
    assert _differences(compiled, numpy_loop) == []


def test_the_compiled_passes_compute_what_their_python_source_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(8)
    inputs, behaviour = _random_inputs(rng, 40, 4), _behaviour(rng)
    keys = world_keys(8, np.arange(40))
    compiled = simulate(inputs, behaviour, keys, 30, trace=True)
    monkeypatch.setattr(kernel, "_exponents", kernel._exponents_py)
    monkeypatch.setattr(kernel, "_month", kernel._month_py)
    monkeypatch.setattr(kernel, "_commitments", kernel._commitments_py)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        interpreted = simulate(inputs, behaviour, keys, 30, trace=True)
    assert _differences(compiled, interpreted) == []
