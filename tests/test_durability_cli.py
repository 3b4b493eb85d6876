"""``guarantor simulate`` and ``guarantor backtest`` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from guarantor.cli import app
from guarantor.durability.chunked import simulate

runner = CliRunner()


def test_simulate_json_reports_holds_probes_clashes_and_cost() -> None:
    result = runner.invoke(
        app, ["simulate", "minsk-monitors", "--worlds", "400", "--seed", "3", "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["package"] == "minsk-monitors" and summary["n_worlds"] == 400
    assert set(summary["p_hold"]) == {"1y", "3y", "5y", "10y"}
    assert 0 <= summary["p_hold"]["10y"]["p"] <= summary["p_hold"]["1y"]["p"] <= 1
    assert summary["expected_probes"] > 0 and summary["mean_cost_usd_bn"] > 0
    assert len(summary["survival_by_year"]) == 11


def test_a_chunked_run_equals_a_single_chunk() -> None:
    one = simulate("sky-shield-2025", 500, 8, 36)
    seen: list[tuple[int, int]] = []
    many = simulate(
        "sky-shield-2025", 500, 8, 36, chunk_worlds=120, on_chunk=lambda *c: seen.append(c)
    )
    assert seen == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]
    assert one["p_hold"] == many["p_hold"]
    assert one["expected_probes"] == many["expected_probes"]
    assert one["survival_by_year"] == many["survival_by_year"]


def test_simulate_text_table() -> None:
    result = runner.invoke(app, ["simulate", "--worlds", "200", "--months", "24"])
    assert result.exit_code == 0, result.output
    assert "P(peace holds)" in result.output and "2y" not in result.output
    assert "1y" in result.output


def test_bad_input_exits_1_without_traceback(tmp_path: Path) -> None:
    result = runner.invoke(app, ["simulate", "atlantis", "--json"])
    assert result.exit_code == 1
    assert json.loads(result.output)["problems"][0]["field"] == "package"
    result = runner.invoke(app, ["simulate", "--worlds", "0"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "--worlds: out of range (expected a whole number from 1" in result.output
    bad = tmp_path / "cases.yaml"
    bad.write_text("cases:\n  - id: x\n", encoding="utf-8")
    result = runner.invoke(app, ["backtest", "--file", str(bad), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.output)["problems"][0]["file"] == str(bad)


def test_backtest_json_for_chosen_cases() -> None:
    result = runner.invoke(
        app,
        [
            "backtest",
            "korea-1953",
            "minsk-1-2014",
            "budapest-1994",
            "--worlds",
            "30",
            "--no-cv",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert [row["case"] for row in report["cases"]] == [
        "korea-1953",
        "minsk-1-2014",
        "budapest-1994",
    ]
    assert report["rank_order"][0] == "korea-1953"
    assert report["mode"] == "shipped" and "shipped calibration" in report["statement"]
    assert report["fit"]["n_cases"] == 44
    result = runner.invoke(app, ["backtest", "atlantis"])
    assert result.exit_code == 1


def test_backtest_prints_cross_validated_skill_with_its_interval(tmp_path: Path) -> None:
    chart = tmp_path / "reliability.svg"
    result = runner.invoke(
        app, ["backtest", "--worlds", "20", "--chart", str(chart)], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert "shipped calibration" in result.output
    line = next(x for x in result.output.splitlines() if "leave-one-out" in x)
    assert "skill" in line and "95%" in line and "Harrell's C" in line
    assert "5-fold" in result.output and "n_cases 44" in result.output
    assert chart.read_text(encoding="utf-8").startswith("<svg")


def test_backtest_holdout_and_refit_from_the_command_line() -> None:
    result = runner.invoke(
        app,
        ["backtest", "--holdout", "korea-1953,minsk-2-2015", "--worlds", "20", "--no-cv", "--json"],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["mode"] == "holdout" and report["fit"]["n_cases"] == 42
    assert [row["in_sample"] for row in report["cases"]] == [False, False]
    result = runner.invoke(app, ["backtest", "--holdout", "atlantis", "--no-cv"])
    assert result.exit_code == 1 and "no such case" in result.output
    result = runner.invoke(app, ["backtest", "--refit", "--holdout", "korea-1953"])
    assert result.exit_code == 1 and "Traceback" not in result.output
