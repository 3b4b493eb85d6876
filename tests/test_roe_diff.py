"""Version diffs see conflicts, gaps, dead rules and invariant changes, not only responses."""

from __future__ import annotations

from guarantor.roe import Response, decide, diff, load_ruleset, parse_ruleset
from guarantor.roe.loader import ruleset_path

FLAWED = ruleset_path("flawed-example").read_text(encoding="utf-8")
# the flawed example's conflict removed: a baseline to add faults to
BASE = FLAWED.replace(
    "      act: airspace_violation\n      zone: ukraine_west_of_line\n    then: disable",
    "      act: airspace_violation\n      zone: ukraine_west_of_line\n    then: intercept",
)


def test_a_conflicting_rule_under_unique_is_not_equivalent() -> None:
    """The issue's case: the weakest response wins, so no response changes, yet it conflicts."""
    old = parse_ruleset(BASE, "old.yaml")
    new = parse_ruleset(
        BASE.replace(
            "invariants:",
            "  - id: engage-drones-west\n"
            "    when: {platform: drone, act: airspace_violation, zone: ukraine_west_of_line}\n"
            "    then: engage\n"
            "    authority: mission_commander\n"
            "    reason: a conflicting rule\n"
            "invariants:",
            1,
        ),
        "new.yaml",
    )
    report = diff(old, new)
    assert report.same_responses  # the weakest response still wins
    assert not report.equivalent
    (added,) = [f for f in report.faults if f.kind == "conflict-added"]
    assert added.worse
    assert added.incident is not None
    decision = decide(new, added.incident)
    assert decision.conflict
    assert "engage-drones-west" in decision.matched
    assert not decide(old, added.incident).conflict
    reverse = diff(new, old)
    assert [f.kind for f in reverse.faults if f.kind.startswith("conflict")] == ["conflict-removed"]


def test_a_gap_opened_and_a_dead_rule_are_reported() -> None:
    old = load_ruleset("air-policing")
    text = ruleset_path("air-policing").read_text(encoding="utf-8")
    # the report rule now misses manned aircraft (a gap), and the national-command rule asks
    # for an authority below the one it needs (dead)
    new_text = text.replace(
        "    when: {act: {at_least: airspace_violation}}\n    then: monitor",
        "    when: {act: {at_least: airspace_violation}, platform: {not_in: [manned_aircraft]}}\n"
        "    then: monitor",
    ).replace(
        "      pid: true\n      zone: ukraine_east_of_line\n",
        "      pid: true\n      zone: ukraine_east_of_line\n      authority: on_scene\n",
    )
    report = diff(old, parse_ruleset(new_text, "new.yaml"))
    kinds = {f.kind: f for f in report.faults}
    assert {"gap-opened", "rule-dead"} <= set(kinds)
    assert kinds["rule-dead"].subject == "engage-beyond-line-on-national-order"
    gap = kinds["gap-opened"].incident
    assert gap is not None
    assert gap.platform.value == "manned_aircraft"
    assert decide(old, gap).rule is not None


def test_invariant_changes_are_reported() -> None:
    old = load_ruleset("air-policing")
    text = ruleset_path("air-policing").read_text(encoding="utf-8")
    rewritten = text.replace(
        "    require: {response: {at_most: warn}}", "    require: {response: {at_most: shadow}}"
    ).replace("    within: scope\n", "")
    report = diff(old, parse_ruleset(rewritten, "new.yaml"))
    kinds = {(f.kind, f.subject) for f in report.faults}
    assert ("invariant-changed", "never-act-in-russian-airspace") in kinds
    # self-defence, no longer limited to the air domain, now fails outside the scope
    assert ("invariant-changed", "self-defence-always-permitted") in kinds
    assert ("invariant-broken", "self-defence-always-permitted") in kinds
    assert report.same_responses
    assert not report.equivalent


def test_a_moved_threshold_changes_responses_and_nothing_else() -> None:
    old = load_ruleset("air-policing")
    text = ruleset_path("air-policing").read_text(encoding="utf-8")
    report = diff(old, parse_ruleset(text.replace("below: 20", "below: 30"), "wider.yaml"))
    assert report.faults == ()
    (change,) = report.changes
    assert (change.old_response, change.new_response) == (Response.INTERCEPT, Response.DISABLE)
