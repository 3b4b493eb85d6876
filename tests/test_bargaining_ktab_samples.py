"""KTAB's 6-dimension (27 actors) and 40-actor sample inputs as SMP regression runs.

KTAB ships no reference output for them, so our output is pinned in
``bargaining/data/ktab/sample-runs.json`` (``python scripts/ktab_samples.py``) and the runs are
held to invariants: positions stay in [0, 1] and inside the initial range, the run converges
before KTAB's limit of 100 iterations, strengthening one side of a dimension moves the outcome
toward it, and the same seed gives the same run.
"""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guarantor.bargaining import SmpOptions, read_ktab_csv, run_smp
from guarantor.bargaining.ktab_reference import (
    SAMPLE_INPUTS,
    SAMPLE_RUNS_FILE,
    run_record,
    sample_path,
)
from guarantor.bargaining.smp import SmpRun, StateTransition, unique_positions
from guarantor.bargaining.table import ActorTable

KTAB_MAX_ITERATIONS = 100  # KTAB executeSMP: maxIter = 100 (minIter = 2, minDeltaRatio = 0.02)
PINNED = json.loads(sample_path(SAMPLE_RUNS_FILE).read_text(encoding="utf-8"))["runs"]


@pytest.fixture(scope="module", params=list(SAMPLE_INPUTS))
def sample(request: pytest.FixtureRequest) -> tuple[str, ActorTable, SmpRun]:
    label = request.param
    table = read_ktab_csv(sample_path(SAMPLE_INPUTS[label]))
    return label, table, run_smp(table)


def test_sample_inputs_are_ktabs_as_shipped() -> None:
    six = read_ktab_csv(sample_path("dummyData_6Dim.csv"))
    assert (six.n_actors, len(six.dimensions)) == (27, 6)
    assert six.actors[0] == "AA00"
    assert six.capability[0] == pytest.approx(99.98)
    assert (100 * six.position[12]).tolist() == pytest.approx([80, 57.5, 45, 100, 45, 40])
    forty = read_ktab_csv(sample_path("dummyData-a040.csv"))
    assert (forty.n_actors, len(forty.dimensions)) == (40, 1)
    assert forty.actors[-1] == "Act-1040"
    assert 100 * forty.position[-1, 0] == pytest.approx(58.32)
    readme = sample_path("README.md").read_text(encoding="utf-8")
    assert "MIT" in readme
    assert "github.com/KTAB/KTAB" in readme


def _close(pinned: object, fresh: object) -> None:
    if isinstance(pinned, dict):
        assert isinstance(fresh, dict)
        assert pinned.keys() - {"input"} == fresh.keys()
        for key in fresh:
            _close(pinned[key], fresh[key])
    elif isinstance(pinned, list):
        assert isinstance(fresh, list)
        assert len(pinned) == len(fresh)
        for a, b in zip(pinned, fresh, strict=True):
            _close(a, b)
    elif isinstance(pinned, float):
        assert fresh == pytest.approx(pinned, abs=1e-9)
    else:
        assert fresh == pinned


def test_run_matches_the_pinned_regression_file(sample: tuple[str, ActorTable, SmpRun]) -> None:
    label, _, run = sample
    pinned = PINNED[label]
    _close(pinned, run_record(run))
    assert pinned["input"] == SAMPLE_INPUTS[label]


def test_positions_stay_in_the_unit_box_and_the_initial_range(
    sample: tuple[str, ActorTable, SmpRun],
) -> None:
    _, table, run = sample
    assert np.all((run.history >= 0) & (run.history <= 1))
    low, high = table.position.min(axis=0), table.position.max(axis=0)
    assert np.all(run.history >= low - 1e-9)
    assert np.all(run.history <= high + 1e-9)


def test_run_converges_within_ktabs_iteration_limit(sample: tuple[str, ActorTable, SmpRun]) -> None:
    _, _, run = sample
    assert 2 <= len(run.turns) < KTAB_MAX_ITERATIONS
    assert "below 0.02" in run.stop_reason
    changes = [turn.change for turn in run.turns]
    assert changes[-1] / (changes[0] + 1e-4) < 0.02
    # the outcome settles: the last turn moves the forecast by less than 0.5 points of 100
    before = run_smp(run.table, replace(run.options, max_turns=len(run.turns) - 1)).forecast()
    assert np.max(np.abs(run.forecast() - before)) < 0.005


def test_each_state_distinct_positions_share_probability_one(
    sample: tuple[str, ActorTable, SmpRun],
) -> None:
    _, _, run = sample
    for turn in run.turns:
        unique = unique_positions(turn.position, run.options.position_tolerance)
        assert turn.win_probability[unique].sum() == pytest.approx(1.0)
        assert np.all(turn.win_probability >= 0)


def test_the_stronger_coalition_pulls_each_dimension_toward_it(
    sample: tuple[str, ActorTable, SmpRun],
) -> None:
    """Half again the capability of the actors above (below) the start moves the outcome up (down).

    On every dimension, against the unchanged run. (Whether the unchanged outcome moves from the
    weighted mean toward the heavier side is not an invariant of the SMP: on 3 of the 10
    dimensions of KTAB's three samples it does not.)
    """
    _, table, run = sample
    weight = table.capability[:, None] * table.salience
    start = np.sum(weight * table.position, axis=0) / np.sum(weight, axis=0)
    outcome = run.forecast()
    for dim in range(len(table.dimensions)):
        above = table.position[:, dim] > start[dim]
        up = run_smp(replace(table, capability=np.where(above, 1.5, 1.0) * table.capability))
        down = run_smp(replace(table, capability=np.where(above, 1.0, 1.5) * table.capability))
        assert up.forecast()[dim] > outcome[dim] > down.forecast()[dim], dim


def test_runs_are_deterministic_and_repeat_under_a_seed(
    sample: tuple[str, ActorTable, SmpRun],
) -> None:
    _, table, run = sample
    assert np.array_equal(run_smp(table).history, run.history)
    options = SmpOptions(transition=StateTransition.STOCHASTIC, max_turns=6)
    first = run_smp(table, options, rng=np.random.default_rng(11))
    again = run_smp(table, options, rng=np.random.default_rng(11))
    other = run_smp(table, options, rng=np.random.default_rng(12))
    assert np.array_equal(first.history, again.history)
    assert not np.array_equal(first.history, other.history)


@st.composite
def _tables(draw: st.DrawFn) -> ActorTable:
    n = draw(st.integers(3, 8))
    d = draw(st.integers(1, 3))
    unit = st.floats(0.0, 1.0, allow_nan=False)
    position = np.array(
        draw(st.lists(st.lists(unit, min_size=d, max_size=d), min_size=n, max_size=n))
    )
    raw = np.array(
        draw(
            st.lists(st.lists(st.floats(0.05, 1.0), min_size=d, max_size=d), min_size=n, max_size=n)
        )
    )
    capability = np.array(draw(st.lists(st.floats(0.1, 100.0), min_size=n, max_size=n)))
    return ActorTable(
        name="random",
        description="hypothesis",
        actors=tuple(f"A{i}" for i in range(n)),
        dimensions=tuple(f"D{k}" for k in range(d)),
        capability=capability,
        position=position,
        salience=raw / raw.sum(axis=1, keepdims=True),
    )


@settings(max_examples=30, deadline=None)
@given(table=_tables())
def test_any_table_stays_in_range_shares_probability_one_and_repeats(table: ActorTable) -> None:
    options = SmpOptions(max_turns=6)
    run = run_smp(table, options)
    assert np.all((run.history >= 0) & (run.history <= 1))
    # bargains are rounded to 4 decimals, as KTAB rounds them: off-grid inputs may be
    # overstepped by half a unit of the fourth decimal, never more
    low, high = table.position.min(axis=0), table.position.max(axis=0)
    assert np.all(run.history >= low - 0.5e-4 - 1e-12)
    assert np.all(run.history <= high + 0.5e-4 + 1e-12)
    for turn in run.turns:
        unique = unique_positions(turn.position, options.position_tolerance)
        assert turn.win_probability[unique].sum() == pytest.approx(1.0)
    assert np.array_equal(run_smp(table, options).history, run.history)
