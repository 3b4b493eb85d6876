"""What the sanctions section shows: level rows, the verdict, notes, citations, assumptions."""

from __future__ import annotations

from typing import Any

import numpy as np

from guarantor.instruments.sanctions.revenue import Regime
from guarantor.instruments.sanctions.schema import FloatArray, SanctionsData
from guarantor.instruments.sanctions.snapback import Paths, Process
from guarantor.packages.schema import SanctionsLevel, SanctionsSnapback
from guarantor.section import Metric
from guarantor.sourcing import Quantity, Strict


def level_row(level: SanctionsLevel, result: Regime, data: SanctionsData) -> dict[str, Any]:
    """One row of the levels table."""
    revenue = Metric.of("r", result.revenue_usd_bn_per_month, "", "").summary()
    budget = Metric.of("b", result.budget_rub_trn_per_year, "", "").summary()
    cap = data.levels[level].crude_cap_usd_per_bbl
    return {
        "level": level.value,
        "regime": "after a violation" if level is SanctionsLevel.FULL_SNAPBACK else "in peace",
        "revenue_usd_bn_per_month": revenue["value"],
        "revenue_low": revenue["low"],
        "revenue_high": revenue["high"],
        "budget_oil_gas_rub_trn_per_year": budget["value"],
        "urals_usd_per_bbl": float(np.median(result.urals_usd_per_bbl)),
        "discount_usd_per_bbl": float(np.median(result.market.crude_discount_usd_per_bbl)),
        "brent_usd_per_bbl": float(np.median(result.market.brent_usd_per_bbl)),
        "shortage": float(np.median(result.market.shortage)),
        "price_cap_usd_per_bbl": None if cap is None else cap.value,
    }


def path_rows(paths: Paths) -> list[dict[str, Any]]:
    """Revenue month by month: peace, once enacted, and the expected path with its band."""
    rows = []
    for index, month in enumerate(paths.months):
        expected = paths.expected[:, index]
        low, middle, high = np.percentile(expected, [5, 50, 95])
        rows.append(
            {
                "month": int(month) + 1,
                "peace_usd_bn": float(np.median(paths.peace[:, index])),
                "enacted_usd_bn": float(np.median(paths.enacted[:, index])),
                "expected_usd_bn": float(middle),
                "expected_low": float(low),
                "expected_high": float(high),
                "eu_cost_usd_bn": float(np.median(paths.eu_cost_expected[:, index])),
            }
        )
    return rows


def lag_band(snap: Process) -> dict[str, float]:
    """The lag's expectation and its 5-95% band over the ways the decision can go."""
    weights = np.array([float(np.mean(o.probability)) for o in snap.outcomes])
    lags = np.array([o.lag_months for o in snap.outcomes])
    order = np.argsort(lags, kind="stable").astype(np.intp)
    lags, weights = lags[order], weights[order]
    total = weights.sum()
    if total <= 0:
        return {"expected": float("nan"), "low": float("nan"), "high": float("nan")}
    cumulative = np.cumsum(weights) / total
    low = float(lags[int(np.searchsorted(cumulative, 0.05))])
    high = float(lags[min(int(np.searchsorted(cumulative, 0.95)), len(lags) - 1)])
    return {"expected": float(np.sum(lags * weights) / total), "low": low, "high": high}


def verdict(
    level: SanctionsLevel,
    after: SanctionsLevel,
    peace: Regime,
    cost: FloatArray,
    snap: Process,
) -> str:
    """One sentence on revenue in peace and the expected cost of a violation."""
    revenue = float(np.median(peace.revenue_usd_bn_per_month))
    budget = float(np.median(peace.budget_rub_trn_per_year))
    head = (
        f"Under '{level.value}' Russia earns about {revenue:.1f} bn USD a month from oil exports "
        f"({budget:.1f} trn RUB a year to the budget)"
    )
    if after is peace.level:
        return head + "; nothing snaps back, so a violation costs it no oil revenue."
    lag = float(np.nanmedian(snap.expected_lag_months))
    credibility = float(np.median(snap.credibility))
    return (
        head + f"; a violation moves sanctions to '{after.value}' after about {lag:.1f} months "
        f"(restored with probability {credibility:.2f}, decided by {snap.body}) and costs it "
        f"{float(np.median(cost)):.1f} bn USD a month in expectation over the first year."
    )


def notes(
    level: SanctionsLevel,
    after: SanctionsLevel,
    commitments: list[SanctionsSnapback],
    snap: Process | None,
) -> tuple[str, ...]:
    """The package's sanctions commitments and how its snapback is decided."""
    found = []
    if not commitments:
        found.append("the package says nothing on sanctions: today's sanctions are assumed to stay")
    for c in commitments:
        conditions = "; ".join(condition.describe() for condition in c.conditions)
        mode = "automatic" if c.automatic else "not automatic"
        text = f"{c.id} ({c.actor}): {c.level.value}, {mode}"
        found.append(text + (f", conditional on: {conditions}" if conditions else ""))
    if level is SanctionsLevel.FULL_SNAPBACK:
        found.append(
            "full snapback: sanctions relieved while the peace holds, "
            "all restored after a violation"
        )
    elif after is not level:
        found.append(
            f"a snap_back_sanctions trigger moves sanctions from '{level.value}' to '{after.value}'"
        )
    if snap is not None and not snap.automatic:
        held = sorted({p for o in snap.outcomes for p in o.holdouts})
        if held:
            found.append(
                f"the snapback needs a unanimous vote of {snap.body}: "
                f"{', '.join(held)} may hold out or block"
            )
    elif snap is not None:
        found.append(f"the snapback is automatic: {snap.body} voted it in advance")
    return tuple(found)


def citations(data: SanctionsData) -> list[str]:
    """Every source of the data file."""
    return [source.cite() for source in data.sources.values()]


def assumptions(data: SanctionsData) -> list[str]:
    """Every flagged assumption of the model's inputs with its range."""
    found: list[str] = []
    groups: list[tuple[str, Strict]] = [
        ("exports", data.exports),
        ("world", data.world),
        ("market", data.market),
        ("budget", data.budget),
        ("snapback", data.snapback),
        *((f"snapback.bodies.{key}", body) for key, body in data.snapback.bodies.items()),
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
