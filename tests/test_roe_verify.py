"""The verifier: shipped sets prove clean; planted faults are found; counter-examples replay."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from guarantor.roe import (
    Incident,
    Response,
    Ruleset,
    decide,
    diff,
    load_ruleset,
    parse_fixtures,
    parse_ruleset,
    run_fixtures,
    verify,
)
from guarantor.roe.loader import ruleset_path
from guarantor.roe.rules import holds
from guarantor.roe.schema import INCIDENT_FIELDS, PLATFORM_DOMAINS, Platform

BAD = Path(__file__).parent / "data" / "roe"


@pytest.fixture(scope="module")
def flawed() -> Ruleset:
    return load_ruleset("flawed-example")


SHIPPED_NAMES = ["air-policing", "maritime-escort", "reassurance-force"]


@pytest.mark.parametrize("name", SHIPPED_NAMES)
def test_shipped_rule_sets_verify_clean_over_the_whole_space(name: str) -> None:
    ruleset = load_ruleset(name)
    report = verify(ruleset)
    assert report.ok, [finding.message for finding in report.findings]
    assert report.checks == (
        "completeness",
        "conflict",
        "dead",
        "shadowed",
        "monotone",
        "invariant",
        "scope",
    )
    assert report.solver_calls > len(ruleset.rules)
    # every invariant is proven over every incident but self-defence, limited to the domains
    # the set answers for, and the report says so
    assert [ident for ident, _ in report.limited] == ["self-defence-always-permitted"]
    assert set(report.whole_space) == {i.id for i in ruleset.invariants} - {
        "self-defence-always-permitted"
    }


def test_the_maritime_escort_hole_is_closed() -> None:
    """A sea attack on the escort in port, west of the line, was 'monitor'; now it is engaged."""
    sea = load_ruleset("maritime-escort")
    in_port = Incident.model_validate(
        {
            "domain": "sea",
            "actor": "russia",
            "platform": "drone",
            "act": "attack_on_coalition_forces",
            "target": "coalition_forces",
            "zone": "ukraine_west_of_line",
            "distance_km": 0.5,
        }
    )
    assert decide(sea, in_port).response is Response.ENGAGE
    text = ruleset_path("maritime-escort").read_text(encoding="utf-8")
    corridor_only = text.replace(
        "scope:\n  domain: [sea, air]\n",
        "scope:\n  domain: [sea, air]\n  zone: [black_sea_corridor, near_russian_territory, "
        "russian_territory]\n",
    ).replace("    within: {domain: [sea, air]}\n", "")
    old = parse_ruleset(corridor_only, "corridor-only.yaml")
    assert decide(old, in_port).response is Response.MONITOR
    # the old shape: the hole is a finding with a counter-example outside the corridor's zones
    (finding,) = verify(old).by_check("scope")
    assert finding.subject == "self-defence-always-permitted"
    assert finding.incident is not None
    assert not decide(old, finding.incident).in_scope
    assert decide(old, finding.incident).response is Response.MONITOR


def test_the_flawed_example_shows_every_planted_fault(flawed: Ruleset) -> None:
    report = verify(flawed)
    assert {finding.check for finding in report.findings} == {
        "completeness",
        "conflict",
        "dead",
        "monotone",
        "invariant",
        "scope",
    }
    assert [f.subject for f in report.by_check("conflict")] == ["intercept-west/down-drone"]
    assert [f.subject for f in report.by_check("dead")] == ["engage-on-scene-missile"]
    assert [f.subject for f in report.by_check("monotone")] == ["act", "pid"]
    assert [f.subject for f in report.by_check("invariant")] == [
        "engage-needs-hostility-and-authority"
    ]
    # self-defence is proven for air incidents only: a ground attack on the coalition is out of
    # scope and gets the default
    (hole,) = report.by_check("scope")
    assert hole.subject == "self-defence-always-permitted"
    assert hole.incident is not None and hole.incident.domain.value != "air"
    assert decide(flawed, hole.incident).response is Response.MONITOR
    gaps = report.by_check("completeness")
    assert {f.incident.act.value for f in gaps if f.incident} == {"hostile_intent"}


def test_each_counter_example_replays_in_the_engine(flawed: Ruleset) -> None:
    report = verify(flawed)
    for finding in report.findings:
        if finding.check == "dead":
            assert finding.incident is None
            assert finding.conditions == ("authority = on_scene", "authority ≥ mission_commander")
            continue
        assert finding.incident is not None
        decision = decide(flawed, finding.incident)
        if finding.check == "completeness":
            assert decision.in_scope
            assert decision.rule is None
            assert finding.incident.act.value != "presence"
        elif finding.check == "conflict":
            assert {"intercept-west", "down-drone"} <= set(decision.matched)
            assert decision.conflict
        elif finding.check == "monotone":
            assert finding.other is not None
            name = finding.subject
            order: tuple[Any, ...] = INCIDENT_FIELDS[name].values or (False, True)
            low, high = finding.incident.value(name), finding.other.value(name)
            assert order.index(high) > order.index(low)
            assert decide(flawed, finding.other).response < decision.response
            same = [n for n in INCIDENT_FIELDS if n != name]
            assert all(finding.other.value(n) == finding.incident.value(n) for n in same)
        elif finding.check == "scope":
            assert not decision.in_scope
            assert decision.response is flawed.default
        elif finding.check == "invariant":
            invariant = next(i for i in flawed.invariants if i.id == finding.subject)
            values = {**finding.incident.as_data(), "response": decision.response.label}
            assert holds(invariant.when, values)
            assert not holds(invariant.require, values)
            assert decision.rule == "engage-close-unidentified-intent"


def test_gaps_match_an_exhaustive_enumeration(flawed: Ruleset) -> None:
    """The solver's gaps are exactly the (act, zone) cells a brute-force sweep finds."""
    report = verify(flawed)
    solver_gaps = {
        (f.incident.act.value, f.incident.zone.value)
        for f in report.by_check("completeness")
        if f.incident is not None
    }
    spec = INCIDENT_FIELDS
    brute: set[tuple[str, str]] = set()
    for act, zone, platform, pid, authority, distance in itertools.product(
        spec["act"].values,
        spec["zone"].values,
        ("unknown", "drone", "missile"),
        (False, True),
        spec["authority"].values,
        (5.0, 10.0, 50.0),
    ):
        incident = Incident.model_validate(
            {
                "domain": "air",
                "act": act,
                "zone": zone,
                "platform": platform,
                "pid": pid,
                "authority": authority,
                "distance_km": distance,
            }
        )
        if act != "presence" and decide(flawed, incident).rule is None:
            brute.add((act, zone))
    assert solver_gaps == brute
    assert len(brute) == 6


def test_a_shadowed_rule_is_found_with_the_rule_that_wins() -> None:
    report = verify(load_ruleset(BAD / "shadowed.yaml"))
    (finding,) = report.findings
    assert (finding.check, finding.subject) == ("shadowed", "engage-hostile-act")
    assert finding.rules == ("engage-hostile-act", "warn-any-threat")
    assert finding.incident is not None
    assert decide(load_ruleset(BAD / "shadowed.yaml"), finding.incident).rule == "warn-any-threat"


def test_counter_examples_save_as_fixtures_that_pin_todays_behaviour(flawed: Ruleset) -> None:
    report = verify(flawed)
    text = yaml.safe_dump(report.fixtures(flawed))
    fixtures = parse_fixtures(text, "counterexamples.yaml")
    with_incidents = [f for f in report.findings if f.incident is not None]
    assert len(fixtures.fixtures) == len(with_incidents) + len(report.by_check("monotone"))
    result = run_fixtures(flawed, fixtures, min_coverage=0.0)
    assert result.failed == 0


def test_diff_finds_exactly_the_incidents_a_threshold_moves() -> None:
    old = load_ruleset("air-policing")
    text = ruleset_path("air-policing").read_text(encoding="utf-8")
    new = parse_ruleset(text.replace("below: 20", "below: 30"), "wider.yaml")
    report = diff(old, new)
    assert report.complete
    assert not report.equivalent
    assert {(c.old_rule, c.new_rule) for c in report.changes} == {
        ("scramble-and-intercept", "bring-down-drone-near-site")
    }
    (change,) = report.changes
    assert change.stronger
    assert change.incident.platform is Platform.DRONE
    assert 20 <= change.incident.distance_km < 30
    assert decide(old, change.incident).response is Response.INTERCEPT
    assert decide(new, change.incident).response is Response.DISABLE


def test_a_rule_set_is_equivalent_to_itself() -> None:
    report = diff(load_ruleset("maritime-escort"), load_ruleset("maritime-escort"))
    assert report.equivalent
    assert report.changes == ()


def test_diff_between_shipped_and_flawed_covers_every_changed_sample() -> None:
    old, new = load_ruleset("air-policing"), load_ruleset("flawed-example")
    report = diff(old, new)
    assert report.complete
    pairs = {(c.old_rule, c.new_rule) for c in report.changes}
    for change in report.changes:
        assert decide(old, change.incident).response is change.old_response
        assert decide(new, change.incident).response is change.new_response
    # every disagreement on a grid belongs to a reported region
    for act, zone, platform in itertools.product(
        INCIDENT_FIELDS["act"].values, INCIDENT_FIELDS["zone"].values, ("drone", "manned_aircraft")
    ):
        incident = Incident.model_validate(
            {
                "domain": "air",
                "act": act,
                "zone": zone,
                "platform": platform,
                "pid": True,
                "authority": "mission_commander",
                "distance_km": 5.0,
            }
        )
        before, after = decide(old, incident), decide(new, incident)
        if before.response != after.response:
            assert (before.rule, after.rule) in pairs


_SCALARS: dict[str, Any] = {
    name: st.sampled_from(spec.values) for name, spec in INCIDENT_FIELDS.items() if spec.values
}


@st.composite
def incidents(draw: st.DrawFn) -> Incident:
    data = {name: draw(strategy) for name, strategy in _SCALARS.items()}
    allowed = sorted(domain.value for domain in PLATFORM_DOMAINS[Platform(data["platform"])])
    data["domain"] = draw(st.sampled_from(allowed))
    data["pid"] = draw(st.booleans())
    data["distance_km"] = draw(st.floats(0, 500))
    data["altitude_m"] = draw(st.floats(0, 15000))
    return Incident.model_validate(data)


SHIPPED = {name: load_ruleset(name) for name in SHIPPED_NAMES}


@given(incident=incidents(), name=st.sampled_from(sorted(SHIPPED)))
def test_proofs_hold_on_random_incidents_in_scope_or_not(incident: Incident, name: str) -> None:
    """What the solver proves holds on any incident: in scope or not, up every lattice field."""
    ruleset = SHIPPED[name]
    decision = decide(ruleset, incident)
    if decision.in_scope and incident.act.value != "presence":
        assert decision.rule is not None
    values = {**ruleset.values(incident), "response": decision.response.label}
    for invariant in ruleset.invariants:
        if invariant.within is not None and not holds(invariant.within, values):
            continue
        assert not holds(invariant.when, values) or holds(invariant.require, values)
    for field in ("act", "weapon", "authority"):
        order = INCIDENT_FIELDS[field].values
        position = order.index(str(incident.value(field)))
        if position + 1 < len(order):
            worse = incident.model_copy(
                update={field: type(getattr(incident, field))(order[position + 1])}
            )
            assert decide(ruleset, worse).response >= decision.response
    if not incident.pid:
        identified = incident.model_copy(update={"pid": True})
        assert decide(ruleset, identified).response >= decision.response
    closer = incident.model_copy(update={"distance_km": incident.distance_km / 2})
    assert decide(ruleset, closer).response >= decision.response
