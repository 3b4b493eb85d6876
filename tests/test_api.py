"""The top-level Python API: cheap to import, the CLI's numbers, located errors, tidy results."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

import guarantor
from guarantor.cli import app
from guarantor.errors import DataError

INCIDENT = {
    "domain": "air",
    "actor": "russia",
    "platform": "drone",
    "act": "airspace_violation",
    "zone": "nato_airspace",
    "authority": "mission_commander",
    "distance_km": 30,
}


def _cli_json(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_import_guarantor_loads_no_engine() -> None:
    code = (
        "import sys, guarantor; "
        "print([m for m in ('numpy', 'pandas', 'pydantic', 'guarantor.api') if m in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_every_public_name_resolves_and_unknown_names_fail() -> None:
    for name in guarantor.__all__:
        assert getattr(guarantor, name) is not None
        assert name in dir(guarantor)
    assert guarantor.assess is guarantor.api.assess
    assert isinstance(guarantor.Section, type)
    with pytest.raises(AttributeError, match="no attribute 'assessx'"):
        _ = guarantor.assessx


def test_assess_gives_the_engines_numbers() -> None:
    from guarantor.assessment import assess

    ours = guarantor.assess("sky-shield-2025", worlds=8, seed=4, models=["air", "sea"])
    engine = assess("sky-shield-2025", worlds=8, seed=4, models=["air", "sea"])
    assert ours.to_dict() == engine.to_dict()


def test_simulate_gives_the_cli_numbers() -> None:
    simulation = guarantor.simulate("sky-shield-2025", worlds=300, seed=3, months=60)
    cli = _cli_json("simulate", "sky-shield-2025", "--worlds", "300", "--seed", "3", "-m", "60")
    summary = simulation.summary()
    assert summary["p_hold"] == cli["p_hold"]
    assert summary["expected_probes"] == pytest.approx(cli["expected_probes"])
    frame = simulation.to_pandas()
    assert len(frame) == 300
    assert frame["held_12m"].mean() == pytest.approx(cli["p_hold"]["1y"]["p"])
    assert "russia_risk_tolerance" in frame.columns
    curve = simulation.to_pandas("survival")
    assert list(curve["month"]) == list(range(61))
    assert (curve["low"] <= curve["share"]).all() and (curve["share"] <= curve["high"]).all()
    assert curve["share"].iloc[12] == pytest.approx(cli["p_hold"]["1y"]["p"])


def test_accept_gives_the_cli_numbers() -> None:
    section = guarantor.accept("paris-declaration-2026", worlds=200, seed=2)
    cli = _cli_json("accept", "paris-declaration-2026", "--worlds", "200", "--seed", "2")
    assert section.verdict == cli["verdict"]
    coalition = section.to_pandas("coalition")
    assert list(coalition["actor"]) == [row["actor"] for row in cli["tables"]["coalition"]]
    assert np.allclose(
        coalition["p_accept"], [row["p_accept"] for row in cli["tables"]["coalition"]]
    )


def test_variants_set_levers_and_name_each_variant() -> None:
    made = guarantor.variants("sky-shield-2025", aircraft=[60, 120], sanctions="full_snapback")
    assert list(made) == [
        "sky-shield-2025[aircraft=60,sanctions=full_snapback]",
        "sky-shield-2025[aircraft=120,sanctions=full_snapback]",
    ]
    for label, package in made.items():
        assert package.name == label
        assert guarantor.levers(package)["aircraft"] == float(label.split("=")[1].split(",")[0])
        assert guarantor.levers(package)["sanctions"] == "full_snapback"
    assert guarantor.levers("sky-shield-2025")["sanctions"] != "full_snapback"  # untouched
    assert list(guarantor.variants("sky-shield-2025")) == ["sky-shield-2025"]


def test_bad_variants_are_refused_with_every_problem_located() -> None:
    with pytest.raises(DataError) as caught:
        guarantor.variants("sky-shield-2025", wings=3, sanctions="maximum")
    fields = {problem.field for problem in caught.value.problems}
    assert "levers.wings" in fields
    assert "levers.sanctions" in fields


def test_bad_package_name_is_a_located_data_error() -> None:
    with pytest.raises(DataError) as caught:
        guarantor.load_package("no-such-package")
    assert caught.value.problems
    with pytest.raises(DataError):
        guarantor.compare("sky-shield-2025")


def test_compare_variants_marks_the_air_difference() -> None:
    made = guarantor.variants("sky-shield-2025", aircraft=[30, 120])
    comparison = guarantor.compare(*made.values(), worlds=4, seed=1)
    frame = comparison.to_pandas()
    assert set(frame["package"]) == set(made)
    assert len(frame) == 2 * len(comparison.rows)
    air = frame[(frame.section == "air") & frame.differs]
    assert not air.empty
    assert frame.groupby("metric")["differs"].nunique().max() == 1  # one flag per metric


def test_sweep_store_sql_discover_and_resume(tmp_path: Path) -> None:
    store = guarantor.sweep(
        ["sky-shield-2025:aircraft=30,120"], store=tmp_path / "s", worlds=200, months=36, seed=5
    )
    per_label = store.sql("SELECT label, count(*) AS n FROM experiments GROUP BY label")
    assert sorted(per_label["n"]) == [200, 200]
    tidy = store.to_pandas()
    assert len(tidy) == 400 * len(store.store.outcome_names())
    assert {"experiment", "label", "outcome", "value", "us_resolve"} <= set(tidy.columns)
    share = store.sql(
        "SELECT avg(CASE WHEN breakdown_month <= 24 THEN 1 ELSE 0 END) AS s FROM experiments"
    )["s"][0]
    found = guarantor.discover(store, "breakdown_month<=24", min_coverage=0.3)
    (case,) = found.data["cases"]
    assert case["base_rate"] == pytest.approx(share)
    boxes = found.to_pandas()
    assert (boxes["coverage"].between(0, 1)).all()
    with pytest.raises(DataError, match="already holds a run"):
        guarantor.sweep(["sky-shield-2025"], store=store, worlds=10)
    again = guarantor.sweep(
        ["sky-shield-2025:aircraft=30,120"],
        store=store,
        worlds=200,
        months=36,
        seed=5,
        resume=True,
    )
    assert again.sql("SELECT count(*) AS n FROM experiments")["n"][0] == 400
    store.close()


def test_sensitivity_and_optimize_on_a_store(tmp_path: Path) -> None:
    store = guarantor.open_store(tmp_path / "analyses")
    found = guarantor.sensitivity(
        "sky-shield-2025", store=store, samples=8, replicates=10, months=24, seed=2
    )
    frame = found.to_pandas()
    assert set(frame.columns) == {"outcome", "uncertainty", "S1", "S1_conf", "ST", "ST_conf"}
    assert set(frame["uncertainty"]) <= set(found.sobol["parameters"])
    assert "held_12m" in set(found.tornado["outcomes"])
    frontier = guarantor.optimize(
        "sky-shield-2025",
        store=store,
        objectives=["mean:held_12m:max", "mean:cost_usd_bn:min"],
        levers=["aircraft"],
        generations=2,
        population=4,
        worlds=40,
        months=24,
        seed=2,
        min_acceptance=0.2,
    )
    rows = frontier.to_pandas()
    assert not rows.empty
    assert list(rows.columns[:3]) == ["aircraft", "mean:held_12m:max", "mean:cost_usd_bn:min"]
    assert (rows["feasible"] == (rows["acceptance"] >= 0.2)).all()
    # a Pareto set: no row is beaten on both objectives by another
    for _, row in rows.iterrows():
        beaten = (rows["mean:held_12m:max"] >= row["mean:held_12m:max"]) & (
            rows["mean:cost_usd_bn:min"] <= row["mean:cost_usd_bn:min"]
        )
        strictly = (rows["mean:held_12m:max"] > row["mean:held_12m:max"]) | (
            rows["mean:cost_usd_bn:min"] < row["mean:cost_usd_bn:min"]
        )
        assert not (beaten & strictly).any()


def test_check_rules_proves_the_shipped_set_and_catches_the_flawed_one() -> None:
    shipped = guarantor.check_rules("air-policing")
    assert shipped.ok
    assert shipped.to_pandas().empty
    flawed = guarantor.check_rules("flawed-example")
    assert not flawed.ok
    findings = flawed.to_pandas()
    assert len(findings) == len(flawed.report.findings)
    assert {"dead", "conflict"} & set(findings["check"])


def test_decide_takes_a_mapping_and_gives_the_engines_decision() -> None:
    from guarantor.roe import decide, load_incident, load_ruleset

    verdict = guarantor.decide("air-policing", INCIDENT)
    engine = decide(load_ruleset("air-policing"), load_incident(json.dumps(INCIDENT)))
    assert verdict.decision == engine
    assert verdict.response == engine.response.label
    trace = verdict.to_pandas()
    assert list(trace["rule"]) == [item.rule for item in engine.trace]
    assert list(trace.loc[trace["chosen"], "rule"]) == ([engine.rule] if engine.rule else [])
    assert verdict.record.decision_id


def test_decide_refuses_a_bad_incident_with_located_problems() -> None:
    with pytest.raises(DataError) as caught:
        guarantor.decide("air-policing", {**INCIDENT, "platform": "submarine-balloon"})
    assert any("platform" in problem.field for problem in caught.value.problems)


def test_theatre_and_actors_are_read_once_until_their_files_change(tmp_path: Path) -> None:
    import shutil

    from guarantor.theatre.loader import theatre_path

    assert guarantor.load_theatre() is guarantor.load_theatre("ukraine-2025")
    assert guarantor.load_actors() is guarantor.load_actors()
    copy = tmp_path / "theatre"
    shutil.copytree(theatre_path("ukraine-2025").parent, copy)
    first = guarantor.load_theatre(copy)
    assert guarantor.load_theatre(copy / "theatre.yaml") is first
    path = copy / "theatre.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\n# edited\n", encoding="utf-8")
    import os

    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    assert guarantor.load_theatre(copy) is not first


def test_submodules_are_reachable_as_attributes() -> None:
    code = "import guarantor; print(guarantor.roe.__name__, guarantor.api.assess.__module__)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["guarantor.roe", "guarantor.api"]
