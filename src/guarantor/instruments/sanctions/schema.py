"""The sanctions data file's schema (``data.yaml``) and the model's world parameters."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Self

import numpy as np
from numpy.typing import NDArray
from pydantic import model_validator

from guarantor.errors import DataError, Problem
from guarantor.packages.schema import SanctionsLevel
from guarantor.section import Worlds, n_worlds, out_of_bounds, world_parameter
from guarantor.sourcing import Quantity, Source, Strict, load_sourced

FloatArray = NDArray[np.float64]
DATA_FILE = Path(__file__).parent / "data.yaml"


class Exports(Strict):
    """Export volumes that define the status quo."""

    crude_exports_mbd: Quantity
    product_exports_mbd: Quantity
    seaborne_crude_share: Quantity
    days_per_month: Quantity


class WorldDefaults(Strict):
    """Parameters that vary by world, with their defaults and ranges."""

    brent_usd_per_bbl: Quantity
    rub_per_usd: Quantity
    snapback_enforcement_probability: Quantity
    sanctions_bite: Quantity
    supply_elasticity: Quantity
    demand_elasticity: Quantity
    spare_release_share: Quantity
    fleet_adaptation_months: Quantity


class Market(Strict):
    """The oil market: world demand, spare capacity, discounts, the shadow fleet, products."""

    world_demand_mbd: Quantity
    opec_spare_capacity_mbd: Quantity
    base_discount_usd_per_bbl: Quantity
    enforcement_premium_usd_per_bbl: Quantity
    scarcity_premium_usd_per_bbl: Quantity
    stranded_share: Quantity
    shadow_fleet_tankers: Quantity
    tanker_throughput_mbd: Quantity
    product_price_to_brent: Quantity
    product_base_discount_usd_per_bbl: Quantity
    product_enforcement_weight: Quantity
    product_cap_bound_share: Quantity
    eu_oil_imports_mbd: Quantity


class Body(Strict):
    """A sanctioning body that must decide a snapback: its lag and its veto players."""

    name: str
    lag_months: Quantity
    veto_players: tuple[str, ...]
    holdout_delay_months: Quantity
    block_given_holdout: Quantity


class Snapback(Strict):
    """The snapback process: bodies, the automatic lag and the charted horizon."""

    horizon_months: Quantity
    cost_window_months: Quantity
    automatic_lag_months: Quantity
    veto_actors_file: str
    bodies: dict[str, Body]

    @model_validator(mode="after")
    def _has_eu(self) -> Self:
        if "EU" not in self.bodies:
            raise ValueError("bodies must include 'EU'")
        return self


class Budget(Strict):
    """The calibration points of the budget's oil-and-gas revenue."""

    reference_urals_usd_per_bbl: Quantity
    reference_rub_per_usd: Quantity
    reference_revenue_rub_trn: Quantity
    reference_share_of_revenue: Quantity
    sensitivity_rub_trn_per_10_usd: Quantity
    tax_threshold_usd_per_bbl: Quantity


class LevelParameters(Strict):
    """What one sanctions level sets in the market."""

    peace: SanctionsLevel
    enforcement: Quantity
    usable_fleet_share: Quantity
    crude_cap_usd_per_bbl: Quantity | None
    product_cap_usd_per_bbl: Quantity | None


class HistoryMonth(Strict):
    """A month with a published revenue figure and that month's inputs."""

    month: str
    days: Quantity
    crude_exports_mbd: Quantity
    product_exports_mbd: Quantity | None = None
    total_exports_mbd: Quantity | None = None
    urals_usd_per_bbl: Quantity | None = None
    urals_discount_usd_per_bbl: Quantity | None = None
    brent_usd_per_bbl: Quantity
    price_cap_usd_per_bbl: Quantity
    product_discount_usd_per_bbl: Quantity
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


class EpisodeStage(Strict):
    """One month of the 2022-23 embargo episode: the market's inputs and the record."""

    month: str
    crude_enforcement: Quantity
    product_enforcement: Quantity
    shadow_fleet_tankers: Quantity
    months_since_embargo: Quantity
    record_discount_usd_per_bbl: Quantity | None = None
    record_exports_mbd: Quantity | None = None


class Episode(Strict):
    """The December 2022 - February 2023 embargo and cap episode."""

    pre_embargo_exports_mbd: Quantity
    crude_share: Quantity
    stages: tuple[EpisodeStage, ...]
    fleet_target_tankers: Quantity


class SanctionsData(Strict):
    """The whole of the sanctions ``data.yaml``."""

    sources: dict[str, Source]
    exports: Exports
    world: WorldDefaults
    market: Market
    snapback: Snapback
    levels: dict[SanctionsLevel, LevelParameters]
    budget: Budget
    history: tuple[HistoryMonth, ...]
    budget_history: tuple[BudgetYear, ...]
    episode: Episode

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
        return shipped_data()
    return load_sourced(path, SanctionsData)


@lru_cache(maxsize=1)
def shipped_data() -> SanctionsData:
    """The shipped data file, read once."""
    return load_data(DATA_FILE)


def world_parameters(data: SanctionsData) -> dict[str, Quantity]:
    """Every world parameter of the model with its default and range."""
    return {
        **dict(data.world),
        "product_price_to_brent": data.market.product_price_to_brent,
        "seaborne_crude_share": data.exports.seaborne_crude_share,
        "shadow_fleet_tankers": data.market.shadow_fleet_tankers,
        "budget_sensitivity_rub_trn_per_10_usd": data.budget.sensitivity_rub_trn_per_10_usd,
        "tax_threshold_usd_per_bbl": data.budget.tax_threshold_usd_per_bbl,
    }


WORLD_PARAMETERS: dict[str, Quantity] = world_parameters(shipped_data())
"""World parameters the model accepts, with defaults and ranges (sampled by the explorer)."""

# Physical bounds on world parameters: beyond them the model is meaningless, so they are refused.
BOUNDS: dict[str, tuple[float, float]] = {
    "brent_usd_per_bbl": (0.0, 1000.0),
    "rub_per_usd": (1.0, 10000.0),
    "snapback_enforcement_probability": (0.0, 1.0),
    "sanctions_bite": (0.0, 1.0),
    "supply_elasticity": (0.0, 5.0),
    "demand_elasticity": (0.0, 5.0),
    "spare_release_share": (0.0, 1.0),
    "fleet_adaptation_months": (0.01, 240.0),
    "product_price_to_brent": (0.0, 5.0),
    "seaborne_crude_share": (0.0, 1.0),
    "shadow_fleet_tankers": (0.0, 100000.0),
    "budget_sensitivity_rub_trn_per_10_usd": (0.0, 100.0),
    "tax_threshold_usd_per_bbl": (0.0, 1000.0),
}


def parameters(worlds: Worlds | None, data: SanctionsData) -> dict[str, FloatArray]:
    """The model's world parameters per world: sampled ones, the rest at their defaults.

    Raises:
        DataError: a world parameter is not finite or out of bounds, or there are no worlds.
    """
    size = n_worlds(worlds)
    if size == 0:
        raise DataError(
            [Problem("no worlds", field="worlds", expected="arrays of at least one value")]
        )
    problems: list[Problem] = []
    values: dict[str, FloatArray] = {}
    # Worlds may carry other models' parameters too (one table for the whole simulation).
    for name, default in world_parameters(data).items():
        column = world_parameter(worlds, name, default, size)
        problem = out_of_bounds(name, column, *BOUNDS[name])
        if problem is not None:
            problems.append(problem)
        values[name] = column
    if problems:
        raise DataError(problems)
    return values
