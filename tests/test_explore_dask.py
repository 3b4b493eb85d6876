"""Acceptance: a sweep of the durability kernel on a real Dask cluster survives a killed worker."""

from __future__ import annotations

import os
import signal
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from guarantor.errors import DataError
from guarantor.explore.design import DEFAULT_MODEL, Design, design_points
from guarantor.explore.executors import DaskExecutor, cached_theatre, resolve_model
from guarantor.explore.store import Store
from guarantor.explore.sweep import ChunkReceipt, sweep
from guarantor.explore.uncertainty import load_bounds, sample_worlds
from guarantor.theatre import DEFAULT_THEATRE, Theatre


def durability_design(theatre: Theatre, n_worlds: int, chunk_size: int) -> Design:
    points = design_points(["sky-shield-2025:aircraft=60,120"], theatre)
    return Design(
        points,
        sample_worlds(load_bounds(), n_worlds, seed=4),
        seed=20260106,
        months=36,
        model=DEFAULT_MODEL,
        theatre=DEFAULT_THEATRE,
        chunk_size=chunk_size,
    )


def test_dask_sweep_of_the_durability_kernel_survives_a_killed_worker(
    tmp_path: Path, theatre: Theatre
) -> None:
    design = durability_design(theatre, n_worlds=160, chunk_size=8)
    local = Store(tmp_path / "local")
    sweep(replace(design, chunk_size=160), local)  # in-process, two chunks

    killed: list[int] = []
    with DaskExecutor(workers=2) as executor:
        pids = executor.client.run(os.getpid)
        assert len(set(pids.values())) == 2  # two separate worker processes
        executor.client.run(resolve_model, DEFAULT_MODEL)  # both workers ready before the race
        executor.client.run(cached_theatre, DEFAULT_THEATRE)

        def kill_one_worker(receipt: ChunkReceipt) -> None:
            if not killed:
                address, pid = sorted(pids.items())[0]
                busy = executor.client.processing(workers=[address])[address]
                assert busy, "the victim should hold tasks in flight when it dies"
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

        report = sweep(design, Store(tmp_path / "dask"), executor, on_result=kill_one_worker)
        survivors = set(executor.client.run(os.getpid).values())
        # the same cluster reached by its address, as with --scheduler: the workers must see
        # the store they will write to
        with DaskExecutor(scheduler=executor.scheduler) as remote:
            remote.check_store(Store(tmp_path / "dask").manifest_path)
            with pytest.raises(DataError, match="cannot see the results store"):
                remote.check_store(tmp_path / "elsewhere" / "manifest.json")
    assert killed
    assert killed[0] not in survivors
    assert report.chunks_run == len(design.chunks()) == 40
    assert report.failed == 0

    dask_results = Store(tmp_path / "dask").experiments()
    local_results = local.experiments()
    np.testing.assert_array_equal(dask_results["experiment"], np.arange(design.n_experiments))
    outcomes = Store(tmp_path / "dask").outcome_names()
    assert {"breakdown_month", "held_12m", "probes", "clashes", "cost_usd_bn"} <= set(outcomes)
    for name in outcomes:
        np.testing.assert_array_equal(dask_results[name], local_results[name])
    # the kernel did real work: peace breaks down in some worlds and holds in others
    assert 0 < np.nanmean(dask_results["held_36m"]) < 1
    connection = Store(tmp_path / "dask").connect()
    duplicates = connection.execute(
        "SELECT count(*) - count(DISTINCT experiment) FROM chunks"
    ).fetchone()
    assert duplicates == (0,)
    assert not list((tmp_path / "dask" / "chunks").glob(".*"))  # no half-written file left
