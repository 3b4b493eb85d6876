"""Land training and arms: training against Ukraine's yearly need, arms as months of war."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from guarantor.instruments import land
from guarantor.packages.schema import Package
from guarantor.theatre import Theatre


def _only(base: Package, commitments: list[dict[str, Any]]) -> Package:
    raw = base.model_dump(mode="json", exclude_none=True)
    raw["commitments"] = commitments
    raw["triggers"] = []
    return Package.model_validate(raw)


def _arms(usd_bn: float, **fields: Any) -> dict[str, Any]:
    return {
        "id": "a",
        "actor": "EU",
        "instrument": "arms_supply",
        "usd_bn_per_year": usd_bn,
        **fields,
    }


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


def test_training_need_follows_the_army_the_package_allows() -> None:
    data = land.load_data()
    turnover = land.WORLD_PARAMETERS["army_turnover_per_year"].value
    caps = {
        "paris": data.ukraine["target_troops"].value,
        "us-draft": data.ukraine["cap_us_draft_troops"].value,
        "istanbul": data.ukraine["cap_istanbul_troops"].value,
    }
    need = {name: land.training_need_per_year(army, turnover)[()] for name, army in caps.items()}
    assert need == pytest.approx({"paris": 96_000, "us-draft": 72_000, "istanbul": 10_200})
    # a war would need the 30,000 a month Ukraine mobilised in 2024: almost four times more
    war = data.training["war_mobilisation_per_month"].value * 12
    assert war / need["paris"] == pytest.approx(3.75)


def test_paris_training_meets_a_fifth_of_the_yearly_need(
    theatre: Theatre, packages: dict[str, Package]
) -> None:
    section = land.assess(theatre, packages["paris-declaration-2026"])
    # 2,000 instructors x 4 trainees: site-limited at 2,000 in class, 48 weeks / 5-week course
    assert section.metric("trainees_per_year").value[0] == pytest.approx(2000 * 48 / 5)
    assert section.metric("training_need_share").value[0] == pytest.approx(19_200 / 96_000)


def test_shells_from_sourced_2024_2025_rates_give_months_of_war_within_the_band() -> None:
    data = land.load_data()
    world, checks = land.WORLD_PARAMETERS, data.checks
    supplies = np.array([1_500_000.0, data.arms.shells_available_per_year.value]) / 12.0
    fire = np.array(world["ukraine_shells_per_day_war"].range) * 365.25 / 12.0
    peacetime = np.array(world["peacetime_use_share"].range)
    supply, use, share = np.meshgrid(supplies, fire, peacetime)
    months = land.months_of_war(supply, use, share, world["stockpile_months"].value)
    low, high = checks["months_of_war_band_low"].value, checks["months_of_war_band_high"].value
    assert low <= months.min() and months.max() <= high
    # 2 million a year against 14,600 a day after three years of ceasefire: about 18 months
    central = land.months_of_war(2e6 / 12, 14_600 * 365.25 / 12, 0.1, 36.0)
    expected = (2e6 / 12 - 0.1 * 14_600 * 365.25 / 12) * 36 / (14_600 * 365.25 / 12 - 2e6 / 12)
    assert central[()] == pytest.approx(expected)
    assert 14 <= central[()] <= 20


@given(
    supply=st.floats(0, 1e6),
    use=st.floats(0, 1e6),
    share=st.floats(0, 1),
    months=st.floats(0, 120),
)
def test_months_of_war_is_bounded_and_rises_with_supply(
    supply: float, use: float, share: float, months: float
) -> None:
    with np.errstate(divide="raise", invalid="raise"):
        now = land.months_of_war(supply, use, share, months)[()]
        more = land.months_of_war(supply * 1.5 + 1, use, share, months)[()]
    assert 0.0 <= now <= land.MONTHS_CAP
    assert more >= now - 1e-9


def test_interceptors_run_out_first_at_production_rates(
    theatre: Theatre, packages: dict[str, Package]
) -> None:
    section = land.assess(theatre, packages["paris-declaration-2026"])
    value = {m.name: float(m.value[0]) for m in section.metrics}
    # 620 PAC-3 a year, a quarter for Ukraine, against 320 missiles x 0.5 x 1.5 a month
    assert value["interceptors_per_month"] == pytest.approx(620 * 0.25 / 12)
    assert value["interceptors_per_month_war"] == pytest.approx(240)
    assert value["months_of_war_interceptors"] < value["months_of_war_shells"]
    assert value["months_of_war"] == value["months_of_war_interceptors"]
    assert value["shells_per_month"] == pytest.approx(2_000_000 / 12)


def test_more_money_for_arms_buys_more_shells_up_to_europes_output(
    theatre: Theatre, packages: dict[str, Package]
) -> None:
    base = packages["paris-declaration-2026"]
    shells = []
    for usd in (5.0, 10.0, 40.0, 80.0):
        section = land.assess(theatre, _only(base, [_arms(usd)]))
        shells.append(float(section.metric("shells_per_month").value[0]))
    assert shells[0] == pytest.approx(5e9 * 0.25 / 5000 / 12)
    assert shells[0] < shells[1] < shells[2]
    assert shells[2] == shells[3] == pytest.approx(2_000_000 / 12)  # Europe's output binds


def test_arms_flow_is_capped_by_the_rzeszow_hub(
    theatre: Theatre, packages: dict[str, Package]
) -> None:
    flows = _only(packages["paris-declaration-2026"], [_arms(40, via=["rzeszow-hub"])])
    usd_per_tonne = np.array([150_000.0, 10_000.0])
    section = land.assess(theatre, flows, {"usd_per_tonne_of_aid": usd_per_tonne})
    tonnes = section.metric("arms_tonnes_per_day").value
    assert tonnes[0] == pytest.approx(40e9 / 150_000 / 365)  # about 730 t/d, under the cap
    data = land.load_data()
    cap = 40_000 * 20 / 1035 * 1.5 / data.arms.hub_share_of_aid.value
    assert tonnes[1] == pytest.approx(cap)  # 11,000 t/d of demand meets a ~1,250 t/d route
    # what cannot pass the hub buys no shells either
    shells = section.metric("shells_per_month").value
    assert shells[1] < shells[0]
