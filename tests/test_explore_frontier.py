"""The deter-vs-sign frontier: the Pareto filter, the search over the shipped levers, the trade."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from typer.testing import CliRunner

from guarantor.assessment import assess
from guarantor.cli import app
from guarantor.errors import DataError
from guarantor.explore.assessed import AssessedBatch
from guarantor.explore.executors import InProcessExecutor
from guarantor.explore.frontier import (
    FRONTIER_GENERATIONS,
    FRONTIER_POPULATION,
    FRONTIER_WORLDS,
    HOLD,
    SIGN,
    DeterSignFrontier,
    FrontierPoint,
    deter_sign_frontier,
    lever_trade,
)
from guarantor.explore.optimize import Batch, lever_space, parse_objective, robust_search
from guarantor.explore.pareto import non_dominated
from guarantor.explore.variants import lever_values
from guarantor.packages import Package, shipped_packages
from guarantor.report import render_report
from guarantor.report.charts import frontier_chart

WORLDS, SEED = 24, 4


def _beats(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.all(a >= b) and np.any(a > b))


@given(
    arrays(np.float64, st.tuples(st.integers(1, 25), st.integers(1, 3)), elements=st.integers(0, 4))
)
def test_non_dominated_keeps_exactly_the_rows_no_row_beats(table: np.ndarray) -> None:
    keep = non_dominated(table)
    for j, kept in enumerate(keep):
        beaten = any(_beats(table[i], table[j]) for i in range(len(table)))
        assert kept == (not beaten)
    # every row dropped is beaten by a row kept (dominance is transitive)
    for dropped in np.flatnonzero(~keep):
        assert any(_beats(table[i], table[dropped]) for i in np.flatnonzero(keep))
    assert keep.any()  # a finite table always has a non-dominated row


def test_non_dominated_never_keeps_a_failed_row() -> None:
    table = np.array([[0.2, 0.9], [np.nan, 1.0], [0.8, 0.1], [0.1, 0.1]])
    assert non_dominated(table).tolist() == [True, False, True, False]
    with pytest.raises(ValueError, match="candidates × objectives"):
        non_dominated(np.zeros(3))


def test_objectives_may_name_an_assessment_metric() -> None:
    objective = parse_objective("mean:acceptability.package_signed:max")
    assert (objective.outcome, objective.reduce, objective.maximise) == (SIGN, "mean", True)
    with pytest.raises(DataError, match="bad objective"):
        parse_objective("mean:acceptability.package.signed:max")


def test_a_search_without_a_store_writes_nothing_and_starts_from_the_package(
    tmp_path: Path, shipped: Callable[[str], Package], standin: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    base = shipped("sky-shield-2025")
    rng = np.random.default_rng(5)
    batch = Batch(
        {"risk": rng.random(30), "resolve": rng.random(30)},
        seed=2,
        months=36,
        model=standin,
        theatre=None,
    )
    own = lever_values(base)
    result = robust_search(
        base,
        batch,
        [parse_objective("mean:held_24m:max"), parse_objective("mean:cost_usd_bn:min")],
        None,
        levers=["aircraft", "sanctions"],
        generations=2,
        population=6,
        seed=1,
        initial=[{"aircraft": own["aircraft"], "sanctions": own["sanctions"]}],
    )
    assert result.folder is None and os.listdir(tmp_path) == []
    first = result.archive[0]
    assert first["generation"] == min(entry["generation"] for entry in result.archive)
    assert first["levers"]["sanctions"] == own["sanctions"] == "status_quo"
    assert first["levers"]["aircraft"] == pytest.approx(own["aircraft"], abs=3)  # nearest 6
    assert len(result.archive) == result.evaluations >= 6
    with pytest.raises(DataError, match="without a store cannot resume"):
        robust_search(base, batch, [parse_objective("mean:held_24m:max")], None, resume=True)


def test_lever_space_encodes_what_it_decodes(shipped: Callable[[str], Package]) -> None:
    space = lever_space(shipped("paris-declaration-2026"))
    for row in np.random.default_rng(0).integers(0, space.upper + 1, size=(50, len(space.levers))):
        assert space.encode(space.decode(row)) == row.tolist()


@pytest.fixture(scope="module")
def frontier() -> DeterSignFrontier:
    return deter_sign_frontier(worlds=WORLDS, seed=SEED, population=4, generations=1)


def _value(point: FrontierPoint) -> np.ndarray:
    return np.array([point.p_hold_10y, point.p_signed])


def test_the_frontier_is_the_non_dominated_set_of_every_package_assessed(
    frontier: DeterSignFrontier,
) -> None:
    assert len(frontier.candidates) == frontier.evaluations
    assert {point.start for point in frontier.shipped} == set(shipped_packages())
    for point in frontier.points:
        assert not any(_beats(_value(other), _value(point)) for other in frontier.candidates)
    for candidate in frontier.candidates:
        assert any(np.all(_value(point) >= _value(candidate)) for point in frontier.points)
    signed = [point.p_signed for point in frontier.points]
    held = [point.p_hold_10y for point in frontier.points]
    assert signed == sorted(signed, reverse=True)  # most signable first ...
    assert held == sorted(held)  # ... and deterrence rises as signature falls
    assert frontier.points[0].p_signed > frontier.points[-1].p_signed


def test_each_frontier_point_reevaluates_to_its_values(
    frontier: DeterSignFrontier, packages: dict[str, Package]
) -> None:
    for point in frontier.points:
        again = assess(point.package(packages[point.start]), worlds=WORLDS, seed=SEED)
        assert np.mean(again.metric("durability", "held_120m").value) == pytest.approx(
            point.p_hold_10y, abs=1e-12
        )
        assert np.mean(again.metric("acceptability", "package_signed").value) == pytest.approx(
            point.p_signed, abs=1e-12
        )
    with pytest.raises(DataError, match="rebuilt from the package it started from"):
        frontier.points[0].package(
            packages["nato-track" if frontier.points[0].start != "nato-track" else "istanbul-2022"]
        )


def test_the_frontier_contains_or_dominates_every_shipped_package(
    frontier: DeterSignFrontier, packages: dict[str, Package]
) -> None:
    for reference in frontier.shipped:
        alone = assess(packages[reference.start], worlds=WORLDS, seed=SEED)
        value = np.array(
            [
                np.mean(alone.metric("durability", "held_120m").value),
                np.mean(alone.metric("acceptability", "package_signed").value),
            ]
        )
        assert value.tolist() == pytest.approx(_value(reference).tolist(), abs=1e-12)
        covering = frontier.dominating(reference)
        assert np.all(_value(covering) >= value)
    data = frontier.to_dict()
    assert all(row["covered_by"] for row in data["shipped"])
    json.dumps(data)  # JSON-ready


def test_the_nato_track_trades_deterrence_against_signature() -> None:
    """Moving the Minsk-style monitors' NATO track from renounced to membership raises P(hold
    10 y) (a treaty guarantee's credibility) and lowers P(all sign) (Russia's NATO red line)."""
    rows = {
        str(row["value"]): row for row in lever_trade("minsk-monitors", "nato_track", worlds=60)
    }
    assert list(rows) == ["renounced", "open_door", "invitation", "membership"]
    assert rows["membership"]["p_hold_10y"] > rows["renounced"]["p_hold_10y"]
    assert rows["membership"]["p_signed"] < rows["renounced"]["p_signed"]


def test_assessed_batch_gives_each_candidate_its_own_assessment(
    packages: dict[str, Package],
) -> None:
    chosen = [packages["istanbul-2022"], packages["paris-declaration-2026"]]
    outcomes = AssessedBatch(12, seed=3).run(chosen, InProcessExecutor())
    assert outcomes[HOLD].shape == outcomes[SIGN].shape == (2, 12)
    for row, package in enumerate(chosen):
        alone = assess(package, worlds=12, seed=3)
        assert (
            outcomes[SIGN][row].tolist()
            == alone.metric("acceptability", "package_signed").value.tolist()
        )
    consent = AssessedBatch(12, seed=3).consent(chosen, seed=0)
    assert consent.tolist() == [
        float(
            np.mean(assess(p, worlds=12, seed=3).metric("acceptability", "russia_consents").value)
        )
        for p in chosen
    ]


def test_bad_settings_are_refused_with_what_was_expected(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(DataError, match="unknown lever"):
        deter_sign_frontier(["sky-shield-2025"], worlds=4, levers=["warp_drive"])
    with pytest.raises(DataError, match="at least 4 candidates"):
        deter_sign_frontier(["sky-shield-2025"], worlds=4, population=2)
    with pytest.raises(DataError, match="worlds"):
        deter_sign_frontier(["sky-shield-2025"], worlds=0)
    # a package whose durability section is unavailable cannot be placed: said, not a KeyError
    monkeypatch.setattr(AssessedBatch, "run", lambda self, packages, executor: {})
    with pytest.raises(DataError, match="section is unavailable") as caught:
        deter_sign_frontier(["sky-shield-2025"], worlds=4)
    assert caught.value.problems[0].received == "sky-shield-2025"
    with pytest.raises(DataError, match="unknown lever"):
        lever_trade("sky-shield-2025", "warp_drive")


def test_cli_prints_the_frontier_as_json_and_refuses_bad_input() -> None:
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "frontier",
            "sky-shield-2025",
            "-n",
            "8",
            "--population",
            "4",
            "--generations",
            "1",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["worlds"] == 8 and data["points"]
    assert {row["start"] for row in data["shipped"]} == {"sky-shield-2025"}
    bad = runner.invoke(app, ["frontier", "sky-shield-2025", "-n", "4", "--lever", "warp_drive"])
    assert bad.exit_code == 1 and "unknown lever" in bad.output and "Traceback" not in bad.output
    zero = runner.invoke(app, ["frontier", "--worlds", "0"])
    assert zero.exit_code == 1 and "--worlds" in zero.output
    workers = runner.invoke(app, ["frontier", "--workers", "0"])
    assert workers.exit_code == 1 and "--workers" in workers.output


def test_the_cli_defaults_are_the_models() -> None:
    from guarantor.cli import frontier as command

    assert command.FRONTIER_WORLDS == FRONTIER_WORLDS
    assert command.FRONTIER_POPULATION == FRONTIER_POPULATION
    assert command.FRONTIER_GENERATIONS == FRONTIER_GENERATIONS


def test_the_report_shows_the_dilemma(frontier: DeterSignFrontier) -> None:
    data = frontier.to_dict()
    chart = frontier_chart(data)
    by_name = {trace["name"]: trace for trace in chart["data"]}
    assert by_name["frontier"]["x"] == sorted(point.p_signed for point in frontier.points)
    assert len(by_name["shipped packages as written"]["x"]) == len(frontier.shipped)
    html = render_report(assess(None, worlds=4, seed=1), frontier=data)
    assert "The dilemma: deter or be signed" in html
    assert html.count('<tr data-start="') == len(frontier.points)
    assert 'data-g-charts="frontier-charts"' in html
    assert "The dilemma" not in render_report(assess(None, worlds=4, seed=1))


def test_a_longer_search_only_pushes_the_frontier_outwards() -> None:
    short = deter_sign_frontier(["sky-shield-2025"], worlds=6, population=4, generations=1)
    longer = deter_sign_frontier(["sky-shield-2025"], worlds=6, population=4, generations=2)
    assert {p.label for p in short.candidates} <= {p.label for p in longer.candidates}
    for point in short.points:
        assert any(np.all(_value(other) >= _value(point)) for other in longer.points)


def test_a_missing_commitment_ranks_below_a_levers_lowest_rung() -> None:
    from guarantor.explore.search_space import lever_order
    from guarantor.explore.variants import LEVERS

    lever = LEVERS["sharing_level"]
    rungs = [lever_order(choice, lever) for choice in lever.choices]
    assert rungs == list(range(len(lever.choices)))
    assert lever_order("none", lever) == -1.0 < min(rungs)
    with pytest.raises(ValueError, match="not in tuple"):
        lever_order("no such rung", lever)
