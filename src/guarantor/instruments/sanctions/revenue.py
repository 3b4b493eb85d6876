"""Revenue: export revenue per regime, and the federal budget's oil-and-gas income.

    revenue = days * (crude_mbd * crude_price + product_mbd * product_price) / 1000   (USD bn)
    budget  = fixed + k * max(urals - threshold, 0) * rub_per_usd * crude volume factor

``k`` and ``fixed`` are calibrated so that the budget's oil-and-gas revenue is the 2026 budget's
8.919 trn RUB at Urals $59 and 92 RUB/USD, moving by the analysts' 1.5-1.8 trn RUB a year per $10.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from guarantor.instruments.sanctions.market import Enforcement, MarketState, market_state
from guarantor.instruments.sanctions.schema import Budget, FloatArray, SanctionsData
from guarantor.packages.schema import SanctionsLevel


def export_revenue_usd_bn(
    *,
    crude_mbd: ArrayLike,
    product_mbd: ArrayLike,
    urals_usd_per_bbl: ArrayLike,
    product_price_usd_per_bbl: ArrayLike,
    price_cap_usd_per_bbl: ArrayLike,
    cap_bound_share: ArrayLike,
    seaborne_crude_share: ArrayLike,
    days: ArrayLike,
) -> FloatArray:
    """Export revenue over ``days`` in USD bn (crude and products), vectorised.

    Crude on tankers that must respect the cap (the seaborne share times the cap-bound share)
    sells at ``min(urals, cap)``; the rest at Urals. Products sell at their own price.
    """
    urals = np.asarray(urals_usd_per_bbl, dtype=np.float64)
    bound = np.asarray(seaborne_crude_share, dtype=np.float64) * np.asarray(
        cap_bound_share, dtype=np.float64
    )
    crude_price = urals * (1.0 - bound) + np.minimum(urals, price_cap_usd_per_bbl) * bound
    # mb/d x USD/bbl x days = USD millions; / 1000 = USD bn
    revenue = np.asarray(days, dtype=np.float64) * (
        np.asarray(crude_mbd, dtype=np.float64) * crude_price
        + np.asarray(product_mbd, dtype=np.float64) * np.asarray(product_price_usd_per_bbl)
    )
    return np.asarray(revenue / 1000.0, dtype=np.float64)


@dataclass(frozen=True)
class BudgetModel:
    """Budget oil-and-gas revenue = fixed + slope * max(urals - threshold, 0) * RUB/USD."""

    fixed_rub_trn: FloatArray
    slope_rub_trn_per_rub_bbl: FloatArray
    threshold_usd_per_bbl: FloatArray
    other_revenue_rub_trn: float

    @classmethod
    def calibrate(
        cls,
        budget: Budget,
        sensitivity: ArrayLike | None = None,
        threshold: ArrayLike | None = None,
    ) -> BudgetModel:
        """Fit the slope to the sensitivity and the fixed part to the 2026 budget's point."""
        sens = np.asarray(
            budget.sensitivity_rub_trn_per_10_usd.value if sensitivity is None else sensitivity,
            dtype=np.float64,
        )
        thr = np.asarray(
            budget.tax_threshold_usd_per_bbl.value if threshold is None else threshold,
            dtype=np.float64,
        )
        fx_ref = budget.reference_rub_per_usd.value
        slope = sens / (10.0 * fx_ref)
        oil_at_reference = slope * np.maximum(budget.reference_urals_usd_per_bbl.value - thr, 0.0)
        reference = budget.reference_revenue_rub_trn.value
        fixed = reference - oil_at_reference * fx_ref
        share = budget.reference_share_of_revenue.value
        other = reference * (1.0 - share) / share
        return cls(np.atleast_1d(fixed), np.atleast_1d(slope), np.atleast_1d(thr), other)

    def revenue_rub_trn(
        self, urals_usd_per_bbl: ArrayLike, rub_per_usd: ArrayLike, volume_factor: ArrayLike = 1.0
    ) -> FloatArray:
        """Annual federal oil-and-gas revenue in RUB trn."""
        taxable = np.maximum(np.asarray(urals_usd_per_bbl) - self.threshold_usd_per_bbl, 0.0)
        oil = self.slope_rub_trn_per_rub_bbl * taxable * np.asarray(rub_per_usd)
        return np.asarray(self.fixed_rub_trn + oil * np.asarray(volume_factor), dtype=np.float64)

    def share(self, revenue_rub_trn: ArrayLike) -> FloatArray:
        """Oil and gas's share of federal revenue, other revenue held at the 2026 plan's."""
        og = np.asarray(revenue_rub_trn, dtype=np.float64)
        return np.asarray(og / (og + self.other_revenue_rub_trn), dtype=np.float64)


@dataclass(frozen=True)
class Regime:
    """The revenue model's outputs under one sanctions regime, per world."""

    level: SanctionsLevel
    market: MarketState
    revenue_usd_bn_per_month: FloatArray
    budget_rub_trn_per_year: FloatArray

    @property
    def urals_usd_per_bbl(self) -> FloatArray:
        """Urals under the regime."""
        return self.market.urals_usd_per_bbl


def status_quo_lost(data: SanctionsData, parameters: dict[str, FloatArray]) -> FloatArray:
    """Barrels stranded under today's sanctions: already in the Brent forecast."""
    regime = Enforcement.of(data.levels[SanctionsLevel.STATUS_QUO], parameters["sanctions_bite"])
    return market_state(data, regime, parameters).lost_mbd


def revenue_of(
    level: SanctionsLevel,
    state: MarketState,
    data: SanctionsData,
    parameters: dict[str, FloatArray],
) -> Regime:
    """Revenue and budget income from a cleared market."""
    revenue = (
        data.exports.days_per_month.value
        * (
            state.crude_mbd * state.crude_price_usd_per_bbl
            + state.product_mbd * state.product_price_usd_per_bbl
        )
        / 1000.0
    )
    volume = state.crude_mbd / data.exports.crude_exports_mbd.value
    budget = BudgetModel.calibrate(
        data.budget,
        parameters["budget_sensitivity_rub_trn_per_10_usd"],
        parameters["tax_threshold_usd_per_bbl"],
    ).revenue_rub_trn(state.urals_usd_per_bbl, parameters["rub_per_usd"], volume)
    return Regime(level, state, np.asarray(revenue, dtype=np.float64), budget)


def regime(
    level: SanctionsLevel,
    data: SanctionsData,
    parameters: dict[str, FloatArray],
    *,
    usable_fleet_share: FloatArray | None = None,
    reference_lost_mbd: FloatArray | None = None,
) -> Regime:
    """Revenue and budget income per world while ``level``'s measures apply."""
    spec = Enforcement.of(data.levels[level], parameters["sanctions_bite"])
    if usable_fleet_share is not None:
        spec = Enforcement(spec.enforcement, usable_fleet_share, spec.crude_cap, spec.product_cap)
    reference = (
        status_quo_lost(data, parameters) if reference_lost_mbd is None else reference_lost_mbd
    )
    state = market_state(data, spec, parameters, reference_lost_mbd=reference)
    return revenue_of(level, state, data, parameters)
