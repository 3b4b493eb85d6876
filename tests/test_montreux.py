"""The Montreux Convention as rules: littoral vs other states, the closure, tonnage and ships."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from guarantor.instruments.maritime.data import MontreuxRules, load_maritime
from guarantor.instruments.maritime.montreux import Deployment, Rule, Straits, rule, rule_worlds

RULES: MontreuxRules = load_maritime().file.montreux
OPEN = Straits(closed=False)
CLOSED = Straits(closed=True)


def frigates(
    actor: str,
    count: int,
    *,
    littoral: bool = False,
    in_black_sea: bool = True,
    commitment: str | None = None,
    tonnes: float = 4500.0,
) -> Deployment:
    return Deployment(
        commitment=commitment or f"{actor.lower()}-frigates",
        actor=actor,
        littoral=littoral,
        ship_type="frigate",
        count=count,
        displacement_t=tonnes,
        in_black_sea=in_black_sea,
    )


def test_the_shipped_rules_carry_the_conventions_numbers() -> None:
    assert RULES.tonnage_limit_t.value == 30_000
    assert RULES.raised_tonnage_limit_t.value == 45_000
    assert RULES.max_ships.value == 9
    assert RULES.max_stay_days.value == 21
    assert RULES.max_vessel_t.value == 10_000
    assert (RULES.notice_days.value, RULES.notice_days_non_littoral.value) == (8, 15)
    assert RULES.closure_date == "2022-02-27"


def test_littoral_warships_stay_in_the_black_sea_even_while_the_straits_are_closed() -> None:
    ruling = rule(
        [frigates("TUR", 6, littoral=True), frigates("ROU", 3, littoral=True)], RULES, CLOSED
    )
    assert ruling.violations == ()
    assert ruling.allowed == (6, 3)
    assert ruling.ships_barred == 0
    assert ruling.notice_days == 0


def test_british_frigates_in_the_black_sea_break_the_closure_and_the_rest_remains() -> None:
    deployments = [frigates("GBR", 2), frigates("TUR", 4, littoral=True)]
    ruling = rule(deployments, RULES, CLOSED)
    [violation] = ruling.violations
    assert violation.rule is Rule.CLOSURE
    assert violation.commitment == "gbr-frigates"
    assert violation.since == "2022-02-27"
    assert "Art. 19" in violation.article
    assert violation.ships_barred == 2
    assert ruling.allowed == (0, 4)
    statuses = {row["commitment"]: row["status"] for row in ruling.commitments()}
    assert statuses == {"gbr-frigates": "barred", "tur-frigates": "remains"}
    remaining = {row["commitment"]: row["ships_remaining"] for row in ruling.commitments()}
    assert remaining == {"gbr-frigates": 0, "tur-frigates": 4}


def test_non_littoral_ships_kept_outside_the_black_sea_break_nothing() -> None:
    ruling = rule([frigates("GBR", 12, in_black_sea=False)], RULES, CLOSED)
    assert ruling.violations == ()
    assert ruling.ships_allowed == 0
    assert ruling.ships_barred == 0


def test_without_the_closure_the_aggregate_tonnage_limit_binds_at_30000_t() -> None:
    ruling = rule([frigates("GBR", 4), frigates("FRA", 3)], RULES, OPEN)
    # 4 × 4,500 = 18,000 t; two French frigates bring it to 27,000 t, a third would be 31,500 t
    assert ruling.allowed == (4, 2)
    [violation] = ruling.violations
    assert violation.rule is Rule.TONNAGE
    assert violation.article == "Art. 18(1)"
    assert violation.commitment == "fra-frigates"
    assert violation.ships_barred == 1
    assert {row["commitment"]: row["status"] for row in ruling.commitments()} == {
        "gbr-frigates": "remains",
        "fra-frigates": "partly barred",
    }


def test_the_raised_limit_of_45000_t_admits_more_tonnage() -> None:
    ruling = rule(
        [frigates("GBR", 4), frigates("FRA", 3)], RULES, Straits(closed=False, raised_limit=True)
    )
    assert ruling.allowed == (4, 3)
    assert ruling.violations == ()
    assert rule([frigates("GBR", 11)], RULES, Straits(closed=False, raised_limit=True)).allowed == (
        9,
    )


def test_at_most_nine_non_littoral_ships() -> None:
    boats = Deployment("nld-boats", "NLD", False, "patrol-boat", 12, 200.0)
    ruling = rule([boats], RULES, OPEN)
    assert ruling.allowed == (9,)
    [violation] = ruling.violations
    assert violation.rule is Rule.SHIPS
    assert violation.article == "Art. 14"
    assert violation.ships_barred == 3


def test_ships_above_10000_t_are_not_light_surface_vessels() -> None:
    cruiser = frigates("USA", 1, tonnes=12_000.0, commitment="us-cruiser")
    ruling = rule([cruiser, frigates("GBR", 1)], RULES, OPEN)
    assert ruling.allowed == (0, 1)
    assert [v.rule for v in ruling.violations] == [Rule.VESSEL_SIZE]


def test_a_stay_beyond_21_days_is_reported_but_the_ships_remain_if_rotated() -> None:
    ruling = rule([frigates("GBR", 2)], RULES, Straits(closed=False, stay_days=30))
    assert ruling.allowed == (2,)
    [violation] = ruling.violations
    assert violation.rule is Rule.STAY
    assert violation.ships_barred == 0
    assert ruling.commitments()[0]["status"] == "remains if rotated"
    assert rule([frigates("GBR", 2)], RULES, Straits(closed=False, stay_days=21)).violations == ()


def test_a_non_littoral_transit_needs_15_days_notice() -> None:
    assert rule([frigates("GBR", 1)], RULES, OPEN).notice_days == 15
    assert rule([frigates("TUR", 1, littoral=True)], RULES, OPEN).notice_days == 0


def test_closure_as_a_world_flag_gives_one_ruling_per_scenario() -> None:
    deployments = [frigates("GBR", 2), frigates("TUR", 4, littoral=True)]
    closed = np.array([1.0, 0.0, 1.0, 0.0, 0.0])
    raised = np.zeros(5)
    stay = np.array([21.0, 21.0, 21.0, 40.0, 21.0])
    worlds = rule_worlds(deployments, RULES, closed, raised, stay)
    assert len(worlds.rulings) == 3
    np.testing.assert_array_equal(worlds.violations, [1, 0, 1, 1, 0])
    np.testing.assert_array_equal(worlds.ships_barred, [2, 0, 2, 0, 0])
    np.testing.assert_array_equal(worlds.allowed, [[0, 2, 0, 2, 2], [4, 4, 4, 4, 4]])


deployment_strategy = st.builds(
    Deployment,
    commitment=st.sampled_from(["a", "b", "c"]),
    actor=st.sampled_from(["GBR", "TUR", "FRA"]),
    littoral=st.booleans(),
    ship_type=st.sampled_from(["frigate", "corvette"]),
    count=st.integers(0, 40),
    displacement_t=st.floats(0.0, 20_000.0),
    in_black_sea=st.booleans(),
)


@given(
    st.lists(deployment_strategy, max_size=8),
    st.booleans(),
    st.booleans(),
    st.floats(0.0, 100.0),
)
def test_rulings_never_let_more_in_than_the_rules_allow(
    deployments: list[Deployment], closed: bool, raised: bool, stay: float
) -> None:
    straits = Straits(closed, raised, stay)
    ruling = rule(deployments, RULES, straits)
    limit = 45_000 if raised else 30_000
    foreign = [
        (d, allowed)
        for d, allowed in zip(deployments, ruling.allowed, strict=True)
        if not d.littoral and d.in_black_sea
    ]
    assert all(
        0 <= allowed <= d.count for d, allowed in zip(deployments, ruling.allowed, strict=True)
    )
    assert sum(allowed * d.displacement_t for d, allowed in foreign) <= limit + 1e-6
    assert sum(allowed for _, allowed in foreign) <= 9
    if closed:
        assert all(allowed == 0 for _, allowed in foreign)
    assert all(
        allowed == d.count
        for d, allowed in zip(deployments, ruling.allowed, strict=True)
        if d.littoral or not d.in_black_sea
    )
    assert ruling.ships_barred == sum(v.ships_barred for v in ruling.violations)


@pytest.mark.parametrize("closed", [True, False])
def test_rule_worlds_agrees_with_rule_in_every_world(closed: bool) -> None:
    deployments = [frigates("GBR", 5), frigates("FRA", 5), frigates("ROU", 2, littoral=True)]
    worlds = rule_worlds(
        deployments,
        RULES,
        np.array([float(closed)] * 3),
        np.array([0.0, 1.0, 0.0]),
        np.array([10.0, 10.0, 50.0]),
    )
    for index, (raised, stay) in enumerate([(False, 10.0), (True, 10.0), (False, 50.0)]):
        single = rule(deployments, RULES, Straits(closed, raised, stay))
        assert worlds.violations[index] == len(single.violations)
        assert tuple(worlds.allowed[:, index]) == single.allowed
