"""The coalition as it is: membership as reported, inventories, what nations can deploy, who
could fill a package's shortfall, and the views (command line, web API) of the same rows."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from guarantor.cli import app
from guarantor.coalition import aircraft, load_data, shipped_data, ships, troops, who_could_give
from guarantor.coalition.model import DATA_FILE, Mandate
from guarantor.coalition.views import rows, summary
from guarantor.errors import DataError
from guarantor.instruments import air, land, maritime
from guarantor.instruments.air.data import shipped_data as air_data
from guarantor.instruments.air.fleet import fielded
from guarantor.instruments.air.pledges import air_pledges
from guarantor.instruments.maritime import navies
from guarantor.instruments.maritime.montreux import Deployment
from guarantor.packages import Package, load_package, parse_package
from guarantor.section import Section
from guarantor.theatre import Theatre, load_theatre
from guarantor.yamlio import load_yaml

SHIPPED = Path(__file__).resolve().parents[1] / "src" / "guarantor"


def _unflagged(data: object, covered: bool = False) -> int:
    """Numbers whose nearest mapping has neither a source nor an assumption with a range (the
    rule of tests/test_sourced_or_flagged.py)."""
    if isinstance(data, bool) or data is None or isinstance(data, str):
        return 0
    if isinstance(data, (int, float)):
        return 0 if covered else 1
    if isinstance(data, dict):
        here = bool(data.get("source")) or (
            bool(data.get("assumption")) and "low" in data and "high" in data
        )
        return sum(
            _unflagged(v, here) for k, v in data.items() if k not in {"sources", "date", "as_of"}
        )
    if isinstance(data, list):
        return sum(_unflagged(item, covered) for item in data)
    return 0


EU_BUT_THREE = {
    "AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC",
    "IRL", "ITA", "LVA", "LTU", "LUX", "NLD", "POL", "PRT", "ROU", "SVN", "ESP", "SWE",
}  # fmt: skip
"""The 24 EU states at Paris: all but Hungary, Malta and Slovakia (Cyprus Mail, 5 Jan 2026)."""
NON_EU = {"AUS", "CAN", "ISL", "JPN", "NZL", "NOR", "TUR", "GBR"}
LEADERS = [
    "FRA", "GBR", "DEU", "ALB", "BEL", "BGR", "CAN", "HRV", "DNK", "ESP", "EST", "FIN", "GRC",
    "ISL", "ITA", "LVA", "LTU", "LUX", "NOR", "NLD", "PRT", "ROU", "SVN", "SWE", "CZE", "POL",
    "UKR",
]  # fmt: skip
"""European Pravda's list of the 27 states at leader level, in its order (6 Jan 2026)."""


@pytest.fixture(scope="module")
def theatre() -> Theatre:
    return load_theatre()


@pytest.fixture(scope="module")
def paris(theatre: Theatre) -> Package:
    return load_package("paris-declaration-2026", theatre)


def _package(theatre: Theatre, commitments: str) -> Package:
    return parse_package(f"name: t\ntitle: T\ncommitments:\n{commitments}", "t.yaml", theatre)


# --- membership as reported ---------------------------------------------------------------------


def test_the_count_and_membership_match_the_paris_summit_report() -> None:
    data = shipped_data()
    m = data.membership
    assert m.as_of == "2026-01-06"
    assert m.count.value == 35 and len(set(data.members)) == 35
    assert list(m.leaders) == LEADERS and m.leader_level.value == 27
    # the Cyprus Mail composition plus Albania, Montenegro and Ukraine makes the 35
    assert set(data.members) == EU_BUT_THREE | NON_EU | {"ALB", "MNE", "UKR"}
    assert set(m.outside) == {"HUN", "SVK", "MLT"}
    assert not set(m.outside) & set(data.members)
    cited = data.sources[m.leaders_source]
    assert (cited.date, cited.outlet.split(" ")[0]) == ("2026-01-06", "European")
    assert data.sources[m.others_source].date == "2026-01-05"


def test_the_theatre_s_coalition_flags_agree_with_the_membership(theatre: Theatre) -> None:
    data = shipped_data()
    for actor in theatre.data.actors:
        if actor.kind == "bloc" or actor.id in {"RUS", "CHN", "BLR", "MDA", "GEO"}:
            continue
        flagged = bool(getattr(actor, "coalition_of_the_willing", False))
        assert flagged == data.is_member(actor.id), actor.id


def test_every_coalition_figure_is_sourced_or_flagged() -> None:
    # the repository-wide check walks YAML files under a `data` folder: this is one
    assert DATA_FILE.resolve() in {p.resolve() for p in SHIPPED.rglob("data/*.yaml")}
    raw, _ = load_yaml(DATA_FILE)
    assert _unflagged(raw) == 0
    data = shipped_data()
    quantities = [
        q
        for nation in data.nations.values()
        for group in (nation.aircraft, nation.tankers, nation.aew, nation.ships)
        for q in group.values()
    ]
    assert len(quantities) > 90
    for q in quantities:
        assert q.source is not None or (q.low is not None and q.high is not None)


def test_the_air_sea_and_land_inventories_have_one_home(theatre: Theatre) -> None:
    # the instruments' data files no longer carry fleets, navies or armies of their own
    for name in ("air", "maritime", "land"):
        raw, _ = load_yaml(Path(air.__file__).parent.parent / name / "data.yaml")
        assert not {"inventories", "navies", "contributors"} & set(raw)
    assert land.load_data().policy("GBR") is shipped_data().nations["GBR"].land


def test_how_each_state_decides_follows_the_bundestag_survey() -> None:
    nations = shipped_data().nations
    prior = {"DNK", "IRL", "EST", "LVA", "LTU", "AUT", "SWE", "ESP", "TUR", "CYP"}
    assert {a for a in prior if nations[a].decides.mandate is Mandate.PRIOR} == prior
    assert nations["FRA"].decides.mandate is Mandate.SUBSEQUENT
    assert nations["DEU"].decides.mandate is Mandate.PRIOR
    assert nations["GBR"].decides.parliament_needed  # a Commons vote by convention
    assert not nations["POL"].decides.parliament_needed


def test_a_broken_coalition_file_names_file_line_and_field(tmp_path: Path) -> None:
    text = DATA_FILE.read_text(encoding="utf-8")
    broken = text.replace("leaders_source: eurointegration-2026-01-06", "leaders_source: nowhere")
    broken = broken.replace(
        "rafale: {value: 143, unit: aircraft, source: meta-defense",
        "rafale: {value: -1, unit: aircraft, source: missing",
    )
    path = tmp_path / "coalition.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_data(path)
    fields = {problem.field for problem in caught.value.problems}
    assert "nations.FRA.aircraft.rafale.source" in fields
    assert all(problem.line for problem in caught.value.problems if problem.field != "")


# --- what a nation can deploy -------------------------------------------------------------------


def test_france_can_sustain_about_17_rafale_abroad_of_its_143() -> None:
    figure = aircraft("FRA", "rafale")
    assert figure is not None
    assert figure.quantity == pytest.approx(143 * 0.35 / 3)
    assert (figure.low, figure.high) == pytest.approx((143 * 0.25 / 4, 143 * 0.5 / 2.5))
    line = figure.describe(40)
    assert line.startswith("FRA pledges 40 rafale; it can sustain about 17 abroad (9-29)")


def test_the_check_against_real_deployments_holds() -> None:
    # France kept 14 Rafale on Operation Chammal in 2016-17 (Journal de l'Aviation); the UK
    # sent 6 Typhoons to Romania in 2024 for four months beside its other tasks (Military Leak)
    france = aircraft("FRA", "rafale")
    britain = aircraft("GBR", "typhoon")
    assert france is not None and britain is not None
    assert france.low <= 14 <= france.high and abs(france.quantity - 14) / 14 < 0.25
    assert britain.quantity >= 6


def test_a_host_nation_commits_more_from_home_than_it_could_sustain_abroad() -> None:
    home, abroad = aircraft("POL", "f16", at_home=True), aircraft("POL", "f16")
    assert home is not None and abroad is not None
    assert home.quantity == pytest.approx(48 * 0.75) and home.quantity > abroad.quantity


def test_every_figure_lies_in_its_range_and_within_the_inventory() -> None:
    data = shipped_data()
    for actor, nation in data.nations.items():
        for kind in (*nation.aircraft, *nation.ships):
            for home in (False, True):
                figure = aircraft(actor, kind, at_home=home) or ships(actor, kind, at_home=home)
                assert figure is not None
                assert figure.low <= figure.quantity <= figure.high <= figure.inventory + 1e-9


@settings(max_examples=40, deadline=None)
@given(pool=st.floats(0.01, 1.0))
def test_troops_sustained_grow_with_the_pool_and_never_exceed_it(pool: float) -> None:
    uk = troops("GBR", pool_share=pool, pool_range=(pool, pool))
    assert uk.quantity == pytest.approx(71_000 * pool / 5)  # 6-month tours, 24 months' dwell
    assert uk.quantity <= 71_000 * pool


# --- pledges above what a nation can deploy are flagged and capped -----------------------------


def test_a_5000_f16_pledge_is_flagged_and_capped_with_the_figure(theatre: Theatre) -> None:
    package = _package(
        theatre,
        "  - {id: big, actor: POL, instrument: air_policing,"
        " aircraft: [{type: f16, base: EPLK, count: 200}]}\n",
    )
    result = fielded(air_pledges(theatre, package), air_data(), np.array([5000.0]))
    [row] = [r for r in result.flagged if r["check"] == "deployable"]
    assert row["pledged"] == 5000 and row["limit"] == pytest.approx(36)
    assert row["derivation"].startswith("POL pledges 5,000 f16; it can sustain about 36 from home")
    assert result.counts[0] == pytest.approx(36)


def test_the_air_model_computes_on_what_can_be_fielded(theatre: Theatre) -> None:
    def section(count: int) -> Section:
        return air.assess(
            theatre,
            _package(
                theatre,
                "  - {id: ro, actor: ROU, instrument: air_policing, cap_stations: [odesa],"
                f" aircraft: [{{type: f16, base: LRFT, count: {count}}}]}}\n",
            ),
            cell_km=60.0,
        )

    big, capped = section(200), section(29)  # 38 x 0.75 = 28.5 either way
    assert big.metric("aircraft_pledged").value[0] == 200
    assert "ROU pledges 200 f16; it can sustain about 28 from home (23-34)" in big.verdict
    for name in ("aircraft_fieldable", "cap_stations_sustained", "area_within_60_min_km2"):
        np.testing.assert_allclose(big.metric(name).value, capped.metric(name).value)


def test_a_500_frigate_pledge_is_flagged_and_capped_with_the_figure() -> None:
    pledge = Deployment("c", "TUR", True, "frigate", 500, 3000.0)
    [after], [row] = navies.capped([pledge])
    assert after.count == 8  # 16 frigates x 0.5 in its own sea
    assert row["status"] == "exceeds inventory" and row["flagged"]
    assert row["derivation"].startswith("TUR pledges 500 frigate; it can commit about 8")
    far = Deployment("c", "GBR", False, "frigate", 500, 3000.0)
    [after], [row] = navies.capped([far])
    assert after.count == 4  # 6 destroyers and 8 frigates x 0.33, far from home


# --- who could give what ------------------------------------------------------------------------


def test_who_could_fill_the_paris_packages_shortfalls_names_only_nations_that_have_it(
    theatre: Theatre, paris: Package
) -> None:
    data = shipped_data()
    sea = maritime.assess(theatre, paris)
    [escorts] = [r for r in sea.tables["shortfall"] if r["capability"] == "escorts"]
    assert escorts["shortfall"] > 0
    named = {r["actor"] for r in sea.tables["who_could_fill"] if r["capability"] == "escorts"}
    assert {"TUR", "ROU", "BGR", "FRA", "GBR", "ITA"} <= named
    escort_navies = {
        a for a, n in data.nations.items() if {"destroyer", "frigate", "corvette"} & set(n.ships)
    }
    assert named <= escort_navies
    assert not named & {"AUT", "CZE", "LUX", "ISL", "IRL", "HUN", "UKR"}
    rows_ = [r for r in sea.tables["who_could_fill"] if r["capability"] == "escorts"]
    assert [r["black_sea_littoral"] for r in rows_[:3]] == [True, True, True]  # home first

    sky = air.assess(theatre, paris, cell_km=60.0)
    [fighters] = sky.tables["shortfall"]
    assert fighters["shortfall"] > 0
    flyers = {r["actor"] for r in sky.tables["who_could_fill"]}
    assert {"FRA", "POL", "ROU", "USA"} <= flyers
    assert not flyers & {"EST", "LVA", "LTU", "ISL", "LUX", "IRL", "CYP", "NZL", "HUN"}
    assert all(data.nations[a].aircraft for a in flyers)
    covering = [r for r in sky.tables["who_could_fill"] if r["covers_shortfall"]]
    assert sum(r["could_still_offer"] for r in covering) >= fighters["shortfall"]


def test_a_state_that_ruled_a_force_out_is_not_offered_for_it() -> None:
    offered = {r["actor"] for r in who_could_give("troops", 10_000, {})}
    assert "USA" not in offered  # no US ground troops (Paris, 6 Jan 2026)
    assert {"TUR", "POL", "FRA", "GBR", "DEU"} <= offered
    spare = {r["actor"]: r["could_still_offer"] for r in who_could_give("troops", 1, {"GBR": 4000})}
    assert spare["GBR"] == pytest.approx(4260 - 4000)


def test_the_land_section_describes_each_pledge_and_its_shortfall_in_brigades(
    theatre: Theatre, paris: Package
) -> None:
    section = land.assess(theatre, paris)
    lines = {row["actor"]: row["derivation"] for row in section.tables["commitments"]}
    assert lines["GBR"].startswith("GBR pledges 7,500 troops; it can sustain about 4,260 abroad")
    [short] = section.tables["shortfall"]
    assert short["brigades"] == pytest.approx(short["shortfall"] / 5000, abs=0.05)


# --- views ------------------------------------------------------------------------------------


def test_the_command_lists_every_state_and_prints_json() -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["coalition", "--json"])
    assert result.exit_code == 0, result.output
    facts = json.loads(result.output)
    assert facts["members_reported"] == 35 == facts["members_listed"]
    assert [n["actor"] for n in facts["nations"]][:3] == ["FRA", "GBR", "DEU"]
    assert facts == json.loads(json.dumps(summary()))
    text = runner.invoke(app, ["coalition", "--actor", "fra"])
    assert text.exit_code == 0 and "Constitution, article 35" in " ".join(text.output.split())


def test_the_command_refuses_bad_input_with_a_located_error(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(app, ["coalition", "--actor", "XXX"])
    assert missing.exit_code == 1 and "--actor" in missing.output
    assert "Traceback" not in missing.output
    bad = tmp_path / "c.yaml"
    bad.write_text("sources: {}\nmembership: 3\nnations: {}\n", encoding="utf-8")
    broken = runner.invoke(app, ["coalition", "--data", str(bad)])
    assert broken.exit_code == 1 and "c.yaml" in broken.output and "membership" in broken.output


def test_rows_carry_inventory_capacity_and_mandate() -> None:
    by_actor = {row["actor"]: row for row in rows()}
    assert len(by_actor) == 37  # 35 members, the United States and Hungary
    fra = by_actor["FRA"]
    assert fra["combat_aircraft"]["rafale"] == 143 and fra["member"]
    assert fra["fighters_sustainable_abroad"] == pytest.approx((143 + 106) * 0.35 / 3, abs=0.1)
    assert not by_actor["USA"]["member"] and by_actor["USA"]["rules_out"]
    assert by_actor["ISL"]["combat_aircraft_total"] == 0
