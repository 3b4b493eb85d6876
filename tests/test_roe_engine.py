"""The engine: responses with traces and reasons, hit policies, decision logs, probe classes."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from guarantor.errors import DataError
from guarantor.roe import (
    Act,
    Authority,
    Incident,
    ProbeClass,
    Response,
    Ruleset,
    authorised_response,
    authorised_response_table,
    authorised_responses,
    decide,
    input_hash,
    load_ruleset,
    log_decision,
    parse_ruleset,
    replay,
)


@pytest.fixture(scope="module")
def air() -> Ruleset:
    return load_ruleset("air-policing")


@pytest.fixture(scope="module")
def sea() -> Ruleset:
    return load_ruleset("maritime-escort")


def incident(**fields: Any) -> Incident:
    base: dict[str, Any] = {
        "domain": "air",
        "actor": "russia",
        "act": "airspace_violation",
        "zone": "ukraine_west_of_line",
        "distance_km": 50.0,
    }
    return Incident.model_validate({**base, **fields})


def test_a_drone_near_a_site_is_brought_down_with_full_trace(air: Ruleset) -> None:
    # as over Poland on 9-10 Sep 2025: a drone inside the ring is brought down
    decision = decide(
        air, incident(platform="drone", pid=True, distance_km=8, authority="mission_commander")
    )
    assert decision.response is Response.DISABLE
    assert decision.rule == "bring-down-drone-near-site"
    assert decision.authority.value == "mission_commander"
    assert "distance_km < 20 km" in decision.met
    assert set(decision.matched) == {
        "report-every-violation",
        "warn-violator",
        "scramble-and-intercept",
        "bring-down-drone-near-site",
    }
    by_rule = {item.rule: item for item in decision.trace}
    assert by_rule["escort-out-manned"].failed == ("platform = manned_aircraft",)
    assert by_rule["engage-hostile-act"].failed == ("act ≥ hostile_act",)
    assert decision.reason.startswith("disable under rule bring-down-drone-near-site")
    assert decision.escalation[0].response is Response.ENGAGE
    assert "Next step up" not in decision.reason  # the solver is asked only on request


def test_the_next_step_up_is_the_nearest_more_threatening_incident(air: Ruleset) -> None:
    drone = incident(platform="drone", pid=True, distance_km=8, authority="mission_commander")
    decision = decide(air, drone, next_step=True)
    step = decision.next_step
    assert step is not None
    # one field, two steps up the act order; not "hostile intent with a heavy weapon" (two fields)
    assert step.changes == (("act", "airspace_violation", "hostile_act"),)
    assert (step.response, step.rule) == (Response.ENGAGE, "engage-hostile-act")
    assert decide(air, step.incident).response is Response.ENGAGE
    assert (
        "Next step up: engage under engage-hostile-act if act airspace_violation → hostile_act"
        in (decision.reason)
    )


def test_the_next_step_never_names_a_less_threatening_incident(air: Ruleset) -> None:
    # a hostile act east of the line, without national command: warned. A rule's missing
    # conditions can name less threat ("act = hostile_intent"); the next step only moves up.
    east = incident(
        act="hostile_act", zone="ukraine_east_of_line", pid=True, authority="mission_commander"
    )
    decision = decide(air, east, next_step=True)
    step = decision.next_step
    assert decision.response is Response.WARN
    assert step is not None
    # one step of authority is nearer than two steps of act (to an attack on the coalition)
    assert step.changes == (("authority", "mission_commander", "national_command"),)
    assert step.response is Response.ENGAGE
    acts = list(Act)
    assert acts.index(step.incident.act) >= acts.index(east.act)


def test_a_far_drone_steps_up_just_across_the_ring(air: Ruleset) -> None:
    far = incident(platform="drone", pid=True, distance_km=60, authority="mission_commander")
    step = decide(air, far, next_step=True).next_step
    assert step is not None
    assert step.changes == (("distance_km", 60.0, 19.9),)
    assert (step.response, step.rule) == (Response.DISABLE, "bring-down-drone-near-site")


def test_the_strongest_response_has_no_next_step(air: Ruleset) -> None:
    attack = incident(act="attack_on_coalition_forces", platform="missile", pid=True)
    decision = decide(air, attack, next_step=True)
    assert decision.response is Response.ENGAGE
    assert decision.next_step is None


def test_the_same_drone_further_out_is_intercepted(air: Ruleset) -> None:
    decision = decide(
        air, incident(platform="drone", pid=True, distance_km=20, authority="mission_commander")
    )
    assert decision.response is Response.INTERCEPT
    assert (
        "distance_km < 20 km"
        in {item.rule: item.failed for item in decision.trace}["bring-down-drone-near-site"]
    )


def test_without_the_commander_only_a_warning(air: Ruleset) -> None:
    decision = decide(air, incident(platform="drone", pid=True, distance_km=8))
    assert decision.response is Response.WARN
    assert decision.rule == "warn-violator"
    failed = {item.rule: item.failed for item in decision.trace}
    assert failed["bring-down-drone-near-site"] == ("authority ≥ mission_commander",)


def test_self_defence_needs_no_command(air: Ruleset, sea: Ruleset) -> None:
    attacked = incident(act="attack_on_coalition_forces", target="coalition_forces", pid=True)
    assert decide(air, attacked).response is Response.ENGAGE
    assert decide(air, attacked).rule == "self-defence"
    at_sea = incident(domain="sea", act="attack_on_coalition_forces", zone="black_sea_corridor")
    assert decide(sea, at_sea).response is Response.ENGAGE


def test_outside_the_scope_the_default_applies_and_says_why(air: Ruleset) -> None:
    decision = decide(air, incident(domain="land", act="hostile_act"))
    assert decision.response is Response.MONITOR
    assert decision.rule is None
    assert not decision.in_scope
    assert "outside the scope of air-policing (domain = air)" in decision.reason
    assert decision.escalation == ()


def test_nothing_is_done_in_russian_airspace(air: Ruleset) -> None:
    decision = decide(
        air,
        incident(
            act="hostile_act", zone="russian_territory", pid=True, authority="national_command"
        ),
    )
    assert decision.response is Response.MONITOR
    assert decision.rule == "report-every-violation"


RULES = """
name: policies
title: hit policies
hit_policy: {policy}
rules:
  - id: warn-all
    when: {{act: {{at_least: airspace_violation}}}}
    then: warn
    reason: warn
  - id: intercept-west
    when: {{act: {{at_least: airspace_violation}}, zone: ukraine_west_of_line}}
    then: intercept
    reason: intercept
"""


@pytest.mark.parametrize(
    ("policy", "response", "rule", "conflict"),
    [
        ("first", Response.WARN, "warn-all", False),
        ("priority", Response.INTERCEPT, "intercept-west", False),
        ("unique", Response.WARN, "warn-all", True),
    ],
)
def test_hit_policies_pick_the_rule(
    policy: str, response: Response, rule: str, conflict: bool
) -> None:
    ruleset = parse_ruleset(RULES.format(policy=policy), "policies.yaml")
    decision = decide(ruleset, incident())
    assert (decision.response, decision.rule, decision.conflict) == (response, rule, conflict)
    if conflict:
        assert "conflict with intercept-west: the weakest response was taken" in decision.reason


def test_a_decision_log_replays(air: Ruleset) -> None:
    seen = incident(platform="drone", pid=True, distance_km=8, authority="mission_commander")
    record = log_decision(air, seen, decision_id="d-1", timestamp="2026-01-01T00:00:00+00:00")
    assert record.revision == air.revision
    assert record.input_hash == input_hash(seen)
    assert (record.response, record.rule) == ("disable", "bring-down-drone-near-site")
    again = replay(record.as_data(), air)
    assert again.same_revision
    assert again.same_response
    assert again.same_rule
    assert again.decision.response is Response.DISABLE


def test_replay_under_a_new_revision_shows_the_change(air: Ruleset) -> None:
    seen = incident(platform="drone", pid=True, distance_km=25, authority="mission_commander")
    record = log_decision(air, seen)
    text = Path(air.file).read_text(encoding="utf-8").replace("below: 20", "below: 30")
    wider = parse_ruleset(text, "wider.yaml")
    again = replay(record, wider)
    assert not again.same_revision
    assert not again.same_response
    assert (record.response, again.decision.response) == ("intercept", Response.DISABLE)


def test_a_tampered_log_is_refused(air: Ruleset) -> None:
    record = log_decision(air, incident())
    tampered = dataclasses.replace(record, incident={**record.incident, "pid": True})
    with pytest.raises(DataError, match="does not match its input hash"):
        replay(tampered, air)
    with pytest.raises(DataError, match="not a decision record"):
        replay({"decision_id": "x"}, air)


def test_probe_classes_get_the_authorised_responses(air: Ruleset, sea: Ruleset) -> None:
    assert authorised_responses(air) == {
        ProbeClass.AIRSPACE_VIOLATION_DRONE: Response.INTERCEPT,
        ProbeClass.AIRSPACE_VIOLATION_MANNED: Response.ESCORT_OUT,
        ProbeClass.MISSILE_OVERFLIGHT: Response.ENGAGE,
        ProbeClass.ATTACK_ON_SHIPPING: Response.ENGAGE,
        ProbeClass.SABOTAGE: Response.MONITOR,
        ProbeClass.ATTACK_ON_COALITION_FORCES: Response.ENGAGE,
        ProbeClass.LIMITED_GROUND_ATTACK: Response.MONITOR,
    }
    assert authorised_response(sea, ProbeClass.ATTACK_ON_SHIPPING) is Response.ENGAGE
    assert authorised_response(sea, ProbeClass.AIRSPACE_VIOLATION_DRONE) is Response.MONITOR
    # the simulation can sweep a class: the drone probe close to a site is brought down
    assert (
        authorised_response(air, ProbeClass.AIRSPACE_VIOLATION_DRONE, distance_km=5)
        is Response.DISABLE
    )
    assert authorised_response(
        air, ProbeClass.ATTACK_ON_SHIPPING, authority="on_scene"
    ) < authorised_response(air, ProbeClass.ATTACK_ON_SHIPPING)


def test_a_platform_must_fit_its_domain() -> None:
    with pytest.raises(ValueError, match="a warship does not move in the air domain"):
        incident(platform="warship")


def test_the_response_table_serves_a_vectorised_simulation(air: Ruleset) -> None:
    table = authorised_response_table(air)
    assert table.shape == (len(ProbeClass), 4)
    probes, authorities = list(ProbeClass), [a.value for a in Authority]
    coalition = probes.index(ProbeClass.ATTACK_ON_COALITION_FORCES)
    shipping = probes.index(ProbeClass.ATTACK_ON_SHIPPING)
    # self-defence needs no command; defending shipping with force needs the commander
    assert (table[coalition] == Response.ENGAGE).all()
    assert table[shipping, authorities.index("on_scene")] == Response.WARN
    assert table[shipping, authorities.index("mission_commander")] == Response.ENGAGE
    # more authority never authorises less in the priority set
    assert (np.diff(table, axis=1) >= 0).all()
    worlds_probe = np.array([shipping, shipping, coalition])
    worlds_authority = np.array([0, 1, 0])
    assert table[worlds_probe, worlds_authority].tolist() == [1, 6, 6]
