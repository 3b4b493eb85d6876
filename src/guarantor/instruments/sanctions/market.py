"""The oil market that answers sanctions: Brent, buyers' discounts, the shadow fleet, caps.

Per world, vectorised::

    shadow      = tankers * usable_share * throughput            (mb/d of seaborne crude)
    shortage    = clip(1 - shadow / seaborne_crude, 0, 1)  if a crude cap applies, else 0
    discount    = base + enforcement_premium * e + scarcity_premium * shortage
    crude lost  = stranded * e * shortage * seaborne_crude
    product lost= stranded * e * product_cap_bound * products
    brent'      = brent * (1 + net / (demand * (eps_s + eps_d))),  net = dlost * (1 - release)
    dlost       = lost - lost_status_quo                         (already in the forecast)
    release     = min(release_share * lost, spare) / lost        (OPEC+ spare capacity)

Crude short of shadow tankers sails on capped tankers and sells at ``min(urals, cap)``; products
are priced from their own benchmark (``brent' * ratio - product discount``) and the capped share
at ``min(price, product cap)``; the product discount is ``base + weight * premium * e``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from guarantor.instruments.sanctions.schema import FloatArray, LevelParameters, SanctionsData
from guarantor.sourcing import Quantity


def at_bite(quantity: Quantity | None, bite: FloatArray, *, harsher_is_higher: bool) -> FloatArray:
    """Place a level parameter within its range: bite 0 the mild end, 0.5 the value, 1 harsh.

    A missing quantity (no price cap) is an infinite cap.
    """
    if quantity is None:
        return np.full(bite.shape, np.inf)
    low, high = quantity.range
    mild, harsh = (low, high) if harsher_is_higher else (high, low)
    value = quantity.value
    lower_half = mild + (value - mild) * (2.0 * bite)
    upper_half = value + (harsh - value) * (2.0 * bite - 1.0)
    return np.asarray(np.where(bite <= 0.5, lower_half, upper_half), dtype=np.float64)


@dataclass(frozen=True)
class Enforcement:
    """What a sanctions regime sets in the market, per world."""

    enforcement: FloatArray
    usable_fleet_share: FloatArray
    crude_cap: FloatArray
    product_cap: FloatArray

    @classmethod
    def of(cls, spec: LevelParameters, bite: FloatArray) -> Enforcement:
        """A level's settings placed in their ranges by ``bite``."""
        return cls(
            at_bite(spec.enforcement, bite, harsher_is_higher=True),
            at_bite(spec.usable_fleet_share, bite, harsher_is_higher=False),
            at_bite(spec.crude_cap_usd_per_bbl, bite, harsher_is_higher=False),
            at_bite(spec.product_cap_usd_per_bbl, bite, harsher_is_higher=False),
        )


def shortage(
    tankers: ArrayLike, usable: ArrayLike, throughput: ArrayLike, seaborne_crude: ArrayLike
) -> FloatArray:
    """Share of seaborne crude that finds no usable shadow tanker (0-1)."""
    shadow = np.asarray(tankers) * np.asarray(usable) * np.asarray(throughput)
    need = np.maximum(np.asarray(seaborne_crude, dtype=np.float64), 1e-9)
    return np.asarray(np.clip(1.0 - shadow / need, 0.0, 1.0), dtype=np.float64)


def crude_discount(
    data: SanctionsData, enforcement: ArrayLike, short: ArrayLike, capped: ArrayLike
) -> FloatArray:
    """Buyers' discount on Urals to Brent: base + enforcement premium + scarcity premium."""
    m = data.market
    return np.asarray(
        m.base_discount_usd_per_bbl.value
        + m.enforcement_premium_usd_per_bbl.value * np.asarray(enforcement)
        + m.scarcity_premium_usd_per_bbl.value * np.asarray(short) * np.asarray(capped),
        dtype=np.float64,
    )


def brent_response(
    brent: ArrayLike,
    lost_mbd: ArrayLike,
    *,
    data: SanctionsData,
    supply_elasticity: ArrayLike,
    demand_elasticity: ArrayLike,
    spare_release_share: ArrayLike,
) -> FloatArray:
    """Brent after ``lost_mbd`` Russian barrels leave the market (negative: barrels return).

    OPEC+ replaces ``spare_release_share`` of the lost barrels, at most its spare capacity; the
    rest moves the price by ``net / (demand * (eps_supply + |eps_demand|))``.
    """
    lost = np.asarray(lost_mbd, dtype=np.float64)
    spare = data.market.opec_spare_capacity_mbd.value
    released = np.where(lost > 0, np.minimum(np.asarray(spare_release_share) * lost, spare), 0.0)
    net = lost - released
    slope = data.market.world_demand_mbd.value * (
        np.asarray(supply_elasticity) + np.asarray(demand_elasticity)
    )
    change = np.maximum(net / np.maximum(slope, 1e-9), -0.9)
    return np.asarray(np.asarray(brent) * (1.0 + change), dtype=np.float64)


@dataclass(frozen=True)
class MarketState:
    """Prices and volumes under one regime, per world."""

    brent_usd_per_bbl: FloatArray
    urals_usd_per_bbl: FloatArray
    crude_discount_usd_per_bbl: FloatArray
    crude_price_usd_per_bbl: FloatArray
    product_price_usd_per_bbl: FloatArray
    crude_mbd: FloatArray
    product_mbd: FloatArray
    shortage: FloatArray
    lost_mbd: FloatArray


def lost_barrels(
    data: SanctionsData, regime: Enforcement, short: FloatArray, seaborne_share: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Crude and product barrels (mb/d) stranded by enforcement."""
    stranded = data.market.stranded_share.value
    crude = data.exports.crude_exports_mbd.value
    products = data.exports.product_exports_mbd.value
    crude_lost = stranded * regime.enforcement * short * seaborne_share * crude
    has_cap = np.isfinite(regime.product_cap)
    product_lost = (
        stranded
        * regime.enforcement
        * data.market.product_cap_bound_share.value
        * products
        * has_cap
    )
    return np.asarray(crude_lost, dtype=np.float64), np.asarray(product_lost, dtype=np.float64)


def market_state(
    data: SanctionsData,
    regime: Enforcement,
    parameters: dict[str, FloatArray],
    *,
    tankers: FloatArray | None = None,
    reference_lost_mbd: FloatArray | None = None,
) -> MarketState:
    """Clear the market for one regime: shortage, volumes, Brent, discounts and prices.

    ``reference_lost_mbd`` is the stranded volume already in the Brent forecast (the status quo's).
    """
    seaborne = parameters["seaborne_crude_share"]
    crude = data.exports.crude_exports_mbd.value
    fleet = parameters["shadow_fleet_tankers"] if tankers is None else tankers
    capped = np.isfinite(regime.crude_cap).astype(np.float64)
    short = (
        shortage(
            fleet,
            regime.usable_fleet_share,
            data.market.tanker_throughput_mbd.value,
            seaborne * crude,
        )
        * capped
    )
    crude_lost, product_lost = lost_barrels(data, regime, short, seaborne)
    lost = crude_lost + product_lost
    reference = np.zeros_like(lost) if reference_lost_mbd is None else reference_lost_mbd
    brent = brent_response(
        parameters["brent_usd_per_bbl"],
        lost - reference,
        data=data,
        supply_elasticity=parameters["supply_elasticity"],
        demand_elasticity=parameters["demand_elasticity"],
        spare_release_share=parameters["spare_release_share"],
    )
    discount = crude_discount(data, regime.enforcement, short, capped)
    urals = np.maximum(brent - discount, 0.0)
    bound = seaborne * short
    crude_price = urals * (1.0 - bound) + np.minimum(urals, regime.crude_cap) * bound
    m = data.market
    product_benchmark = brent * parameters["product_price_to_brent"]
    product_discount = (
        m.product_base_discount_usd_per_bbl.value
        + m.enforcement_premium_usd_per_bbl.value
        * m.product_enforcement_weight.value
        * regime.enforcement
    )
    product_free = np.maximum(product_benchmark - product_discount, 0.0)
    share = m.product_cap_bound_share.value * np.isfinite(regime.product_cap)
    product_price = (
        product_free * (1.0 - share) + np.minimum(product_free, regime.product_cap) * share
    )
    return MarketState(
        brent_usd_per_bbl=np.asarray(brent, dtype=np.float64),
        urals_usd_per_bbl=np.asarray(urals, dtype=np.float64),
        crude_discount_usd_per_bbl=np.asarray(discount, dtype=np.float64),
        crude_price_usd_per_bbl=np.asarray(crude_price, dtype=np.float64),
        product_price_usd_per_bbl=np.asarray(product_price, dtype=np.float64),
        crude_mbd=np.asarray(crude - crude_lost, dtype=np.float64),
        product_mbd=np.asarray(data.exports.product_exports_mbd.value - product_lost),
        shortage=np.asarray(short, dtype=np.float64),
        lost_mbd=np.asarray(lost, dtype=np.float64),
    )
