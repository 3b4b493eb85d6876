"""The sea's channels: damage by port group, war-risk insurance, convoys, blockade, navies."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guarantor.instruments import maritime
from guarantor.instruments.maritime import convoys, insurance
from guarantor.packages import Package, load_package, parse_package
from guarantor.theatre import DEFAULT_THEATRE, Theatre, load_theatre

ESCORTS = """
name: escorts
title: Escorts
theatre: ukraine-2025
commitments:
  - id: littoral-escorts
    actor: TUR
    instrument: maritime_security
    ships: [{type: frigate, count: 12}, {type: corvette, count: 8}, {type: minehunter, count: 4}]
"""


@pytest.fixture(scope="module")
def theatre() -> Theatre:
    return load_theatre(DEFAULT_THEATRE)


@pytest.fixture(scope="module")
def paris(theatre: Theatre) -> Package:
    return load_package("paris-declaration-2026", theatre)


def defaults(**values: float) -> dict[str, np.ndarray]:
    p = maritime.parameters(None)
    return {**p, **{k: np.array([v], dtype=np.float64) for k, v in values.items()}}


# --- port groups ---------------------------------------------------------------------------------


def test_each_port_group_has_its_own_damage_rate_and_ship_size(
    theatre: Theatre, paris: Package
) -> None:
    section = maritime.assess(theatre, paris)
    groups = {row["group"]: row for row in section.tables["port_groups"]}
    assert set(groups) == {"greater-odesa", "danube"}
    odesa, danube = groups["greater-odesa"], groups["danube"]
    assert danube["damage_per_call"] < odesa["damage_per_call"] / 5
    # Greater Odesa in the corridor years: about 220 calls and 1.6 damaged a month
    assert 150 <= odesa["ship_calls_per_month"] <= 290
    assert 0.9 <= odesa["ships_damaged_per_month"] <= 2.4
    total = section.metric("ships_damaged_per_month").value[0]
    assert total == pytest.approx(
        odesa["ships_damaged_per_month"] + danube["ships_damaged_per_month"], abs=0.02
    )
    assert total < 2.5  # was 3.85 with one rate for every group


def test_the_corridor_records_premium_calls_and_damage_fall_inside_the_model(
    theatre: Theatre,
) -> None:
    rows = {r["observed"]: r for r in maritime.record_check(theatre, "corridor", n=20_000)}
    for name in ("ship_calls_per_month", "ships_damaged_per_month", "war_risk_premium"):
        assert rows[name]["inside"], rows[name]
    premium = rows["war_risk_premium"]
    # the published corridor range, 0.7 % to 3 % of hull value, holds the model's middle
    assert 0.007 <= premium["model_p50"] <= 0.03


# --- insurance -----------------------------------------------------------------------------------


def test_the_corridor_damage_rate_prices_a_premium_near_one_percent() -> None:
    p = defaults()
    premium = insurance.market_premium(p, np.array([0.0072]))
    assert 0.007 <= premium[0] <= 0.012
    assert insurance.market_premium(p, np.array([0.0]))[0] == pytest.approx(0.001)


@given(st.lists(st.floats(0.0, 0.1), min_size=2, max_size=20))
@settings(max_examples=50, deadline=None)
def test_participation_falls_as_premiums_rise(risks: list[float]) -> None:
    p = defaults()
    ordered = np.sort(np.asarray(risks))
    premium = insurance.market_premium(
        {k: np.full(ordered.size, v[0]) for k, v in p.items()}, ordered
    )
    paid = insurance.effective_premium(
        {k: np.full(ordered.size, v[0]) for k, v in p.items()}, premium
    )
    share = insurance.participation({k: np.full(ordered.size, v[0]) for k, v in p.items()}, paid)
    assert np.all(np.diff(premium) >= 0)
    assert np.all(np.diff(share) <= 1e-12)
    assert np.all((share >= 0) & (share <= 1))


def test_the_state_facility_lowers_what_owners_pay_up_to_its_cap() -> None:
    premium = np.array([0.01])
    with_facility = insurance.effective_premium(defaults(), premium)[0]
    without = insurance.effective_premium(defaults(insurance_facility=0), premium)[0]
    big_ship = insurance.effective_premium(defaults(hull_value_usd_m=100), premium)[0]
    assert without == pytest.approx(0.01)
    assert with_facility == pytest.approx(0.01 / 3, rel=0.01)  # hull of $30m under the $50m cap
    assert with_facility < big_ship < without  # half a $100m hull is insured in the market


def test_the_packages_protection_lowers_the_premium(theatre: Theatre) -> None:
    section = maritime.assess(theatre, parse_package(ESCORTS, "e.yaml", theatre))
    protected = section.metric("war_risk_premium_share").value[0]
    bare = section.metric("war_risk_premium_unprotected_share").value[0]
    assert protected < bare


# --- blockade ------------------------------------------------------------------------------------


def test_a_declared_blockade_raises_damage_and_premiums_and_cuts_traffic(
    theatre: Theatre, paris: Package
) -> None:
    calm = maritime.assess(theatre, paris)
    blockade = maritime.assess(theatre, paris, {"blockade": np.array([1.0])})
    assert (
        blockade.metric("war_risk_premium_share").value[0]
        > calm.metric("war_risk_premium_share").value[0]
    )
    assert (
        blockade.metric("owners_participation").value[0]
        < calm.metric("owners_participation").value[0]
    )
    assert (
        blockade.metric("throughput_mt_per_month").value[0]
        < calm.metric("throughput_mt_per_month").value[0]
    )


# --- convoys -------------------------------------------------------------------------------------


def test_a_convoy_plan_follows_its_equations() -> None:
    p = defaults(
        convoy_escorts_per_convoy=2,
        convoy_ships_per_convoy=8,
        convoy_turnaround_h=12,
        merchant_speed_kn=12.5,
    )
    schedule = convoys.plan(p, np.array([5.0]), 688.0)
    cycle = 2 * 688.0 / (12.5 * 1.852) + 12
    assert schedule.concurrent_convoys[0] == 2
    assert schedule.cycle_h[0] == pytest.approx(cycle)
    assert schedule.capacity_calls_per_month[0] == pytest.approx(2 * (365.25 * 24 / 12) / cycle * 8)
    assert schedule.wait_h[0] == pytest.approx(cycle / 2 / 2)
    none = convoys.plan(p, np.array([1.0]), 688.0)
    assert not none.runs[0]


def test_convoys_protect_every_ship_but_cost_throughput_when_escorts_are_few(
    theatre: Theatre,
) -> None:
    section = maritime.assess(theatre, parse_package(ESCORTS, "e.yaml", theatre))
    barrier, convoy = section.tables["modes"]
    assert (barrier["mode"], convoy["mode"]) == ("station barrier", "convoys")
    assert convoy["convoys_at_sea"] >= 1
    assert convoy["wait_h"] > 0
    assert convoy["capacity_calls_per_month"] > 0
    # convoys carry at most their capacity
    assert convoy["ship_calls_per_month"] <= convoy["capacity_calls_per_month"] + 1e-6
    assert convoy["throughput_mt_per_month"] <= barrier["throughput_mt_per_month"] + 1e-6
    more = maritime.assess(
        theatre,
        parse_package(ESCORTS, "e.yaml", theatre),
        {"convoy_ships_per_convoy": np.array([4.0, 15.0])},
    )
    carried = more.metric("convoy_throughput_mt_per_month").value
    assert carried[1] >= carried[0]  # bigger convoys carry more with the same escorts
    assert set(np.unique(more.metric("convoy_preferred").value)) <= {0.0, 1.0}


# --- navies that exist ---------------------------------------------------------------------------


def test_pledges_beyond_what_a_navy_can_commit_are_flagged_and_capped(theatre: Theatre) -> None:
    text = ESCORTS.replace("type: frigate, count: 12", "type: frigate, count: 60")
    section = maritime.assess(theatre, parse_package(text, "e.yaml", theatre))
    rows = {(r["actor"], r["ship_type"]): r for r in section.tables["navies"]}
    frigates = rows[("TUR", "frigate")]
    assert frigates["status"] == "exceeds inventory"
    assert frigates["inventory"] == 16  # European Security & Defence, May 2025
    assert frigates["can_commit"] == 8  # 16 x 0.5 in its own sea
    assert frigates["fieldable"] == 8
    assert "TUR pledges 60 frigate; it can commit about 8 in its own sea" in section.verdict
    assert rows[("TUR", "corvette")]["status"] == "exceeds what it can commit"  # 8 of 8 owned
    assert rows[("TUR", "minehunter")]["status"] == "within what it can commit"
    # 60 + 8 + 4 pledged; 8 + 4 + 4 fielded, and the model counts those, not the pledge
    assert "56 pledged ships beyond what the navies can commit" in section.verdict
    assert section.metric("ships_pledged").value[0] == 16


def test_a_package_s_feasibility_uses_the_capped_number_of_ships(theatre: Theatre) -> None:
    within = ESCORTS.replace("type: frigate, count: 12", "type: frigate, count: 8")
    beyond = ESCORTS.replace("type: frigate, count: 12", "type: frigate, count: 60")
    a = maritime.assess(theatre, parse_package(within, "a.yaml", theatre))
    b = maritime.assess(theatre, parse_package(beyond, "b.yaml", theatre))
    for name in ("ships_pledged", "escort_coverage_share", "throughput_mt_per_month"):
        assert b.metric(name).value[0] == a.metric(name).value[0]


def test_nations_without_inventory_data_are_listed_as_unchecked(theatre: Theatre) -> None:
    text = ESCORTS.replace("actor: TUR", "actor: GEO")  # Georgia: not in the coalition's data
    section = maritime.assess(theatre, parse_package(text, "e.yaml", theatre))
    assert {r["status"] for r in section.tables["navies"]} == {"no inventory data"}
    assert section.metric("ships_pledged").value[0] == 24  # unchecked pledges are kept


# --- hand-over -----------------------------------------------------------------------------------


def test_the_share_of_sea_probes_answered_grows_with_the_ships(theatre: Theatre) -> None:
    shares = []
    for count in (0, 4, 12, 40):
        text = ESCORTS.replace("type: frigate, count: 12", f"type: frigate, count: {count}")
        section = maritime.assess(theatre, parse_package(text, "e.yaml", theatre))
        shares.append(float(section.metric("sea_probes_answered_share").value[0]))
    assert shares == sorted(shares)
    assert 0 < shares[0] < shares[-1] < 1
