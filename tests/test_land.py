"""The land model: threat-based sizing, sustainment by national policy, feasibility, places."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from guarantor.errors import DataError
from guarantor.geo import distance_km, length_km
from guarantor.instruments import land
from guarantor.packages import load_package
from guarantor.packages.schema import Package
from guarantor.theatre import Theatre, load_theatre


@pytest.fixture(scope="module")
def package(packages: dict[str, Package]) -> Any:
    return packages.__getitem__


def _only(base: Package, commitments: list[dict[str, Any]]) -> Package:
    raw = base.model_dump(mode="json", exclude_none=True)
    raw["commitments"] = commitments
    raw["triggers"] = []
    return Package.model_validate(raw)


def _force(troops: float, actor: str = "FRA", **fields: Any) -> dict[str, Any]:
    return {
        "id": "f",
        "actor": actor,
        "instrument": "reassurance_force",
        "troops": troops,
        **fields,
    }


def _value(section: Any, name: str) -> float:
    return float(section.metric(name).value[0])


# --- checks against published figures -------------------------------------------------------


def test_the_times_64000_to_256000_follows_from_the_uk_harmony_guidelines() -> None:
    data = land.load_data()
    checks, uk = data.checks, data.policy("GBR")
    # the UK's own policy: six-month tours, 24 months before a unit deploys again
    assert (uk.tour_months.value, uk.dwell_months.value) == (6, 24)
    needed = land.personnel_required(
        checks["times_deployed"].value,
        checks["times_years"].value,
        uk.tour_months.value,
        uk.dwell_months.value,
    )
    assert needed[()] == pytest.approx(checks["times_personnel"].value)  # 256,000
    # over two years no British soldier can come back (5:1 > four tours): four cohorts
    assert land.rotation_ratio(6.0, 24.0)[()] == pytest.approx(5.0)
    # Germany's 4/20 would need six cohorts for the same force; the Times' figure is British
    deu = data.policy("DEU")
    german = land.personnel_required(64_000, 2, deu.tour_months.value, deu.dwell_months.value)
    assert german[()] == pytest.approx(6 * 64_000)


def test_the_uk_alone_sustains_about_one_brigade(theatre: Theatre, package: Any) -> None:
    section = land.assess(theatre, _only(package("paris-declaration-2026"), [_force(7500, "GBR")]))
    # 71,000 x 0.3 / 5 (6 + 24 months): Radakin's "about one brigade of some 5,000"
    assert _value(section, "troops_sustainable") == pytest.approx(71_000 * 0.3 / 5)
    assert 4_000 <= _value(section, "troops_sustainable") <= 7_500


def test_iiss_tiers_are_placed_where_their_sources_place_them(theatre: Theatre) -> None:
    data = land.load_data()
    p = {name: np.array([q.value]) for name, q in land.WORLD_PARAMETERS.items()}
    p["contact_line_length_km"] = np.array([length_km(theatre.contact_line)])
    rows = {row["tier"]: row for row in land.tier_table(theatre, data, p)}
    assert land.tier_table(theatre, data) == list(rows.values())  # central values by default
    assert rows["iiss-small"]["troops"] == 10_000
    assert rows["iiss-medium"]["troops"] == 25_000
    assert (rows["iiss-large"]["troops_low"], rows["iiss-large"]["troops_high"]) == (
        60_000,
        100_000,
    )
    assert rows["uk-france-plan"]["troops"] == 15_000
    zone_km = land.WORLD_PARAMETERS["line_zone_km"].value
    for tier in rows.values():
        assert tier["hubs"], tier["tier"]
        assert {hub["zone"] for hub in tier["hubs"]} == {tier["zone"]}
        for hub in tier["hubs"]:
            assert hub["garrison"] >= land.WORLD_PARAMETERS["hub_garrison_troops"].value
            assert hub["reinforcement_days"] > 0
    # the UK-France plan in the west covers none of the cities at the line (the old table had
    # it garrisoning Kharkiv, Sumy, Zaporizhzhia and Kherson)
    west = rows["uk-france-plan"]
    assert west["zone"] == "west"
    assert not {"Kharkiv", "Sumy", "Zaporizhzhia", "Kherson"} & set(west["cities_covered"])
    assert "Lviv" in west["cities_covered"]
    assert all(hub["distance_to_line_km"] > zone_km for hub in west["hubs"])
    # the division along the Dnipro holds Kyiv; the corps stands at the line
    assert rows["iiss-medium"]["zone"] == "centre"
    assert "Kyiv" in rows["iiss-medium"]["cities_covered"]
    large = rows["iiss-large"]
    assert {"Kharkiv", "Zaporizhzhia", "Kherson"} <= set(large["cities_covered"])
    assert all(hub["distance_to_line_km"] <= zone_km for hub in large["hubs"])
    # each needs five times its size in the pool under the UK's 6 + 24 months
    for row in rows.values():
        assert row["personnel_pool_required"] == pytest.approx(5 * row["troops"])


def test_a_brigade_from_poland_reaches_lviv_before_kharkiv(theatre: Theatre) -> None:
    data = land.load_data()
    p = {name: np.array([q.value]) for name, q in land.WORLD_PARAMETERS.items()}
    places = land.places.places_of(theatre, data, ("lviv", "kharkiv"))
    days, origins = land.places.reinforcement_days(theatre, data, places, p)
    rzeszow, lviv = theatre.place("rzeszow-hub"), theatre.place("lviv")
    km = distance_km(rzeszow.longitude, rzeszow.latitude, lviv.longitude, lviv.latitude) * 1.3
    # readiness + the quicker of road (300 km/d) and rail (500 km/d + a day at the gauge change)
    assert days[0, 0] == pytest.approx(5 + min(km / 300, km / 500 + 1.0))
    assert origins[0] == "Poland (Rzeszów)"
    assert days[0, 1] > days[0, 0] + 1


# --- the threat -------------------------------------------------------------------------------


def test_the_line_is_sized_against_the_grouping_by_sector_in_depth(
    theatre: Theatre, package: Any
) -> None:
    section = land.assess(theatre, package("paris-declaration-2026"))
    data = land.load_data()
    w = {name: q.value for name, q in land.WORLD_PARAMETERS.items()}
    shares = np.array([s.grouping_share.value for s in data.sectors])
    terrain = np.array([data.terrain[s.terrain].value for s in data.sectors])
    grouping = 710_000
    first = (
        (1 - w["operational_reserve_share"]) * grouping * shares / shares.sum() / (3 * terrain)
    ).sum()
    reserve = w["operational_reserve_share"] * grouping / 3
    manoeuvre = first * (1 + w["second_echelon_share"]) + reserve
    enablers = w["fires_support_share"] + w["air_defence_share"] + w["engineer_share"]
    required = manoeuvre * (1 + enablers + w["logistics_share"])
    assert _value(section, "first_echelon_troops") == pytest.approx(first)
    assert _value(section, "troops_required_threat") == pytest.approx(required)
    # a hasty defence (1:2.5) needs more than a prepared one (1:3)
    hasty = land.assess(
        theatre, package("paris-declaration-2026"), {"defence_preparation": np.array([0.0])}
    )
    assert _value(hasty, "first_echelon_troops") == pytest.approx(first * 3 / 2.5)
    sectors = {row["sector"]: row for row in section.tables["sectors"]}
    assert sectors["kherson"]["defender_ratio"] > sectors["donetsk"]["defender_ratio"] > 3.0


def test_ukraines_army_holds_the_line_and_caps_weaken_it(theatre: Theatre, package: Any) -> None:
    paris = land.assess(theatre, package("paris-declaration-2026"))
    base = package("paris-declaration-2026")
    ratios = {}
    for cap in (800_000, 600_000, 85_000):
        capped = _only(
            base, [{"id": "cap", "actor": "UKR", "instrument": "army_cap", "troops": cap}]
        )
        section = land.assess(theatre, capped)
        assert _value(section, "ukraine_line_troops") == pytest.approx(cap * 0.8)
        ratios[cap] = _value(section, "line_strength_ratio")
        assert _value(section, "training_need_per_year") == pytest.approx(cap * 0.12)
    assert ratios[800_000] > 1.0 > ratios[600_000] > ratios[85_000]
    assert _value(paris, "line_shortfall_troops") == 0.0
    istanbul = land.assess(theatre, package("istanbul-2022"))
    assert _value(istanbul, "line_shortfall_troops") > 400_000
    assert _value(istanbul, "defender_strength_factor") < 0.15


def test_the_packages_forces_at_the_line_add_to_ukraines(theatre: Theatre, package: Any) -> None:
    base = package("paris-declaration-2026")
    cap = {"id": "cap", "actor": "UKR", "instrument": "army_cap", "troops": 600_000}
    alone = land.assess(theatre, _only(base, [cap]))
    held = land.assess(theatre, _only(base, [cap, _force(10_000, "USA", mission="line_holding")]))
    added = _value(held, "package_line_troops")
    assert added == pytest.approx(min(10_000, 450_000 * 0.3 / 3))
    assert _value(held, "line_strength_ratio") == pytest.approx(
        _value(alone, "line_strength_ratio") + added / _value(alone, "troops_required_threat")
    )
    # the same force at hubs in the west adds nothing to the line
    west = land.assess(theatre, _only(base, [cap, _force(10_000, "USA", hubs=["lviv"])]))
    assert _value(west, "package_line_troops") == 0.0


# --- feasibility on what can be sustained ----------------------------------------------------


@pytest.mark.filterwarnings("error")
def test_ten_million_troops_are_not_feasible_and_are_flagged(
    theatre: Theatre, package: Any
) -> None:
    base = package("paris-declaration-2026")
    cap = {"id": "cap", "actor": "UKR", "instrument": "army_cap", "troops": 85_000}
    huge = _force(500_000, "USA", mission="line_holding")
    section = land.assess(theatre, _only(base, [huge, cap]))
    assert _value(section, "feasibility_ratio") <= 1.0
    # the US Army's pool keeps about 45,000 in place under 9 + 18 months
    assert _value(section, "troops_sustainable") == pytest.approx(450_000 * 0.3 / 3)
    assert _value(section, "pledges_above_pool") == 1
    assert section.tables["commitments"][0]["pledge_above_pool"] is True
    assert any("above USA's deployable pool" in note for note in section.notes)
    # the pledge is not what is weighed: 10 million and 45,000 score the same
    small = land.assess(theatre, _only(base, [_force(45_000, "USA", mission="line_holding"), cap]))
    assert _value(small, "feasibility_ratio") == pytest.approx(_value(section, "feasibility_ratio"))
    assert _value(small, "pledges_above_pool") == 0


@pytest.mark.filterwarnings("error")
def test_zero_troops_are_zero_feasibility_without_dividing_by_zero(
    theatre: Theatre, package: Any
) -> None:
    base = package("paris-declaration-2026")
    section = land.assess(theatre, _only(base, [_force(0, hubs=["kyiv"])]))
    assert _value(section, "feasibility_ratio") == 0.0
    assert _value(section, "troops_sustainable") == 0.0
    assert _value(section, "tripwire_share") == 0.0
    for metric in section.metrics:
        assert np.all(np.isfinite(metric.value)), metric.name
    row = section.tables["commitments"][0]
    assert row["months_sustained"] is None  # nothing to sustain: never runs out


def test_a_reassurance_requirement_comes_from_its_mission_not_its_hubs(
    theatre: Theatre, package: Any
) -> None:
    base = package("paris-declaration-2026")
    one = land.assess(theatre, _only(base, [_force(6_000, hubs=["lviv"])]))
    four = land.assess(
        theatre, _only(base, [_force(6_000, hubs=["lviv", "kyiv", "odesa", "kharkiv"])])
    )
    # four sector tripwires and three protected hubs, a battlegroup each, plus air defence
    expected = (4 + 3) * 1000 * 1.15
    assert _value(one, "troops_required_reassurance") == pytest.approx(expected)
    assert _value(four, "troops_required_reassurance") == pytest.approx(expected)
    assert _value(one, "feasibility_ratio") == pytest.approx(_value(four, "feasibility_ratio"))
    # France keeps 77,000 x 0.3 / 4 (4 + 12 months) = 5,775 of 6,000 in place
    assert _value(one, "feasibility_ratio") == pytest.approx(5_775 / expected)
    assert _value(four, "smallest_hub_garrison_troops") < _value(
        one, "smallest_hub_garrison_troops"
    )


@settings(max_examples=30, deadline=None)
@given(
    troops=st.floats(min_value=0, max_value=500_000, allow_nan=False),
    actor=st.sampled_from(["GBR", "FRA", "DEU", "USA", "POL"]),
    mission=st.sampled_from(["reassurance", "tripwire", "line_holding"]),
)
def test_feasibility_is_a_share_whatever_the_pledge(
    troops: float, actor: str, mission: str
) -> None:
    theatre = load_theatre()
    base = load_package("paris-declaration-2026", theatre)
    section = land.assess(theatre, _only(base, [_force(troops, actor, mission=mission)]))
    feasibility = _value(section, "feasibility_ratio")
    assert 0.0 <= feasibility <= 1.0
    assert (_value(section, "pledges_above_pool") == 1) == (
        troops > land.load_data().policy(actor).army.value * 0.3
    )


# --- the package -----------------------------------------------------------------------------


def test_paris_package_reports_conditional_commitments_with_their_conditions(
    theatre: Theatre, package: Any
) -> None:
    section = land.assess(theatre, package("paris-declaration-2026"))
    rows = {row["id"]: row for row in section.tables["commitments"]}
    uk = rows["uk-reassurance-force"]
    assert uk["conditional"] is True
    assert uk["conditions"] == [
        "a ceasefire is agreed with Russia",
        "the parliament of GBR approves",
    ]
    assert rows["us-monitoring"]["conditional"] is False
    assert any("uk-reassurance-force" in note and "ceasefire" in note for note in section.notes)
    assert _value(section, "troops_pledged") == 20_000
    assert _value(section, "troops_pledged_unconditional") == 0
    assert uk["sustainable"] == pytest.approx(4_260)
    assert (uk["tour_months"], uk["dwell_months"]) == (6, 24)
    assert uk["months_sustained"] == pytest.approx(21_300 / 7_500 * 6)
    assert _value(section, "hubs_covered") == 4
    assert _value(section, "ukraine_force_troops") == 800_000


def test_istanbul_caps_ukraine_force_between_the_two_proposals(
    theatre: Theatre, package: Any
) -> None:
    position = np.array([0.0, 0.5, 1.0])
    section = land.assess(theatre, package("istanbul-2022"), {"army_cap_position": position})
    assert section.metric("ukraine_force_troops").value == pytest.approx([85_000, 167_500, 250_000])
    assert _value(section, "troops_pledged") == 0
    assert _value(section, "feasibility_ratio") == 0


def test_tripwire_and_monitors_cover_the_line_and_a_force_next_door_does_not(
    theatre: Theatre, package: Any
) -> None:
    base = package("paris-declaration-2026")
    length = np.array([1000.0, 1250.0])
    tripwire = land.assess(
        theatre, _only(base, [_force(3000, mission="tripwire")]), {"contact_line_length_km": length}
    )
    # 3,000 troops at a 150-strong post every 25 km cover 500 km
    assert tripwire.metric("line_coverage_share").value == pytest.approx(500.0 / length)
    assert tripwire.metric("troops_required_tripwire").value == pytest.approx([6_000, 7_500])
    assert tripwire.metric("package_line_troops").value == pytest.approx([3_000, 3_000])
    outside = land.assess(
        theatre, _only(base, [_force(3000, mission="tripwire", location="neighbouring_nato")])
    )
    assert _value(outside, "line_coverage_share") == 0.0
    assert _value(outside, "tripwire_share") == 0.0


def test_vectorised_over_worlds_and_deterministic(theatre: Theatre, package: Any) -> None:
    rng = np.random.default_rng(5)
    worlds = {name: rng.uniform(*q.range, size=2000) for name, q in land.WORLD_PARAMETERS.items()}
    paris = package("paris-declaration-2026")
    first = land.assess(theatre, paris, worlds, rng=np.random.default_rng(1))
    second = land.assess(theatre, paris, worlds, rng=np.random.default_rng(2))
    for metric in first.metrics:
        assert metric.value.shape == (2000,), metric.name
        assert np.array_equal(metric.value, second.metric(metric.name).value)
        assert np.all(np.isfinite(metric.value)), metric.name
    for share in ("line_coverage_share", "feasibility_ratio", "tripwire_share"):
        values = first.metric(share).value
        assert np.all((values >= 0) & (values <= 1)), share
    # a larger grouping needs a larger force, world by world
    required = first.metric("troops_required_threat").value
    grouping = first.metric("russian_grouping_troops").value
    assert np.corrcoef(grouping, required)[0, 1] > 0.3


def test_the_map_shows_tiers_in_place_and_reinforcement_times(
    theatre: Theatre, package: Any
) -> None:
    section = land.assess(theatre, package("paris-declaration-2026"))
    assert {"contact_line", "hubs", "tiers", "reinforcement_origins"} <= set(section.layers)
    hubs = {f["properties"]["id"]: f["properties"] for f in section.layers["hubs"]["features"]}
    assert set(hubs) == {"lviv", "kyiv", "odesa", "rzeszow-hub"}
    assert hubs["lviv"]["distance_to_contact_line_km"] > 600
    assert hubs["kyiv"]["reinforcement_days"] > hubs["lviv"]["reinforcement_days"]
    tiers = section.layers["tiers"]["features"]
    assert {f["properties"]["tier"] for f in tiers} == {t.id for t in land.load_data().tiers}
    assert all(f["properties"]["value"] == f["properties"]["reinforcement_days"] for f in tiers)
    origins = {f["properties"]["id"] for f in section.layers["reinforcement_origins"]["features"]}
    assert origins == {"rzeszow-hub", "LRCK"}


def test_every_figure_is_explained_with_a_planning_factor_and_a_source(
    theatre: Theatre, package: Any
) -> None:
    section = land.assess(theatre, package("paris-declaration-2026"))
    rows = section.tables["explanations"]
    names = {metric.name for metric in section.metrics}
    assert {row["figure"] for row in rows} <= names
    assert {"troops_required_threat", "troops_sustainable", "months_of_war"} <= {
        row["figure"] for row in rows
    }
    for row in rows:
        assert row["factor"] and row["source"], row["figure"]
        assert row["value"] == pytest.approx(float(np.median(section.metric(row["figure"]).value)))
    by_figure = {row["figure"]: row for row in rows}
    assert (
        "Syrskyi" in by_figure["russian_grouping_troops"]["source"]
        or "United24" in (by_figure["russian_grouping_troops"]["source"])
    )
    assert "1:3" in by_figure["first_echelon_troops"]["factor"]
    assert "6+24" in by_figure["troops_sustainable"]["factor"]


# --- bad input ---------------------------------------------------------------------------


@settings(deadline=None)
@given(
    st.dictionaries(
        st.sampled_from([*sorted(land.WORLD_PARAMETERS), "unrelated"]),
        st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=0, max_size=3),
        max_size=4,
    )
)
def test_malformed_worlds_raise_only_data_errors(raw: dict[str, list[float]]) -> None:
    theatre = load_theatre()
    paris = load_package("paris-declaration-2026", theatre)
    worlds = {name: np.asarray(values, dtype=np.float64) for name, values in raw.items()}
    try:
        section = land.assess(theatre, paris, worlds)
    except DataError as error:
        assert error.problems
        assert all(problem.field.startswith("worlds") for problem in error.problems)
    else:
        assert np.all(np.isfinite(section.metric("troops_sustainable").value))


@given(st.text(max_size=300))
def test_malformed_data_files_raise_only_data_errors(text: str) -> None:
    path = Path("/tmp") / "guarantor-test-land-malformed.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError):
        land.load_data(path)


def test_a_broken_data_file_names_file_line_and_field(tmp_path: Path) -> None:
    text = land.DATA_FILE.read_text(encoding="utf-8")
    broken = text.replace(
        "interceptors_made_per_year: {value: 620, unit: interceptors/yr, source: lockheed-pac3",
        "interceptors_made_per_year: {value: 620, unit: interceptors/yr, source: unknown-outlet",
    )
    broken = broken.replace("  mission_years: {value: 2,", "  mission_years: {value: 12,")
    path = tmp_path / "land.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        land.load_data(path)
    fields = {problem.field for problem in caught.value.problems}
    assert "arms.interceptors_made_per_year.source" in fields
    assert "world.mission_years" in fields
    assert all(problem.line for problem in caught.value.problems)


# --- command line ------------------------------------------------------------------------


def test_cli_explains_figures_prints_json_and_writes_geojson(tmp_path: Path) -> None:
    from guarantor.cli import app

    runner = CliRunner()
    out = tmp_path / "land.geojson"
    result = runner.invoke(app, ["land", "paris-declaration-2026", "--json", "--geojson", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["name"] == "land"
    assert {"contact_line", "hubs", "tiers"} <= set(data["layers"])
    assert data["tables"]["explanations"]
    geojson = json.loads(out.read_text())
    assert geojson["type"] == "FeatureCollection"
    assert any("reinforcement_days" in f["properties"] for f in geojson["features"])
    text = runner.invoke(app, ["land", "paris-declaration-2026"], env={"COLUMNS": "240"})
    assert text.exit_code == 0
    for heading in ("How each figure is made", "Sectors", "Force options where their sources"):
        assert heading in text.output
    assert "Hansard" in text.output and "ATP 5-0.2-1" in text.output
    bad = runner.invoke(app, ["land", str(tmp_path / "missing.yaml")])
    assert bad.exit_code == 1
    assert "Traceback" not in bad.output


# --- hand-over to durability -------------------------------------------------------------


def test_handover_gives_the_strength_at_the_line_and_the_tripwire_per_world(
    theatre: Theatre, package: Any
) -> None:
    from guarantor.durability.calibration import load_calibration

    calibration = load_calibration()
    worlds = {"russian_rebuild_factor": np.array([1.0, 1.25, 1.5])}
    paris = package("paris-declaration-2026")
    section = land.assess(theatre, paris, worlds)
    handover = land.INSTRUMENT.handover(section, paris, calibration)
    factor = handover.world["defender_strength_factor"]
    # Ukraine's 800,000 (and a hub garrison in the line zone) against a grouping rebuilt beyond
    # today's: the strength falls as Russia rebuilds past 2025
    assert factor == pytest.approx(section.metric("defender_strength_factor").value)
    assert factor[0] == pytest.approx(1.0, abs=0.01)
    assert factor[0] / factor[2] == pytest.approx(1.5)
    tripwire = calibration.credibility.tripwire_force.value
    assert handover.commitments["uk-reassurance-force"].credibility == pytest.approx(
        np.full(3, tripwire)
    )
    # Germany stands next door: no tripwire
    assert np.all(handover.commitments["germany-neighbouring-force"].credibility == 0)
    istanbul = package("istanbul-2022")
    capped = land.INSTRUMENT.handover(land.assess(theatre, istanbul), istanbul, calibration)
    assert capped.world["defender_strength_factor"][0] < 0.15
    # a token force inside Ukraine is a token tripwire
    token = _only(paris, [_force(400, "GBR", hubs=["kyiv"])])
    small = land.INSTRUMENT.handover(land.assess(theatre, token), token, calibration)
    assert small.commitments["f"].credibility[0] == pytest.approx(tripwire * 400 / 4000)
