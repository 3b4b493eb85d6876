"""Sanctions: Russia's oil revenue and the snapback (``docs/sanctions.md``).

The model lives in :mod:`.model`, the instrument contract in :mod:`.instrument`.
"""

from guarantor.instruments.sanctions.instrument import INSTRUMENT
from guarantor.instruments.sanctions.model import (
    DATA_FILE,
    LEVELS,
    WORLD_PARAMETERS,
    Budget,
    BudgetModel,
    BudgetYear,
    Exports,
    HistoryMonth,
    LevelParameters,
    Regime,
    SanctionsData,
    WorldDefaults,
    assess,
    at_bite,
    export_revenue_usd_bn,
    load_data,
    package_levels,
    regime,
    reproduce_budget_history,
    reproduce_history,
    revenue_by_level,
)

__all__ = [
    "DATA_FILE",
    "INSTRUMENT",
    "LEVELS",
    "WORLD_PARAMETERS",
    "Budget",
    "BudgetModel",
    "BudgetYear",
    "Exports",
    "HistoryMonth",
    "LevelParameters",
    "Regime",
    "SanctionsData",
    "WorldDefaults",
    "assess",
    "at_bite",
    "export_revenue_usd_bn",
    "load_data",
    "package_levels",
    "regime",
    "reproduce_budget_history",
    "reproduce_history",
    "revenue_by_level",
]
