"""Acceptance: a sweep on a real Dask cluster survives a killed worker, with identical numbers."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import numpy as np

from guarantor.explore.executors import ChunkResult, DaskExecutor
from guarantor.explore.store import Store
from guarantor.explore.sweep import sweep
from test_explore_sweep import make_design


def test_dask_sweep_survives_a_killed_worker(tmp_path: Path) -> None:
    n_worlds = 48
    design = make_design(n_worlds=n_worlds, chunk_size=4, delay_s=np.full(n_worlds, 0.15))
    local = Store(tmp_path / "local")
    sweep(make_design(n_worlds=n_worlds, chunk_size=48), local)  # same worlds, no delay

    killed: list[int] = []
    with DaskExecutor(workers=2) as executor:
        pids = executor.client.run(os.getpid)
        assert len(set(pids.values())) == 2  # two separate worker processes

        def kill_one_worker(result: ChunkResult) -> None:
            if not killed:
                address, pid = sorted(pids.items())[0]
                busy = executor.client.processing(workers=[address])[address]
                assert busy, "the victim should hold tasks in flight when it dies"
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

        report = sweep(design, Store(tmp_path / "dask"), executor, on_result=kill_one_worker)
        survivors = set(executor.client.run(os.getpid).values())
    assert killed
    assert killed[0] not in survivors
    assert report.chunks_run == len(design.chunks())
    assert report.failed == 0

    dask_results = Store(tmp_path / "dask").experiments()
    local_results = local.experiments()
    np.testing.assert_array_equal(dask_results["experiment"], np.arange(design.n_experiments))
    for name in ("breakdown_month", "held_24m", "cost_usd_bn"):
        np.testing.assert_array_equal(dask_results[name], local_results[name])
    connection = Store(tmp_path / "dask").connect()
    duplicates = connection.execute(
        "SELECT count(*) - count(DISTINCT experiment) FROM chunks"
    ).fetchone()
    assert duplicates == (0,)
