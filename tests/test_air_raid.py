"""Raid nights: Ukraine's layer against the record, the engagement kernel, fleets, upkeep, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from guarantor.cli import app
from guarantor.durability.calibration import load_calibration
from guarantor.instruments import air
from guarantor.instruments.air import baseline
from guarantor.instruments.air.data import shipped_data
from guarantor.instruments.air.engage import night, night_per_threat
from guarantor.instruments.air.fleet import fielded
from guarantor.instruments.air.pledges import air_pledges
from guarantor.instruments.air.reach import forbidden_for
from guarantor.instruments.air.sustain import cap_aircraft_required, time_on_station_h
from guarantor.packages import Package, load_package
from guarantor.packages.loader import parse_package
from guarantor.report.charts import marginal_value_chart
from guarantor.section import Section
from guarantor.theatre import Theatre, load_theatre

EAST = ("kharkiv", "dnipro", "zaporizhzhia", "poltava", "sumy")


@pytest.fixture(scope="module")
def theatre() -> Theatre:
    return load_theatre()


@pytest.fixture(scope="module")
def sky_shield(theatre: Theatre) -> Package:
    return load_package("sky-shield-2025", theatre)


@pytest.fixture(scope="module")
def sky_section(theatre: Theatre, sky_shield: Package) -> Section:
    return air.assess(theatre, sky_shield, cell_km=40.0)


def _package(theatre: Theatre, commitments: str) -> Package:
    return parse_package(
        f"name: test-raid\ntitle: Test\ncommitments:\n{commitments}", "t.yaml", theatre
    )


def _rows(section: Section) -> dict[str, dict[str, float]]:
    return {row["target"]: row for row in section.tables["raid_targets"]}


# --- Ukraine's own layer against the record -------------------------------------------------


def test_the_record_holds_at_least_20_cited_nights_split_into_fit_and_score() -> None:
    data = shipped_data()
    assert len(data.record) >= 20
    for night_ in data.record:
        for count in (night_.drones, night_.missiles):
            if count is not None:
                assert count.source in data.sources  # every night cites its outlet
    parts = baseline.split(data.record)
    fit_nights = {n.night for n in (*parts.drones_fit, *parts.missiles_fit)}
    score_nights = {n.night for n in (*parts.drones_score, *parts.missiles_score)}
    assert len(parts.drones_score) >= 10 and len(parts.missiles_score) >= 6
    drone_fit = {n.night for n in parts.drones_fit}
    assert not drone_fit & {n.night for n in parts.drones_score}
    assert fit_nights and score_nights


@pytest.mark.parametrize("kind", ["drones", "missiles"])
def test_ukraines_layer_alone_reproduces_the_scored_nights_within_the_records_spread(
    kind: str,
) -> None:
    rows = [r for r in baseline.scores() if r["kind"] == kind and r["set"] == "score"]
    recorded = np.array([r["recorded_share"] for r in rows], np.float64)
    model = np.array([r["model_share"] for r in rows], np.float64)
    launched = np.array([r["launched"] for r in rows], np.float64)
    spread = recorded.std()
    pooled_record = (recorded * launched).sum() / launched.sum()
    pooled_model = (model * launched).sum() / launched.sum()
    assert abs(pooled_model - pooled_record) <= spread  # the launch-weighted share
    assert np.median(np.abs(model - recorded)) <= spread  # a typical night


def test_the_fitted_layer_stops_drones_and_cruise_missiles_far_more_than_ballistic() -> None:
    layer = baseline.layer()
    assert 0.8 <= layer.p_drone <= 0.98
    assert layer.p_cruise > 0.7
    assert layer.p_ballistic < 0.3  # Kinzhal and Iskander: mostly only Patriot can
    shares = layer.drone_share(np.array([10.0, 100.0, 800.0]))
    assert np.all(np.diff(shares) <= 1e-12)  # a bigger raid never meets a stronger layer


def test_the_fit_recovers_a_known_layer_from_its_own_nights() -> None:
    truth = baseline.Layer(0.85, 400.0, 0.8, 0.1)
    data = shipped_data()
    made = []
    for night_ in data.record:
        update: dict[str, object] = {}
        if night_.drones is not None:
            n = night_.drones.launched
            downed = round(float(truth.drones_downed(np.array(float(n)))))
            update["drones"] = night_.drones.model_copy(update={"downed": downed})
        if night_.missiles is not None:
            m, b = night_.missiles.launched, night_.missiles.ballistic.value
            downed = round(float(truth.missiles_downed(np.array(float(m)), np.array(b))))
            update["missiles"] = night_.missiles.model_copy(update={"downed": downed})
        made.append(night_.model_copy(update=update))
    got = baseline.fit(tuple(n for n in made if n.drones), tuple(n for n in made if n.missiles))
    assert got.p_drone == pytest.approx(0.85, abs=0.05)
    assert got.p_cruise == pytest.approx(0.8, abs=0.05)
    assert got.p_ballistic == pytest.approx(0.1, abs=0.08)


# --- the engagement kernel ------------------------------------------------------------------


def _kernel_inputs(worlds: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "launched": rng.uniform(0, 60, (worlds, 5, 3)),
        "ukraine_share": rng.uniform(0.3, 0.95, (worlds, 3)),
        "reach": rng.uniform(0, 1, (worlds, 5, 3)) * np.array([1.0, 1.0, 0.0]),
        "pk_missile": rng.uniform(0.5, 0.95, (worlds, 3)),
        "pk_gun": rng.uniform(0.3, 0.7, worlds),
        "reattack": rng.uniform(0.2, 0.8, worlds),
    }


@given(
    missiles=st.floats(0, 400),
    more=st.floats(0, 400),
    guns=st.floats(0, 200),
    seed=st.integers(0, 99),
)
@settings(max_examples=60, deadline=None)
def test_more_weapons_never_let_more_through_and_never_exceed_the_budget(
    missiles: float, more: float, guns: float, seed: int
) -> None:
    x = _kernel_inputs(3, seed)
    gun_classes = np.array([True, False, False])
    common = {k: x[k] for k in ("launched", "ukraine_share", "reach")}
    kw = {"pk_missile": x["pk_missile"], "pk_gun": x["pk_gun"], "reattack": x["reattack"]}
    few = night(**common, missiles=np.full(3, missiles), gun_passes=np.full(3, guns),
                gun_classes=gun_classes, **kw)  # fmt: skip
    many = night(**common, missiles=np.full(3, missiles + more), gun_passes=np.full(3, guns),
                 gun_classes=gun_classes, **kw)  # fmt: skip
    assert np.all(many.leakers_with.sum(axis=(1, 2)) <= few.leakers_with.sum(axis=(1, 2)) + 1e-9)
    assert np.all(few.missiles_used <= missiles + 1e-9)
    assert np.all(few.gun_passes_used <= guns + 1e-9)
    assert np.all(few.leakers_with >= -1e-9)
    assert np.all(few.leakers_with <= few.leakers_without + 1e-9)
    assert np.all(few.stopped_package[:, :, 2] == 0)  # ballistic: out of the fighters' reach


def test_the_kernel_agrees_with_the_threat_by_threat_loop() -> None:
    rng = np.random.default_rng(4)
    worlds, targets = 50, 4
    classes = np.array([0] * 30 + [1] * 8 + [2] * 5)
    aimed = rng.integers(0, targets, classes.size)
    size = rng.uniform(0.6, 1.4, worlds)
    launched = np.zeros((worlds, targets, 3))
    np.add.at(launched, (slice(None), aimed, classes), 1.0)  # type: ignore[arg-type]
    launched = launched * size[:, None, None]
    x = _kernel_inputs(worlds, 5)
    reach = rng.uniform(0, 1, (worlds, targets, 3)) * np.array([1.0, 1.0, 0.0])
    args = {
        "missiles": rng.uniform(0, 30, worlds),
        "gun_passes": rng.uniform(0, 10, worlds),
        "pk_missile": x["pk_missile"],
        "pk_gun": x["pk_gun"],
        "gun_classes": np.array([True, False, False]),
        "reattack": x["reattack"],
    }
    whole = night(launched, x["ukraine_share"], reach, **args)
    leakers, missiles = night_per_threat(classes, aimed, size, x["ukraine_share"], reach, **args)
    assert whole.leakers_with.sum(axis=(1, 2)) == pytest.approx(leakers, rel=1e-9)
    assert whole.missiles_used == pytest.approx(missiles, rel=1e-9)


# --- the package against a raid -------------------------------------------------------------


def test_leakers_never_rise_with_aircraft_and_the_curve_flattens(sky_section: Section) -> None:
    curve = sky_section.tables["marginal_value"]
    assert [row["aircraft"] for row in curve][:3] == [0.0, 10.0, 20.0]
    assert curve[-1]["aircraft"] == 200.0
    for key in ("leakers", "leakers_low", "leakers_high"):
        values = np.array([row[key] for row in curve])
        assert np.all(np.diff(values) <= 1e-9), key
    leakers = np.array([row["leakers"] for row in curve])
    first, last = leakers[0] - leakers[3], leakers[-4] - leakers[-1]  # 0->30 and 170->200
    assert first > 5 * max(last, 1e-6)  # the 171st aircraft buys far less than the 1st
    assert curve[0]["leakers"] == pytest.approx(
        float(sky_section.metric("raid_leakers_without_package").value[0]), abs=0.01
    )


def test_one_fighter_on_alert_protects_almost_nothing_against_500_drones(
    theatre: Theatre,
) -> None:
    package = _package(
        theatre,
        "  - {id: one, actor: POL, instrument: air_policing,"
        " aircraft: [{type: f16, base: EPRZ, count: 1}], protect: [lviv, kyiv]}\n",
    )
    worlds = {"raid_size_factor": np.array([500.0 / 728.0])}
    section = air.assess(theatre, package, worlds, cell_km=40.0)
    launched = float(section.metric("raid_threats_launched").value[0])
    assert launched == pytest.approx(500 + 13 * 500 / 728)
    without = float(section.metric("raid_leakers_without_package").value[0])
    with_package = float(section.metric("raid_leakers_with_package").value[0])
    stopped = float(section.metric("raid_share_stopped_package").value[0])
    assert stopped < 0.01  # under 1 % of the raid
    assert without - with_package < 5  # a handful of the raid's armed threats
    assert float(section.metric("raid_sorties").value[0]) <= 2.0


def test_a_sky_shield_size_force_helps_in_the_west_and_not_in_the_east(
    sky_section: Section,
) -> None:
    # 120 pledged; Romania can commit 28.5 of its 38 F-16s from home, not 36
    assert float(sky_section.metric("aircraft_fieldable").value[0]) == pytest.approx(112.5)
    rows = _rows(sky_section)
    for west in ("lviv", "kyiv", "vinnytsia"):
        assert rows[west]["leakers_with"] <= 0.5 * rows[west]["leakers_without"], west
    for east in EAST:
        assert rows[east]["leakers_with"] == pytest.approx(rows[east]["leakers_without"]), east
        assert rows[east]["drone_paths_reached"] == 0.0


def test_every_raid_runs_and_its_counts_are_the_records(
    theatre: Theatre, sky_shield: Package
) -> None:
    data = shipped_data()
    for raid in data.raids:
        section = air.assess(theatre, sky_shield, cell_km=40.0, raid=raid.id)
        total = sum(q.value for q in raid.threats.values())
        assert float(section.metric("raid_threats_launched").value[0]) == pytest.approx(total)
        assert raid.id in section.verdict
    lutsk = data.raid("lutsk-2025-07-09")
    assert lutsk.threats["drone"].value == 728 and lutsk.threats["ballistic"].value == 13


def test_ballistic_raids_leak_whatever_the_fighters(theatre: Theatre, sky_shield: Package) -> None:
    section = air.assess(theatre, sky_shield, cell_km=40.0, raid="energy-2024-03-22")
    share = float(section.metric("raid_share_stopped_package").value[0])
    assert 0 < share < 0.5
    # 41 ballistic missiles: fighters stop none, so leakers stay above Ukraine's leak of them
    layer = baseline.layer()
    assert float(section.metric("raid_leakers_with_package").value[0]) >= 41 * (
        1 - layer.p_ballistic
    )


def test_the_handover_answers_air_probes_with_the_raid_share(
    sky_shield: Package, sky_section: Section
) -> None:
    handover = air.INSTRUMENT.handover(sky_section, sky_shield, load_calibration())
    answered = float(sky_section.metric("raid_answered_share").value[0])
    total = sum(float(c.answer[0, 0]) for c in handover.commitments.values())
    assert total == pytest.approx(answered)
    assert 0 < answered <= 1


# --- closed airspace, fleets, ramps, years ---------------------------------------------------


def test_belarus_and_crimea_umbrellas_close_airspace_whatever_the_stand_off(
    theatre: Theatre,
) -> None:
    open_sky = forbidden_for(theatre, 0.0)
    for place in ("rivne-npp", "odesa"):  # 20 km from Belarus; 185 km from Crimea
        spot = theatre.place(place)
        assert open_sky.contains(shapely.Point(spot.longitude, spot.latitude)), place
    spot = theatre.place("vinnytsia")
    assert not open_sky.contains(shapely.Point(spot.longitude, spot.latitude))
    wide = forbidden_for(theatre, 200.0)
    mykolaiv = theatre.place("mykolaiv")  # 60 km from occupied Kherson oblast
    assert wide.contains(shapely.Point(mykolaiv.longitude, mykolaiv.latitude))


def test_a_pledge_above_the_fleet_or_the_ramp_is_flagged_and_capped(theatre: Theatre) -> None:
    package = _package(
        theatre,
        "  - {id: big, actor: ROU, instrument: air_policing,"
        " aircraft: [{type: f16, base: LRFT, count: 30}, {type: f16, base: LRCK, count: 30}]}\n"
        "  - {id: crowded, actor: POL, instrument: air_policing,"
        " aircraft: [{type: f16, base: EPMM, count: 40}]}\n",
    )
    result = fielded(air_pledges(theatre, package), shipped_data())
    flagged = {(row["check"], row["subject"]) for row in result.flagged}
    # 60 pledged from Romania's own bases; of its 38 F-16s it can commit 38 x 0.75 = 28.5
    assert ("deployable", "f16 of ROU") in flagged
    assert ("ramp", "EPMM") in flagged  # 40 at a 24-aircraft base
    assert result.counts[:2].sum() == pytest.approx(28.5)
    assert result.counts[2] == pytest.approx(24)
    section = air.assess(theatre, package, cell_km=40.0)
    assert float(section.metric("aircraft_pledged").value[0]) == 100  # flagged, not refused
    assert float(section.metric("aircraft_fieldable").value[0]) == pytest.approx(52.5)
    assert "limit(s) exceeded" in section.verdict


def test_time_on_station_comes_from_fuel_and_transit_and_keeps_the_fact_sheet_cap() -> None:
    f16 = next(t for t in shipped_data().types if t.id == "f16")
    assert f16.sortie_endurance_h is not None
    transit = 605 / 850  # Rzeszów to Kyiv at cruise
    reserve = air.WORLD_PARAMETERS["reserve_h"].value
    tos = float(time_on_station_h(f16.sortie_endurance_h.value, transit, reserve))
    assert tos == pytest.approx(3.2 - 2 * transit - 0.25)
    assert 1.3 <= tos <= 1.7  # the fact sheet's 1.5 h on station
    at_70 = float(cap_aircraft_required(transit, tos, 180, 4.76, 0.70, aircraft_per_station=2))
    assert 16 <= at_70 <= 23  # fact sheet B3
    refuelled = float(time_on_station_h(3.2, 1.5, 0.25, refuelled=True, extension_h=1.0))
    assert refuelled == pytest.approx(3.2 - 3.0 - 0.25 + 1.0)  # short on fuel, saved by a tanker
    assert float(time_on_station_h(3.2, 2.0, 0.25)) == 0.0  # out of reach on fuel


def test_years_of_patrols_take_more_hours_and_pilots_than_the_patrol_aircraft_sustain(
    sky_section: Section,
) -> None:
    value = {m.name: float(m.value[0]) for m in sky_section.metrics}
    rows = sky_section.tables["sustainment"]
    assert value["flying_hours_per_year"] == pytest.approx(
        sum(row["flying_hours_per_year"] for row in rows), rel=1e-3
    )
    assert (
        value["flying_hours_per_aircraft_year"] > air.WORLD_PARAMETERS["airframe_hours_year"].value
    )
    assert value["pilots_required"] > value["pilots_available"]
    assert value["aircraft_required_to_sustain"] > value["aircraft_required"]
    assert value["flying_cost_usd_bn_per_year"] > 0


# --- views ----------------------------------------------------------------------------------


def test_cli_prints_leakers_per_city_and_the_curve_and_json_has_them() -> None:
    runner = CliRunner()
    text = runner.invoke(
        app, ["air", "sky-shield-2025", "--raid", "kyiv-2025-09-28", "--cell-km", "40"]
    )
    assert text.exit_code == 0, text.output
    assert "leakers per target" in text.output
    assert "Marginal value" in text.output
    out = runner.invoke(
        app, ["air", "sky-shield-2025", "--raid", "kyiv-2025-09-28", "--cell-km", "40", "--json"]
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    tables = data["tables"]
    assert {row["target"] for row in tables["raid_targets"]} >= {"kyiv", "lviv", "kharkiv"}
    assert len(tables["marginal_value"]) == 21
    assert "kyiv-2025-09-28" in data["verdict"]


def test_cli_refuses_an_unknown_raid_with_a_located_error() -> None:
    result = CliRunner().invoke(app, ["air", "sky-shield-2025", "--raid", "no-such-night"])
    assert result.exit_code == 1
    assert "--raid" in result.output and "lutsk-2025-07-09" in result.output
    assert "Traceback" not in result.output


def test_the_marginal_value_chart_draws_the_curve(sky_section: Section) -> None:
    figure = marginal_value_chart(sky_section)
    assert figure is not None
    median = figure["data"][-1]
    assert median["x"] == [row["aircraft"] for row in sky_section.tables["marginal_value"]]
    assert median["y"] == [row["leakers"] for row in sky_section.tables["marginal_value"]]
    assert figure["data"][1]["fill"] == "tonexty"  # the 5-95 % band


def test_the_web_page_of_an_assessment_charts_the_marginal_value_curve(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from guarantor.web import create_app

    client = TestClient(create_app(stores=tmp_path, allowed_hosts=["testserver"]))
    page = client.get("/assess?package=sky-shield-2025&worlds=4&seed=2")
    assert page.status_code == 200
    assert '"id": "marginal-value"' in page.text or '"id":"marginal-value"' in page.text
