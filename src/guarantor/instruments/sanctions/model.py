"""Sanctions: Russia's oil export revenue as a lever, and the snapback as a deterrent in motion.

The model is split along its seams (``docs/sanctions.md``):

- :mod:`.schema`: the data file and the world parameters;
- :mod:`.market`: Brent's answer to barrels lost, buyers' discounts, the shadow fleet, caps;
- :mod:`.revenue`: export revenue and the federal budget's oil-and-gas income per regime;
- :mod:`.snapback`: who decides a snapback, how long it takes, who blocks; revenue month by month;
- :mod:`.history`: checks against IEA months, budget years and the 2022-23 embargo episode;
- :mod:`.views`: the section's tables, verdict and notes.

This module assembles them into the section. Everything is vectorised over worlds; the model is
deterministic (``rng`` is accepted for the shared contract).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from guarantor.instruments.sanctions import views
from guarantor.instruments.sanctions.history import (
    reproduce_budget_history,
    reproduce_episode,
    reproduce_history,
)
from guarantor.instruments.sanctions.revenue import BudgetModel, regime, status_quo_lost
from guarantor.instruments.sanctions.schema import (
    FloatArray,
    SanctionsData,
    parameters,
    shipped_data,
)
from guarantor.instruments.sanctions.snapback import Paths, Process, paths, process
from guarantor.packages.schema import (
    Instrument,
    Package,
    SanctionsLevel,
    SanctionsSnapback,
    TriggerAction,
)
from guarantor.section import Lazy, Metric, Section, Worlds
from guarantor.theatre import Theatre

LEVELS = tuple(SanctionsLevel)
_HARSHER = {
    SanctionsLevel.RELIEF: SanctionsLevel.STATUS_QUO,
    SanctionsLevel.STATUS_QUO: SanctionsLevel.TIGHTER,
    SanctionsLevel.TIGHTER: SanctionsLevel.FULL_SNAPBACK,
    SanctionsLevel.FULL_SNAPBACK: SanctionsLevel.FULL_SNAPBACK,
}


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
    peace = shipped_data().levels[level].peace
    triggered = any(t.then is TriggerAction.SNAP_BACK_SANCTIONS for t in package.triggers)
    if level is SanctionsLevel.FULL_SNAPBACK:
        after = SanctionsLevel.FULL_SNAPBACK
    elif triggered:
        after = _HARSHER[level]
    else:
        after = peace
    return level, after, commitments


def snapback_process(
    level: SanctionsLevel,
    commitments: list[SanctionsSnapback],
    data: SanctionsData,
    will: FloatArray,
) -> Process:
    """The decision process of the commitment that sets the level (EU when none does)."""
    setting = [c for c in commitments if c.level is level]
    automatic = any(c.automatic for c in setting)
    chosen = next((c for c in setting if c.automatic), setting[0] if setting else None)
    actor = "EU" if chosen is None else chosen.actor
    return process(actor, automatic, data, will)


def revenue_paths(
    package: Package, worlds: Worlds | None = None, data: SanctionsData | None = None
) -> tuple[Paths, Process]:
    """Revenue month by month in peace and after a violation, and the snapback's process."""
    data = data or shipped_data()
    values = parameters(worlds, data)
    level, after, commitments = package_levels(package)
    snap = snapback_process(level, commitments, data, values["snapback_enforcement_probability"])
    peace = regime(data.levels[level].peace, data, values)
    return paths(peace, after, snap, data, values), snap


def assess(
    theatre: Theatre,
    package: Package,
    worlds: Worlds | None = None,
    *,
    rng: np.random.Generator | None = None,
) -> Section:
    """Russia's oil revenue under the package's sanctions, and what a violation costs over time.

    Raises:
        DataError: a world parameter is unknown, not finite or out of bounds.
    """
    del theatre, rng
    data = shipped_data()
    values = parameters(worlds, data)
    level, after, commitments = package_levels(package)
    reference = status_quo_lost(data, values)
    regimes = {
        each: regime(each, data, values, reference_lost_mbd=reference)
        for each in dict.fromkeys((data.levels[level].peace, after))
    }
    peace = regimes[data.levels[level].peace]
    violation = regimes[after]
    snap = snapback_process(level, commitments, data, values["snapback_enforcement_probability"])
    if after is peace.level:
        snap = Process(snap.body, snap.automatic, ())
    # the metrics read the cost window's months only; the charted horizon is for the tables
    window = int(data.snapback.cost_window_months.value)
    track = paths(peace, after, snap, data, values, horizon=window)
    lost = track.peace[:, :window] - track.expected[:, :window]
    cost = np.asarray(lost.mean(axis=1), dtype=np.float64)
    eu_cost = np.asarray(track.eu_cost_expected[:, :window].mean(axis=1), dtype=np.float64)
    credibility = snap.credibility if snap.outcomes else np.zeros_like(cost)
    lag = np.nan_to_num(snap.expected_lag_months, nan=0.0) if snap.outcomes else np.zeros_like(cost)
    model = BudgetModel.calibrate(
        data.budget,
        values["budget_sensitivity_rub_trn_per_10_usd"],
        values["tax_threshold_usd_per_bbl"],
    )
    budget_lost = np.maximum(peace.budget_rub_trn_per_year - violation.budget_rub_trn_per_year, 0.0)
    revenue_lost = np.maximum(
        peace.revenue_usd_bn_per_month - violation.revenue_usd_bn_per_month, 1e-12
    )
    budget_cost = budget_lost * np.clip(cost / revenue_lost, 0.0, 1.0)
    sources = views.citations(data)
    assumed = views.assumptions(data)

    def metric(name: str, value: FloatArray, unit: str, reason: str) -> Metric:
        return Metric.of(name, value, unit, reason, sources=sources, assumptions=assumed)

    metrics = (
        metric(
            "revenue_usd_bn_per_month",
            peace.revenue_usd_bn_per_month,
            "USD bn/month",
            f"crude and product export revenue while the peace holds under '{level.value}' "
            f"(regime '{peace.level.value}')",
        ),
        metric(
            "budget_oil_gas_rub_trn_per_year",
            peace.budget_rub_trn_per_year,
            "RUB trn/yr",
            "federal oil-and-gas revenue: 2026 budget point moved by 1.5-1.8 trn RUB per $10 Urals",
        ),
        metric(
            "budget_oil_gas_share",
            model.share(peace.budget_rub_trn_per_year),
            "1",
            "oil and gas's share of federal revenue (other revenue at the 2026 plan's)",
        ),
        metric(
            "urals_usd_per_bbl",
            peace.urals_usd_per_bbl,
            "USD/bbl",
            "Brent (after Russian barrels lost) minus the buyers' discount",
        ),
        metric(
            "revenue_after_violation_usd_bn_per_month",
            violation.revenue_usd_bn_per_month,
            "USD bn/month",
            f"export revenue once sanctions move to '{after.value}' and before the fleet adapts",
        ),
        metric(
            "violation_cost_usd_bn_per_month",
            cost,
            "USD bn/month",
            "expected revenue lost in the first year after a violation: month by month, weighted "
            "by the chance the snapback is decided and by when",
        ),
        metric(
            "sanctions_threat",
            np.where(
                peace.revenue_usd_bn_per_month > 0,
                cost / np.maximum(peace.revenue_usd_bn_per_month, 1e-9),
                0.0,
            ),
            "1",
            "expected share of oil revenue lost in the first year after a violation",
        ),
        metric(
            "snapback_credibility",
            credibility,
            "1",
            "chance the snapback is restored at all: the body's will times each veto player's pass",
        ),
        metric(
            "snapback_lag_months",
            lag,
            "months",
            "expected months from a violation to restored sanctions, if restored",
        ),
        metric(
            "violation_budget_cost_rub_trn_per_year",
            budget_cost,
            "RUB trn/yr",
            "expected budget oil-and-gas revenue lost in the first year after a violation",
        ),
        metric(
            "eu_energy_cost_usd_bn_per_month",
            eu_cost,
            "USD bn/month",
            "cost to the sanctioning side: Brent's rise on the EU's oil imports after a violation",
        ),
    )

    def tables() -> dict[str, list[dict[str, Any]]]:
        every = {
            each: regimes.get(each) or regime(each, data, values, reference_lost_mbd=reference)
            for each in LEVELS
        }
        return {
            "levels": [views.level_row(each, every[each], data) for each in LEVELS],
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
            "paths": views.path_rows(paths(peace, after, snap, data, values)),
            "lag": [{"body": snap.body, "automatic": snap.automatic, **views.lag_band(snap)}]
            if snap.outcomes
            else [],
            "history": reproduce_history(data),
            "budget_history": reproduce_budget_history(data),
            "episode": reproduce_episode(data),
        }

    return Section(
        name="sanctions",
        title="Sanctions on Russian oil",
        verdict=views.verdict(level, after, peace, cost, snap),
        metrics=metrics,
        tables=Lazy(tables),  # computed when shown: a simulation reads the metrics only
        notes=views.notes(level, after, commitments, snap if snap.outcomes else None),
    )


def revenue_by_level(
    worlds: Worlds | None = None, data: SanctionsData | None = None
) -> dict[SanctionsLevel, FloatArray]:
    """Monthly export revenue per world while each level's measures apply."""
    data = data or shipped_data()
    values = parameters(worlds, data)
    return {level: regime(level, data, values).revenue_usd_bn_per_month for level in LEVELS}
