"""Sobol indices against the Ishigami function's exact values; the tornado view."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from guarantor.durability import Uncertainty
from guarantor.errors import DataError
from guarantor.explore.design import Design
from guarantor.explore.sensitivity import (
    sobol_indices,
    sobol_problem,
    sobol_worlds,
    tornado,
    tornado_text,
)
from guarantor.explore.store import Store
from guarantor.explore.uncertainty import (
    Bounds,
    sample_worlds,
    uncertainty_bounds,
    world_bounds,
)
from guarantor.sourcing import Quantity

PI = float(np.pi)
ISHIGAMI = {name: Bounds(name, -PI, PI, 0.0) for name in ("x1", "x2", "x3")}
# exact indices for a = 7, b = 0.1 (Saltelli et al. 2008, Global Sensitivity Analysis, 4.3)
EXACT_S1 = {"x1": 0.3139, "x2": 0.4424, "x3": 0.0}
EXACT_ST = {"x1": 0.5576, "x2": 0.4424, "x3": 0.2437}


def test_sobol_indices_match_the_ishigami_function(
    tmp_path: Path, make_design: Callable[..., Design]
) -> None:
    base = replace(make_design(), model="test_explore_standin:ishigami", chunk_size=4096)
    result = sobol_indices(base, ISHIGAMI, Store(tmp_path), n=2048)
    assert result["n_worlds"] == 2048 * 6  # three inputs and the kernel's draws, N × (D + 2)
    assert result["parameters"] == ["x1", "x2", "x3", "random_draws"]
    indices = result["indices"]["y"]
    for name in ISHIGAMI:
        assert indices[name]["S1"] == pytest.approx(EXACT_S1[name], abs=0.04)
        assert indices[name]["ST"] == pytest.approx(EXACT_ST[name], abs=0.04)
        assert 0 < indices[name]["S1_conf"] < 0.1
    # the function is deterministic: its "draws" explain nothing
    assert indices["random_draws"]["ST"] == pytest.approx(0.0, abs=1e-12)
    assert (tmp_path / "sensitivity" / "sobol-sky-shield-2025_aircraft_60_.json").exists()
    again = sobol_indices(base, ISHIGAMI, Store(tmp_path), n=2048)  # reuses the stored run
    assert again["indices"] == result["indices"]


def test_tornado_ranks_the_uncertainties_by_swing(
    tmp_path: Path, make_design: Callable[..., Design]
) -> None:
    bounds = {"risk": Bounds("risk", 0.1, 0.9, 0.5), "resolve": Bounds("resolve", 0.4, 0.6, 0.5)}
    view = tornado(make_design(), bounds, Store(tmp_path), replicates=400)
    rows = view["outcomes"]["held_24m"]["rows"]
    assert [row["parameter"] for row in rows] == ["risk", "resolve"]
    assert rows[0]["outcome_at_low"] > rows[0]["outcome_at_high"]  # riskier → breaks sooner
    assert view["outcomes"]["cost_usd_bn"]["rows"][0]["swing"] == 0.0
    text = tornado_text(view, "held_24m")
    assert text.splitlines()[1].startswith("risk")
    assert "█" in text


def test_uncertainty_bounds_read_quantities_and_pairs() -> None:
    read = uncertainty_bounds(
        {
            "risk": Quantity(value=0.5, low=0.2, high=0.8, unit="1", assumption="a guess"),
            "resolve": (0.1, 0.3),
        }
    )
    assert read["risk"] == Bounds("risk", 0.2, 0.8, 0.5)
    assert read["resolve"].nominal == pytest.approx(0.2)
    with pytest.raises(DataError) as caught:
        uncertainty_bounds({"bad": (1.0, 0.0), "worse": object()})
    assert [p.field for p in caught.value.problems] == ["uncertainties.bad", "uncertainties.worse"]


def test_noise_of_a_stochastic_kernel_is_its_own_sobol_input(
    tmp_path: Path, make_design: Callable[..., Design]
) -> None:
    bounds = {"risk": Bounds("risk", 0.1, 0.9, 0.5), "resolve": Bounds("resolve", 0.1, 0.9, 0.5)}
    result = sobol_indices(make_design(), bounds, Store(tmp_path), n=512)
    held = result["indices"]["held_24m"]
    # a 0/1 outcome of one draw per world is mostly luck; without common draws inside a
    # Saltelli group every ST would be near 1
    assert held["random_draws"]["ST"] > 0.5
    assert held["risk"]["ST"] < 0.5
    assert held["risk"]["ST"] > held["resolve"]["ST"]
    cost = result["indices"]["cost_usd_bn"]
    assert cost == {"note": "constant in every world: no indices"}


def _mixed_bounds() -> dict[str, Bounds]:
    return uncertainty_bounds(
        {
            "risk": Uncertainty(
                value=0.1, low=0.01, high=1.0, unit="1", assumption="t", distribution="loguniform"
            ),
            "resolve": Uncertainty(
                value=0.2, low=0.0, high=1.0, unit="1", assumption="t", distribution="triangular"
            ),
        }
    )


def test_sobol_and_tornado_sample_the_uncertainties_own_distributions(
    tmp_path: Path, make_design: Callable[..., Design]
) -> None:
    from SALib.sample import sobol as sobol_sample

    bounds = _mixed_bounds()
    assert [bound.distribution for bound in bounds.values()] == ["loguniform", "triangular"]
    worlds, keys = sobol_worlds(bounds, 1024, seed=9)
    unit = sobol_sample.sample(sobol_problem(bounds), 1024, calc_second_order=False, seed=9)
    np.testing.assert_array_equal(worlds["risk"], bounds["risk"].uncertainty.from_unit(unit[:, 0]))
    # log-uniform: the median is the geometric mean 0.1, not the midpoint 0.505
    assert np.median(worlds["risk"]) == pytest.approx(0.1, rel=0.05)
    # triangular with its mode at 0.2: P(x < 0.2) = 0.2, mean (0 + 0.2 + 1) / 3
    assert np.mean(worlds["resolve"] < 0.2) == pytest.approx(0.2, abs=0.02)
    assert np.mean(worlds["resolve"]) == pytest.approx(0.4, abs=0.01)
    # one Saltelli group (A, AB_1, AB_2, B) shares the draws unless random_draws is resampled
    groups = keys.reshape(1024, 5)
    assert (groups[:, :3] == groups[:, :1]).all()
    assert (groups[:, 3] != groups[:, 0]).mean() > 0.99

    view = tornado(make_design(), bounds, Store(tmp_path), replicates=50, quantile=0.1)
    rows = {row["parameter"]: row for row in view["outcomes"]["held_24m"]["rows"]}
    assert rows["risk"]["low"] == pytest.approx(0.01 * 100**0.1)  # 10th percentile, log scale
    assert rows["risk"]["high"] == pytest.approx(0.01 * 100**0.9)
    assert rows["resolve"]["low"] == pytest.approx(np.sqrt(0.1 * 0.2))  # triangular quantile
    assert rows["risk"]["distribution"] == "loguniform"
    assert view["quantiles"] == [0.1, 0.9]


def test_tornado_blocks_share_their_draws(
    tmp_path: Path, make_design: Callable[..., Design]
) -> None:
    bounds = {
        "risk": Bounds("risk", 0.1, 0.9, 0.5),
        "ignored": Bounds("ignored", 0.0, 1.0, 0.5),  # the stand-in kernel never reads it
    }
    view = tornado(make_design(), bounds, Store(tmp_path), replicates=30)
    rows = {row["parameter"]: row for row in view["outcomes"]["breakdown_month"]["rows"]}
    # common random numbers: moving an input the kernel ignores changes nothing at all
    assert rows["ignored"]["swing"] == 0.0
    assert rows["ignored"]["outcome_at_low"] == view["outcomes"]["breakdown_month"]["nominal"]
    assert rows["risk"]["swing"] > 0
    with pytest.raises(DataError, match="quantile"):
        tornado(make_design(), bounds, Store(tmp_path / "bad"), quantile=0.5)


def test_sampling_the_world_bounds_reproduces_every_commands_worlds() -> None:
    from guarantor import worlds

    ours = sample_worlds(world_bounds(), 64, seed=3)
    theirs = worlds.sample(64, 3)
    assert list(ours) == list(theirs)
    for name in theirs:
        np.testing.assert_array_equal(ours[name], theirs[name])
    one = sample_worlds(world_bounds(), 1, seed=3)
    assert {k: float(v[0]) for k, v in one.items()} == {
        k: float(v[0]) for k, v in worlds.sample(1, 3).items()
    }
