"""Checks against the record: IEA months, budget years, and the 2022-23 embargo episode."""

from __future__ import annotations

from typing import Any

import numpy as np

from guarantor.instruments.sanctions.market import crude_discount, shortage
from guarantor.instruments.sanctions.revenue import BudgetModel, export_revenue_usd_bn
from guarantor.instruments.sanctions.schema import SanctionsData, shipped_data


def reproduce_history(data: SanctionsData | None = None) -> list[dict[str, Any]]:
    """Model revenue for each month with a published figure, from that month's inputs.

    Crude sells at the month's average Urals (the cap's effect is in that average); products at
    their benchmark (Brent times the basket ratio) less the month's product discount.
    """
    data = data or shipped_data()
    ratio = data.market.product_price_to_brent.value
    rows = []
    for month in data.history:
        product_price = (
            month.brent_usd_per_bbl.value * ratio - month.product_discount_usd_per_bbl.value
        )
        model = float(
            export_revenue_usd_bn(
                crude_mbd=month.crude_exports_mbd.value,
                product_mbd=month.products_mbd,
                urals_usd_per_bbl=month.urals,
                product_price_usd_per_bbl=product_price,
                price_cap_usd_per_bbl=month.price_cap_usd_per_bbl.value,
                cap_bound_share=0.0,
                seaborne_crude_share=data.exports.seaborne_crude_share.value,
                days=month.days.value,
            )[()]
        )
        reported = month.revenue_usd_bn.value
        rows.append(
            {
                "month": month.month,
                "model_usd_bn": model,
                "reported_usd_bn": reported,
                "relative_error": model / reported - 1.0,
                "source": data.cite(month.revenue_usd_bn),
            }
        )
    return rows


def reproduce_budget_history(data: SanctionsData | None = None) -> list[dict[str, Any]]:
    """Model budget oil-and-gas revenue for each year on record, from that year's inputs."""
    data = data or shipped_data()
    model = BudgetModel.calibrate(data.budget)
    rows = []
    for year in data.budget_history:
        value = float(
            model.revenue_rub_trn(year.urals_usd_per_bbl.value, year.rub_per_usd.value)[0]
        )
        rows.append(
            {
                "year": year.year,
                "model_rub_trn": value,
                "reported_rub_trn": year.revenue_rub_trn.value,
                "relative_error": value / year.revenue_rub_trn.value - 1.0,
                "source": data.cite(year.revenue_rub_trn),
            }
        )
    return rows


def reproduce_episode(
    data: SanctionsData | None = None, fleet_adaptation_months: float | None = None
) -> list[dict[str, Any]]:
    """The December 2022 - February 2023 embargo and cap: model discount and volumes by month.

    The shadow fleet grows from the stage's count towards S&P's mid-2023 count with the world
    parameter's time constant; every crude barrel short of a shadow tanker is enforced.
    """
    data = data or shipped_data()
    episode = data.episode
    tau = (
        data.world.fleet_adaptation_months.value
        if fleet_adaptation_months is None
        else fleet_adaptation_months
    )
    seaborne = data.exports.seaborne_crude_share.value
    stranded = data.market.stranded_share.value
    target = episode.fleet_target_tankers.value
    pre = episode.pre_embargo_exports_mbd.value
    crude = pre * episode.crude_share.value
    products = pre - crude
    rows = []
    for stage in episode.stages:
        start = stage.shadow_fleet_tankers.value
        elapsed = stage.months_since_embargo.value
        tankers = target - (target - start) * np.exp(-elapsed / tau)
        short = float(
            shortage(tankers, 1.0, data.market.tanker_throughput_mbd.value, crude * seaborne)
        )
        e_crude = stage.crude_enforcement.value
        e_products = stage.product_enforcement.value
        discount = float(crude_discount(data, e_crude, short, 1.0))
        exports = crude * (1.0 - stranded * e_crude * short * seaborne) + products * (
            1.0 - stranded * e_products * data.market.product_cap_bound_share.value
        )
        row: dict[str, Any] = {
            "month": stage.month,
            "shadow_tankers": float(tankers),
            "shortage": short,
            "model_discount_usd_per_bbl": discount,
            "record_discount_usd_per_bbl": None,
            "model_exports_mbd": float(exports),
            "record_exports_mbd": None,
        }
        if stage.record_discount_usd_per_bbl is not None:
            row["record_discount_usd_per_bbl"] = stage.record_discount_usd_per_bbl.value
            row["discount_source"] = data.cite(stage.record_discount_usd_per_bbl)
        if stage.record_exports_mbd is not None:
            row["record_exports_mbd"] = stage.record_exports_mbd.value
            row["exports_source"] = data.cite(stage.record_exports_mbd)
        rows.append(row)
    return rows
