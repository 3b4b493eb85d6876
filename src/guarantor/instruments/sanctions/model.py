"""Sanctions: Russia's oil export revenue as a lever and as a snapback deterrent.

The revenue model is an accounting identity over sourced inputs (IEA, Reuters, FT, KSE, CREA;
see ``data/sanctions.yaml`` and ``docs/sanctions.md``)::

    urals        = brent - discount(level)
    crude_price  = urals * (1 - b) + min(urals, cap) * b,   b = seaborne_share * cap_bound_share
    revenue      = days * volume_factor * (crude_mbd * crude_price + product_mbd * brent * r)
    budget       = fixed + k * max(urals - threshold, 0) * rub_per_usd * volume_factor

where ``k`` and ``fixed`` are calibrated so that the budget's oil-and-gas revenue is the 2026
budget's 8.919 trn RUB at Urals $59 and 92 RUB/USD, and moves by the analysts' 1.5-1.8 trn RUB a
year per $10 of Urals. A sanctions level (relief, status quo, tighter, full snapback) sets the
discount, the cap, the share of seaborne crude that must respect the cap and the export volumes.

The cost to Russia of a violation is the revenue it would lose if sanctions snapped back,
weighted by the probability that the snapback is enforced (a world parameter). Everything is
vectorised over worlds; the model is deterministic (``rng`` is accepted for the shared contract).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Self

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pydantic import model_validator

from guarantor.errors import DataError, Problem
from guarantor.packages.schema import (
    Instrument,
    Package,
    SanctionsLevel,
    SanctionsSnapback,
    TriggerAction,
)
from guarantor.section import Metric, Section, Worlds, n_worlds, out_of_bounds, world_parameter
from guarantor.sourcing import Quantity, Source, Strict, load_sourced
from guarantor.theatre import Theatre

FloatArray = NDArray[np.float64]
DATA_FILE = Path(__file__).parent / "data.yaml"
LEVELS = tuple(SanctionsLevel)
_HARSHER = {
    SanctionsLevel.RELIEF: SanctionsLevel.STATUS_QUO,
    SanctionsLevel.STATUS_QUO: SanctionsLevel.TIGHTER,
    SanctionsLevel.TIGHTER: SanctionsLevel.FULL_SNAPBACK,
    SanctionsLevel.FULL_SNAPBACK: SanctionsLevel.FULL_SNAPBACK,
}


class Exports(Strict):
    """Export volumes and the prices that define the status quo."""

    crude_exports_mbd: Quantity
    product_exports_mbd: Quantity
    seaborne_crude_share: Quantity
    product_price_to_brent: Quantity
    days_per_month: Quantity


class WorldDefaults(Strict):
    """Parameters that vary by world, with their defaults and ranges."""

    brent_usd_per_bbl: Quantity
    rub_per_usd: Quantity
    snapback_enforcement_probability: Quantity
    sanctions_bite: Quantity


class Budget(Strict):
    """The calibration points of the budget's oil-and-gas revenue."""

    reference_urals_usd_per_bbl: Quantity
    reference_rub_per_usd: Quantity
    reference_revenue_rub_trn: Quantity
    sensitivity_rub_trn_per_10_usd: Quantity
    tax_threshold_usd_per_bbl: Quantity


class LevelParameters(Strict):
    """What one sanctions level does to the revenue model."""

    peace: SanctionsLevel
    urals_discount_usd_per_bbl: Quantity
    price_cap_usd_per_bbl: Quantity | None
    cap_bound_share: Quantity
    export_volume_factor: Quantity


class HistoryMonth(Strict):
    """A month with a published IEA revenue figure and that month's inputs."""

    month: str
    days: Quantity
    crude_exports_mbd: Quantity
    product_exports_mbd: Quantity | None = None
    total_exports_mbd: Quantity | None = None
    urals_usd_per_bbl: Quantity | None = None
    urals_discount_usd_per_bbl: Quantity | None = None
    brent_usd_per_bbl: Quantity
    price_cap_usd_per_bbl: Quantity
    revenue_usd_bn: Quantity

    @model_validator(mode="after")
    def _complete(self) -> Self:
        if (self.product_exports_mbd is None) == (self.total_exports_mbd is None):
            raise ValueError("give exactly one of 'product_exports_mbd' or 'total_exports_mbd'")
        if (self.urals_usd_per_bbl is None) == (self.urals_discount_usd_per_bbl is None):
            raise ValueError(
                "give exactly one of 'urals_usd_per_bbl' or 'urals_discount_usd_per_bbl'"
            )
        return self

    @property
    def products_mbd(self) -> float:
        """Product exports, given directly or as total minus crude."""
        if self.product_exports_mbd is not None:
            return self.product_exports_mbd.value
        assert self.total_exports_mbd is not None
        return self.total_exports_mbd.value - self.crude_exports_mbd.value

    @property
    def urals(self) -> float:
        """Urals price, given directly or as Brent minus the discount."""
        if self.urals_usd_per_bbl is not None:
            return self.urals_usd_per_bbl.value
        assert self.urals_discount_usd_per_bbl is not None
        return self.brent_usd_per_bbl.value - self.urals_discount_usd_per_bbl.value


class BudgetYear(Strict):
    """A year of federal oil-and-gas revenue and that year's inputs."""

    year: str
    urals_usd_per_bbl: Quantity
    rub_per_usd: Quantity
    revenue_rub_trn: Quantity


class SanctionsData(Strict):
    """The whole of ``sanctions.yaml``."""

    sources: dict[str, Source]
    exports: Exports
    world: WorldDefaults
    budget: Budget
    levels: dict[SanctionsLevel, LevelParameters]
    history: tuple[HistoryMonth, ...]
    budget_history: tuple[BudgetYear, ...]

    @model_validator(mode="after")
    def _every_level(self) -> Self:
        missing = [level.value for level in SanctionsLevel if level not in self.levels]
        if missing:
            raise ValueError(f"levels missing: {', '.join(missing)}")
        return self

    def cite(self, quantity: Quantity) -> str:
        """Return the citation of a sourced quantity, or '' for an assumption."""
        if isinstance(quantity.source, Source):
            return quantity.source.cite()
        if isinstance(quantity.source, str) and quantity.source in self.sources:
            return self.sources[quantity.source].cite()
        return ""


def load_data(path: Path | None = None) -> SanctionsData:
    """Read and check a sanctions data file (default: the shipped one).

    Raises:
        DataError: with every problem found, each located by file, line and field.
    """
    if path is None:
        return _shipped_data()
    return load_sourced(path, SanctionsData)


@lru_cache(maxsize=1)
def _shipped_data() -> SanctionsData:
    return load_data(DATA_FILE)


def _world_parameters(data: SanctionsData) -> dict[str, Quantity]:
    return {
        **dict(data.world),
        "product_price_to_brent": data.exports.product_price_to_brent,
        "seaborne_crude_share": data.exports.seaborne_crude_share,
        "budget_sensitivity_rub_trn_per_10_usd": data.budget.sensitivity_rub_trn_per_10_usd,
        "tax_threshold_usd_per_bbl": data.budget.tax_threshold_usd_per_bbl,
    }


WORLD_PARAMETERS: dict[str, Quantity] = _world_parameters(_shipped_data())
"""World parameters the model accepts, with defaults and ranges (sampled by the explorer)."""

# Physical bounds on world parameters: beyond them the model is meaningless, so they are refused.
_BOUNDS: dict[str, tuple[float, float]] = {
    "brent_usd_per_bbl": (0.0, 1000.0),
    "rub_per_usd": (1.0, 10000.0),
    "snapback_enforcement_probability": (0.0, 1.0),
    "sanctions_bite": (0.0, 1.0),
    "product_price_to_brent": (0.0, 5.0),
    "seaborne_crude_share": (0.0, 1.0),
    "budget_sensitivity_rub_trn_per_10_usd": (0.0, 100.0),
    "tax_threshold_usd_per_bbl": (0.0, 1000.0),
}


def export_revenue_usd_bn(
    *,
    crude_mbd: ArrayLike,
    product_mbd: ArrayLike,
    urals_usd_per_bbl: ArrayLike,
    brent_usd_per_bbl: ArrayLike,
    price_cap_usd_per_bbl: ArrayLike,
    cap_bound_share: ArrayLike,
    seaborne_crude_share: ArrayLike,
    product_price_to_brent: ArrayLike,
    days: ArrayLike,
) -> FloatArray:
    """Export revenue over ``days`` in USD bn (crude and products), vectorised.

    Crude on tankers that must respect the cap (the seaborne share times the cap-bound share)
    sells at ``min(urals, cap)``; the rest at Urals. Products sell at Brent times a ratio.
    """
    urals = np.asarray(urals_usd_per_bbl, dtype=np.float64)
    bound = np.asarray(seaborne_crude_share, dtype=np.float64) * np.asarray(
        cap_bound_share, dtype=np.float64
    )
    crude_price = urals * (1.0 - bound) + np.minimum(urals, price_cap_usd_per_bbl) * bound
    product_price = np.asarray(brent_usd_per_bbl, dtype=np.float64) * np.asarray(
        product_price_to_brent, dtype=np.float64
    )
    # mb/d x USD/bbl x days = USD millions; / 1000 = USD bn
    revenue = np.asarray(days, dtype=np.float64) * (
        np.asarray(crude_mbd, dtype=np.float64) * crude_price
        + np.asarray(product_mbd, dtype=np.float64) * product_price
    )
    return np.asarray(revenue / 1000.0, dtype=np.float64)


@dataclass(frozen=True)
class BudgetModel:
    """Budget oil-and-gas revenue = fixed + slope * max(urals - threshold, 0) * RUB/USD."""

    fixed_rub_trn: FloatArray
    slope_rub_trn_per_rub_bbl: FloatArray
    threshold_usd_per_bbl: FloatArray

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
        fixed = budget.reference_revenue_rub_trn.value - oil_at_reference * fx_ref
        return cls(np.atleast_1d(fixed), np.atleast_1d(slope), np.atleast_1d(thr))

    def revenue_rub_trn(
        self, urals_usd_per_bbl: ArrayLike, rub_per_usd: ArrayLike, volume_factor: ArrayLike = 1.0
    ) -> FloatArray:
        """Annual federal oil-and-gas revenue in RUB trn."""
        taxable = np.maximum(np.asarray(urals_usd_per_bbl) - self.threshold_usd_per_bbl, 0.0)
        oil = self.slope_rub_trn_per_rub_bbl * taxable * np.asarray(rub_per_usd)
        return np.asarray(self.fixed_rub_trn + oil * np.asarray(volume_factor), dtype=np.float64)


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
    return np.where(bite <= 0.5, lower_half, upper_half)


@dataclass(frozen=True)
class Regime:
    """The revenue model's outputs under one sanctions level, per world."""

    level: SanctionsLevel
    urals_usd_per_bbl: FloatArray
    revenue_usd_bn_per_month: FloatArray
    budget_rub_trn_per_year: FloatArray


def regime(level: SanctionsLevel, data: SanctionsData, parameters: dict[str, FloatArray]) -> Regime:
    """Compute revenue and budget income per world while ``level``'s parameters apply."""
    spec = data.levels[level]
    bite = parameters["sanctions_bite"]
    discount = at_bite(spec.urals_discount_usd_per_bbl, bite, harsher_is_higher=True)
    cap = at_bite(spec.price_cap_usd_per_bbl, bite, harsher_is_higher=False)
    bound = at_bite(spec.cap_bound_share, bite, harsher_is_higher=True)
    volume = at_bite(spec.export_volume_factor, bite, harsher_is_higher=False)
    brent = parameters["brent_usd_per_bbl"]
    urals = np.maximum(brent - discount, 0.0)
    revenue = volume * export_revenue_usd_bn(
        crude_mbd=data.exports.crude_exports_mbd.value,
        product_mbd=data.exports.product_exports_mbd.value,
        urals_usd_per_bbl=urals,
        brent_usd_per_bbl=brent,
        price_cap_usd_per_bbl=cap,
        cap_bound_share=bound,
        seaborne_crude_share=parameters["seaborne_crude_share"],
        product_price_to_brent=parameters["product_price_to_brent"],
        days=data.exports.days_per_month.value,
    )
    budget = BudgetModel.calibrate(
        data.budget,
        parameters["budget_sensitivity_rub_trn_per_10_usd"],
        parameters["tax_threshold_usd_per_bbl"],
    ).revenue_rub_trn(urals, parameters["rub_per_usd"], volume)
    return Regime(level, urals, revenue, budget)


def _parameters(worlds: Worlds | None, data: SanctionsData) -> dict[str, FloatArray]:
    size = n_worlds(worlds)
    if size == 0:
        raise DataError(
            [Problem("no worlds", field="worlds", expected="arrays of at least one value")]
        )
    defaults = _world_parameters(data)
    # Worlds may carry other models' parameters too (one table for the whole simulation).
    problems: list[Problem] = []
    parameters: dict[str, FloatArray] = {}
    for name, default in defaults.items():
        values = world_parameter(worlds, name, default, size)
        problem = out_of_bounds(name, values, *_BOUNDS[name])
        if problem is not None:
            problems.append(problem)
        parameters[name] = values
    if problems:
        raise DataError(problems)
    return parameters


def package_levels(
    package: Package,
) -> tuple[SanctionsLevel, SanctionsLevel, list[SanctionsSnapback]]:
    """Return the package's peace-time level, the level after a violation and its commitments.

    The strongest sanctions commitment sets the level (status quo when there is none). Under
    ``full_snapback`` sanctions are relieved while the peace holds and all restored after a
    violation; otherwise a ``snap_back_sanctions`` trigger moves sanctions one level harsher,
    and without one a violation changes nothing.
    """
    commitments = [
        c for c in package.of(Instrument.SANCTIONS_SNAPBACK) if isinstance(c, SanctionsSnapback)
    ]
    level = max((c.level for c in commitments), key=LEVELS.index, default=SanctionsLevel.STATUS_QUO)
    data = _shipped_data()
    peace = data.levels[level].peace
    triggered = any(t.then is TriggerAction.SNAP_BACK_SANCTIONS for t in package.triggers)
    if level is SanctionsLevel.FULL_SNAPBACK:
        after = SanctionsLevel.FULL_SNAPBACK
    elif triggered:
        after = _HARSHER[level]
    else:
        after = peace
    return level, after, commitments


def assess(
    theatre: Theatre,
    package: Package,
    worlds: Worlds | None = None,
    *,
    rng: np.random.Generator | None = None,
) -> Section:
    """Russia's oil revenue under the package's sanctions level and the cost of a violation.

    Args:
        theatre: the theatre (unused by this model beyond the contract).
        package: the package whose sanctions commitments and triggers set the levels.
        worlds: world parameters (see :data:`WORLD_PARAMETERS`); missing ones take defaults.
        rng: accepted for the shared contract; the model is deterministic.

    Raises:
        DataError: a world parameter is unknown, not finite or out of bounds.
    """
    del theatre, rng
    data = _shipped_data()
    parameters = _parameters(worlds, data)
    level, after, commitments = package_levels(package)
    regimes = {each: regime(each, data, parameters) for each in LEVELS}
    peace = regimes[data.levels[level].peace]
    violation = regimes[after]
    # an automatic snapback needs no vote: it is enforced for certain once Russia violates
    automatic = any(c.automatic for c in commitments if c.level is level)
    probability = (
        np.ones_like(parameters["snapback_enforcement_probability"])
        if automatic
        else parameters["snapback_enforcement_probability"]
    )
    lost = np.maximum(peace.revenue_usd_bn_per_month - violation.revenue_usd_bn_per_month, 0.0)
    cost = probability * lost
    budget_lost = np.maximum(peace.budget_rub_trn_per_year - violation.budget_rub_trn_per_year, 0.0)

    sources = _citations(data)
    assumptions = _assumptions(data)
    metrics = (
        Metric.of(
            "revenue_usd_bn_per_month",
            peace.revenue_usd_bn_per_month,
            "USD bn/month",
            f"crude and product export revenue while the peace holds under '{level.value}' "
            f"(regime '{peace.level.value}')",
            sources=sources,
            assumptions=assumptions,
        ),
        Metric.of(
            "budget_oil_gas_rub_trn_per_year",
            peace.budget_rub_trn_per_year,
            "RUB trn/yr",
            "federal oil-and-gas revenue: 2026 budget point moved by 1.5-1.8 trn RUB per $10 Urals",
            sources=sources,
            assumptions=assumptions,
        ),
        Metric.of(
            "urals_usd_per_bbl",
            peace.urals_usd_per_bbl,
            "USD/bbl",
            "Brent minus the level's Urals discount",
            sources=sources,
            assumptions=assumptions,
        ),
        Metric.of(
            "revenue_after_violation_usd_bn_per_month",
            violation.revenue_usd_bn_per_month,
            "USD bn/month",
            f"export revenue if Russia violates and sanctions move to '{after.value}'",
            sources=sources,
            assumptions=assumptions,
        ),
        Metric.of(
            "violation_cost_usd_bn_per_month",
            cost,
            "USD bn/month",
            "expected revenue lost after a violation: P(snapback enforced) x (peace - snapback);"
            " an automatic snapback is enforced for certain",
            sources=sources,
            assumptions=assumptions,
        ),
        Metric.of(
            "violation_budget_cost_rub_trn_per_year",
            probability * budget_lost,
            "RUB trn/yr",
            "expected budget oil-and-gas revenue lost after a violation",
            sources=sources,
            assumptions=assumptions,
        ),
    )
    tables = {
        "levels": [_level_row(each, regimes[each], data) for each in LEVELS],
        "commitments": [
            {
                "id": c.id,
                "actor": c.actor,
                "level": c.level.value,
                "automatic": c.automatic,
                "conditional": c.conditional,
                "conditions": [condition.describe() for condition in c.conditions],
            }
            for c in commitments
        ],
        "history": reproduce_history(data),
        "budget_history": reproduce_budget_history(data),
    }
    return Section(
        name="sanctions",
        title="Sanctions on Russian oil",
        verdict=_verdict(level, after, peace, cost),
        metrics=metrics,
        tables=tables,
        notes=_notes(level, after, commitments),
    )


def _level_row(level: SanctionsLevel, result: Regime, data: SanctionsData) -> dict[str, Any]:
    revenue = Metric.of("r", result.revenue_usd_bn_per_month, "", "").summary()
    budget = Metric.of("b", result.budget_rub_trn_per_year, "", "").summary()
    return {
        "level": level.value,
        "regime": "after a violation" if level is SanctionsLevel.FULL_SNAPBACK else "in peace",
        "revenue_usd_bn_per_month": revenue["value"],
        "revenue_low": revenue["low"],
        "revenue_high": revenue["high"],
        "budget_oil_gas_rub_trn_per_year": budget["value"],
        "urals_usd_per_bbl": float(np.median(result.urals_usd_per_bbl)),
        "price_cap_usd_per_bbl": (
            None
            if data.levels[level].price_cap_usd_per_bbl is None
            else data.levels[level].price_cap_usd_per_bbl.value  # type: ignore[union-attr]
        ),
    }


def _verdict(level: SanctionsLevel, after: SanctionsLevel, peace: Regime, cost: FloatArray) -> str:
    revenue = float(np.median(peace.revenue_usd_bn_per_month))
    budget = float(np.median(peace.budget_rub_trn_per_year))
    head = (
        f"Under '{level.value}' Russia earns about {revenue:.1f} bn USD a month from oil exports "
        f"({budget:.1f} trn RUB a year to the budget)"
    )
    if after is peace.level:
        return head + "; nothing snaps back, so a violation costs it no oil revenue."
    return (
        head + f"; a violation moves sanctions to '{after.value}' and costs it "
        f"{float(np.median(cost)):.1f} bn USD a month in expectation."
    )


def _notes(
    level: SanctionsLevel, after: SanctionsLevel, commitments: list[SanctionsSnapback]
) -> tuple[str, ...]:
    notes = []
    if not commitments:
        notes.append("the package says nothing on sanctions: today's sanctions are assumed to stay")
    for c in commitments:
        conditions = "; ".join(condition.describe() for condition in c.conditions)
        mode = "automatic" if c.automatic else "not automatic"
        text = f"{c.id} ({c.actor}): {c.level.value}, {mode}"
        notes.append(text + (f", conditional on: {conditions}" if conditions else ""))
    if level is SanctionsLevel.FULL_SNAPBACK:
        notes.append(
            "full snapback: sanctions relieved while the peace holds, "
            "all restored after a violation"
        )
    elif after is not level:
        notes.append(
            f"a snap_back_sanctions trigger moves sanctions from '{level.value}' to '{after.value}'"
        )
    return tuple(notes)


def _citations(data: SanctionsData) -> list[str]:
    return [source.cite() for source in data.sources.values()]


def _assumptions(data: SanctionsData) -> list[str]:
    found: list[str] = []
    groups: list[tuple[str, Strict]] = [
        ("exports", data.exports),
        ("world", data.world),
        ("budget", data.budget),
        *((f"levels.{level.value}", spec) for level, spec in data.levels.items()),
    ]
    for prefix, group in groups:
        for name, value in group:
            if isinstance(value, Quantity) and value.assumption is not None:
                found.append(
                    f"{prefix}.{name} = {value.value:g} {value.unit} "
                    f"(range {value.low:g}-{value.high:g}): {value.assumption}"
                )
    return found


def reproduce_history(data: SanctionsData | None = None) -> list[dict[str, Any]]:
    """Model revenue for each month with a published IEA figure, from that month's inputs."""
    data = data or _shipped_data()
    status_quo = data.levels[SanctionsLevel.STATUS_QUO]
    rows = []
    for month in data.history:
        model = float(
            export_revenue_usd_bn(
                crude_mbd=month.crude_exports_mbd.value,
                product_mbd=month.products_mbd,
                urals_usd_per_bbl=month.urals,
                brent_usd_per_bbl=month.brent_usd_per_bbl.value,
                price_cap_usd_per_bbl=month.price_cap_usd_per_bbl.value,
                cap_bound_share=status_quo.cap_bound_share.value,
                seaborne_crude_share=data.exports.seaborne_crude_share.value,
                product_price_to_brent=data.exports.product_price_to_brent.value,
                days=month.days.value,
            )
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
    data = data or _shipped_data()
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


def revenue_by_level(
    worlds: Worlds | None = None, data: SanctionsData | None = None
) -> dict[SanctionsLevel, FloatArray]:
    """Monthly export revenue per world while each level's parameters apply (for plots)."""
    data = data or _shipped_data()
    parameters = _parameters(worlds, data)
    return {level: regime(level, data, parameters).revenue_usd_bn_per_month for level in LEVELS}
