"""The BDM/Scholz engine reproduces the published EU emission-standards example."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from guarantor.bargaining import BdmOptions, read_bdm_csv, run_bdm, run_bdm_table
from guarantor.bargaining.bdm import (
    CAPITULATION,
    COMPROMISE,
    CONFRONTATION,
    CompromiseChoice,
    ProbabilityRule,
    bdm_run_to_dict,
)

DATA = Path(__file__).resolve().parents[1] / "src" / "guarantor" / "bargaining" / "data"
# dmasad/bdm-scholz-expected-utility-model, Example.log: mean after rounds 1-10
PUBLISHED_MEANS = [7.461, 7.553, 7.590, 7.358, 7.349, 7.415, 7.510, 7.572, 7.325, 7.242]


@pytest.fixture(scope="module")
def example():
    table = read_bdm_csv(DATA / "bdm-example.csv")
    return table, run_bdm_table(table)


def test_initial_median_and_mean_match_the_published_example(example) -> None:
    _, run = example
    assert run.median[0, 0] == 7.0
    assert run.mean[0, 0] == pytest.approx(7.389955686853767, abs=1e-12)


def test_ten_round_mean_trajectory_matches_the_published_log(example) -> None:
    _, run = example
    assert np.round(run.mean[1:, 0], 3).tolist() == PUBLISHED_MEANS


def test_round_one_moves_match_the_published_log(example) -> None:
    table, run = example
    moved = {table.actors[i]: i for i in np.flatnonzero(run.offer_kind[0, 0])}
    assert set(moved) == {"Belgium", "Luxembourg", "Ireland"}
    belgium, luxembourg, ireland = moved["Belgium"], moved["Luxembourg"], moved["Ireland"]
    assert run.offer_kind[0, 0, belgium] == COMPROMISE
    assert table.actors[run.offer_from[0, 0, belgium]] == "France"
    assert run.offer_eu[0, 0, belgium] == pytest.approx([-0.11483050347300794, 0.2432965945234421])
    assert run.positions[1, 0, belgium] == pytest.approx(8.415932315426764)
    assert run.offer_kind[0, 0, luxembourg] == CONFRONTATION
    assert table.actors[run.offer_from[0, 0, luxembourg]] == "Belgium"
    assert run.positions[1, 0, luxembourg] == 7.0
    assert table.actors[run.offer_from[0, 0, ireland]] == "Luxembourg"
    assert run.positions[1, 0, ireland] == 4.0


def test_round_four_has_belgium_compromise_with_the_netherlands_as_scholz_coded(example) -> None:
    table, run = example
    belgium = table.index("Belgium")
    assert table.actors[run.offer_from[3, 0, belgium]] == "Netherlands"
    assert run.positions[4, 0, belgium] == pytest.approx(4.800881140632622)


def test_smallest_move_compromise_option_keeps_belgium_with_france_in_round_four(example) -> None:
    table, _ = example
    run = run_bdm_table(table, BdmOptions(compromise=CompromiseChoice.SMALLEST_MOVE, rounds=4))
    belgium = table.index("Belgium")
    assert table.actors[run.offer_from[3, 0, belgium]] != "Netherlands"


def test_capitulation_is_unreachable_with_the_typo_and_reachable_without(example) -> None:
    table, run = example
    assert not np.any(run.offer_kind == CAPITULATION)
    fixed = run_bdm_table(table, BdmOptions(capitulation_typo=False))
    kinds = set(np.unique(fixed.offer_kind).tolist())
    assert kinds <= {0, CONFRONTATION, COMPROMISE, CAPITULATION}
    assert fixed.positions.shape == run.positions.shape


def test_pairwise_probabilities_of_a_pair_sum_to_one() -> None:
    from guarantor.bargaining.bdm import _probability

    rng = np.random.default_rng(3)
    x = rng.random((4, 6))
    weight = rng.random((4, 6))
    p = _probability(x, weight, np.ones_like(x), np.ones(4), ProbabilityRule.PAIRWISE)
    off = ~np.eye(6, dtype=bool)
    assert np.allclose((p + np.swapaxes(p, 1, 2))[:, off], 1.0)
    scholz = _probability(x, weight, np.ones_like(x), np.ones(4), ProbabilityRule.SCHOLZ)
    assert np.all(scholz[:, off] < p[:, off] + 1e-12)


def test_a_batch_gives_each_problem_the_result_it_gets_alone(example) -> None:
    table, run = example
    c, x, s = table.capability, table.position[:, 0], table.salience[:, 0]
    shuffled = np.random.default_rng(0).permutation(len(x))
    batch = run_bdm(
        np.stack([c, c[shuffled]]), np.stack([x, x[shuffled]]), np.stack([s, s[shuffled]])
    )
    assert np.allclose(batch.mean[:, 0], run.mean[:, 0])
    assert np.allclose(batch.positions[:, 0], run.positions[:, 0])


def test_json_explains_every_move(example) -> None:
    table, run = example
    data = bdm_run_to_dict(run, table.dimensions)
    assert len(data["rounds"]) == 10
    first = data["rounds"][0]["dimensions"]["position"]
    assert first["moves"][0]["why"] == "Belgium compromises with France"
    assert set(first["risk_exponents"]) == set(table.actors)
    assert all(0.5 - 1e-12 <= r <= 2.0 + 1e-12 for r in first["risk_exponents"].values())
    assert data["final"]["position"]["mean"] == pytest.approx(7.242130958473938)
