"""``guarantor roe``: exit codes, JSON output, located errors without tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from guarantor.cli import app

runner = CliRunner()
BAD = Path(__file__).parent / "data" / "roe"
DRONE = (
    "{domain: air, act: airspace_violation, zone: ukraine_west_of_line, platform: drone, "
    "pid: true, authority: mission_commander, distance_km: 8}"
)


def test_check_passes_shipped_and_fails_flawed(tmp_path: Path) -> None:
    clean = runner.invoke(app, ["roe", "check", "air-policing", "--json"])
    assert clean.exit_code == 0
    assert json.loads(clean.stdout)["ok"] is True
    saved = tmp_path / "cx.yaml"
    flawed = runner.invoke(
        app, ["roe", "check", "flawed-example", "--json", "--save-fixtures", str(saved)]
    )
    assert flawed.exit_code == 1
    data = json.loads(flawed.stdout)
    assert {f["check"] for f in data["findings"]} == {
        "completeness",
        "conflict",
        "dead",
        "monotone",
        "invariant",
        "scope",
    }
    rerun = runner.invoke(
        app, ["roe", "test", "flawed-example", str(saved), "--min-coverage", "0", "--json"]
    )
    assert rerun.exit_code == 0
    assert json.loads(rerun.stdout)["failed"] == 0


def test_check_prints_findings_as_text() -> None:
    result = runner.invoke(app, ["roe", "check", "flawed-example"])
    assert result.exit_code == 1
    assert "engage-on-scene-missile" in result.stdout
    assert "12 finding(s)" in result.stdout


def test_check_prints_scope_limited_invariants() -> None:
    result = runner.invoke(app, ["roe", "check", "maritime-escort"])
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "scope: domain in [sea, air]" in text
    assert (
        "scope-limited invariant self-defence-always-permitted: claimed only within domain in "
        "[sea, air]"
    ) in text
    assert "invariants proven over every incident: engage-needs-hostility-and-authority" in text
    data = json.loads(runner.invoke(app, ["roe", "check", "air-policing", "--json"]).stdout)
    assert data["invariants_limited"] == [
        {"id": "self-defence-always-permitted", "within": "the rule set's scope (domain = air)"}
    ]
    assert "never-act-in-russian-airspace" in data["invariants_whole_space"]


def test_decide_shows_rule_trace_and_logs(tmp_path: Path) -> None:
    log = tmp_path / "decisions.jsonl"
    result = runner.invoke(
        app, ["roe", "decide", "air-policing", DRONE, "--json", "--log", str(log)]
    )
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert (data["response"], data["rule"]) == ("disable", "bring-down-drone-near-site")
    assert len(data["trace"]) == 10
    assert data["next_step"]["changes"] == [
        {"field": "act", "from": "airspace_violation", "to": "hostile_act"}
    ]
    record = json.loads(log.read_text(encoding="utf-8").splitlines()[0])
    assert record["response"] == "disable"
    assert record["revision"] == data["log"]["revision"]
    # the log carries the rule trace, as OPA's decision logs carry the explanation
    assert [item["rule"] for item in record["trace"]] == [item["rule"] for item in data["trace"]]
    assert "bring-down-drone-near-site" in record["matched"]
    text = runner.invoke(app, ["roe", "decide", "air-policing", DRONE])
    assert "disable" in text.stdout
    assert "zone in [ukraine_west_of_line" in text.stdout


def test_decide_reads_an_incident_file(tmp_path: Path) -> None:
    path = tmp_path / "incident.yaml"
    path.write_text(
        "incident: {domain: sea, act: attack_on_shipping, zone: black_sea_corridor,\n"
        "           authority: mission_commander, distance_km: 3}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["roe", "decide", "maritime-escort", str(path), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["response"] == "engage"


def test_diff_lists_changes() -> None:
    result = runner.invoke(app, ["roe", "diff", "air-policing", "flawed-example", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["complete"] is True
    assert data["equivalent"] is False
    assert {"stronger", "weaker"} == {c["direction"] for c in data["changes"]}
    same = runner.invoke(app, ["roe", "diff", "air-policing", "air-policing"])
    assert "equivalent" in same.stdout
    kinds = {fault["kind"] for fault in data["faults"]}
    assert {"conflict-added", "gap-opened", "rule-dead", "invariant-broken"} <= kinds
    text = runner.invoke(app, ["roe", "diff", "air-policing", "flawed-example"])
    assert "conflict-added" in text.stdout


def test_test_command_reports_coverage() -> None:
    result = runner.invoke(app, ["roe", "test", "air-policing", "air-policing"])
    assert result.exit_code == 0
    assert "15 passed, 0 failed; rule coverage 100%" in result.stdout
    assert "region coverage" in result.stdout


def test_probes_lists_every_class() -> None:
    result = runner.invoke(app, ["roe", "probes", "maritime-escort", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["attack_on_shipping"] == "engage"


def test_bad_files_exit_1_with_located_problems() -> None:
    result = runner.invoke(app, ["roe", "check", str(BAD / "unknown-response.yaml")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "unknown-response.yaml:11 rules.1.then: unknown response" in result.stderr
    as_json = runner.invoke(
        app, ["roe", "decide", "air-policing", "{domain: air, act: fly}", "--json"]
    )
    assert as_json.exit_code == 1
    problems = json.loads(as_json.stdout)["problems"]
    assert {p["field"] for p in problems} == {"act", "zone", "distance_km"}


def test_answers_shows_each_domain_under_its_own_rules() -> None:
    result = runner.invoke(app, ["roe", "answers", "paris-declaration-2026", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)["answers"]
    assert {kind: item["answer"] for kind, item in data.items()} == {
        "air": "intercept",
        "sea": "engage",
        "ground": "disable",
    }
    assert data["ground"]["ruleset"] == "reassurance-force"
    text = runner.invoke(app, ["roe", "answers", "sky-shield-2025"])
    assert "none (no authority)" in text.stdout
    missing = runner.invoke(app, ["roe", "answers", "no-such-package"])
    assert missing.exit_code == 1
    assert "Traceback" not in missing.stdout
