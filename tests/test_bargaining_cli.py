"""``guarantor bargain`` and ``guarantor accept``: JSON with every turn, clean errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from guarantor.cli import app

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "guarantor" / "bargaining" / "data"
GEOGRAPHY = ROOT / "src" / "guarantor" / "theatre" / "data" / "ukraine-2025" / "geography.geojson"
runner = CliRunner()


def test_bargain_smp_on_ktab_csv_prints_every_turn_as_json() -> None:
    result = runner.invoke(app, ["bargain", str(DATA / "ktab-dummy-3dim.csv"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["engine"] == "smp"
    assert len(data["turns"]) == data["final"]["turns"] == 10
    first = data["turns"][0]
    assert {"positions", "risk_attitudes", "win_probabilities", "challenges", "choices"} <= set(
        first
    )
    assert first["risk_attitudes"]["SActor-04"] == pytest.approx(1.0)
    assert len(first["challenges"]) == 7
    assert data["final"]["positions"]["SActor-00"][0] == pytest.approx(0.786, abs=1e-3)


def test_bargain_bdm_on_the_published_example() -> None:
    result = runner.invoke(
        app, ["bargain", "--engine", "bdm", str(DATA / "bdm-example.csv"), "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["initial"]["position"]["median"] == 7.0
    assert round(data["rounds"][0]["dimensions"]["position"]["mean_after"], 3) == 7.461


def test_bargain_defaults_to_the_shipped_actor_file() -> None:
    result = runner.invoke(app, ["bargain", "--engine", "bdm", "--rounds", "3", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data["final"]) == {
        "nato",
        "foreign_troops",
        "us_commitment",
        "territory",
        "army_cap",
        "sanctions",
        "foreign_aircraft",
        "black_sea_warships",
        "monitors",
    }
    assert len(data["rounds"]) == 3


def test_bad_input_exits_1_with_located_problems_and_no_traceback() -> None:
    bad = Path(__file__).resolve().parent / "data" / "bargaining" / "ktab-salience-over-100.csv"
    result = runner.invoke(app, ["bargain", str(bad), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["ok"] is False
    assert data["problems"][0]["line"] == 3
    assert "Traceback" not in result.output


@pytest.mark.skipif(not GEOGRAPHY.exists(), reason="the theatre geography is not shipped yet")
def test_accept_prints_acceptability_as_json() -> None:
    result = runner.invoke(app, ["accept", "istanbul-2022", "--worlds", "100", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["name"] == "acceptability"
    names = {metric["name"] for metric in data["metrics"]}
    assert {"russia_consents", "p_accept_UKR", "vetoes_triggered"} <= names
