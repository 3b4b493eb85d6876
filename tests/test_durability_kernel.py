"""The simulation: chunking invariance, estimators that agree, mechanisms that act as stated."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from guarantor.durability import OUTCOMES, assess, load_uncertainties, run, sample_worlds
from guarantor.durability.calibration import load_calibration
from guarantor.durability.cases import case_inputs, load_cases
from guarantor.durability.kernel import (
    Action,
    Event,
    KernelInputs,
    KernelOutput,
    TriggerRule,
    election_months,
    simulate,
)
from guarantor.packages import Package
from guarantor.randomness import world_keys
from guarantor.theatre import Theatre


@pytest.fixture(scope="module")
def worlds() -> dict[str, np.ndarray]:
    return sample_worlds(load_uncertainties(), 600, seed=3, method="lhs")


def test_same_seed_same_outcomes_however_chunked(
    theatre: Theatre, packages: dict[str, Package], worlds: dict[str, np.ndarray]
) -> None:
    package = packages["paris-declaration-2026"]
    whole = run(theatre, package, worlds, seed=42, months=60)
    parts = [
        run(
            theatre,
            package,
            {name: values[start:stop] for name, values in worlds.items()},
            seed=42,
            months=60,
            world_index=np.arange(start, stop),
        )
        for start, stop in ((0, 17), (17, 350), (350, 600))
    ]
    for name in whole.outcomes:
        joined = np.concatenate([part.outcomes[name] for part in parts])
        assert np.array_equal(whole.outcomes[name], joined, equal_nan=True), name
    again = run(theatre, package, worlds, seed=42, months=60)
    assert np.array_equal(whole.outcomes["clashes"], again.outcomes["clashes"])
    other = run(theatre, package, worlds, seed=43, months=60)
    assert not np.array_equal(
        whole.outcomes["breakdown_month"], other.outcomes["breakdown_month"], equal_nan=True
    )


def test_outcomes_have_the_promised_names_and_shapes(
    theatre: Theatre, packages: dict[str, Package], worlds: dict[str, np.ndarray]
) -> None:
    result = run(theatre, packages["nato-track"], worlds, seed=1)
    for name in OUTCOMES:
        assert result.outcomes[name].shape == (600,), name
    held = result.outcomes["held_120m"]
    assert set(np.unique(held)) <= {0.0, 1.0}
    broke = result.outcomes["breakdown_month"]
    assert np.array_equal(np.isnan(broke), held == 1.0)
    assert np.all(result.outcomes["probes_answered"] <= result.outcomes["probes"])
    assert np.all(np.diff(result.survival) <= 0) and result.survival[0] == 1.0
    summary = result.summary()
    for horizon in ("1y", "3y", "5y", "10y"):
        entry = summary["p_hold"][horizon]
        assert entry["low"] <= entry["p"] <= entry["high"]
    assert summary["p_hold"]["1y"]["p"] >= summary["p_hold"]["10y"]["p"]


def test_sampled_and_smooth_survival_agree(theatre: Theatre, packages: dict[str, Package]) -> None:
    worlds = sample_worlds(load_uncertainties(), 4000, seed=9, method="mc")
    result = run(theatre, packages["minsk-monitors"], worlds, seed=9)
    gap = np.abs(result.survival - result.expected_survival)
    # sampled share vs its expectation: within 4 binomial standard errors at every month
    bound = 4 * np.sqrt(result.expected_survival * (1 - result.expected_survival) / 4000) + 1e-9
    assert np.all(gap <= bound)


def test_stronger_guarantees_hold_longer(
    theatre: Theatre, packages: dict[str, Package], worlds: dict[str, np.ndarray]
) -> None:
    p10 = {
        name: run(theatre, packages[name], worlds, seed=5).expected_survival[120]
        for name in ("minsk-monitors", "paris-declaration-2026", "istanbul-2022")
    }
    assert p10["paris-declaration-2026"] > p10["minsk-monitors"] > p10["istanbul-2022"]


def _case_run(case_id: str, **changes: Any) -> tuple[KernelOutput, KernelInputs]:
    library = load_cases()
    case = next(c for c in library.cases if c.id == case_id)
    calibration = load_calibration()
    inputs = case_inputs(case, calibration, load_uncertainties(), 2000)
    inputs = replace(inputs, **changes)
    keys = world_keys(3, np.arange(2000))
    return simulate(inputs, calibration.behaviour_for_kernel(), keys, 120), inputs


def test_unanswered_probes_erode_credibility_and_answered_ones_firm_it() -> None:
    answered, inputs = _case_run("korea-1953")
    silent, _ = _case_run("korea-1953", coverage=np.zeros_like(inputs.coverage))
    assert answered.probes_answered.sum() > 0 and silent.probes_answered.sum() == 0
    assert answered.credibility_end.mean() > silent.credibility_end.mean()
    assert answered.expected_survival[120] > silent.expected_survival[120]


def test_snapback_trigger_fires_after_a_violation_and_spends_the_threat() -> None:
    rule = TriggerRule(Event.CEASEFIRE_VIOLATION, Action.SNAP_BACK_SANCTIONS)
    base, _ = _case_run("minsk-2-2015", sanctions_threat=np.full(2000, 0.3))
    fired, _ = _case_run("minsk-2-2015", sanctions_threat=np.full(2000, 0.3), triggers=(rule,))
    assert base.snapped_back.sum() == 0
    assert fired.snapped_back.mean() > 0.9  # nearly every world sees a probe within 10 years
    # once spent, the threat no longer deters: more limited attacks than with the threat intact
    assert fired.limited_attacks.sum() > base.limited_attacks.sum()


def test_reinforce_and_lapse_triggers_change_the_response() -> None:
    column = 2
    reinforce = TriggerRule(Event.PROBE, Action.REINFORCE, count=2, commitment=column, factor=2.0)
    lapse = TriggerRule(Event.PROBE, Action.LAPSE, count=1, commitment=column)
    base, _ = _case_run("lebanon-2006")
    stronger, _ = _case_run("lebanon-2006", triggers=(reinforce,))
    weaker, _ = _case_run("lebanon-2006", triggers=(lapse,))
    assert (
        stronger.probes_answered.sum() > base.probes_answered.sum() > weaker.probes_answered.sum()
    )
    assert stronger.triggers_fired.mean() > 0.9
    windowed = TriggerRule(Event.PROBE, Action.LAPSE, count=3, within_months=1, commitment=column)
    rare, _ = _case_run("lebanon-2006", triggers=(windowed,))
    assert rare.triggers_fired.mean() < weaker.triggers_fired.mean()


def test_us_elections_fall_in_november_2028_and_2032() -> None:
    assert election_months(2026, 1, (2028, 2032), 120) == (34, 82)
    assert election_months(2026, 1, (2028, 2032), 60) == (34,)


def test_assess_returns_a_durability_section(
    theatre: Theatre, packages: dict[str, Package]
) -> None:
    worlds = sample_worlds(load_uncertainties(), 300, seed=2)
    section = assess(theatre, packages["sky-shield-2025"], worlds, seed=1)
    assert section.name == "durability"
    assert section.metric("held_120m").value.shape == (300,)
    assert "peace holds 10 years" in section.verdict
    rows = section.tables["survival"]
    assert [row["month"] for row in rows] == list(range(121))
    assert set(rows[0]) == {"month", "share", "low", "high"}
    assert rows[0]["share"] == 1.0
    shares = [row["share"] for row in rows]
    assert np.all(np.diff(shares) <= 0)
    assert all(0.0 <= row["low"] <= row["share"] <= row["high"] <= 1.0 for row in rows)
    # the share is the sampled one: 300 worlds, so a multiple of 1/300
    assert all(abs(row["share"] * 300 - round(row["share"] * 300)) < 1e-9 for row in rows)
    held = section.metric("held_120m").value
    assert rows[120]["share"] == pytest.approx(held.mean())


def test_a_bare_truce_fails_about_as_often_as_fortna_reports() -> None:
    # Fortna (Peace Time, 2004): almost half of the international wars since 1945 were followed
    # by renewed fighting. A truce with no mechanism and limited aims, over 10 years:
    library = load_cases()
    case = next(c for c in library.cases if c.id == "iran-iraq-1988")
    calibration = load_calibration()
    bare = case.model_copy(update={"monitoring": "none"})
    inputs = case_inputs(bare, calibration, load_uncertainties(), 4000)
    out = simulate(inputs, calibration.behaviour_for_kernel(), world_keys(1, np.arange(4000)), 120)
    failed = 1 - out.expected_survival[120]
    assert 0.35 < failed < 0.75


def test_a_bolder_kremlin_breaks_the_peace_more_often() -> None:
    from guarantor.durability import load_uncertainties, run, sample_worlds
    from guarantor.packages import load_package
    from guarantor.theatre import load_theatre

    theatre = load_theatre()
    package = load_package("paris-declaration-2026", theatre)
    worlds = sample_worlds(load_uncertainties(), 2000, seed=3)
    held = {}
    for tolerance in (0.2, 0.8):
        fixed = {**worlds, "russia_risk_tolerance": np.full(2000, tolerance)}
        result = run(theatre, package, fixed, seed=3, months=120)
        held[tolerance] = float(np.nanmean(result.outcomes["held_120m"]))
    assert held[0.8] < held[0.2] - 0.1
