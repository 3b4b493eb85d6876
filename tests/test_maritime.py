"""The sea model: corridor, escorts, Montreux in a package, throughput and risk, the record."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import typer
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from guarantor.cli import sea as sea_cli
from guarantor.errors import DataError
from guarantor.geo import contains, distance_km
from guarantor.instruments import maritime
from guarantor.instruments.maritime.data import (
    load_maritime,
    parse_maritime,
    shipped_path,
    theatre_problems,
)
from guarantor.packages import Package, parse_package
from guarantor.theatre import Theatre
from guarantor.yamlio import load_yaml_text

CONTRACT_METRICS = {
    "throughput_mt_per_month",
    "throughput_unprotected_mt_per_month",
    "ship_calls_per_month",
    "ships_damaged_per_month",
    "escort_coverage_share",
    "ships_required",
    "ships_pledged",
    "montreux_violations",
}

PACKAGE = """
name: sea-test
title: Sea test
theatre: ukraine-2025
commitments:
  - id: uk-frigates
    actor: GBR
    instrument: maritime_security
    ships: [{type: frigate, count: 4}]
    in_black_sea: true
  - id: littoral-escorts
    actor: TUR
    instrument: maritime_security
    ships: [{type: frigate, count: 3}, {type: corvette, count: 6}, {type: minehunter, count: 4}]
"""


@pytest.fixture(scope="module")
def sea_package(theatre: Theatre) -> Package:
    return parse_package(PACKAGE, "sea-test.yaml", theatre)


def world(**values: float | list[float]) -> dict[str, np.ndarray]:
    return {
        name: np.atleast_1d(np.asarray(value, dtype=np.float64)) for name, value in values.items()
    }


# --- corridor -----


def test_every_waypoint_lies_in_the_black_sea(theatre: Theatre) -> None:
    data = load_maritime()
    sea = theatre.feature("black-sea").geometry
    lon = [w.longitude for w in data.file.corridor.waypoints]
    lat = [w.latitude for w in data.file.corridor.waypoints]
    assert contains(sea, lon, lat).all()
    assert theatre_problems(data, theatre) == []


def test_a_waypoint_on_land_is_a_located_problem(theatre: Theatre) -> None:
    text = (
        shipped_path()
        .read_text(encoding="utf-8")
        .replace(
            "lat: {value: 43.15, low: 43.10, high: 43.20",
            "lat: {value: 50.45, low: 50.40, high: 50.50",
        )
        .replace(
            "lon: {value: 28.15, low: 28.10, high: 28.20",
            "lon: {value: 30.52, low: 30.50, high: 30.60",
        )
    )
    raw, lines = load_yaml_text(text, "moved.yaml")
    data = parse_maritime(raw, lines, Path("moved.yaml"))
    [problem] = theatre_problems(data, theatre)
    assert problem.field == "corridor.waypoints.8.lat"
    assert problem.file == "moved.yaml"
    assert (
        problem.line
        == text.splitlines().index(
            next(line for line in text.splitlines() if "id: varna-offshore" in line)
        )
        + 1
        + 1
    )
    assert "varna-offshore" in problem.message


def test_the_coastal_track_is_about_700_km_and_30_hours(theatre: Theatre) -> None:
    geometry = maritime.corridor_geometry(theatre, load_maritime())
    odesa = geometry.port("odesa-port")
    # facts E1: ~700 km coastal track; 600 km great circle from Odesa to the Bosporus
    great_circle = float(distance_km(odesa.lon, odesa.lat, geometry.lon[-1], geometry.lat[-1]))
    assert 590 < great_circle < 610
    assert 650 < odesa.sea_km < 760
    assert odesa.sea_km > great_circle
    # facts E1: 27-31 h on the coastal track at 12-14 kn
    hours = odesa.sea_km / (np.array([14.0, 12.0]) * maritime.KM_PER_NMI)
    assert 26 < hours[0] < 28.5
    assert 30 < hours[1] < 33
    danube = geometry.port("izmail")
    assert danube.river_km == 95
    assert 480 < danube.sea_km < 560  # Sulina to the Bosporus, 439 km great circle (facts E1)


def test_points_along_the_track_lie_on_it(theatre: Theatre) -> None:
    geometry = maritime.corridor_geometry(theatre, load_maritime())
    lon, lat = geometry.points_along(np.array([0.0, geometry.cumulative_km[3], 1e6]))
    assert lon[0] == pytest.approx(geometry.lon[0])
    assert (lon[1], lat[1]) == pytest.approx((geometry.lon[3], geometry.lat[3]), abs=1e-6)
    assert (lon[2], lat[2]) == pytest.approx((geometry.lon[-1], geometry.lat[-1]), abs=1e-6)


# --- escorts and mine countermeasures -----


def test_frigate_cover_radius_and_the_escorts_the_track_needs(theatre: Theatre) -> None:
    frigate = theatre.ship("frigate")
    response = np.array([0.5])
    radius = maritime.cover_radius_km(frigate, response)
    # engagement 50 km + 28 kn × 1.852 × 0.5 h = 75.9 km, within the 150 km sensor radius
    assert radius[0] == pytest.approx(50 + 28 * 1.852 * 0.5)
    assert maritime.cover_radius_km(frigate, np.array([10.0]))[0] == 150  # sensor-limited
    package = parse_package(
        PACKAGE.replace("type: frigate, count: 3", "type: frigate, count: 30"), "x.yaml", theatre
    )
    geometry = maritime.corridor_geometry(theatre, load_maritime())
    p = maritime.parameters(None)
    chosen = maritime.pledges(theatre, package, load_maritime(), p)
    need = maritime.requirement(theatre, chosen, geometry, p)
    stations = np.ceil(geometry.length_km / (2 * radius[0]))
    assert need.escort_type.id == "frigate"
    assert need.escort_stations[0] == stations == 5
    assert need.escorts_required[0] == np.ceil(stations / 0.33) == 16


def test_more_escorts_cover_more_of_the_track_up_to_all_of_it(theatre: Theatre) -> None:
    # Georgia is a Black Sea state the coalition has no inventory for, so its corvettes are
    # counted as pledged (unchecked): the geometry, not a navy's size, is under test here.
    shares = []
    for count in (0, 3, 6, 12, 60):
        text = PACKAGE + (
            "  - {id: georgian-corvettes, actor: GEO, instrument: maritime_security,"
            f" ships: [{{type: corvette, count: {count}}}]}}\n"
        )
        section = maritime.assess(theatre, parse_package(text, "x.yaml", theatre))
        shares.append(float(section.metric("escort_coverage_share").value[0]))
    assert shares == sorted(shares)
    assert shares[-1] == 1.0
    assert 0 < shares[0] < 1  # three Turkish frigates alone cover part of the track


# --- Montreux in a package ----------------------------------------------------------------------


def test_a_package_breaking_montreux_is_reported_not_crashed_on(
    theatre: Theatre, sea_package: Package
) -> None:
    section = maritime.assess(theatre, sea_package, world(straits_scenario=[0, 1]))
    np.testing.assert_array_equal(section.metric("montreux_violations").value, [1, 0])
    np.testing.assert_array_equal(section.metric("ships_barred_by_montreux").value, [4, 0])
    # 17 pledged; Türkiye can commit 4 of its 8 corvettes, so 15 are fielded, 11 with the UK barred
    np.testing.assert_array_equal(section.metric("ships_pledged").value, [11, 15])
    np.testing.assert_array_equal(section.metric("reinforcement_notice_days").value, [0, 15])
    [violation] = section.tables["montreux_violations"]
    assert violation["commitment"] == "uk-frigates"
    assert violation["since"] == "2022-02-27"
    assert violation["article"] == "Türkiye's policy since 2022-02-27"
    verdicts = {row["commitment"]: row for row in section.tables["montreux_verdicts"]}
    assert verdicts["uk-frigates"]["status"] == "barred"
    assert verdicts["uk-frigates"]["ship_type"] == "frigate"
    status = {row["commitment"]: row["status"] for row in section.tables["commitments"]}
    assert status == {"uk-frigates": "barred", "littoral-escorts": "remains"}
    assert "Montreux bars 4 pledged ships" in section.verdict
    coverage = section.metric("escort_coverage_share").value
    assert coverage[1] > coverage[0]


def test_the_default_package_sends_only_littoral_ships(
    theatre: Theatre, packages: dict[str, Package]
) -> None:
    section = maritime.assess(theatre, packages["paris-declaration-2026"])
    assert section.metric("montreux_violations").value[0] == 0
    assert section.metric("ships_pledged").value[0] == 6
    assert section.metric("mine_swept_share").value[0] == 1.0


# --- throughput and risk -----


def test_section_follows_the_contract(theatre: Theatre, sea_package: Package) -> None:
    n = 257
    worlds = maritime.sample_worlds(n, np.random.default_rng(3))
    section = maritime.assess(theatre, sea_package, worlds)
    assert section.name == "sea"
    names = {metric.name for metric in section.metrics}
    assert names >= CONTRACT_METRICS
    assert all(metric.value.shape == (n,) for metric in section.metrics)
    assert all(metric.reason and metric.unit for metric in section.metrics)
    assert all(metric.sources or metric.assumptions for metric in section.metrics)
    assert section.metric("throughput_mt_per_month").unit == "Mt/month"
    assert set(section.layers) == {"corridor", "patrol_stations"}
    again = maritime.assess(theatre, sea_package, worlds, rng=np.random.default_rng(99))
    for first, second in zip(section.metrics, again.metrics, strict=True):
        np.testing.assert_array_equal(first.value, second.value)
    assert set(maritime.WORLD_PARAMETERS) >= {"threat_level", "straits_scenario"}
    json.dumps(section.to_dict())


def test_protection_never_lowers_throughput_nor_raises_the_risk_per_call(
    theatre: Theatre, sea_package: Package
) -> None:
    worlds = maritime.sample_worlds(2000, np.random.default_rng(5))
    section = maritime.assess(theatre, sea_package, worlds)
    value = {metric.name: metric.value for metric in section.metrics}
    protected = value["throughput_mt_per_month"]
    assert np.all(protected >= value["throughput_unprotected_mt_per_month"] - 1e-12)
    calls = value["ship_calls_per_month"]
    calls_unprotected = value["ship_calls_unprotected_per_month"]
    moving = (calls > 0) & (calls_unprotected > 0)
    risk = value["ships_damaged_per_month"][moving] / calls[moving]
    risk_unprotected = (
        value["ships_damaged_unprotected_per_month"][moving] / calls_unprotected[moving]
    )
    assert np.all(risk <= risk_unprotected + 1e-15)
    assert np.mean(risk < risk_unprotected) > 0.9
    # more ships dare to call under protection, so damage a month can still rise in some worlds
    coverage = value["escort_coverage_share"]
    assert np.all((coverage >= 0) & (coverage <= 1))


def test_without_threat_nothing_is_damaged_and_ports_work_full_time(
    theatre: Theatre, sea_package: Package
) -> None:
    section = maritime.assess(theatre, sea_package, world(threat_level=0.0))
    assert section.metric("ships_damaged_per_month").value[0] == 0
    # Greater Odesa moves all its 7 Mt offered (capacity 0.9 × 100.5 Mt/yr / 12 = 7.5 Mt);
    # the Danube ports are full at 0.9 × 30.2 Mt/yr / 12 = 2.27 Mt of the 2.7 Mt offered
    expected = 7.0 + 0.9 * (20.2 + 10.0) / 12
    assert section.metric("throughput_mt_per_month").value[0] == pytest.approx(expected)


def test_the_damage_rate_splits_by_where_ships_are_hit() -> None:
    p = maritime.parameters(world(threat_level=1.0))
    none = maritime.Protection.none(1)
    assert maritime.damage_per_call(p, none)[0] == pytest.approx(0.0072)
    full = maritime.Protection(np.ones(1), np.ones(1), np.ones(1))
    # 0.75 in port × (1 - 0.3) + 0.10 at sea × (1 - 0.7) + 0.15 mines × (1 - 0.8)
    expected = 0.0072 * (0.75 * 0.7 + 0.10 * 0.3 + 0.15 * 0.2)
    assert maritime.damage_per_call(p, full)[0] == pytest.approx(expected)


def test_a_world_parameter_that_is_not_a_number_is_refused(
    theatre: Theatre, sea_package: Package
) -> None:
    with pytest.raises(DataError) as caught:
        maritime.assess(theatre, sea_package, world(threat_level=[1.0, float("nan")]))
    assert caught.value.problems[0].field == "worlds.threat_level"
    with pytest.raises(DataError):
        maritime.assess(
            theatre, sea_package, {"threat_level": np.ones(3), "damage_per_call": np.ones(2)}
        )


# --- checks against the record -----


@pytest.mark.parametrize("record", ["bsgi", "corridor"])
def test_the_record_falls_inside_the_models_range(theatre: Theatre, record: str) -> None:
    rows = maritime.record_check(theatre, record, n=20_000, rng=np.random.default_rng(1))
    assert {row["observed"] for row in rows} >= {"throughput_mt_per_month", "ship_calls_per_month"}
    outside = [row for row in rows if not row["inside"]]
    assert outside == []


def test_grain_deal_inspections_explain_its_average_tonnage(theatre: Theatre) -> None:
    # Jan 2023: 5.3 inspections a day (World Grain), two per voyage, 32.7 kt per ship (JCC)
    data = load_maritime()
    p = maritime.parameters(
        world(
            inspection_regime=1,
            threat_level=0,
            inspections_per_day=5.3,
            inspections_per_voyage=2.0,
            cargo_per_call_t=32_860_000 / 1004,
        )
    )
    geometry = maritime.corridor_geometry(theatre, data)
    legs = [leg for leg in geometry.ports if leg.group == "greater-odesa"]
    flow = maritime.lane_flow(p, legs, data, maritime.Protection.none(1))
    assert flow.throughput_mt_per_month[0] == pytest.approx(2.74, rel=0.06)
    assert flow.ship_calls_per_month[0] == pytest.approx(5.3 * 365.25 / 12 / 2)


def test_the_corridor_years_damage_rate_matches_both_official_counts() -> None:
    rate = maritime.WORLD_PARAMETERS["damage_per_call"].value
    assert rate == pytest.approx(38 / 5300, rel=0.01)  # two corridor years (Crystal Group)
    assert rate == pytest.approx(29 / 4000, rel=0.02)  # to March 2025 (UNN)


# --- map layers -----


def test_layers_hold_the_corridor_and_the_filled_patrol_stations(
    theatre: Theatre, sea_package: Package
) -> None:
    section = maritime.assess(theatre, sea_package)
    corridor = section.layers["corridor"]
    track = corridor["features"][0]
    assert track["geometry"]["type"] == "LineString"
    assert len(track["geometry"]["coordinates"]) == 14
    assert {f["properties"]["id"] for f in corridor["features"][1:]} == {
        "approach-odesa-port",
        "approach-chornomorsk",
        "approach-pivdennyi",
        "approach-izmail",
        "approach-reni",
    }
    stations = section.layers["patrol_stations"]["features"]
    escorts = [f for f in stations if f["properties"]["kind"] == "escort"]
    # the package's main escort type is the corvette (6); with the closure the 3 Turkish
    # frigates and 6 corvettes are on station a third of the time: (3 + 6) × 0.33 = 2.97 ships
    assert len(escorts) == 2
    assert all(f["properties"]["ship_type"] == "corvette" for f in escorts)
    sea = theatre.feature("black-sea").geometry
    lon = [f["geometry"]["coordinates"][0] for f in stations]
    lat = [f["geometry"]["coordinates"][1] for f in stations]
    assert contains(sea, lon, lat).all()


# --- bad data -----


def test_a_bad_reference_in_the_data_is_located() -> None:
    text = (
        shipped_path()
        .read_text(encoding="utf-8")
        .replace("joins: sulina-offshore", "joins: nowhere", 1)
    )
    raw, lines = load_yaml_text(text, "bad.yaml")
    with pytest.raises(DataError) as caught:
        parse_maritime(raw, lines, Path("bad.yaml"))
    [problem] = caught.value.problems
    assert problem.field == "corridor.ports.3.joins"
    assert problem.received == "nowhere"
    assert problem.line == next(
        number for number, line in enumerate(text.splitlines(), 1) if "joins: nowhere" in line
    )


SHIPPED_TEXT = shipped_path().read_text(encoding="utf-8")


@given(
    st.integers(0, len(SHIPPED_TEXT) - 1),
    st.integers(0, 40),
    st.text(alphabet=st.sampled_from(list("-:{}[]#'\" \n0123456789abcxyz.,&*!|>")), max_size=12),
)
def test_malformed_data_raises_only_data_errors(start: int, length: int, insert: str) -> None:
    text = SHIPPED_TEXT[:start] + insert + SHIPPED_TEXT[start + length :]
    try:
        raw, lines = load_yaml_text(text, "mutated.yaml")
        parse_maritime(raw, lines, Path("mutated.yaml"))
    except DataError as error:
        assert error.problems
        assert all(problem.file == "mutated.yaml" for problem in error.problems)


# --- command line -----


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """Test app."""

    sea_cli.register(app)
    return app


def test_cli_prints_json_with_units_sources_and_layers(tmp_path: Path, theatre: Theatre) -> None:
    del theatre
    target = tmp_path / "sea.geojson"
    result = CliRunner().invoke(_app(), ["sea", "--json", "--geojson", str(target)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    metrics = {metric["name"]: metric for metric in data["metrics"]}
    assert metrics["throughput_mt_per_month"]["unit"] == "Mt/month"
    assert metrics["ships_pledged"]["value"] == 6
    assert any("Interfax" in s or "Crystal" in s for m in data["metrics"] for s in m["sources"])
    assert data["layers"]["corridor"]["type"] == "FeatureCollection"
    written = json.loads(target.read_text(encoding="utf-8"))
    assert {f["properties"]["layer"] for f in written["features"]} >= {"corridor"}


def test_cli_reports_a_montreux_breach_and_the_record_checks(tmp_path: Path) -> None:
    path = tmp_path / "uk.yaml"
    path.write_text(PACKAGE, encoding="utf-8")
    result = CliRunner().invoke(_app(), ["sea", str(path), "--records"])
    assert result.exit_code == 0, result.output
    assert "Türkiye's policy since 2022-02-27" in result.stdout
    assert "uk-frigates: 4 GBR frigate" in result.stdout
    assert "barred" in result.stdout
    assert "Black Sea Grain Initiative" in result.stdout


def test_cli_bad_package_exits_1_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(PACKAGE.replace("frigate, count: 4}", "frigate, count: -4}"), encoding="utf-8")
    result = CliRunner().invoke(_app(), ["sea", str(path), "--json"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    payload = json.loads(result.stdout)
    assert payload["ok"] is False
    counts = [p for p in payload["problems"] if p["field"].endswith("ships.0.count")]
    assert counts
    assert counts[0]["line"] is not None
    assert counts[0]["field"].startswith("commitments.0")


@pytest.mark.parametrize(
    ("straits", "status", "article"),
    [
        ("closed", "barred", "Türkiye's policy since 2022-02-27"),
        ("open", "passes", "Art. 10; Art. 14 schedule; Art. 18"),
        ("turkey-belligerent", "passes", "Art. 20"),
    ],
)
def test_cli_shows_each_ships_verdict_with_the_article_in_every_scenario(
    tmp_path: Path, straits: str, status: str, article: str
) -> None:
    path = tmp_path / "uk.yaml"
    path.write_text(PACKAGE, encoding="utf-8")
    result = CliRunner().invoke(_app(), ["sea", str(path), "--straits", straits, "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["straits"] == straits
    verdicts = {
        row["commitment"] + row["ship_type"]: row for row in payload["tables"]["montreux_verdicts"]
    }
    assert verdicts["uk-frigatesfrigate"]["status"] == status
    assert verdicts["uk-frigatesfrigate"]["article"] == article
    assert verdicts["littoral-escortsminehunter"]["status"] == "no transit"
    text = CliRunner().invoke(_app(), ["sea", str(path), "--straits", straits])
    assert text.exit_code == 0, text.output
    assert "Montreux verdict by ship" in text.stdout
    assert article in text.stdout


def test_cli_unknown_straits_scenario_exits_1_with_a_located_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        _app(), ["sea", "paris-declaration-2026", "--straits", "ajar", "--json"]
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    payload = json.loads(result.stdout)
    [problem] = payload["problems"]
    assert problem["field"] == "--straits"
    assert "turkey-belligerent" in problem["expected"]
