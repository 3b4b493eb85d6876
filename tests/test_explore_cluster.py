"""Acceptance: ``guarantor sweep --scheduler`` on separate scheduler and worker processes.

The cluster is started as a user starts one across machines (``dask scheduler``, ``dask worker``
as their own OS processes, the store on a path every process sees); a worker is SIGKILLed once
the first chunk file lands and a new worker joins. The sweep must end with every experiment
stored exactly once and every number bit-identical to the in-process sweep.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from guarantor.cli import app
from guarantor.explore.cluster import ProcessCluster
from guarantor.explore.dask_executor import WORKER_SETTINGS, worker_environment
from guarantor.explore.store import Store

SWEEP = [
    "sweep",
    "sky-shield-2025:aircraft=60,120",
    "--worlds",
    "64",
    "--months",
    "36",
    "--seed",
    "20260106",
    "--chunk-size",
    "8",
]
"""2 packages × 64 worlds in 16 chunks of 8 worlds: several tasks, so the kill lands mid-run."""
N_CHUNKS = 16


def wait_until(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout_s:.0f} s for {what}")
        time.sleep(0.01)


def committed(store: Path) -> list[Path]:
    return sorted((store / "chunks").glob("p*.parquet"))


@pytest.mark.slow
def test_sweep_on_separate_scheduler_and_worker_processes_survives_a_killed_worker(
    tmp_path: Path,
) -> None:
    reference = tmp_path / "in-process"
    # one chunk per package: a chunk's numbers do not depend on its size (test_explore_sweep)
    one_chunk = ["--store", str(reference), "--chunk-size", "64", "--json"]
    result = CliRunner().invoke(app, [*SWEEP, *one_chunk])
    assert result.exit_code == 0, result.output

    store = tmp_path / "shared" / "store"
    with ProcessCluster(tmp_path / "cluster", workers=2) as cluster:
        # the workers are the processes started, not threads of this one
        pids = set(cluster.client.run(os.getpid).values())
        assert pids == {process.pid for process in cluster.workers.values()}
        assert os.getpid() not in pids
        sweep = subprocess.Popen(
            [
                *(sys.executable, "-m", "guarantor", *SWEEP),
                *("--scheduler", cluster.address, "--store", str(store), "--json"),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            # generous bounds: on a quiet 2-core machine the first chunk lands within ~15 s, on
            # one shared with other jobs (load 13) it took over a minute
            wait_until(
                lambda: bool(committed(store)) or sweep.poll() is not None,
                240,
                "the first chunk file",
            )
            if sweep.poll() is not None:
                pytest.fail(f"the sweep exited {sweep.returncode}: {sweep.communicate()[1]!r}")
            busy = sorted(
                name
                for name, address in cluster.addresses().items()
                if cluster.client.processing(workers=[address])[address]
            )
            assert busy, "a worker should hold tasks when one is killed"
            victim = busy[0]
            victim_pid = cluster.workers[victim].pid
            cluster.kill_worker(victim)
            done_at_kill = len(committed(store))
            assert sweep.poll() is None, "the sweep ended before the kill"
            joined = cluster.start_worker()
            cluster.wait_for_workers(2)
            out, err = sweep.communicate(timeout=480)
        finally:
            if sweep.poll() is None:
                sweep.kill()
                sweep.wait()
        assert sweep.returncode == 0, err.decode()
        survivors = cluster.addresses()
        alive = set(cluster.client.run(os.getpid).values())
    assert victim not in survivors and joined in survivors
    assert victim_pid not in alive
    assert done_at_kill < N_CHUNKS

    report = json.loads(out)
    assert report["executor"]["executor"] == "dask"
    assert report["executor"]["scheduler"].startswith("tcp://")
    assert report["chunks_run"] == report["n_chunks"] == N_CHUNKS
    assert report["failed"] == 0

    connection = Store(store).connect()
    counts = connection.execute(
        "SELECT count(*), count(DISTINCT experiment), min(experiment), max(experiment) FROM chunks"
    ).fetchone()
    connection.close()
    assert counts == (128, 128, 0, 127)  # every experiment exactly once
    assert len(committed(store)) == N_CHUNKS
    assert not list((store / "chunks").glob(".*"))  # no half-written file left by the victim

    on_cluster = Store(store).experiments()
    in_process = Store(reference).experiments()
    outcomes = Store(reference).outcome_names()
    assert {"held_36m", "probes", "cost_usd_bn"} <= set(outcomes)
    for name in [*outcomes, "experiment", "world", "point"]:
        np.testing.assert_array_equal(on_cluster[name], in_process[name])
    assert 0 < np.nanmean(on_cluster["held_36m"]) < 1  # real work: peace holds in some worlds


def test_worker_environment_carries_every_worker_setting() -> None:
    environment = worker_environment()
    assert environment["DASK_DISTRIBUTED__ADMIN__TICK__INTERVAL"] == "1s"
    assert environment["DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED"] == "False"
    assert environment["DASK_DISTRIBUTED__WORKER__MEMORY__MONITOR_INTERVAL"] == "1s"
    assert environment["MALLOC_TOP_PAD_"] == str(256 * 2**20)
    assert len(environment) == len(WORKER_SETTINGS) + 1
    # Dask reads them back as the settings they stand for
    import dask.config

    collected = dask.config.collect_env(environment)
    assert collected["distributed"]["admin"]["tick"]["interval"] == "1s"
    assert collected["distributed"]["worker"]["profile"]["enabled"] is False
