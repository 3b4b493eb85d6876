"""The command line starts without the models: which modules ``--help`` and ``package list`` load.

Behaviour, not timing (``benchmarks/bench_cli.py`` measures the time): a fresh interpreter runs
the command and reports the modules it imported.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = (
    "numpy",
    "scipy",
    "pandas",
    "dask",
    "distributed",
    "pyproj",
    "shapely",
    "fastapi",
    "pydantic",
    "duckdb",
    "pyarrow",
    "z3",
    "plotly",
    "guarantor.assessment",
    "guarantor.instruments",
    "guarantor.durability",
    "guarantor.explore",
    "guarantor.theatre",
    "guarantor.packages",
)

PROBE = """
import contextlib, io, json, sys
sys.argv = ["guarantor", *json.loads(sys.argv[1])]
from guarantor.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        main()
    except SystemExit:
        pass
print(json.dumps(sorted(sys.modules)))
"""


def _modules_after(*arguments: str) -> set[str]:
    process = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(arguments)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return set(json.loads(process.stdout.strip().splitlines()[-1]))


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY or m.startswith(HEAVY))


@pytest.mark.parametrize(
    "arguments",
    [("--help",), ("package", "list"), ("assess", "--help"), ("sweep", "--help")],
    ids=" ".join,
)
def test_startup_commands_import_no_model_and_no_heavy_library(arguments: tuple[str, ...]) -> None:
    modules = _modules_after(*arguments)
    assert "guarantor.cli" in modules
    assert _heavy(modules) == []


def test_a_command_that_runs_a_model_does_import_it() -> None:
    # the probe would pass vacuously if it never saw an import: here it must see the models
    modules = _modules_after("sanctions", "--worlds", "2", "--json")
    assert "guarantor.instruments.sanctions" in modules
    assert "numpy" in modules


def test_importing_guarantor_is_cheap_and_the_version_still_answers() -> None:
    process = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, guarantor; print(guarantor.__version__); "
            "print(sorted(m for m in sys.modules if m.startswith('numpy')))",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    version, loaded = process.stdout.strip().splitlines()
    assert version.count(".") >= 2
    assert "numpy" not in loaded


def test_the_lightweight_defaults_equal_the_ones_they_stand_for() -> None:
    from guarantor.cli import _common, explore
    from guarantor.explore import design
    from guarantor.theatre import DEFAULT_THEATRE

    assert _common.DEFAULT_THEATRE == DEFAULT_THEATRE
    assert explore.DEFAULT_MODEL == design.DEFAULT_MODEL
    assert explore.DEFAULT_CHUNK_SIZE == design.DEFAULT_CHUNK_SIZE


def test_package_list_equals_the_validated_packages(packages: dict[str, object]) -> None:
    from guarantor.cli.packages import shipped_summaries

    rows = {row["name"]: row for row in shipped_summaries()}
    assert set(rows) == set(packages)
    for name, package in packages.items():
        assert rows[name]["title"] == package.title  # type: ignore[attr-defined]
        assert rows[name]["commitments"] == len(package.commitments)  # type: ignore[attr-defined]
