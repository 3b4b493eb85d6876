"""Robust search (NSGA-II over levers), checkpoint and resume, and worst-case search."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from guarantor.errors import DataError
from guarantor.explore.optimize import (
    Batch,
    lever_space,
    parse_objective,
    robust_search,
    worst_case,
)
from guarantor.explore.store import Store
from guarantor.explore.uncertainty import Bounds, uncertainty_bounds
from guarantor.explore.variants import apply_levers
from guarantor.packages import Package

OBJECTIVES = [parse_objective("mean:held_24m:max"), parse_objective("mean:cost_usd_bn:min")]


def batch(model: str, n: int = 60) -> Batch:
    rng = np.random.default_rng(5)
    worlds = {"risk": rng.random(n), "resolve": rng.random(n)}
    return Batch(worlds, seed=2, months=36, model=model, theatre=None)


def test_objectives_reduce_over_worlds() -> None:
    values = np.array([[1.0, 2.0, 3.0, 10.0], [0.0, 0.0, 4.0, 4.0]])
    baseline = np.array([2.0, 2.0, 2.0, 2.0])
    assert parse_objective("mean:x:max").reduce_over_worlds(values, None).tolist() == [4.0, 2.0]
    p10 = parse_objective("p10:x:max").reduce_over_worlds(values, None)
    np.testing.assert_allclose(p10, np.percentile(values, 10, axis=1))
    satisficing = parse_objective("satisficing:x>=3")
    assert satisficing.reduce_over_worlds(values, None).tolist() == [0.5, 0.5]
    assert satisficing.maximise
    regret = parse_objective("regret:x:max")
    assert not regret.maximise
    np.testing.assert_allclose(
        regret.reduce_over_worlds(values, baseline),
        np.percentile(np.maximum(baseline - values, 0), 90, axis=1),
    )
    for bad in ("mean:x", "mean:x:up", "satisficing:x", "p10:x>=3:max", "median:x:max"):
        if bad == "mean:x":
            assert parse_objective(bad).sense == "max"
            continue
        with pytest.raises(DataError):
            parse_objective(bad)


def test_lever_space_keeps_what_the_package_can_move(shipped: Callable[[str], Package]) -> None:
    space = lever_space(shipped("sky-shield-2025"))
    names = [lever.name for lever in space.levers]
    assert names == [
        "aircraft",
        "tankers",
        "sanctions",
        "nato_track",
        "backstop",
        "aew_orbits",  # the plan's NATO AEW: an intelligence-sharing commitment
        "sharing_level",
        "sharing_use",
        "intelligence_providers",
    ]
    assert space.decode([10, 0, 3, 1, 5, 2, 1, 2, 1]) == {
        "aircraft": 60.0,
        "tankers": 0.0,
        "sanctions": "full_snapback",
        "nato_track": "open_door",
        "backstop": "article5_like",
        "aew_orbits": 2.0,
        "sharing_level": "operational",
        "sharing_use": "unrestricted",
        "intelligence_providers": "without_us",
    }
    with pytest.raises(DataError, match="no maritime_security"):
        lever_space(shipped("sky-shield-2025"), ["ships"])


def test_search_finds_the_aircraft_cost_trade_off(
    tmp_path: Path, shipped: Callable[[str], Package], standin: str
) -> None:
    result = robust_search(
        shipped("sky-shield-2025"),
        batch(standin),
        OBJECTIVES,
        Store(tmp_path),
        levers=["aircraft"],
        generations=6,
        population=10,
        seed=1,
    )
    front = sorted(result.pareto, key=lambda row: row["levers"]["aircraft"])
    assert len(front) >= 4
    held = [row["objectives"]["mean:held_24m:max"] for row in front]
    cost = [row["objectives"]["mean:cost_usd_bn:min"] for row in front]
    # on a Pareto front, paying more must buy more peace
    assert all(b > a for a, b in itertools.pairwise(cost))
    assert all(b >= a for a, b in itertools.pairwise(held))
    assert result.folder is not None
    assert (result.folder / "pareto.json").exists()
    assert (result.folder / "archive.parquet").exists()
    assert result.evaluations <= 6 * 10


def test_interrupted_search_resumes_to_the_same_result(
    tmp_path: Path, shipped: Callable[[str], Package], standin: str
) -> None:
    settings: dict[str, Any] = {
        "levers": ["aircraft", "sanctions"],
        "generations": 5,
        "population": 8,
        "seed": 4,
    }
    base = shipped("sky-shield-2025")
    whole = robust_search(base, batch(standin), OBJECTIVES, Store(tmp_path / "whole"), **settings)
    part = robust_search(
        base, batch(standin), OBJECTIVES, Store(tmp_path / "part"), stop_after=2, **settings
    )
    assert part.generations == 2
    with pytest.raises(DataError, match="already holds this search"):
        robust_search(base, batch(standin), OBJECTIVES, Store(tmp_path / "part"), **settings)
    resumed = robust_search(
        base, batch(standin), OBJECTIVES, Store(tmp_path / "part"), resume=True, **settings
    )
    assert resumed.resumed_from == 2
    assert resumed.generations == 5
    assert resumed.pareto == whole.pareto
    assert resumed.folder is not None and whole.folder is not None  # stored searches
    archive = json.loads((resumed.folder / "state.json").read_text())["archive"]
    assert archive == json.loads((whole.folder / "state.json").read_text())["archive"]
    with pytest.raises(DataError, match="different search"):
        robust_search(
            base, batch(standin, 61), OBJECTIVES, Store(tmp_path / "part"), resume=True, **settings
        )


def test_worst_case_finds_the_riskiest_corner(
    tmp_path: Path, shipped: Callable[[str], Package], standin: str
) -> None:
    bounds = {"risk": Bounds("risk", 0.0, 1.0, 0.5), "resolve": Bounds("resolve", 0.0, 1.0, 0.5)}
    found = worst_case(
        shipped("sky-shield-2025"),
        bounds,
        parse_objective("mean:breakdown_month:max"),
        Store(tmp_path),
        seed=3,
        months=36,
        model=standin,
        theatre=None,
        generations=8,
        population=12,
        replicates=64,
    )
    assert len(found.worlds) == 5
    risk = np.mean([world["parameters"]["risk"] for world in found.worlds])
    resolve = np.mean([world["parameters"]["resolve"] for world in found.worlds])
    # the stand-in's hazard grows with risk and falls with resolve: the worst corner
    assert risk > 0.6
    assert resolve < 0.4
    values = [world["mean:breakdown_month:max"] for world in found.worlds]
    assert values == sorted(values)  # worst (earliest breakdown) first
    assert (tmp_path / "worst-case" / "sky-shield-2025.json").exists()


def test_min_acceptance_keeps_only_packages_russia_consents_to(
    tmp_path: Path, shipped: Callable[[str], Package], standin: str
) -> None:
    # Minsk-style monitors: Russia's consent turns on the NATO track alone (Sky Shield's
    # fighters now cross its red line on foreign aircraft at every NATO track)
    base = shipped("minsk-monitors")
    worlds = batch(standin, 30)
    settings: dict[str, Any] = {
        "levers": ["monitors", "nato_track"],
        "generations": 3,
        "population": 6,
        "seed": 2,
        "min_acceptance": 0.5,
    }
    first = robust_search(base, worlds, OBJECTIVES, Store(tmp_path), stop_after=1, **settings)
    assert first.folder is not None
    checkpoint = json.loads((first.folder / "state.json").read_text())
    assert None in checkpoint["rank"]  # infeasible candidates are unranked, and resume anyway
    result = robust_search(base, worlds, OBJECTIVES, Store(tmp_path), resume=True, **settings)
    assert result.resumed_from == 1
    assert result.folder is not None
    state = json.loads((result.folder / "state.json").read_text())
    archive = state["archive"]
    # the constraint is the bargaining model's own number: the share of worlds where Russia
    # consents, the same actor draws for every candidate
    from guarantor.bargaining import acceptability

    levels = sorted({entry["levers"]["nato_track"] for entry in archive})
    assert len(levels) >= 2  # the search met packages on both sides of the constraint
    for level in levels:
        package = apply_levers(base, {"nato_track": level})
        section = acceptability(
            None,
            package,
            dict(worlds.worlds),
            rng=np.random.default_rng(2),
        )
        expected = float(np.mean(section.metric("russia_consents").value))
        for entry in archive:
            if entry["levers"]["nato_track"] == level:
                assert entry["acceptance"] == pytest.approx(expected)
    by_level = {entry["levers"]["nato_track"]: entry["acceptance"] for entry in archive}
    assert by_level.get("renounced", 1.0) == 1.0
    assert by_level.get("membership", 0.0) == 0.0  # Russia's red line
    # pymoo's constraint: G = min_acceptance − acceptance ≤ 0 means feasible
    assert all(
        g[0] == pytest.approx(0.5 - a) for g, a in zip(state["G"], _acceptances(state), strict=True)
    )
    assert result.pareto
    assert all(row["acceptance"] >= 0.5 and row["feasible"] for row in result.pareto)
    assert {row["levers"]["nato_track"] for row in result.pareto} == {"renounced"}


def _acceptances(state: dict[str, Any]) -> list[float]:
    known = {tuple(entry["x"]): entry["acceptance"] for entry in state["archive"]}
    return [known[tuple(round(v) for v in x)] for x in state["X"]]


def test_worst_case_searches_the_uncertainties_own_distributions(
    tmp_path: Path, shipped: Callable[[str], Package], standin: str
) -> None:
    from guarantor.durability import Uncertainty

    risk = Uncertainty(
        value=0.1, low=0.01, high=1.0, unit="1", assumption="test", distribution="loguniform"
    )
    bounds = uncertainty_bounds({"risk": risk, "resolve": (0.0, 1.0, 0.5)})
    found = worst_case(
        shipped("sky-shield-2025"),
        bounds,
        parse_objective("mean:breakdown_month:max"),
        Store(tmp_path),
        seed=3,
        months=36,
        model=standin,
        theatre=None,
        generations=3,
        population=8,
        replicates=8,
    )
    for world in found.worlds:
        quantile = world["quantiles"]["risk"]
        assert 0.0 <= quantile <= 1.0
        # the value is the log-uniform inverse CDF of the searched quantile, not a uniform one
        assert world["parameters"]["risk"] == pytest.approx(0.01 * 100.0**quantile)
        assert world["parameters"]["resolve"] == pytest.approx(world["quantiles"]["resolve"])


def test_an_unmet_acceptance_constraint_is_reported_as_infeasible(
    tmp_path: Path, shipped: Callable[[str], Package], standin: str
) -> None:
    result = robust_search(
        shipped("sky-shield-2025"),
        batch(standin, 10),
        OBJECTIVES,
        Store(tmp_path),
        levers=["aircraft"],  # aircraft never move Russia to consent everywhere
        generations=1,
        population=4,
        seed=1,
        min_acceptance=1.0,
    )
    assert result.pareto
    assert not any(row["feasible"] for row in result.pareto)
    assert all(row["acceptance"] < 1.0 for row in result.pareto)
