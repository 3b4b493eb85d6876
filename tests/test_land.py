"""The land model: force-to-space, rotation, tiers, training, arms and feasibility."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from guarantor.errors import DataError
from guarantor.geo import length_km
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


# --- published figures -------------------------------------------------------------------


def test_64000_deployed_for_two_years_needs_256000_personnel() -> None:
    checks = land.load_data().checks
    world = land.WORLD_PARAMETERS
    needed = land.personnel_required(
        checks["times_deployed"].value,
        checks["times_years"].value,
        world["tour_months"].value,
        world["dwell_months"].value,
    )
    assert needed[()] == pytest.approx(checks["times_personnel"].value)  # 256,000
    assert land.rotation_ratio(6.0, 18.0)[()] == pytest.approx(4.0)
    # a rotation ratio of 3-4 (tour 6, dwell 12-18) brackets the Times' 4:1
    assert land.rotation_ratio(6.0, 12.0)[()] == pytest.approx(3.0)
    # a short mission needs only the tours it lasts: one year of six-month tours is 2:1
    assert land.personnel_required(1000.0, 1.0, 6.0, 18.0)[()] == pytest.approx(2000.0)


def test_1000_to_1300_km_at_10_to_20_km_per_brigade_needs_50_to_130_brigades(
    theatre: Theatre,
) -> None:
    fact = theatre.fact("contact_line_length_km")
    frontage = land.WORLD_PARAMETERS["frontage_km_per_brigade"]
    lengths, frontages = np.meshgrid(np.linspace(*fact.range, 7), np.linspace(*frontage.range, 7))
    brigades = land.brigades_required(lengths, frontages)
    assert brigades.min() == pytest.approx(50.0)
    assert brigades.max() == pytest.approx(130.0)
    # at 5,000 a brigade: 250,000-650,000 troops in the line before reserves
    troops = land.line_holding_troops(lengths, frontages, 5000.0)
    assert (troops.min(), troops.max()) == (pytest.approx(250_000), pytest.approx(650_000))


def test_iiss_tiers_and_the_uk_france_plan_have_their_published_sizes(theatre: Theatre) -> None:
    rows = {row["tier"]: row for row in land.tier_table(theatre, land.load_data())}
    assert rows["iiss-small"]["troops"] == 10_000
    assert rows["iiss-medium"]["troops"] == 25_000
    assert (rows["iiss-large"]["troops_low"], rows["iiss-large"]["troops_high"]) == (
        60_000,
        100_000,
    )
    assert rows["uk-france-plan"]["troops"] == 15_000
    assert rows["uk-france-plan"]["troops_low"] == 7_500
    # each needs four times its size in the pool to stay deployed indefinitely
    for row in rows.values():
        assert row["personnel_pool_required"] == pytest.approx(4 * row["troops"])
    # none of them can hold the line: at most a fifth of it, the corps
    assert rows["iiss-large"]["line_share_as_line_holding"] < 0.25
    assert rows["iiss-small"]["line_share_as_line_holding"] < 0.05
    # placed at hubs from the west, the small tier leaves the eastern cities uncovered
    small = rows["iiss-small"]
    assert small["cities_covered"][0] == "Lviv"
    assert "Kyiv" in small["cities_covered"]
    assert small["hubs_garrisoned"] == 10
    assert len(small["cities_uncovered"]) >= 2
    assert rows["iiss-medium"]["cities_uncovered"] == []


def test_the_uk_alone_sustains_about_one_brigade() -> None:
    data = land.load_data()
    world = land.WORLD_PARAMETERS
    pool = data.contributors["GBR"].value * world["pool_share_available"].value
    sustained = pool / land.rotation_ratio(world["tour_months"].value, world["dwell_months"].value)
    # Radakin: UK capacity is about one brigade of some 5,000; The Times: fewer than 7,500
    assert 4_000 <= sustained[()] <= 7_500


def test_interflex_throughput_is_reproduced_from_its_sites_and_course() -> None:
    training = land.load_data().training
    per_year = land.trainees_per_year(
        instructors=np.inf,
        trainees_per_instructor=1.0,
        sites=4.0,
        site_capacity=training["trainees_in_training_at_once"].value / 4.0,
        course_weeks=training["course_weeks"].value,
        weeks_per_year=52.0,
    )
    observed = training["interflex_trained"].value / training["interflex_months"].value * 12.0
    assert per_year[()] == pytest.approx(observed, rel=0.10)  # 20,800 vs 21,800 a year


# --- the package ---------------------------------------------------------------------------


def test_paris_package_reports_conditional_commitments_with_their_conditions(
    theatre: Theatre, package: Any
) -> None:
    section = land.assess(theatre, package("paris-declaration-2026"))
    rows = {row["id"]: row for row in section.tables["commitments"]}
    uk = rows["uk-reassurance-force"]
    assert uk["conditional"] is True
    assert rows["france-reassurance-force"]["conditional"] is True
    assert uk["conditions"] == [
        "a ceasefire is agreed with Russia",
        "the parliament of GBR approves",
    ]
    assert rows["us-monitoring"]["conditional"] is False
    assert any("uk-reassurance-force" in note and "ceasefire" in note for note in section.notes)
    assert section.metric("troops_pledged").value[0] == 20_000
    assert section.metric("troops_pledged_unconditional").value[0] == 0
    # the UK's pool (71,000 x 0.3 / 4) keeps only about 5,300 of its 7,500 on station
    assert uk["sustainable"] == pytest.approx(5_325)
    assert uk["months_sustained"] == pytest.approx(21_300 / 7_500 * 6)
    assert section.metric("hubs_covered").value[0] == 4
    assert section.metric("ukraine_force_troops").value[0] == 800_000
    assert section.metric("personnel_pool_required").value[0] == pytest.approx(4 * 21_500)


def test_istanbul_caps_ukraine_force_between_the_two_proposals(
    theatre: Theatre, package: Any
) -> None:
    position = np.array([0.0, 0.5, 1.0])
    section = land.assess(theatre, package("istanbul-2022"), {"army_cap_position": position})
    assert section.metric("ukraine_force_troops").value == pytest.approx([85_000, 167_500, 250_000])
    assert section.metric("troops_pledged").value[0] == 0
    assert section.metric("feasibility_ratio").value[0] == 0


def test_a_hub_force_covers_hubs_not_the_line_and_a_tripwire_covers_the_line(
    theatre: Theatre, package: Any
) -> None:
    base = package("paris-declaration-2026")
    at_hubs = _only(
        base,
        [
            {
                "id": "f",
                "actor": "FRA",
                "instrument": "reassurance_force",
                "troops": 6000,
                "mission": "reassurance",
                "hubs": ["lviv", "kyiv", "odesa"],
            }
        ],
    )
    section = land.assess(theatre, at_hubs)
    assert section.metric("line_coverage_share").value[0] == 0.0
    assert section.metric("hubs_covered").value[0] == 3
    tripwire = _only(
        base,
        [
            {
                "id": "f",
                "actor": "FRA",
                "instrument": "reassurance_force",
                "troops": 3000,
                "mission": "tripwire",
            }
        ],
    )
    length = np.array([1000.0, 1250.0])
    section = land.assess(theatre, tripwire, {"contact_line_length_km": length})
    # 3,000 troops at a 150-strong post every 25 km cover 500 km
    assert section.metric("line_coverage_share").value == pytest.approx(500.0 / length)
    required = section.metric("troops_required_tripwire").value
    assert required == pytest.approx([6_000, 7_500])
    assert section.metric("feasibility_ratio").value == pytest.approx(3000 / required)
    neighbouring = _only(
        base,
        [
            {
                "id": "f",
                "actor": "FRA",
                "instrument": "reassurance_force",
                "troops": 3000,
                "mission": "tripwire",
                "location": "neighbouring_nato",
            }
        ],
    )
    assert land.assess(theatre, neighbouring).metric("line_coverage_share").value[0] == 0.0


def test_arms_flow_is_capped_by_the_rzeszow_hub(theatre: Theatre, package: Any) -> None:
    base = package("paris-declaration-2026")
    flows = _only(
        base,
        [
            {
                "id": "a",
                "actor": "EU",
                "instrument": "arms_supply",
                "usd_bn_per_year": 40,
                "via": ["rzeszow-hub"],
            }
        ],
    )
    usd_per_tonne = np.array([150_000.0, 10_000.0])
    section = land.assess(theatre, flows, {"usd_per_tonne_of_aid": usd_per_tonne})
    tonnes = section.metric("arms_tonnes_per_day").value
    assert tonnes[0] == pytest.approx(40e9 / 150_000 / 365)  # about 730 t/d, under the cap
    data = land.load_data()
    cap = 40_000 * 20 / 1035 * 1.5 / data.arms.hub_share_of_aid.value
    assert tonnes[1] == pytest.approx(cap)  # 11,000 t/d of demand meets a ~1,250 t/d route


def test_vectorised_over_worlds_and_deterministic(theatre: Theatre, package: Any) -> None:
    rng = np.random.default_rng(5)
    worlds = {name: rng.uniform(*q.range, size=3000) for name, q in land.WORLD_PARAMETERS.items()}
    paris = package("paris-declaration-2026")
    first = land.assess(theatre, paris, worlds, rng=np.random.default_rng(1))
    second = land.assess(theatre, paris, worlds, rng=np.random.default_rng(2))
    for metric in first.metrics:
        assert metric.value.shape == (3000,), metric.name
        assert np.array_equal(metric.value, second.metric(metric.name).value)
    share = first.metric("line_coverage_share").value
    assert np.all((share >= 0) & (share <= 1))
    holding = first.metric("troops_required_line_holding").value
    expected = worlds["contact_line_length_km"] / worlds["frontage_km_per_brigade"]
    assert holding == pytest.approx(expected * worlds["brigade_troops"])
    assert np.all(
        first.metric("troops_sustainable").value <= first.metric("troops_pledged").value + 1500
    )


def test_contact_line_length_comes_from_the_geography(theatre: Theatre, package: Any) -> None:
    geography_km = length_km(theatre.contact_line)
    low, high = theatre.fact("contact_line_length_km").range
    assert 0.8 * low <= geography_km <= 1.3 * high
    section = land.assess(theatre, package("paris-declaration-2026"))
    assert section.metric("contact_line_length_km").value[0] == pytest.approx(geography_km)
    hubs = section.layers["hubs"]["features"]
    assert {f["properties"]["id"] for f in hubs} == {"lviv", "kyiv", "odesa", "rzeszow-hub"}
    lviv = next(f for f in hubs if f["properties"]["id"] == "lviv")
    odesa = next(f for f in hubs if f["properties"]["id"] == "odesa")
    assert lviv["properties"]["distance_to_contact_line_km"] > 600
    assert (
        odesa["properties"]["distance_to_contact_line_km"]
        < lviv["properties"]["distance_to_contact_line_km"]
    )
    assert section.layers["contact_line"]["features"][0]["geometry"]["type"] in {
        "LineString",
        "MultiLineString",
    }


# --- bad input ---------------------------------------------------------------------------


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
        "GBR: {value: 71000, unit: troops, source: times-15000",
        "GBR: {value: 71000, unit: troops, source: unknown-outlet",
    )
    broken = broken.replace("  tour_months: {value: 6,", "  tour_months: {value: 12,")
    path = tmp_path / "land.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        land.load_data(path)
    fields = {problem.field for problem in caught.value.problems}
    assert "contributors.GBR.source" in fields
    assert "world.tour_months" in fields
    assert all(problem.line for problem in caught.value.problems)


# --- command line ------------------------------------------------------------------------


def test_cli_prints_json_and_writes_geojson(tmp_path: Path) -> None:
    from guarantor.cli import app

    runner = CliRunner()
    out = tmp_path / "land.geojson"
    result = runner.invoke(app, ["land", "paris-declaration-2026", "--json", "--geojson", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["name"] == "land"
    assert {"contact_line", "hubs"} <= set(data["layers"])
    conditional = [row for row in data["tables"]["commitments"] if row["conditional"]]
    assert conditional
    assert all(row["conditions"] for row in conditional)
    assert json.loads(out.read_text())["type"] == "FeatureCollection"
    text = runner.invoke(app, ["land", "istanbul-2022"])
    assert text.exit_code == 0
    assert "Force options" in text.output
    bad = runner.invoke(app, ["land", str(tmp_path / "missing.yaml")])
    assert bad.exit_code == 1
    assert "Traceback" not in bad.output
