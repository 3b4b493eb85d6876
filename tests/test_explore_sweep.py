"""Designs, variants, the results store and sweeps (in-process and process pool)."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from guarantor.errors import DataError
from guarantor.explore.design import Design
from guarantor.explore.discovery import parse_case
from guarantor.explore.executors import InProcessExecutor, LocalProcessExecutor, make_executor
from guarantor.explore.optimize import parse_objective
from guarantor.explore.store import Store
from guarantor.explore.sweep import (
    MAX_BATCH,
    ChunkJob,
    SweepContext,
    guided_batches,
    load_context,
    run_job,
    sweep,
)
from guarantor.explore.uncertainty import load_bounds
from guarantor.explore.variants import apply_levers, lever_values, parse_variant_spec
from guarantor.packages import Package
from guarantor.packages.schema import AirPolicing, magnitude


def pledges(package: Package) -> list[float]:
    return [
        magnitude(pledge.count)
        for commitment in package.commitments
        if isinstance(commitment, AirPolicing)
        for pledge in commitment.aircraft
    ]


# -- variants -----------------------------------------------------------------------------------


def test_aircraft_lever_sets_the_exact_total_in_the_original_proportions(
    shipped: Callable[[str], Package],
) -> None:
    base = shipped("sky-shield-2025")
    assert sum(pledges(base)) == 120
    for total in (60, 90, 121):
        variant = apply_levers(base, {"aircraft": total})
        counts = pledges(variant)
        assert sum(counts) == total
        assert all(float(count).is_integer() for count in counts)
        share = np.array(counts) / total
        np.testing.assert_allclose(share, np.array(pledges(base)) / 120, atol=1 / total)
    assert sum(pledges(base)) == 120  # the shipped package is untouched


def test_level_levers_set_existing_commitments_or_add_one(
    shipped: Callable[[str], Package],
) -> None:
    base = shipped("sky-shield-2025")
    variant = apply_levers(base, {"sanctions": "full_snapback", "nato_track": "invitation"})
    values = lever_values(variant)
    assert values["sanctions"] == "full_snapback"
    assert values["nato_track"] == "invitation"
    assert lever_values(base)["nato_track"] == "none"
    assert len(variant.commitments) == len(base.commitments) + 1


def test_lever_on_a_missing_instrument_is_a_located_error(
    shipped: Callable[[str], Package],
) -> None:
    base = shipped("sky-shield-2025")
    with pytest.raises(DataError) as caught:
        apply_levers(base, {"troops": 5000, "aircraft": -3, "wings": 2})
    fields = [problem.field for problem in caught.value.problems]
    assert fields == ["levers.troops", "levers.aircraft", "levers.wings"]


def test_variant_spec_expands_to_the_product_of_settings() -> None:
    spec = parse_variant_spec("sky-shield-2025:aircraft=60,90,120:sanctions=tighter,full_snapback")
    assert spec.package == "sky-shield-2025"
    assert len(spec.combinations()) == 6
    assert spec.combinations()[0] == {"aircraft": "60", "sanctions": "tighter"}
    with pytest.raises(DataError):
        parse_variant_spec("sky-shield-2025:aircraft=many")


# -- design ---------------------------------------------------------------------------------


def test_design_hash_is_deterministic_and_ignores_chunk_size(
    make_design: Callable[..., Design],
) -> None:
    design = make_design()
    assert design.hash == make_design().hash
    assert design.hash == replace(design, chunk_size=3).hash
    assert design.hash != replace(design, seed=12).hash
    assert design.hash != replace(design, months=60).hash
    assert design.hash != make_design(n_worlds=41).hash


def test_chunks_cover_every_experiment_exactly_once(make_design: Callable[..., Design]) -> None:
    design = make_design(n_worlds=40, chunk_size=7)
    covered = np.concatenate(
        [design.experiment(c.point, np.arange(c.start, c.stop)) for c in design.chunks()]
    )
    assert sorted(covered.tolist()) == list(range(design.n_experiments))
    assert max(c.size for c in design.chunks()) == 7


# -- store and sweep ------------------------------------------------------------------------


def outcomes(store: Store) -> dict[str, np.ndarray]:
    return store.experiments()


def test_sweep_results_do_not_depend_on_chunk_size(
    tmp_path: Path, make_design: Callable[..., Design]
) -> None:
    small = sweep(make_design(chunk_size=3), Store(tmp_path / "a"))
    large = sweep(make_design(chunk_size=40), Store(tmp_path / "b"))
    assert small.n_chunks == 2 * 14
    assert large.n_chunks == 2
    a, b = outcomes(Store(tmp_path / "a")), outcomes(Store(tmp_path / "b"))
    np.testing.assert_array_equal(a["experiment"], np.arange(80))
    for name in ("breakdown_month", "held_24m", "cost_usd_bn"):
        np.testing.assert_array_equal(a[name], b[name])
    # more aircraft → lower hazard → later breakdowns on average (same worlds, same draws)
    assert a["breakdown_month"][40:].mean() > a["breakdown_month"][:40].mean()


def test_store_views_give_one_row_per_experiment_and_outcome(
    tmp_path: Path, make_design: Callable[..., Design]
) -> None:
    design = make_design()
    store = Store(tmp_path)
    sweep(design, store)
    connection = store.connect()
    rows = connection.execute("SELECT count(*) FROM results").fetchone()
    assert rows == (design.n_experiments * 3,)
    columns = [row[0] for row in connection.execute("DESCRIBE results").fetchall()]
    assert columns[:7] == ["experiment", "point", "world", "label", "package", "outcome", "value"]
    assert {"risk", "resolve"} <= set(columns)
    risk = connection.execute(
        "SELECT risk FROM results WHERE experiment = 45 AND outcome = 'cost_usd_bn'"
    ).fetchone()
    assert risk is not None
    assert risk[0] == pytest.approx(design.worlds["risk"][5])
    manifest = store.manifest()
    assert manifest["design_hash"] == design.hash
    assert manifest["packages"][1]["levers"] == {"aircraft": 120}
    assert {"numpy", "duckdb", "pyarrow", "dask"} <= set(manifest["versions"])


def test_a_failing_experiment_is_recorded_and_the_run_goes_on(
    tmp_path: Path, make_design: Callable[..., Design]
) -> None:
    poison = np.zeros(40)
    poison[[4, 30]] = 1.0
    design = make_design(poison=poison)
    store = Store(tmp_path)
    report = sweep(design, store)
    assert report.failed == 4  # two worlds × two packages
    connection = store.connect()
    failed = connection.execute("SELECT experiment, error FROM failures ORDER BY 1").fetchall()
    assert [row[0] for row in failed] == [4, 30, 44, 70]
    assert all(row[1].startswith("ValueError: poisoned world") for row in failed)
    good = outcomes(store)
    assert np.isnan(good["breakdown_month"][4])
    reference = outcomes(_swept(tmp_path / "clean", make_design()))
    keep = np.ones(80, bool)
    keep[[4, 30, 44, 70]] = False
    np.testing.assert_array_equal(good["breakdown_month"][keep], reference["breakdown_month"][keep])


def _swept(path: Path, design: Design) -> Store:
    store = Store(path)
    sweep(design, store)
    return store


def test_resume_skips_finished_chunks_and_refuses_another_design(
    tmp_path: Path, make_design: Callable[..., Design]
) -> None:
    design = make_design()
    store = Store(tmp_path)
    seen: list[int] = []

    def stop_after_three(result: object) -> None:
        seen.append(1)
        if len(seen) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sweep(design, store, on_result=stop_after_three)
    assert len(store.finished_chunks()) == 3
    (store.chunks_dir / ".p00000-w0000000099-0000000100.parquet.tmp").write_bytes(b"half")
    with pytest.raises(DataError, match="already holds a run"):
        sweep(design, store)
    with pytest.raises(DataError) as caught:
        sweep(replace(design, seed=99), store, resume=True)
    assert caught.value.problems[0].field == "seed"
    report = sweep(replace(design, chunk_size=5), store, resume=True)  # stored chunk size wins
    assert report.chunks_skipped == 3
    assert report.chunks_run == len(design.chunks()) - 3
    assert not list(store.chunks_dir.glob(".*"))
    stored = outcomes(store)
    np.testing.assert_array_equal(stored["experiment"], np.arange(80))
    reference = outcomes(_swept(tmp_path / "ref", design))
    np.testing.assert_array_equal(stored["breakdown_month"], reference["breakdown_month"])
    assert len(json.loads(store.manifest_path.read_text())["runs"]) == 2


def test_process_pool_gives_the_in_process_numbers(
    tmp_path: Path, make_design: Callable[..., Design]
) -> None:
    design = make_design(n_worlds=30, chunk_size=10)
    with LocalProcessExecutor(2) as executor:
        sweep(design, Store(tmp_path / "pool"), executor)
    pool = outcomes(Store(tmp_path / "pool"))
    local = outcomes(_swept(tmp_path / "local", design))
    np.testing.assert_array_equal(pool["breakdown_month"], local["breakdown_month"])


def test_chunk_files_are_whole_parquet_tables(
    tmp_path: Path, make_design: Callable[..., Design]
) -> None:
    design = make_design()
    store = _swept(tmp_path, design)
    for path in store.iter_chunk_paths():
        table = pq.read_table(path)
        assert table.column_names == [
            "experiment",
            "point",
            "world",
            "breakdown_month",
            "cost_usd_bn",
            "held_24m",
            "error",
        ]


def test_executor_choice_is_checked() -> None:
    assert isinstance(make_executor(), InProcessExecutor)
    with pytest.raises(DataError, match="not both"):
        make_executor(2, "tcp://127.0.0.1:1")
    with pytest.raises(DataError, match="unknown executor"):
        make_executor(kind="mpi")


# -- workers commit their own chunks -------------------------------------------------------------


def test_a_chunk_run_twice_is_written_with_identical_bytes(
    tmp_path: Path, make_design: Callable[..., Design]
) -> None:
    design = make_design()
    store = _swept(tmp_path, design)
    chunk = design.chunks()[3]
    path = store.chunks_dir / f"{chunk.id}.parquet"
    first = path.read_bytes()
    receipt = run_job(ChunkJob(chunk, SweepContext.of(design), str(store.root)))
    assert path.read_bytes() == first  # a rerun (a dead worker's task) changes nothing
    assert receipt.chunk == chunk
    assert receipt.errors == ()
    assert not list(store.chunks_dir.glob(".*"))


def test_workers_read_the_run_back_from_the_store(
    tmp_path: Path, make_design: Callable[..., Design], standin: str
) -> None:
    design = replace(make_design(), world_index=np.arange(40, dtype=np.int64)[::-1].copy())
    store = Store(tmp_path)
    store.open_run(design)
    context = load_context(str(store.root), design.hash)
    assert context.packages == tuple(point.package for point in design.points)
    for name, values in design.worlds.items():
        np.testing.assert_array_equal(context.worlds[name], values)
    assert context.world_index is not None
    np.testing.assert_array_equal(context.world_index, design.world_index)
    assert (context.seed, context.months, context.model) == (11, 48, standin)
    with pytest.raises(RuntimeError, match="holds design"):
        load_context(str(store.root), "0" * 64)


def test_world_index_keys_each_worlds_draws(
    tmp_path: Path, make_design: Callable[..., Design]
) -> None:
    same = np.zeros(40, dtype=np.int64)  # every world draws what world 0 draws
    design = replace(make_design(), worlds={"risk": np.full(40, 0.5)}, world_index=same)
    assert design.hash != replace(design, world_index=None).hash
    values = _swept(tmp_path, design).experiments()["breakdown_month"]
    assert len(set(values[:40].tolist())) == 1
    with pytest.raises(DataError, match="one entry per world"):
        replace(design, world_index=np.zeros(3, dtype=np.int64))


def test_resume_reruns_a_chunk_file_left_by_another_design(
    tmp_path: Path, make_design: Callable[..., Design]
) -> None:
    design = make_design()
    store = _swept(tmp_path / "run", design)
    other = _swept(tmp_path / "other", replace(design, seed=12))
    stale = store.chunks_dir / f"{design.chunks()[0].id}.parquet"
    stale.write_bytes((other.chunks_dir / stale.name).read_bytes())
    assert stale.stem not in store.finished_chunks(design.hash)
    report = sweep(design, store, resume=True)
    assert report.chunks_run == 1
    np.testing.assert_array_equal(
        store.experiments()["breakdown_month"],
        _swept(tmp_path / "fresh", design).experiments()["breakdown_month"],
    )


# -- malformed input ------------------------------------------------------------------------------


@given(text=st.text(max_size=40))
def test_malformed_objectives_cases_and_variant_specs_are_data_errors(text: str) -> None:
    for parse in (parse_objective, parse_case, parse_variant_spec):
        try:
            parse(text)
        except DataError as error:
            assert error.problems


@given(content=st.one_of(st.binary(max_size=120), st.text(max_size=120).map(str.encode)))
def test_a_corrupt_manifest_or_uncertainties_file_is_a_data_error(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "manifest.json").write_bytes(content)
        with pytest.raises(DataError):
            Store(root).manifest()
        (root / "uncertainties.yaml").write_bytes(content)
        try:
            load_bounds(root / "uncertainties.yaml")
        except DataError as error:
            assert error.problems


@given(n_jobs=st.integers(0, 400), workers=st.integers(1, 16))
def test_guided_batches_cover_every_job_once_in_order_and_shrink(n_jobs: int, workers: int) -> None:
    jobs: list[Any] = list(range(n_jobs))  # stand-ins for chunk jobs: only their order matters
    batches = guided_batches(jobs, workers)
    assert [job for batch in batches for job in batch] == jobs
    sizes = [len(batch) for batch in batches]
    assert all(1 <= size <= MAX_BATCH for size in sizes)
    assert sizes == sorted(sizes, reverse=True)
    if n_jobs:
        # the tail is single chunks, so the workers end within one chunk of each other
        assert sizes[-1] == 1
        assert sizes[0] == min(MAX_BATCH, max(1, n_jobs // (2 * workers)))


def test_guided_batches_for_forty_chunks_on_two_workers() -> None:
    sizes = [len(batch) for batch in guided_batches(list(range(40)), 2)]  # type: ignore[arg-type]
    assert sizes == [8, 8, 6, 4, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1]
