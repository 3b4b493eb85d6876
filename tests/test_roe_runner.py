"""The test runner: fixtures pass or fail, bands are proven, coverage is measured."""

from __future__ import annotations

import pytest

from guarantor.roe import Response, load_fixtures, load_ruleset, parse_fixtures, run_fixtures


@pytest.mark.parametrize("name", ["air-policing", "maritime-escort", "reassurance-force"])
def test_shipped_fixtures_pass_with_full_rule_coverage(name: str) -> None:
    report = run_fixtures(load_ruleset(name), load_fixtures(name))
    assert report.failed == 0, [r.as_data() for r in report.results if not r.passed]
    assert report.rule_coverage == 1.0
    assert report.ok
    assert all(hits >= 1 for hits in report.rule_hits.values())
    assert 0.5 < report.condition_coverage <= 1.0


FIXTURES = """
ruleset: air-policing
fixtures:
  - id: wrong-expectation
    incident: {domain: air, act: airspace_violation, zone: ukraine_west_of_line,
               platform: drone, pid: true, authority: mission_commander, distance_km: 8}
    expect: engage
  - id: wrong-rule
    incident: {domain: air, act: airspace_violation, zone: ukraine_west_of_line,
               platform: drone, pid: true, authority: mission_commander, distance_km: 8}
    expect: disable
    expect_rule: scramble-and-intercept
  - id: band-crosses-the-ring
    incident:
      domain: air
      act: airspace_violation
      zone: ukraine_west_of_line
      platform: drone
      pid: true
      authority: mission_commander
      distance_km: {value: 8, low: 0, high: 35, unit: km, assumption: too wide a claim}
    expect: disable
  - id: right
    incident: {domain: air, act: airspace_violation, zone: ukraine_west_of_line,
               platform: drone, pid: true, authority: mission_commander, distance_km: 8}
    expect: disable
    expect_rule: bring-down-drone-near-site
"""


def test_failures_are_reported_by_kind() -> None:
    ruleset = load_ruleset("air-policing")
    report = run_fixtures(ruleset, parse_fixtures(FIXTURES, "f.yaml"), min_coverage=0.0)
    outcome = {result.id: result for result in report.results}
    assert [r.id for r in report.results if not r.passed] == [
        "wrong-expectation",
        "wrong-rule",
        "band-crosses-the-ring",
    ]
    assert outcome["wrong-expectation"].decision.response is Response.DISABLE
    counter = outcome["band-crosses-the-ring"].band_counterexample
    assert counter is not None
    assert 20 <= counter.distance_km <= 35
    assert outcome["right"].band_counterexample is None
    assert not report.ok
    assert report.as_data()["failed"] == 3


def test_the_coverage_threshold_gates() -> None:
    ruleset = load_ruleset("air-policing")
    only_right = parse_fixtures(FIXTURES, "f.yaml")
    report = run_fixtures(ruleset, only_right, min_coverage=0.1)
    # four rules fire across the four fixtures' one incident: only the drone rule counts
    assert report.rule_hits["bring-down-drone-near-site"] == 4
    assert report.rule_coverage == pytest.approx(1 / 10)
    assert "self-defence" in report.uncovered_rules
    assert any(text.startswith("self-defence:") for text in report.uncovered_conditions)


def test_coverage_by_region_lists_the_cells_no_fixture_visits() -> None:
    ruleset = load_ruleset("air-policing")
    report = run_fixtures(ruleset, load_fixtures("air-policing"))
    # the scope is the air domain: six (domain, zone) regions
    assert list(report.region_hits) == [
        f"air / {zone}"
        for zone in (
            "ukraine_west_of_line",
            "ukraine_east_of_line",
            "black_sea_corridor",
            "nato_airspace",
            "near_russian_territory",
            "russian_territory",
        )
    ]
    assert sum(report.region_hits.values()) == len(report.results)
    assert report.region_coverage == sum(h > 0 for h in report.region_hits.values()) / 6
    assert set(report.uncovered_regions) == {r for r, h in report.region_hits.items() if h == 0}
    sea = run_fixtures(load_ruleset("maritime-escort"), load_fixtures("maritime-escort"))
    assert len(sea.region_hits) == 12  # sea and air, every zone
    assert sea.region_hits["sea / ukraine_west_of_line"] == 2  # the escort in port, a warship
    assert sea.as_data()["region_coverage"] == round(sea.region_coverage, 4)
