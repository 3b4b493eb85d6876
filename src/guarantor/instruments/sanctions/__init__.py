"""Sanctions: Russia's oil revenue and the snapback in motion (``docs/sanctions.md``).

The model lives in :mod:`.model` (assembled from :mod:`.schema`, :mod:`.market`,
:mod:`.revenue`, :mod:`.snapback`, :mod:`.history` and :mod:`.views`), the instrument contract
in :mod:`.instrument`.
"""

from guarantor.instruments.sanctions.history import (
    reproduce_budget_history,
    reproduce_episode,
    reproduce_history,
)
from guarantor.instruments.sanctions.instrument import INSTRUMENT
from guarantor.instruments.sanctions.market import (
    Enforcement,
    MarketState,
    at_bite,
    brent_response,
    crude_discount,
    market_state,
    shortage,
)
from guarantor.instruments.sanctions.model import (
    LEVELS,
    assess,
    package_levels,
    revenue_by_level,
    revenue_paths,
    snapback_process,
)
from guarantor.instruments.sanctions.revenue import (
    BudgetModel,
    Regime,
    export_revenue_usd_bn,
    regime,
)
from guarantor.instruments.sanctions.schema import (
    DATA_FILE,
    WORLD_PARAMETERS,
    Budget,
    BudgetYear,
    Exports,
    HistoryMonth,
    LevelParameters,
    Market,
    SanctionsData,
    WorldDefaults,
    load_data,
)
from guarantor.instruments.sanctions.snapback import Paths, Process, holdout_chances, process

__all__ = [
    "DATA_FILE",
    "INSTRUMENT",
    "LEVELS",
    "WORLD_PARAMETERS",
    "Budget",
    "BudgetModel",
    "BudgetYear",
    "Enforcement",
    "Exports",
    "HistoryMonth",
    "LevelParameters",
    "Market",
    "MarketState",
    "Paths",
    "Process",
    "Regime",
    "SanctionsData",
    "WorldDefaults",
    "assess",
    "at_bite",
    "brent_response",
    "crude_discount",
    "export_revenue_usd_bn",
    "holdout_chances",
    "load_data",
    "market_state",
    "package_levels",
    "process",
    "regime",
    "reproduce_budget_history",
    "reproduce_episode",
    "reproduce_history",
    "revenue_by_level",
    "revenue_paths",
    "shortage",
    "snapback_process",
]
