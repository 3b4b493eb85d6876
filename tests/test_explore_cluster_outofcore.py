"""Out-of-core analyses over a store agree with their in-memory counterparts on small stores."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from guarantor.errors import DataError
from guarantor.explore.design import Design
from guarantor.explore.discovery import discover, discovery_table, parse_case
from guarantor.explore.objectives import parse_objective
from guarantor.explore.outofcore import (
    discovery_sample,
    first_order_from_bins,
    given_data_indices,
    ntile,
    results_summary,
    worst_stored_worlds,
)
from guarantor.explore.prim import prim
from guarantor.explore.store import Store
from guarantor.explore.sweep import sweep

PLANTED = "test_explore_cluster_outofcore:planted"


class _Result:
    def __init__(self, outcomes: dict[str, np.ndarray]) -> None:
        self.outcomes = outcomes


def planted(
    theatre: Any,
    package: Any,
    worlds: dict[str, np.ndarray],
    *,
    seed: int,
    months: int = 120,
    world_index: np.ndarray | None = None,
    design: int = 0,
    replicate: int = 0,
) -> _Result:
    """A kernel with a planted failure box: a < 0.3 and b > 0.6, 5 % of flags flipped by world."""
    a, b = worlds["a"], worlds["b"]
    index = np.arange(a.size) if world_index is None else np.asarray(world_index)
    noise = (index * 2654435761 % 1000) < 50
    failed = ((a < 0.3) & (b > 0.6)) ^ noise
    return _Result({"failed": failed.astype(float), "score": 2.0 * a - b + 0.01 * (index % 7)})


def planted_store(folder: Path, make_design: Callable[..., Design], n_worlds: int) -> Store:
    rng = np.random.default_rng(5)
    base = make_design(n_worlds=4)
    worlds = {name: rng.random(n_worlds) for name in ("a", "b", "c")}
    design = replace(base, model=PLANTED, worlds=worlds, chunk_size=max(1, n_worlds // 4))
    store = Store(folder)
    sweep(design, store)
    return store


@pytest.fixture(scope="module")
def standin_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    from conftest import _make_design

    store = Store(tmp_path_factory.mktemp("standin"))
    sweep(_make_design(n_worlds=900, chunk_size=300), store)
    return store


def test_discovery_table_read_through_duckdb_is_the_in_memory_table(standin_store: Store) -> None:
    X, names, outcomes = discovery_table(standin_store)
    data = discovery_sample(standin_store, outcomes=list(outcomes), sample=None)
    assert data.names == names == ["risk", "resolve", "aircraft"]
    assert data.fraction == 1.0
    assert data.n_experiments == data.n_sampled == 1800
    np.testing.assert_array_equal(data.X, X)
    for name, values in outcomes.items():
        np.testing.assert_array_equal(data.outcomes[name], values)


def test_out_of_core_discovery_gives_the_in_memory_boxes_on_a_small_store(
    standin_store: Store,
) -> None:
    found = discover(standin_store, ["breakdown_month<=12"], max_boxes=2)
    assert found["sample"] == {"n_sampled": 1800, "fraction": 1.0}
    X, names, outcomes = discovery_table(standin_store)
    flags = parse_case("breakdown_month<=12").flags(outcomes["breakdown_month"])
    expected = prim(X, flags, names, min_coverage=0.5, max_restricted=4, max_boxes=2)
    (entry,) = found["cases"]
    assert entry["prim"] == expected.to_dict("breakdown_month <= 12")
    assert entry["n_cases"] == int(flags.sum())


def test_a_sampled_discovery_finds_the_planted_box_within_its_error(
    tmp_path: Path, make_design: Callable[..., Design]
) -> None:
    store = planted_store(tmp_path / "store", make_design, n_worlds=15_000)
    whole = discover(store, ["failed>0.5"], max_boxes=1, sample=None)
    sampled = discover(store, ["failed>0.5"], max_boxes=1, sample=6_000)
    info = sampled["sample"]
    assert 0.19 < info["fraction"] < 0.21
    assert abs(info["n_sampled"] - 6_000) < 4 * np.sqrt(6_000)  # a Bernoulli sample
    assert sampled == discover(store, ["failed>0.5"], max_boxes=1, sample=6_000)  # deterministic
    (full_entry,), (entry,) = whole["cases"], sampled["cases"]
    assert entry["n_cases"] == full_entry["n_cases"]  # the base rate counts every experiment
    box, full_box = entry["prim"]["boxes"][0], full_entry["prim"]["boxes"][0]
    assert set(box["limits"]) == set(full_box["limits"]) == {"a", "b"}
    for name in ("a", "b"):
        for mine, theirs in zip(box["limits"][name], full_box["limits"][name], strict=True):
            assert (mine is None) == (theirs is None)
            if mine is not None:
                assert mine == pytest.approx(theirs, abs=0.03)
    # the box's figures are measured over every experiment ...
    data = store.experiments()
    (a_low, a_high), (b_low, b_high) = box["limits"]["a"], box["limits"]["b"]
    inside = np.ones(data["a"].size, dtype=bool)
    for column, low, high in (("a", a_low, a_high), ("b", b_low, b_high)):
        if low is not None:
            inside &= data[column] >= low
        if high is not None:
            inside &= data[column] <= high
    failed = data["failed"] > 0.5
    assert box["n_experiments"] == int(inside.sum())
    assert box["density"] == pytest.approx(failed[inside].mean())
    assert box["coverage"] == pytest.approx(failed[inside].sum() / failed.sum())
    # ... and agree with the sample's within its standard errors
    assert abs(box["density"] - box["sample"]["density"]) < 4 * box["sample"]["density_se"]
    assert abs(box["coverage"] - box["sample"]["coverage"]) < 4 * box["sample"]["coverage_se"]


@pytest.mark.parametrize("n", [1, 7, 49, 50, 51, 1000])
def test_ntile_matches_sql_equal_count_bins(n: int) -> None:
    import duckdb
    import pyarrow as pa

    values = np.round(np.random.default_rng(n).random(n), 1)  # with ties
    bins = 7
    connection = duckdb.connect()
    connection.register("t", pa.table({"v": values, "i": np.arange(n)}))
    sql = connection.execute("SELECT ntile(7) OVER (ORDER BY v, i) - 1, i FROM t").fetchall()
    expected = np.empty(n, dtype=np.int64)
    for b, i in sql:
        expected[i] = b
    np.testing.assert_array_equal(ntile(values, bins), expected)


def test_given_data_indices_in_sql_equal_the_in_memory_estimator(standin_store: Store) -> None:
    result = given_data_indices(standin_store, bins=20)
    data = standin_store.experiments()
    worlds = {name: np.asarray(data[name]) for name in ("risk", "resolve")}
    assert result["parameters"] == ["risk", "resolve"]
    labels = {entry["point"]: entry["label"] for entry in standin_store.manifest()["packages"]}
    for point, label in labels.items():
        mine = data["point"] == point
        per = result["packages"][label]
        assert per["n_experiments"] == int(mine.sum())
        assert per["floor"] == pytest.approx(19 / (mine.sum() - 1))
        y = np.asarray(data["held_24m"], dtype=np.float64)[mine]
        for name, values in worlds.items():
            expected = first_order_from_bins(y, ntile(values[mine], 20), 20)
            assert per["indices"]["held_24m"][name] == pytest.approx(expected, rel=1e-9)
        assert "note" in per["indices"]["cost_usd_bn"]  # constant within a package


def test_given_data_indices_match_the_ishigami_function(
    tmp_path: Path, make_design: Callable[..., Design]
) -> None:
    rng = np.random.default_rng(3)
    n = 40_000
    worlds = {name: rng.uniform(-np.pi, np.pi, n) for name in ("x1", "x2", "x3")}
    base = make_design(n_worlds=4)
    design = replace(
        base,
        points=base.points[:1],
        model="test_explore_standin:ishigami",
        worlds=worlds,
        chunk_size=10_000,
    )
    store = Store(tmp_path)
    sweep(design, store)
    result = given_data_indices(store, bins=50)
    (per,) = result["packages"].values()
    indices = per["indices"]["y"]
    # exact first-order indices (Saltelli et al. 2008, Global Sensitivity Analysis, §4.3)
    assert indices["x1"] == pytest.approx(0.314, abs=0.02)
    assert indices["x2"] == pytest.approx(0.442, abs=0.02)
    assert indices["x3"] < per["floor"] + 0.01
    assert list(indices) == ["x2", "x1", "x3"]  # largest first


def test_worst_stored_worlds_are_the_lowest_values_with_their_parameters(
    standin_store: Store,
) -> None:
    objective = parse_objective("mean:breakdown_month:max")
    found = worst_stored_worlds(standin_store, objective, keep=4)
    data = standin_store.experiments()
    worlds = standin_store.connect().execute("SELECT * FROM worlds ORDER BY world").fetchnumpy()
    for entry in standin_store.manifest()["packages"]:
        mine = data["point"] == entry["point"]
        values = np.asarray(data["breakdown_month"])[mine]
        order = np.lexsort((data["world"][mine], values))[:4]
        rows = found["packages"][entry["label"]]
        assert [row["world"] for row in rows] == [int(w) for w in data["world"][mine][order]]
        assert [row["breakdown_month"] for row in rows] == list(values[order])
        for row in rows:
            risk = worlds["risk"]
            assert row["parameters"]["risk"] == risk[row["world"]]
            value = risk[row["world"]]
            below, up_to = (risk < value).sum() / (risk.size - 1), (risk <= value).sum() / risk.size
            assert row["quantiles"]["risk"] == pytest.approx((below + up_to) / 2)
    best = worst_stored_worlds(standin_store, parse_objective("mean:breakdown_month:min"), keep=1)
    assert all(
        rows[0]["breakdown_month"] == data["breakdown_month"].max()
        for rows in best["packages"].values()
    )
    with pytest.raises(DataError, match="unknown outcome"):
        worst_stored_worlds(standin_store, parse_objective("mean:nope:max"))


def test_results_summary_streams_the_tidy_view(standin_store: Store) -> None:
    summary = results_summary(standin_store, memory_limit="256MB")
    data = standin_store.experiments()
    assert summary["failures"] == 0
    assert summary["n_rows"] == 1800 * len(standin_store.outcome_names())
    for row in summary["rows"]:
        point = next(
            e["point"] for e in standin_store.manifest()["packages"] if e["label"] == row["package"]
        )
        values = np.asarray(data[row["outcome"]], dtype=np.float64)[data["point"] == point]
        finite = values[np.isfinite(values)]
        assert row["n"] == values.size
        assert row["defined"] == pytest.approx(finite.size / values.size)
        assert row["mean"] == pytest.approx(finite.mean())
        # t-digest quantiles: within 2 % of the range of the exact ones
        spread = max(float(np.ptp(finite)), 1e-9)
        assert row["p50"] == pytest.approx(np.quantile(finite, 0.5), abs=0.02 * spread)


@pytest.mark.parametrize("limit", ["lots", "-1GB", "1 parsec", ""])
def test_a_bad_memory_limit_is_a_located_data_error(standin_store: Store, limit: str) -> None:
    with pytest.raises(DataError, match="memory size") as raised:
        standin_store.connect(memory_limit=limit)
    assert raised.value.problems[0].field == "memory_limit"


def test_store_commands_read_the_store_out_of_core(standin_store: Store) -> None:
    import json

    from typer.testing import CliRunner

    from guarantor.cli import app

    runner = CliRunner()
    store = ["--store", str(standin_store.root), "--memory-limit", "256MB", "--json"]
    summary = json.loads(runner.invoke(app, ["results", *store]).stdout)
    direct = results_summary(standin_store, memory_limit="256MB")
    assert len(summary["rows"]) == len(direct["rows"]) == 2 * 3
    for printed, computed in zip(summary["rows"], direct["rows"], strict=True):
        # parallel aggregation: sums may differ in the last bits, t-digests a little more
        assert printed["n"] == computed["n"]
        assert printed["mean"] == pytest.approx(computed["mean"], rel=1e-12)
        assert printed["p50"] == pytest.approx(computed["p50"], rel=0.02)

    found = json.loads(
        runner.invoke(
            app, ["discover", *store, "--case", "breakdown_month<=12", "--sample", "500"]
        ).stdout
    )
    assert 0.2 < found["sample"]["fraction"] < 0.3
    assert found["n_experiments"] == 1800
    assert "sample" in found["cases"][0]["prim"]["boxes"][0]

    label = "sky-shield-2025[aircraft=60]"
    indices = json.loads(
        runner.invoke(app, ["sensitivity", label, "--from-store", "--bins", "20", *store]).stdout
    )
    assert indices == given_data_indices(standin_store, package=label, bins=20)

    worst = json.loads(
        runner.invoke(
            app,
            [
                *("worst-case", label, "--from-store"),
                *("--objective", "mean:breakdown_month:max", "--keep", "3", *store),
            ],
        ).stdout
    )
    assert list(worst["packages"]) == [label]
    assert len(worst["packages"][label]) == 3

    bad = runner.invoke(app, ["results", "--store", str(standin_store.root), "--memory-limit", "x"])
    assert bad.exit_code == 1
    assert "memory_limit" in bad.output and "Traceback" not in bad.output
    unknown = runner.invoke(app, ["sensitivity", "nope", "--from-store", *store])
    assert unknown.exit_code == 1
    assert "no such package" in unknown.output


def test_the_ten_million_figures_in_the_docs_are_the_measured_ones() -> None:
    """docs/explore.md quotes benchmarks/results/scale.json, and that run did what it claims."""
    import importlib.util
    import json
    import sys

    root = Path(__file__).resolve().parents[1]
    figures = json.loads((root / "benchmarks" / "results" / "scale.json").read_text("utf-8"))
    design, sweep_figures = figures["design"], figures["sweep"]
    assert design["experiments"] == design["packages"] * design["worlds"]
    # every experiment stored exactly once, nothing rerun by the resume
    assert sweep_figures["stored_rows"] == sweep_figures["distinct_experiments"]
    assert sweep_figures["distinct_experiments"] == design["experiments"]
    assert (sweep_figures["first_experiment"], sweep_figures["last_experiment"]) == (
        0,
        design["experiments"] - 1,
    )
    assert sweep_figures["rework_chunks"] == 0
    assert 0 < sweep_figures["killed_with_chunks_stored"] < design["chunks"]
    assert (
        sweep_figures["resume_skipped_chunks"] + sweep_figures["resume_ran_chunks"]
        == (design["chunks"])
    )
    assert set(figures["analyses"]) == {
        "results",
        "discover",
        "sensitivity --from-store",
        "worst-case --from-store",
    }
    assert {"scheduler", "worker-0", "worker-1", "client (resume)"} <= set(figures["peak_rss_mb"])

    spec = importlib.util.spec_from_file_location("docs_figures", root / "scripts/docs_figures.py")
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = generator
    spec.loader.exec_module(generator)
    page = (root / "docs" / "explore.md").read_text(encoding="utf-8")
    assert generator.read_blocks(page)["explore-scale"] == generator.render("explore-scale")
