"""The rules language: shipped rule sets load; malformed files get located errors only."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from guarantor.errors import DataError
from guarantor.roe import (
    HitPolicy,
    Response,
    load_fixtures,
    load_incident,
    load_ruleset,
    parse_fixtures,
    parse_ruleset,
    shipped_fixtures,
    shipped_rulesets,
)
from guarantor.roe.loader import ruleset_path
from guarantor.roe.rules import Test as RuleTest
from guarantor.roe.rules import describe
from guarantor.validation import validate_file
from guarantor.yamlio import load_yaml, load_yaml_text

BAD = Path(__file__).parent / "data" / "roe"


def problems_of(path: Path) -> list[tuple[int | None, str, str]]:
    with pytest.raises(DataError) as caught:
        validate_file(path)
    return [(p.line, p.field, p.message) for p in caught.value.problems]


def test_shipped_rule_sets_and_fixtures_are_found() -> None:
    assert {"air-policing", "maritime-escort", "flawed-example"} <= set(shipped_rulesets())
    assert {"air-policing", "maritime-escort"} <= set(shipped_fixtures())


def test_air_policing_loads_with_its_structure() -> None:
    ruleset = load_ruleset("air-policing")
    assert ruleset.hit_policy is HitPolicy.PRIORITY
    assert len(ruleset.rules) == 10
    assert ruleset.default is Response.MONITOR
    assert [test.text for test in ruleset.scope] == ["domain = air"]  # type: ignore[union-attr]
    drone = ruleset.rule("bring-down-drone-near-site")
    assert drone.response is Response.DISABLE
    threshold = next(
        t for t in drone.conditions if isinstance(t, RuleTest) and t.field == "distance_km"
    )
    assert threshold.op == "<"
    assert threshold.threshold is not None
    assert threshold.threshold.value == 20
    assert threshold.threshold.range == (10, 40)
    assert ruleset.parameters["qra_readiness_min"].value == 15
    assert {i.id for i in ruleset.invariants} >= {
        "engage-needs-hostility-and-authority",
        "never-act-in-russian-airspace",
        "self-defence-always-permitted",
    }


def test_the_revision_is_a_content_hash(tmp_path: Path) -> None:
    source = ruleset_path("air-policing")
    text = source.read_text(encoding="utf-8")
    commented = tmp_path / "commented.yaml"
    commented.write_text("# a new comment\n" + text, encoding="utf-8")
    changed = tmp_path / "changed.yaml"
    changed.write_text(text.replace("below: 20", "below: 25"), encoding="utf-8")
    original = load_ruleset("air-policing").revision
    assert load_ruleset(commented).revision == original
    assert load_ruleset(changed).revision != original


def test_packages_name_a_shipped_rule_set() -> None:
    assert load_ruleset("air-policing").name == "air-policing"
    with pytest.raises(DataError, match="no such rule set"):
        load_ruleset("no-such-rules")


def test_a_misspelt_field_is_located() -> None:
    assert problems_of(BAD / "wrong-field.yaml") == [
        (9, "rules.0.authorty", "Extra inputs are not permitted")
    ]


def test_an_unknown_response_is_located_with_the_ladder() -> None:
    with pytest.raises(DataError) as caught:
        load_ruleset(BAD / "unknown-response.yaml")
    (problem,) = caught.value.problems
    assert (problem.line, problem.field, problem.received) == (11, "rules.1.then", "'obliterate'")
    assert problem.expected is not None
    assert "escort_out" in problem.expected


def test_conditions_on_missing_fields_and_values_are_located() -> None:
    found = problems_of(BAD / "unknown-condition-field.yaml")
    assert (8, "rules.0.when.speed_kmh", "condition on a field that does not exist") in found
    assert (13, "rules.1.when.zone", "unknown zone") in found
    assert (14, "rules.1.when.act.at_least", "unknown act") in found
    assert (15, "rules.1.when.target.at_least", "target has no order") in found
    assert (21, "invariants.0.when.colour", "condition on a field that does not exist") in found


def test_thresholds_need_units_and_provenance() -> None:
    found = {(line, field) for line, field, _ in problems_of(BAD / "bad-thresholds.yaml")}
    assert found == {
        (8, "rules.0.when.distance_km.unit"),
        (12, "rules.1.when.altitude_m.unit"),
        (16, "rules.2.when.distance_km"),
        (20, "rules.3.when.distance_km.source"),
        (23, "rules.4.id"),
        (24, "rules.4.when.pid"),
    }


def test_bad_fixtures_are_located() -> None:
    found = problems_of(BAD / "bad-fixtures.yaml")
    fields = {(line, field) for line, field, _ in found}
    assert fields == {
        (7, "fixtures.1.incident.distance_km"),
        (7, "fixtures.1.incident.domain"),
        (8, "fixtures.1.expect"),
        (10, "fixtures.2.incident"),
    }
    assert any("warship does not move in the air" in message for _, _, message in found)


def test_validate_recognises_rules_and_fixtures() -> None:
    kind, ruleset = validate_file(ruleset_path("maritime-escort"))
    assert kind == "rules of engagement"
    assert ruleset.name == "maritime-escort"
    fixtures_file = ruleset_path("air-policing").parent / "fixtures" / "air-policing.yaml"
    kind, fixtures = validate_file(fixtures_file)
    assert kind == "incident fixtures"
    assert len(fixtures.fixtures) == 15


def test_fixture_distances_become_bands() -> None:
    fixtures = load_fixtures("air-policing")
    near = next(f for f in fixtures.fixtures if f.id == "drone-near-protected-site")
    assert near.incident.distance_km == 8
    assert near.bands == {"distance_km": (0.0, 19.9)}
    assert near.expect is Response.DISABLE


def test_an_inline_incident_is_read_with_defaults() -> None:
    incident = load_incident(
        "{domain: sea, act: hostile_intent, zone: black_sea_corridor, distance_km: 12}"
    )
    assert incident.pid is False
    assert incident.authority.value == "on_scene"
    assert incident.altitude_m == 0.0
    with pytest.raises(DataError) as caught:
        load_incident("{domain: sea, act: hostile_intent, zone: black_sea_corridor}")
    assert [p.field for p in caught.value.problems] == ["distance_km"]


def test_responses_are_spelt_as_in_files() -> None:
    assert Response.parse("escort_out") is Response.ESCORT_OUT
    assert Response.ENGAGE > Response.DISABLE > Response.ESCORT_OUT > Response.INTERCEPT
    with pytest.raises(KeyError):
        Response.parse("ENGAGE")


# ---------------------------------------------------------------------------------------------
# Mutated files never raise anything but DataError

SHIPPED_TEXT = {name: ruleset_path(name).read_text(encoding="utf-8") for name in shipped_rulesets()}
SHIPPED_DATA = {name: load_yaml_text(text, name)[0] for name, text in SHIPPED_TEXT.items()}
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(
        ["engage", "monitor", "hostile_act", "ukraine_west_of_line", "at_least", "below", "km"]
    ),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(
        st.sampled_from(["below", "at_least", "in", "unit", "source", "any", "not", "act"]),
        st.one_of(st.integers(), st.text(max_size=5), st.none()),
        max_size=3,
    ),
)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.extend(_paths(value, (*prefix, index)))
    return found


def _mutate(data: Any, path: tuple[Any, ...], action: str, junk: Any) -> Any:
    mutated = copy.deepcopy(data)
    parent = mutated
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if action == "delete":
        del parent[last]
    elif action == "rename" and isinstance(parent, dict):
        parent[f"{last}x"] = parent.pop(last)
    else:
        parent[last] = junk
    return mutated


@given(
    name=st.sampled_from(sorted(SHIPPED_DATA)),
    choice=st.integers(min_value=0),
    action=st.sampled_from(["delete", "rename", "replace", "replace"]),
    junk=JUNK,
)
def test_mutated_rule_files_raise_only_data_errors(
    name: str, choice: int, action: str, junk: Any
) -> None:
    data = SHIPPED_DATA[name]
    paths = _paths(data)
    mutated = _mutate(data, paths[choice % len(paths)], action, junk)
    text = yaml.safe_dump(mutated, allow_unicode=True)
    try:
        parse_ruleset(text, f"{name}.yaml")
    except DataError as error:
        assert error.problems
        assert all(problem.file == f"{name}.yaml" for problem in error.problems)


@given(
    name=st.sampled_from(sorted(SHIPPED_TEXT)),
    start=st.integers(min_value=0),
    length=st.integers(min_value=0, max_value=40),
    insert=st.text(alphabet=" :-[]{}#&*!|>'\"\n\tabc0", max_size=8),
)
def test_cut_rule_text_raises_only_data_errors(
    name: str, start: int, length: int, insert: str
) -> None:
    text = SHIPPED_TEXT[name]
    at = start % len(text)
    try:
        parse_ruleset(text[:at] + insert + text[at + length :], "cut.yaml")
    except DataError as error:
        assert error.problems


FIXTURE_DATA = load_yaml(ruleset_path("air-policing").parent / "fixtures" / "air-policing.yaml")[0]


@given(
    choice=st.integers(min_value=0),
    action=st.sampled_from(["delete", "rename", "replace"]),
    junk=JUNK,
)
def test_mutated_fixture_files_raise_only_data_errors(choice: int, action: str, junk: Any) -> None:
    paths = _paths(FIXTURE_DATA)
    mutated = _mutate(FIXTURE_DATA, paths[choice % len(paths)], action, junk)
    try:
        parse_fixtures(yaml.safe_dump(mutated), "fixtures.yaml")
    except DataError as error:
        assert error.problems


# ---------------------------------------------------------------------------------------------
# The richer language: prohibitions, ranges and disjunctions, declared fields


RICH = """
name: rich
title: a rule set using the richer language
hit_policy: priority
fields:
  weapons_status:
    kind: ordinal
    values: [hold, tight, free]
    default: tight
    direction: increasing
    description: weapons control status
  warning_given: {kind: flag, description: a warning was given and ignored}
scope: {domain: air}
default: {response: monitor, allowed_when: {act: presence}}
rules:
  - id: report
    when: {act: {at_least: airspace_violation}}
    then: monitor
    reason: report
  - id: intercept-in-band
    when:
      act: {at_least: airspace_violation, at_most: attack_on_shipping}
      altitude_m: {above: 100, below: 5000, unit: m, assumption: a band, low: 50, high: 8000}
    then: intercept
    authority: mission_commander
    reason: a threat inside the band is intercepted
  - id: engage-hostile
    when:
      any:
        - act: {at_least: hostile_act}
        - {act: hostile_intent, pid: true}
        - {act: hostile_intent, warning_given: true}
    then: engage
    authority: mission_commander
    reason: hostility, identified or warned
prohibitions:
  - id: weapons-hold
    when: {weapons_status: hold, act: {at_most: attack_on_shipping}}
    never: {at_least: disable}
    reason: under weapons hold, force only in self-defence
invariants:
  - id: hold-means-no-force
    text: under weapons hold no force below an attack on the coalition
    when: {weapons_status: hold, act: {at_most: attack_on_shipping}}
    require: {response: {at_most: escort_out}}
    within: scope
"""


def _incident(**fields: Any) -> Any:
    base = {"domain": "air", "act": "hostile_intent", "zone": "ukraine_west_of_line"}
    return load_incident("{" + ", ".join(f"{k}: {v}" for k, v in {**base, **fields}.items()) + "}")


def test_a_prohibition_overrides_every_permission() -> None:
    from guarantor.roe import decide, verify

    rules = parse_ruleset(RICH, "rich.yaml")
    assert rules.prohibitions[0].text == "never disable, engage"
    identified = _incident(
        pid="true", authority="mission_commander", distance_km=10, altitude_m=1000
    )
    assert decide(rules, identified).response is Response.ENGAGE
    held = _incident(
        pid="true",
        authority="mission_commander",
        distance_km=10,
        altitude_m=1000,
        weapons_status="hold",
    )
    decision = decide(rules, held)
    # deny-overrides: engage is forbidden, the strongest permitted rule fires instead
    assert (decision.response, decision.rule) == (Response.INTERCEPT, "intercept-in-band")
    assert decision.prohibitions == ("weapons-hold",)
    (denied,) = [t for t in decision.trace if t.denied_by]
    assert (denied.rule, denied.denied_by) == ("engage-hostile", ("weapons-hold",))
    assert "prohibited: engage-hostile (engage) by weapons-hold" in decision.reason
    report = verify(rules)
    assert report.ok, [f.message for f in report.findings]
    assert report.limited == (("hold-means-no-force", "the rule set's scope (domain = air)"),)


def test_a_rule_without_its_prohibition_breaks_the_invariant() -> None:
    from guarantor.roe import verify

    text = RICH.split("prohibitions:", maxsplit=1)[0] + "invariants:" + RICH.split("invariants:")[1]
    (finding,) = verify(parse_ruleset(text, "no-prohibition.yaml")).findings
    assert (finding.check, finding.subject) == ("invariant", "hold-means-no-force")
    assert finding.incident is not None
    assert finding.incident.extra["weapons_status"] == "hold"


def test_ranges_and_disjunctions_inside_a_rule() -> None:
    from guarantor.roe import decide

    rules = parse_ruleset(RICH, "rich.yaml")
    band = rules.rule("intercept-in-band")
    assert [describe(item) for item in band.conditions] == [
        "act ≥ airspace_violation and ≤ attack_on_shipping",
        "altitude_m > 100 m and altitude_m < 5000 m",
    ]
    inside = _incident(authority="mission_commander", distance_km=20, altitude_m=1000)
    outside = _incident(authority="mission_commander", distance_km=20, altitude_m=6000)
    assert decide(rules, inside).rule == "intercept-in-band"
    assert decide(rules, outside).rule == "report"
    warned = _incident(
        authority="mission_commander", distance_km=60, altitude_m=6000, warning_given="true"
    )
    decision = decide(rules, warned)
    assert decision.rule == "engage-hostile"
    assert any(" or " in text for text in decision.met)


def test_declared_fields_join_the_threat_lattice_and_are_checked() -> None:
    from guarantor.roe import decide

    rules = parse_ruleset(RICH, "rich.yaml")
    assert rules.monotone["weapons_status"].value == "increasing"
    assert set(rules.declared) == {"weapons_status", "warning_given"}
    assert rules.values(_incident(distance_km=1))["weapons_status"] == "tight"
    with pytest.raises(DataError) as caught:
        decide(rules, _incident(distance_km=1, weapons_status="loose"))
    (problem,) = caught.value.problems
    assert (problem.field, problem.expected) == (
        "incident.weapons_status",
        "one of ['hold', 'tight', 'free']",
    )
    with pytest.raises(DataError) as caught:
        decide(rules, _incident(distance_km=1, colour="red"))
    assert caught.value.problems[0].message == "field not declared by rule set rich"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            ("never: {at_least: disable}", "never: {at_least: monitor}"),
            "prohibitions.0.never",
            "a prohibition may not forbid the default response",
        ),
        (
            (
                "at_most: attack_on_shipping}\n      altitude_m",
                "at_most: presence}\n      altitude_m",
            ),
            "rules.1.when.act",
            "an empty range never holds",
        ),
        (
            ("{above: 100, below: 5000,", "{above: 5000, below: 100,"),
            "rules.1.when.altitude_m",
            "an empty range never holds",
        ),
        (
            ("kind: ordinal\n    values: [hold, tight, free]", "kind: ordinal\n    values: [hold]"),
            "fields.weapons_status",
            "needs at least two distinct values",
        ),
        (
            ("  warning_given: {kind: flag,", "  act: {kind: flag,"),
            "fields.act",
            "a declared field may not redefine a built-in one",
        ),
        (
            ("    within: scope", "    within: {colour: red}"),
            "invariants.0.within.colour",
            "condition on a field that does not exist",
        ),
    ],
)
def test_the_richer_language_gets_located_errors(
    change: tuple[str, str], field: str, message: str
) -> None:
    old, new = change
    assert old in RICH
    with pytest.raises(DataError) as caught:
        parse_ruleset(RICH.replace(old, new), "rich.yaml")
    problems = [(p.field, p.message) for p in caught.value.problems]
    assert any(f == field and message in m for f, m in problems), problems
    assert all(p.line is not None for p in caught.value.problems)
