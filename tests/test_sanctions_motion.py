"""Sanctions in motion: the market that answers, the snapback process and the embargo episode."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guarantor.instruments import sanctions
from guarantor.instruments.sanctions.instrument import INSTRUMENT
from guarantor.packages.schema import Package, SanctionsLevel
from guarantor.theatre import Theatre

DATA = sanctions.load_data()


@pytest.fixture(scope="module")
def package(packages: dict[str, Package]) -> Any:
    return packages.__getitem__


def _snapback(base: Package, *, actor: str, automatic: bool) -> Package:
    raw = base.model_dump(mode="json", exclude_none=True)
    raw["commitments"] = [c for c in raw["commitments"] if c["instrument"] != "sanctions_snapback"]
    raw["commitments"].append(
        {
            "id": "s",
            "actor": actor,
            "instrument": "sanctions_snapback",
            "level": "full_snapback",
            "automatic": automatic,
        }
    )
    return Package.model_validate(raw)


def _metric(theatre: Theatre, package: Package, name: str) -> float:
    return float(sanctions.assess(theatre, package).metric(name).value[0])


# --- the market --------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    lost=st.floats(0.0, 5.0),
    more=st.floats(0.01, 3.0),
    supply=st.floats(0.01, 0.3),
    demand=st.floats(0.05, 0.5),
    release=st.floats(0.0, 1.0),
)
def test_brent_rises_with_barrels_lost_and_less_when_the_market_is_elastic(
    lost: float, more: float, supply: float, demand: float, release: float
) -> None:
    def brent(mbd: float, eps_s: float = supply) -> float:
        return float(
            sanctions.brent_response(
                70.0,
                mbd,
                data=DATA,
                supply_elasticity=eps_s,
                demand_elasticity=demand,
                spare_release_share=release,
            )
        )

    assert brent(0.0) == pytest.approx(70.0)
    assert brent(lost + more) >= brent(lost) - 1e-9
    assert brent(lost, supply + 0.1) <= brent(lost) + 1e-9


def test_opec_spare_capacity_caps_what_it_replaces() -> None:
    kwargs: dict[str, Any] = {"data": DATA, "supply_elasticity": 0.11, "demand_elasticity": 0.13}
    spare = DATA.market.opec_spare_capacity_mbd.value
    # releasing everything replaces small losses fully, but not losses above spare capacity
    assert float(sanctions.brent_response(70.0, 1.0, spare_release_share=1.0, **kwargs)) == 70.0
    big = float(sanctions.brent_response(70.0, spare + 2.0, spare_release_share=1.0, **kwargs))
    assert big == pytest.approx(70.0 * (1.0 + 2.0 / (104.0 * 0.24)))


@settings(max_examples=60, deadline=None)
@given(
    enforcement=st.floats(0.0, 1.0),
    tankers=st.floats(0.0, 1500.0),
    extra=st.floats(1.0, 500.0),
)
def test_discount_rises_with_enforcement_and_falls_with_shadow_tankers(
    enforcement: float, tankers: float, extra: float
) -> None:
    seaborne = 3.3
    throughput = DATA.market.tanker_throughput_mbd.value
    short = sanctions.shortage(tankers, 1.0, throughput, seaborne)
    shorter = sanctions.shortage(tankers + extra, 1.0, throughput, seaborne)
    assert 0.0 <= float(shorter) <= float(short) <= 1.0
    low = float(sanctions.crude_discount(DATA, enforcement, short, 1.0))
    assert float(sanctions.crude_discount(DATA, enforcement, shorter, 1.0)) <= low + 1e-9
    assert float(sanctions.crude_discount(DATA, min(enforcement + 0.1, 1.0), short, 1.0)) >= low
    # without a cap there is nothing to be short of tankers for
    base = DATA.market.base_discount_usd_per_bbl.value
    premium = DATA.market.enforcement_premium_usd_per_bbl.value
    assert float(sanctions.crude_discount(DATA, enforcement, short, 0.0)) == pytest.approx(
        base + premium * enforcement
    )


def test_status_quo_carries_the_eu_dynamic_cap_and_product_caps() -> None:
    status_quo = DATA.levels[SanctionsLevel.STATUS_QUO]
    assert status_quo.crude_cap_usd_per_bbl is not None
    assert status_quo.crude_cap_usd_per_bbl.value == 47.6
    assert status_quo.product_cap_usd_per_bbl is not None
    assert DATA.levels[SanctionsLevel.RELIEF].product_cap_usd_per_bbl is None
    # the status quo's discount sits between July 2025 (~$12) and January 2026 (~$26)
    values = {name: np.array([q.value]) for name, q in sanctions.WORLD_PARAMETERS.items()}
    discount = {
        level: float(sanctions.regime(level, DATA, values).market.crude_discount_usd_per_bbl[0])
        for level in SanctionsLevel
    }
    rows = {level.value: {"discount_usd_per_bbl": d} for level, d in discount.items()}
    assert 18.0 <= rows["status_quo"]["discount_usd_per_bbl"] <= 28.0
    assert rows["relief"]["discount_usd_per_bbl"] < 8.0
    assert 28.0 <= rows["full_snapback"]["discount_usd_per_bbl"] <= 36.0  # 2022's $30-35


def test_products_are_priced_from_their_own_benchmark_and_cap() -> None:
    values = {name: np.array([q.value]) for name, q in sanctions.WORLD_PARAMETERS.items()}
    spec = sanctions.Enforcement.of(
        DATA.levels[SanctionsLevel.STATUS_QUO], values["sanctions_bite"]
    )
    free = sanctions.market_state(DATA, spec, values)
    tight = sanctions.market_state(
        DATA,
        sanctions.Enforcement(
            spec.enforcement, spec.usable_fleet_share, spec.crude_cap, spec.product_cap * 0.5
        ),
        values,
    )
    assert float(tight.product_price_usd_per_bbl[0]) < float(free.product_price_usd_per_bbl[0])
    assert float(tight.crude_price_usd_per_bbl[0]) == pytest.approx(
        float(free.crude_price_usd_per_bbl[0])
    )
    dearer = {**values, "product_price_to_brent": values["product_price_to_brent"] * 1.1}
    assert float(sanctions.market_state(DATA, spec, dearer).product_price_usd_per_bbl[0]) > float(
        free.product_price_usd_per_bbl[0]
    )


def test_defaults_are_for_the_years_after_a_ceasefire() -> None:
    brent = sanctions.WORLD_PARAMETERS["brent_usd_per_bbl"]
    assert (brent.value, brent.low, brent.high) == (64.67, 53.0, 78.84)
    assert "EIA" in DATA.cite(brent)
    model = sanctions.BudgetModel.calibrate(DATA.budget)
    reference = model.revenue_rub_trn(59.0, 92.0)
    assert float(model.share(reference)[0]) == pytest.approx(0.252)


# --- checks against the record -------------------------------------------------------------


def test_budget_oil_gas_revenue_2023_to_2025_within_10_percent() -> None:
    rows = {row["year"]: row for row in sanctions.reproduce_budget_history()}
    assert set(rows) == {"2023", "2024", "2025"}
    assert rows["2023"]["reported_rub_trn"] == 8.82
    for row in rows.values():
        assert abs(row["relative_error"]) <= 0.10, row


def test_embargo_episode_discount_and_volume_path_against_the_record() -> None:
    rows = {row["month"]: row for row in sanctions.reproduce_episode()}
    december, january, february, june = (
        rows[m] for m in ("2022-12", "2023-01", "2023-02", "2023-06")
    )
    # the discount jumps with the embargo and halves as the shadow fleet grows
    assert december["model_discount_usd_per_bbl"] == pytest.approx(30.0, rel=0.15)
    assert june["model_discount_usd_per_bbl"] == pytest.approx(20.5, rel=0.15)
    # January's Argus FOB $38.50-40.05 is the widest port quote: the model is within 30 %
    assert january["model_discount_usd_per_bbl"] == pytest.approx(39.3, rel=0.30)
    assert june["model_discount_usd_per_bbl"] < 0.75 * january["model_discount_usd_per_bbl"]
    assert june["shadow_tankers"] > january["shadow_tankers"]
    # volumes: January, and February's fall with the product embargo
    assert january["model_exports_mbd"] == pytest.approx(7.5, rel=0.06)
    assert february["model_exports_mbd"] == pytest.approx(7.0, rel=0.06)
    assert february["model_exports_mbd"] < january["model_exports_mbd"]


# --- the snapback process -----------------------------------------------------------------


def test_automatic_shortens_the_lag_and_raises_the_expected_cost(
    theatre: Theatre, package: Any
) -> None:
    base = package("paris-declaration-2026")
    voted = _snapback(base, actor="EU", automatic=False)
    automatic = _snapback(base, actor="EU", automatic=True)
    assert _metric(theatre, automatic, "snapback_lag_months") < _metric(
        theatre, voted, "snapback_lag_months"
    )
    assert _metric(theatre, automatic, "violation_cost_usd_bn_per_month") > _metric(
        theatre, voted, "violation_cost_usd_bn_per_month"
    )
    assert _metric(theatre, automatic, "snapback_credibility") == 1.0


def test_a_snapback_that_needs_a_hungarian_vote_is_less_credible(
    theatre: Theatre, package: Any
) -> None:
    base = package("paris-declaration-2026")
    eu = _snapback(base, actor="EU", automatic=False)
    g7 = _snapback(base, actor="G7", automatic=False)
    assert _metric(theatre, eu, "snapback_credibility") < _metric(
        theatre, g7, "snapback_credibility"
    )
    assert _metric(theatre, eu, "snapback_lag_months") > _metric(theatre, g7, "snapback_lag_months")
    section = sanctions.assess(theatre, eu)
    assert any("HUN" in note for note in section.notes)
    # the chance comes from the bargaining actors' positions on sanctions
    chances = sanctions.holdout_chances(DATA.snapback.veto_actors_file)
    assert chances["HUN"] == pytest.approx(0.8)
    will = np.array([1.0])
    with_hungary = sanctions.process("EU", False, DATA, will, holdouts=chances)
    without = sanctions.process("EU", False, DATA, will, holdouts={**chances, "HUN": 0.0})
    assert float(without.credibility[0]) > float(with_hungary.credibility[0])
    assert float(without.expected_lag_months[0]) < float(with_hungary.expected_lag_months[0])


def test_revenue_after_a_violation_moves_month_by_month(package: Any) -> None:
    paths, snap = sanctions.revenue_paths(package("paris-declaration-2026"))
    expected = paths.expected[0]
    peace = paths.peace[0]
    first_lag = min(o.lag_months for o in snap.outcomes)
    before = paths.months + 1 <= first_lag
    assert np.allclose(expected[before], peace[before])
    assert len(np.unique(np.round(expected, 6))) >= 5  # not a step
    trough = int(np.argmin(expected))
    assert expected[trough] < peace[trough]
    # the shadow fleet is rebuilt, so part of the loss comes back
    assert expected[-1] > expected[trough]
    # once enacted at once, revenue is lowest right away and then recovers
    assert np.all(np.diff(paths.enacted[0]) >= -1e-9)


def test_handover_is_the_expected_share_lost_and_cost_to_the_eu(
    theatre: Theatre, package: Any
) -> None:
    paris = package("paris-declaration-2026")
    worlds = {
        name: np.array([q.low, q.value, q.high]) for name, q in sanctions.WORLD_PARAMETERS.items()
    }
    section = sanctions.assess(theatre, paris, worlds)
    handover = INSTRUMENT.handover(section, paris, None)  # type: ignore[arg-type]
    threat = handover.world["sanctions_threat"]
    assert threat.shape == (3,)
    assert np.all((threat > 0) & (threat < 1))
    assert np.allclose(threat, section.metric("sanctions_threat").value)
    eu = section.metric("eu_energy_cost_usd_bn_per_month").value
    assert np.all(eu >= 0) and np.any(eu > 0)
    quiet = sanctions.assess(theatre, package("istanbul-2022"))
    assert quiet.metric("eu_energy_cost_usd_bn_per_month").value[0] == 0.0
