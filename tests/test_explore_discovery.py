"""Scenario discovery: PRIM and CART recover planted boxes; cases; discovery over a store."""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from guarantor.errors import DataError
from guarantor.explore.cart import best_split, cart
from guarantor.explore.design import Design
from guarantor.explore.discovery import discover, parse_case
from guarantor.explore.prim import prim
from guarantor.explore.store import Store
from guarantor.explore.sweep import sweep

NAMES = ["a", "b", "c", "d"]


def planted(n: int = 4000, noise: float = 0.05, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.random((n, 4))
    y = (X[:, 0] < 0.3) & (X[:, 1] > 0.6)
    return X, y ^ (rng.random(n) < noise)


def test_prim_recovers_a_planted_box_and_drops_irrelevant_dimensions() -> None:
    X, y = planted()
    result = prim(X, y, NAMES)
    box = result.boxes[0]
    assert box.restricted == ("a", "b")
    limits = box.limits()
    assert limits["a"][0] is None
    assert limits["a"][1] == pytest.approx(0.3, abs=0.03)
    assert limits["b"][0] == pytest.approx(0.6, abs=0.03)
    assert limits["b"][1] is None
    assert box.density > 0.9
    assert box.coverage > 0.55
    assert max(box.p_values.values()) < 1e-50
    assert "a ≤ 0.3" in box.describe("breakdown") or "a ≤ 0.29" in box.describe("breakdown")


def test_prim_trajectory_trades_coverage_for_density() -> None:
    X, y = planted()
    result = prim(X, y, NAMES, min_coverage=0.3)
    coverage = [box.coverage for box in result.trajectory]
    mass = [box.mass for box in result.trajectory]
    assert coverage[0] == 1.0
    assert result.trajectory[0].density == pytest.approx(result.base_rate)
    assert all(later <= earlier for earlier, later in itertools.pairwise(coverage))
    assert all(later < earlier for earlier, later in itertools.pairwise(mass))
    assert result.trajectory[-1].mass >= 0.05 - 1e-9


def test_prim_respects_restricted_dimensions() -> None:
    X, y = planted()
    box = prim(X, y, NAMES, max_restricted=1).boxes[0]
    assert len(box.restricted) == 1
    assert box.density > 2 * y.mean()


def test_prim_matches_ema_workbench_on_the_same_data() -> None:
    pd = pytest.importorskip("pandas")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim as ema_prim

        X, y = planted(n=2000)
        theirs = ema_prim.Prim(pd.DataFrame(X, columns=NAMES), y, threshold=0.9, peel_alpha=0.05)
        box = theirs.find_box()
    limits = box.box_lim[-1] if isinstance(box.box_lim, list) else box.box_lim
    ours = prim(X, y, NAMES, min_coverage=0.0).trajectory
    # both peel to the planted corner: a below ~0.3 and b above ~0.6
    assert float(limits["a"].iloc[1]) == pytest.approx(0.3, abs=0.05)
    assert float(limits["b"].iloc[0]) == pytest.approx(0.6, abs=0.05)
    densest = max(ours, key=lambda b: b.density)
    assert densest.limits()["a"][1] == pytest.approx(float(limits["a"].iloc[1]), abs=0.05)
    assert densest.limits()["b"][0] == pytest.approx(float(limits["b"].iloc[0]), abs=0.05)


def test_cart_best_split_finds_the_separating_threshold() -> None:
    X = np.array([[0.1], [0.2], [0.3], [0.7], [0.8], [0.9]])
    y = np.array([True, True, True, False, False, False])
    split = best_split(X, y, min_leaf=1)
    assert split is not None
    assert split.threshold == pytest.approx(0.5)
    assert split.gain == pytest.approx(0.5)  # Gini 0.5 at the root, 0 in both children


def test_cart_leaves_partition_the_experiments_and_find_the_box() -> None:
    X, y = planted()
    result = cart(X, y, NAMES, max_depth=2)
    assert sum(leaf.box.n_experiments for leaf in result.leaves) == X.shape[0]
    assert sum(leaf.box.n_cases for leaf in result.leaves) == int(y.sum())
    top = result.boxes[0]
    assert set(top.restricted) == {"a", "b"}
    assert top.density > 0.9


@given(
    rows=st.integers(0, 30),
    columns=st.integers(0, 5),
    names=st.integers(0, 5),
    poison=st.sampled_from([None, np.nan, np.inf]),
    alpha=st.floats(-1, 1),
)
def test_malformed_discovery_input_is_a_data_error(
    rows: int, columns: int, names: int, poison: float | None, alpha: float
) -> None:
    X = np.random.default_rng(rows).random((rows, columns))
    if poison is not None and X.size:
        X.flat[0] = poison
    y = np.arange(rows) % 3 == 0
    for run in (
        lambda: prim(X, y, NAMES[:names], peel_alpha=alpha),
        lambda: cart(X, y, NAMES[:names]),
    ):
        try:
            run()
        except DataError as error:
            assert error.problems


def test_parse_case() -> None:
    case = parse_case("breakdown_month<=24", ["breakdown_month"])
    assert (case.outcome, case.op, case.value) == ("breakdown_month", "<=", 24.0)
    assert case.flags([10, 24, 30]).tolist() == [True, True, False]
    with pytest.raises(DataError, match="unknown outcome"):
        parse_case("held < 1", ["breakdown_month"])
    with pytest.raises(DataError, match="bad case"):
        parse_case("breakdown_month <= soon")


def test_discover_over_a_store_finds_the_risky_worlds(
    tmp_path: Path, make_design: Callable[..., Design]
) -> None:
    store = Store(tmp_path)
    sweep(make_design(n_worlds=600, chunk_size=300), store)
    found = discover(store, ["breakdown_month<=12"], max_boxes=1)
    assert found["dimensions"] == ["risk", "resolve", "aircraft"]
    (entry,) = found["cases"]
    box = entry["prim"]["boxes"][0]
    assert entry["base_rate"] < box["density"]
    # the stand-in's hazard grows with risk and falls with resolve
    limits = box["limits"]
    assert limits.get("risk", [None, None])[0] is not None or limits.get("resolve", [0, 0])[1]
    assert (tmp_path / "discovery" / "all.json").exists()
    with pytest.raises(DataError, match="no such package"):
        discover(store, ["breakdown_month<=12"], package="nope")
