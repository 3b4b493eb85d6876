"""The explore commands; acceptance: a sweep process killed mid-run resumes without loss."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from guarantor.cli import app
from guarantor.explore.store import Store

TESTS = Path(__file__).parent
RANGES = """\
uncertainties:
  risk: {value: 0.5, low: 0.1, high: 0.9, unit: "1", assumption: "test range"}
  resolve: {value: 0.5, low: 0.1, high: 0.9, unit: "1", assumption: "test range"}
  delay_s: {value: 0.0, low: 0.0, high: 0.0, unit: s, assumption: "no delay"}
"""


def environment() -> dict[str, str]:
    paths = [str(TESTS), os.environ.get("PYTHONPATH", "")]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}


def sweep_args(store: Path, ranges: Path) -> list[str]:
    return [
        "sweep",
        "sky-shield-2025:aircraft=60,120",
        "--worlds",
        "300",
        "--chunk-size",
        "15",
        "--months",
        "24",
        "--seed",
        "7",
        "--model",
        "test_explore_standin:run",
        "--uncertainties",
        str(ranges),
        "--store",
        str(store),
        "--json",
    ]


def durability_sweep_args(store: Path, chunk_size: int = 10) -> list[str]:
    """A sweep of the real durability kernel (the default model) with the shipped uncertainties."""
    return [
        "sweep",
        "paris-declaration-2026",
        "sky-shield-2025:aircraft=60,120",
        "--worlds",
        "200",
        "--chunk-size",
        str(chunk_size),
        "--months",
        "36",
        "--seed",
        "7",
        "--store",
        str(store),
        "--json",
    ]


def test_killed_sweep_process_resumes_with_every_experiment_once(tmp_path: Path) -> None:
    store = tmp_path / "store"
    command = [sys.executable, "-m", "guarantor", *durability_sweep_args(store)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while len(list((store / "chunks").glob("p*.parquet"))) < 5:
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        assert time.monotonic() < deadline
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    committed = len(Store(store).finished_chunks())
    assert 5 <= committed < 60

    resumed = CliRunner().invoke(app, [*durability_sweep_args(store), "--resume"])
    assert resumed.exit_code == 0, resumed.output
    report = json.loads(resumed.stdout)
    assert report["chunks_skipped"] == committed
    assert report["chunks_run"] == 60 - committed
    assert report["executor"]["executor"] == "in-process"
    assert report["failed"] == 0

    connection = Store(store).connect()
    counts = connection.execute(
        "SELECT count(*), count(DISTINCT experiment), min(experiment), max(experiment) FROM chunks"
    ).fetchone()
    assert counts == (600, 600, 0, 599)
    runs = Store(store).manifest()["runs"]
    assert [run["resume"] for run in runs] == [False, True]
    assert Store(store).manifest()["model"] == "guarantor.durability:run"

    whole = tmp_path / "whole"
    result = CliRunner().invoke(app, durability_sweep_args(whole, chunk_size=200))
    assert result.exit_code == 0, result.output
    killed_then_resumed = Store(store).experiments()
    uninterrupted = Store(whole).experiments()
    for name in [*Store(whole).outcome_names(), "russia_war_aims", "us_resolve"]:
        np.testing.assert_array_equal(killed_then_resumed[name], uninterrupted[name])


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("cli")
    ranges = folder / "ranges.yaml"
    ranges.write_text(RANGES.replace("0.04", "0.0"))
    store = folder / "store"
    sys.path.insert(0, str(TESTS))
    result = CliRunner().invoke(app, sweep_args(store, ranges))
    assert result.exit_code == 0, result.output
    return store, ranges


def test_discover_command_prints_boxes(swept: tuple[Path, Path]) -> None:
    store, _ = swept
    result = CliRunner().invoke(
        app,
        [
            "discover",
            "--store",
            str(store),
            "--case",
            "held_24m<1",
            "--min-coverage",
            "0.3",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert found["n_experiments"] == 600
    assert found["dimensions"] == ["risk", "resolve", "aircraft"]  # delay_s is constant
    boxes = found["cases"][0]["prim"]["boxes"]
    assert boxes
    # the stand-in's hazard rises with risk and falls with resolve and fighters: every limit
    # PRIM draws points that way
    for box in boxes:
        for name, (low, high) in box["limits"].items():
            if name == "risk":
                assert low is not None and high is None
            else:
                assert low is None and high is not None
    text = CliRunner().invoke(app, ["discover", "--store", str(store), "--min-coverage", "0.3"])
    assert "PRIM box 1" in text.stdout


def test_bad_input_exits_1_with_located_problems(swept: tuple[Path, Path], tmp_path: Path) -> None:
    store, ranges = swept
    again = CliRunner().invoke(app, sweep_args(store, ranges))  # the store holds a run
    assert again.exit_code == 1
    assert json.loads(again.stdout)["problems"][0]["message"] == "the store already holds a run"
    bad_case = CliRunner().invoke(
        app, ["discover", "--store", str(store), "--case", "nonsense<=1", "--json"]
    )
    assert bad_case.exit_code == 1
    assert json.loads(bad_case.stdout)["problems"][0]["field"] == "case"
    empty = CliRunner().invoke(app, ["discover", "--store", str(tmp_path), "--json"])
    assert empty.exit_code == 1
    assert "no results store" in empty.stdout
    broken = tmp_path / "broken.yaml"
    broken.write_text("uncertainties:\n  risk: {value: 2, unit: '1'}\n")
    result = CliRunner().invoke(app, sweep_args(tmp_path / "new", broken))
    problem = json.loads(result.stdout)["problems"][0]
    assert result.exit_code == 1
    assert problem["line"] == 2
    assert problem["field"].startswith("uncertainties.risk")
    lever = CliRunner().invoke(app, ["sweep", "sky-shield-2025:ships=4", "--json"])
    assert lever.exit_code == 1
    assert json.loads(lever.stdout)["problems"][0]["field"] == "levers.ships"


def test_sensitivity_optimize_and_worst_case_commands(swept: tuple[Path, Path]) -> None:
    store, ranges = swept
    common = [
        "--model",
        "test_explore_standin:run",
        "--uncertainties",
        str(ranges),
        "--months",
        "24",
    ]
    sensitivity = CliRunner().invoke(
        app,
        [
            "sensitivity",
            "sky-shield-2025",
            "--store",
            str(store),
            "--samples",
            "64",
            "--replicates",
            "50",
            *common,
            "--json",
        ],
    )
    assert sensitivity.exit_code == 0, sensitivity.output
    data = json.loads(sensitivity.stdout)
    assert data["sobol"]["parameters"] == ["risk", "resolve", "random_draws"]
    assert data["tornado"]["outcomes"]["held_24m"]["rows"][0]["parameter"] in {"risk", "resolve"}
    optimize = CliRunner().invoke(
        app,
        [
            "optimize",
            "sky-shield-2025",
            "--store",
            str(store),
            "--objective",
            "mean:held_24m:max",
            "--objective",
            "mean:cost_usd_bn:min",
            "--lever",
            "aircraft",
            "--generations",
            "3",
            "--population",
            "6",
            "--worlds",
            "40",
            *common,
            "--json",
        ],
    )
    assert optimize.exit_code == 0, optimize.output
    pareto = json.loads(optimize.stdout)["pareto"]
    assert pareto
    assert set(pareto[0]["levers"]) == {"aircraft"}
    worst = CliRunner().invoke(
        app,
        [
            "worst-case",
            "sky-shield-2025",
            "--store",
            str(store),
            "--generations",
            "2",
            "--population",
            "6",
            "--replicates",
            "4",
            "--objective",
            "mean:breakdown_month:max",
            *common,
            "--json",
        ],
    )
    assert worst.exit_code == 0, worst.output
    assert len(json.loads(worst.stdout)["worlds"]) == 5
