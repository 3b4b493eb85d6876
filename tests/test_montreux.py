"""The Montreux Convention article by article: categories, Arts. 10-21, Türkiye's policy."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from guarantor.instruments.maritime.data import MontreuxRules, load_maritime
from guarantor.instruments.maritime.montreux import (
    Category,
    Deployment,
    Rule,
    Scenario,
    Straits,
    rule,
    rule_worlds,
)

RULES: MontreuxRules = load_maritime().file.montreux
OPEN = Straits(scenario=Scenario.OPEN)
CLOSED = Straits(scenario=Scenario.CLOSED)
WAR_WITHOUT_POLICY = Straits(scenario=Scenario.CLOSED, turkey_policy=False)
TURKEY_AT_WAR = Straits(scenario=Scenario.TURKEY_BELLIGERENT)


def ships(
    actor: str,
    count: int,
    *,
    kind: str = "frigate",
    littoral: bool = False,
    in_black_sea: bool = True,
    commitment: str | None = None,
    tonnes: float = 3600.0,
    category: Category = Category.LIGHT_SURFACE_VESSEL,
    belligerent: bool = False,
    transits: bool | None = None,
    returning_to_base: bool = False,
    adversary: bool = False,
) -> Deployment:
    return Deployment(
        commitment=commitment or f"{actor.lower()}-{kind}",
        actor=actor,
        littoral=littoral,
        ship_type=kind,
        count=count,
        displacement_t=tonnes,
        in_black_sea=in_black_sea,
        category=category,
        belligerent=belligerent,
        transits=transits,
        returning_to_base=returning_to_base,
        turkey_adversary=adversary,
    )


def test_the_shipped_rules_carry_the_conventions_numbers() -> None:
    assert RULES.tonnage_limit_t.value == 30_000
    assert RULES.raised_tonnage_limit_t.value == 45_000
    assert RULES.max_ships.value == 9
    assert RULES.transit_tonnage_limit_t.value == 15_000
    assert RULES.one_power_share.value == pytest.approx(2 / 3, abs=1e-3)
    assert RULES.max_stay_days.value == 21
    assert RULES.max_vessel_t.value == 10_000
    assert (RULES.notice_days.value, RULES.notice_days_non_littoral.value) == (8, 15)
    assert RULES.closure_date == "2022-02-27"
    assert set(RULES.belligerents) == {"RUS", "UKR"}


def test_the_classes_the_theatre_lacks_are_there_with_their_annex_ii_category() -> None:
    classes = RULES.classes
    assert classes["aircraft-carrier"].category == "aircraft_carrier"
    assert classes["submarine"].category == "submarine"
    assert classes["destroyer"].category == "light_surface_vessel"
    assert classes["destroyer"].standard_displacement_t.value < RULES.max_vessel_t.value
    assert classes["minehunter"].category == "minor_war_vessel"
    for entry in classes.values():
        assert entry.standard_displacement_t.source or entry.standard_displacement_t.assumption


# --- the cases ---------------------------------------------------------------------------


def test_case_a_us_carrier_is_barred_by_annex_ii_and_article_10() -> None:
    carrier = RULES.classes["aircraft-carrier"].standard_displacement_t.value
    for straits in (OPEN, WAR_WITHOUT_POLICY):
        ruling = rule(
            [
                ships(
                    "USA",
                    1,
                    kind="aircraft-carrier",
                    tonnes=carrier,
                    category=Category.AIRCRAFT_CARRIER,
                )
            ],
            RULES,
            straits,
        )
        [verdict] = ruling.verdicts
        assert (verdict.admitted, verdict.status) == (0, "barred")
        assert verdict.article == "Art. 10 and Annex II"
        assert verdict.ship_type == "aircraft-carrier"
        [violation] = ruling.violations
        assert violation.rule is Rule.CATEGORY


def test_case_ten_nato_frigates_of_45000_t_meet_the_article_18_aggregate() -> None:
    # ten frigates of 4,500 t from five NATO navies, two each: 45,000 t in all
    fleet = [ships(actor, 2, tonnes=4500.0) for actor in ("USA", "GBR", "FRA", "DEU", "ITA")]
    ruling = rule(fleet, RULES, OPEN)
    assert sum(ruling.allowed) == 6  # 6 x 4,500 = 27,000 t <= 30,000 t < 7 x 4,500
    barred = [v for v in ruling.verdicts if v.barred]
    assert {v.article for v in barred} == {"Art. 18(1)(a)"}
    assert sum(v.barred for v in barred) == 4
    raised = rule(fleet, RULES, Straits(scenario=Scenario.OPEN, raised_limit=True))
    assert sum(raised.allowed) == 10  # 45,000 t is exactly the raised limit (Art. 18(1)(b))
    assert raised.violations == ()


def test_one_power_may_hold_at_most_two_thirds_of_the_aggregate() -> None:
    ruling = rule([ships("USA", 10, tonnes=4500.0)], RULES, OPEN)
    [verdict] = ruling.verdicts
    assert verdict.admitted == 4  # 20,000 t is two-thirds of 30,000 t; 4 x 4,500 = 18,000
    assert verdict.article == "Art. 18(1)(c)"


def test_case_sixteen_corvettes_pass_on_an_article_14_schedule_not_a_bar() -> None:
    ruling = rule(
        [
            ships("GBR", 8, kind="corvette", tonnes=1800.0),
            ships("FRA", 8, kind="corvette", tonnes=1800.0),
        ],
        RULES,
        OPEN,
    )
    assert sum(ruling.allowed) == 16  # 28,800 t: inside 30,000 t and each Power's 20,000 t
    assert ruling.violations == ()
    assert ruling.transit_groups == 2  # at most 9 ships and 15,000 t in transit at a time
    for verdict in ruling.verdicts:
        assert "Art. 14" in verdict.article
        assert "2 transit groups" in verdict.reason
        assert verdict.status == "passes"


def test_the_transit_schedule_is_set_by_the_15000_t_limit_when_ships_are_heavy() -> None:
    ruling = rule(
        [ships("GBR", 3, tonnes=4000.0), ships("FRA", 3, tonnes=4000.0)],
        RULES,
        Straits(scenario=Scenario.OPEN, raised_limit=True),
    )
    assert sum(ruling.allowed) == 6
    assert ruling.transit_groups == 2  # 24,000 t over 15,000 t though only six ships


def test_case_belligerents_warships_are_barred_under_article_19_except_return_to_base() -> None:
    deployments = [
        ships("RUS", 2, belligerent=True, littoral=True, transits=True, commitment="baltic"),
        ships(
            "UKR",
            2,
            kind="corvette",
            belligerent=True,
            littoral=True,
            transits=True,
            commitment="ukr-corvettes-in-turkey",
        ),
        ships(
            "RUS",
            1,
            belligerent=True,
            littoral=True,
            transits=True,
            returning_to_base=True,
            commitment="returning",
        ),
    ]
    for straits in (CLOSED, WAR_WITHOUT_POLICY):
        ruling = rule(deployments, RULES, straits)
        by_commitment = {v.commitment: v for v in ruling.verdicts}
        assert by_commitment["baltic"].admitted == 0
        assert by_commitment["baltic"].article == "Art. 19"
        assert by_commitment["ukr-corvettes-in-turkey"].admitted == 0
        assert by_commitment["ukr-corvettes-in-turkey"].article == "Art. 19"
        assert by_commitment["returning"].admitted == 1
        assert by_commitment["returning"].article == "Art. 19 (return to base)"
        assert {v.rule for v in ruling.violations} == {Rule.BELLIGERENT}


def test_non_belligerents_are_kept_out_by_turkeys_policy_not_by_article_19() -> None:
    ruling = rule([ships("GBR", 2)], RULES, CLOSED)
    [verdict] = ruling.verdicts
    [violation] = ruling.violations
    assert verdict.admitted == 0
    assert "Art. 19" not in verdict.article
    assert verdict.article == "Türkiye's policy since 2022-02-27"
    assert violation.rule is Rule.POLICY
    assert violation.since == "2022-02-27"
    # with the policy switched off, Art. 19(1) leaves non-belligerents Arts. 10-18
    assert rule([ships("GBR", 2)], RULES, WAR_WITHOUT_POLICY).allowed == (2,)


def test_with_turkey_belligerent_article_20_leaves_passage_to_turkey() -> None:
    carrier = ships(
        "USA", 1, kind="aircraft-carrier", tonnes=97000, category=Category.AIRCRAFT_CARRIER
    )
    russian = ships("RUS", 2, belligerent=True, littoral=True, transits=True, adversary=True)
    ruling = rule([ships("GBR", 12), carrier, russian], RULES, TURKEY_AT_WAR)
    gbr, usa, rus = ruling.verdicts
    assert (gbr.admitted, gbr.article) == (12, "Art. 20")  # Arts. 10-18 suspended: no 30,000 t
    assert (usa.admitted, usa.article) == (1, "Art. 20")
    assert (rus.admitted, rus.article) == (0, "Art. 20")
    threatened = rule([russian], RULES, Straits(scenario=Scenario.OPEN, turkey_threatened=True))
    assert threatened.verdicts[0].article == "Art. 21"
    assert threatened.allowed == (0,)


def test_black_sea_powers_capital_ships_and_submarines_pass_others_do_not() -> None:
    capital, submarine = Category.CAPITAL_SHIP, Category.SUBMARINE
    ruling = rule(
        [
            ships("ROU", 1, littoral=True, transits=True, tonnes=12_000.0, category=capital),
            ships("GBR", 1, tonnes=12_000.0, category=capital),
            ships("TUR", 1, kind="submarine", littoral=True, transits=True, category=submarine),
            ships("USA", 1, kind="submarine", tonnes=7800.0, category=submarine),
        ],
        RULES,
        OPEN,
    )
    articles = [(v.admitted, v.article) for v in ruling.verdicts]
    assert articles == [
        (1, "Art. 11"),
        (0, "Art. 10 and Annex II"),
        (1, "Art. 12"),
        (0, "Art. 12 and Annex II"),
    ]


def test_littoral_ships_based_in_the_black_sea_make_no_transit_in_any_scenario() -> None:
    for straits in (OPEN, CLOSED, TURKEY_AT_WAR):
        ruling = rule(
            [ships("TUR", 6, littoral=True), ships("UKR", 3, littoral=True, belligerent=True)],
            RULES,
            straits,
        )
        assert ruling.allowed == (6, 3)
        assert ruling.violations == ()
        assert ruling.notice_days == 0
        assert all(v.status == "no transit" for v in ruling.verdicts)


def test_ships_kept_outside_the_black_sea_break_nothing() -> None:
    ruling = rule([ships("GBR", 12, in_black_sea=False)], RULES, CLOSED)
    assert ruling.violations == ()
    assert ruling.ships_allowed == 0
    assert ruling.ships_barred == 0


def test_a_stay_beyond_21_days_is_reported_but_the_ships_remain_if_rotated() -> None:
    ruling = rule([ships("GBR", 2)], RULES, Straits(scenario=Scenario.OPEN, stay_days=30))
    [violation] = ruling.violations
    assert (violation.rule, violation.article, violation.ships_barred) == (
        Rule.STAY,
        "Art. 18(2)",
        0,
    )
    assert ruling.allowed == (2,)
    assert ruling.commitments()[0]["status"] == "remains if rotated"


def test_notice_is_15_days_for_other_powers_and_8_for_black_sea_powers() -> None:
    assert rule([ships("GBR", 1)], RULES, OPEN).notice_days == 15
    assert rule([ships("ROU", 1, littoral=True, transits=True)], RULES, OPEN).notice_days == 8
    assert rule([ships("GBR", 1)], RULES, CLOSED).notice_days == 0  # nobody passes


def test_every_verdict_names_the_article_and_the_ship() -> None:
    deployments = [
        ships("GBR", 2),
        ships("TUR", 2, littoral=True),
        ships("RUS", 1, belligerent=True, littoral=True, transits=True),
    ]
    for straits in (OPEN, CLOSED, TURKEY_AT_WAR):
        for verdict in rule(deployments, RULES, straits).verdicts:
            assert verdict.article
            assert verdict.ship_type and verdict.actor
            assert verdict.as_dict()["article"] == verdict.article


# --- over worlds ---------------------------------------------------------------------------------


def test_the_scenario_is_a_named_code_and_a_bad_code_is_refused() -> None:
    assert [s.code for s in Scenario] == [0, 1, 2]
    assert Scenario.from_code(2.0) is Scenario.TURKEY_BELLIGERENT
    with pytest.raises(ValueError, match="straits_scenario"):
        Scenario.from_code(0.5)
    with pytest.raises(ValueError, match="straits_scenario"):
        rule_worlds([ships("GBR", 1)], RULES, np.array([3.0]), np.zeros(1), np.full(1, 21.0))


def test_the_scenario_parameter_is_never_drawn_as_a_coin_flip() -> None:
    parameters = load_maritime().file.world_parameters
    for name in (
        "straits_scenario",
        "turkey_closure_policy",
        "turkey_threatened",
        "montreux_raised_limit",
    ):
        low, high = parameters[name].range
        assert low == high == parameters[name].value


def test_scenarios_as_worlds_give_one_ruling_per_scenario() -> None:
    deployments = [ships("GBR", 4), ships("TUR", 3, littoral=True)]
    scenario = np.array([0, 1, 2, 1, 0], dtype=np.float64)
    worlds = rule_worlds(deployments, RULES, scenario, np.zeros(5), np.full(5, 21.0))
    assert len(worlds.rulings) == 3
    np.testing.assert_array_equal(worlds.ships_barred, [4, 0, 0, 0, 4])
    np.testing.assert_array_equal(worlds.allowed[0], [0, 4, 4, 4, 0])


@given(
    counts=st.lists(st.integers(0, 12), min_size=1, max_size=5),
    tonnes=st.lists(st.floats(100, 12_000), min_size=5, max_size=5),
    littoral=st.lists(st.booleans(), min_size=5, max_size=5),
    scenario=st.sampled_from(list(Scenario)),
    raised=st.booleans(),
)
def test_rulings_never_let_more_in_than_the_rules_allow(
    counts: list[int], tonnes: list[float], littoral: list[bool], scenario: Scenario, raised: bool
) -> None:
    deployments = [
        ships(
            f"P{i}",
            n,
            littoral=littoral[i],
            tonnes=tonnes[i],
            category=Category.CAPITAL_SHIP if tonnes[i] > 10_000 else Category.LIGHT_SURFACE_VESSEL,
        )
        for i, n in enumerate(counts)
    ]
    straits = Straits(scenario=scenario, raised_limit=raised)
    ruling = rule(deployments, RULES, straits)
    assert all(0 <= a <= d.count for a, d in zip(ruling.allowed, deployments, strict=True))
    assert len(ruling.verdicts) == len(deployments)
    if scenario is Scenario.TURKEY_BELLIGERENT:
        assert ruling.ships_barred == 0  # nobody here is Türkiye's adversary
        return
    outsiders = [(a, d) for a, d in zip(ruling.allowed, deployments, strict=True) if not d.littoral]
    tonnage = sum(a * d.displacement_t for a, d in outsiders)
    limit = (RULES.raised_tonnage_limit_t if raised else RULES.tonnage_limit_t).value
    assert tonnage <= limit + 1e-6
    if scenario is Scenario.CLOSED:
        assert all(a == 0 for a, _ in outsiders)  # Türkiye's policy keeps them all out
    assert all(a == 0 for a, d in outsiders if d.displacement_t > 10_000)
    assert all(a == d.count for a, d in zip(ruling.allowed, deployments, strict=True) if d.littoral)


@pytest.mark.parametrize("scenario", list(Scenario))
def test_rule_worlds_agrees_with_rule_in_every_world(scenario: Scenario) -> None:
    deployments = [ships("GBR", 5), ships("FRA", 4), ships("TUR", 3, littoral=True)]
    raised = np.array([0.0, 1.0, 0.0, 1.0])
    stays = np.array([10.0, 10.0, 30.0, 30.0])
    worlds = rule_worlds(deployments, RULES, np.full(4, float(scenario.code)), raised, stays)
    for column in range(4):
        single = rule(
            deployments,
            RULES,
            Straits(scenario=scenario, raised_limit=bool(raised[column]), stay_days=stays[column]),
        )
        assert tuple(worlds.allowed[:, column]) == single.allowed
        assert worlds.violations[column] == len(single.violations)


def test_every_case_in_the_docs_table_agrees_with_the_rules() -> None:
    from guarantor.instruments.maritime.cases import montreux_cases

    rows = montreux_cases()
    assert len(rows) >= 15
    assert all(row["agrees"] for row in rows), [row for row in rows if not row["agrees"]]
    corvettes = [row for row in rows if row["case"].startswith("Sixteen corvettes")]
    assert {row["transit_groups"] for row in corvettes} == {2}
    assert sum(row["admitted"] for row in corvettes) == 16
