"""The explore commands end to end on the real durability kernel (the default ``--model``).

One small sweep (two shipped packages and two Sky Shield variants would be the analyst's run;
here one package and two variants, 300 worlds, 36 months), then discovery, sensitivity, robust
search and the worst case on it, each checked against what the durability model says directly.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from guarantor.cli import app
from guarantor.explore.store import Store


def invoke(*args: str) -> Any:
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("durability") / "store"
    report = invoke(
        "sweep",
        "paris-declaration-2026",
        "sky-shield-2025:aircraft=60,120",
        "--worlds",
        "300",
        "--months",
        "36",
        "--seed",
        "5",
        "--store",
        str(root),
    )
    assert report["n_experiments"] == 900
    assert report["failed"] == 0
    return root


def test_sweep_stores_the_durability_outcomes_of_every_experiment(store: Path) -> None:
    from guarantor import durability
    from guarantor.packages import load_package
    from guarantor.theatre import load_theatre

    stored = Store(store)
    assert stored.manifest()["model"] == "guarantor.durability:run"
    data = stored.experiments()
    np.testing.assert_array_equal(data["experiment"], np.arange(900))
    # the stored numbers are the kernel's: rerun the first package directly
    worlds = {name: np.asarray(data[name][:300]) for name in stored.world_parameters()}
    direct = durability.run(
        load_theatre(), load_package("paris-declaration-2026"), worlds, seed=5, months=36
    )
    for name in ("breakdown_month", "probes", "cost_usd_bn", "p_hold_horizon"):
        np.testing.assert_array_equal(data[name][:300], direct.outcomes[name])
    # beyond the horizon nothing is known
    assert np.isnan(data["held_60m"]).all()
    # 120 aircraft cost more than 60 in every world where the peace lasts
    assert data["cost_usd_bn"][600:].mean() > data["cost_usd_bn"][300:600].mean()


def test_discovery_finds_where_russia_or_ukraine_break_the_peace(store: Path) -> None:
    found = invoke("discover", "--store", str(store), "--case", "p_hold_horizon<0.8")
    assert "russia_war_aims" in found["dimensions"]
    assert "aircraft" not in found["dimensions"]  # the Paris package has no aircraft lever
    case = found["cases"][0]
    assert 0 < case["n_cases"] < 900
    box = case["prim"]["boxes"][0]
    assert box["density"] > case["base_rate"]
    # the peace fails where Russia is bolder or wants more, or Ukraine is weaker: every limit
    # PRIM draws on these points the dangerous way
    dangerous_high = {"russia_war_aims", "russia_risk_tolerance", "russia_capacity_at_ceasefire"}
    dangerous_low = {"ukraine_force_strength", "coalition_cohesion", "us_resolve"}
    named = set(box["limits"]) & (dangerous_high | dangerous_low)
    assert named, box["limits"]
    for name in named:
        low, high = box["limits"][name]
        if name in dangerous_high:
            assert low is not None and high is None, (name, low, high)
        else:
            assert low is None and high is not None, (name, low, high)


@pytest.fixture(scope="module")
def sensitivity(store: Path) -> Any:
    return invoke(
        "sensitivity",
        "paris-declaration-2026",
        "--store",
        str(store),
        "--samples",
        "64",
        "--replicates",
        "30",
    )


def test_sensitivity_ranks_risk_tolerance_first_for_probes(store: Path, sensitivity: Any) -> None:
    result = sensitivity
    # no --months: the analysis simulates the sweep's horizon, read from the store
    assert Store(store / "sensitivity" / "sobol-paris-declaration-2026").manifest()["months"] == 36
    probes = result["sobol"]["indices"]["probes"]
    uncertainties = {k: v for k, v in probes.items() if k != "random_draws"}
    assert max(uncertainties, key=lambda k: uncertainties[k]["ST"]) == "russia_risk_tolerance"
    assert all(0.0 <= v["ST_conf"] < 1.0 for v in probes.values())
    assert result["sobol"]["indices"]["held_60m"] == {
        "note": "undefined (NaN) in some worlds: no indices"
    }
    top = result["tornado"]["outcomes"]["probes"]["rows"][0]
    assert top["parameter"] == "russia_risk_tolerance"
    assert top["outcome_at_high"] > top["outcome_at_low"]  # a bolder Kremlin probes more
    assert {"held_60m", "held_120m"} <= set(result["tornado"]["undefined"])


def test_optimize_trades_cost_against_durability_on_a_pareto_front(store: Path) -> None:
    result = invoke(
        "optimize",
        "sky-shield-2025",
        "--store",
        str(store),
        "--lever",
        "aircraft",
        "--generations",
        "2",
        "--population",
        "4",
        "--worlds",
        "60",
        "--months",
        "36",
    )
    front = sorted(result["pareto"], key=lambda row: row["objectives"]["mean:cost_usd_bn:min"])
    assert front
    held = [row["objectives"]["mean:p_hold_horizon:max"] for row in front]
    aircraft = [row["levers"]["aircraft"] for row in front]
    # non-dominated: every extra dollar buys more peace; cost follows the aircraft
    assert all(b > a for a, b in itertools.pairwise(held))
    assert aircraft == sorted(aircraft)
    bad = CliRunner().invoke(
        app,
        [
            *("optimize", "--store", str(store), "--objective", "mean:held_120m:max"),
            *("--months", "36", "--lever", "aircraft", "--generations", "1"),
            *("--population", "4", "--worlds", "8", "--json"),
        ],
    )
    assert bad.exit_code == 1
    assert "undefined (NaN) in every world" in json.loads(bad.stdout)["problems"][0]["message"]


def test_worst_case_finds_worlds_worse_than_the_average(store: Path) -> None:
    result = invoke(
        "worst-case",
        "paris-declaration-2026",
        "--store",
        str(store),
        "--generations",
        "3",
        "--population",
        "8",
        "--replicates",
        "8",
        "--months",
        "36",
    )
    values = [world["mean:p_hold_horizon:max"] for world in result["worlds"]]
    assert values == sorted(values)  # the worst first
    data = Store(store).experiments()
    assert values[0] < float(np.mean(data["p_hold_horizon"][:300]))
    worst = result["worlds"][0]
    assert set(worst["parameters"]) == set(worst["quantiles"])
    assert all(0.0 <= q <= 1.0 for q in worst["quantiles"].values())


def test_tornado_says_when_an_outcome_is_a_conditional_mean(sensitivity: Any) -> None:
    view = sensitivity["tornado"]
    assert "defined_share" not in view["outcomes"]["probes"]
    # breakdown_month is NaN where the peace held: its tornado averages the broken worlds only,
    # and when the peace holds in every world near the nominal one it is listed as undefined
    breakdown = view["outcomes"].get("breakdown_month")
    if breakdown is None:
        assert "breakdown_month" in view["undefined"]
        return
    assert 0.0 < breakdown["defined_share"] < 1.0
    from guarantor.explore.sensitivity import tornado_text

    assert "where it is defined" in tornado_text(view, "breakdown_month").splitlines()[0]
