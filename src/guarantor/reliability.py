"""Warnings attached to results that deserve less trust than their digits suggest.

Each function reads a result as the JSON-ready data every view shows (CLI, report, web) and
returns plain sentences, empty when nothing is wrong. The views show them beside the result and
put them in the JSON under ``warnings``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def backtest_warnings(result: Mapping[str, Any]) -> list[str]:
    """A backtest whose skill is negative forecasts worse than the base rate it is scored against.

    The cross-validated skills (leave-one-out, k-fold: each case forecast by a model calibrated
    without it) are the honest ones; a negative skill on the scored cases is worse still.
    """
    validation = result.get("cross_validation") or {}
    skills = [
        ("cross-validated (leave-one-out)", (validation.get("leave_one_out") or {}).get("skill")),
        ("cross-validated (k-fold)", (validation.get("k_fold") or {}).get("skill")),
        ("cross-validated (leave-one-out)", result.get("skill_loo")),
        ("scored", result.get("skill")),
    ]
    return [
        f"negative {what} Brier skill ({skill:+.3f}): the simulation forecasts these cases "
        "worse than always saying the base rate"
        for what, skill in skills
        if isinstance(skill, int | float) and skill < 0
    ]


def sobol_warnings(indices: Mapping[str, Any]) -> list[str]:
    """Sobol indices whose confidence interval is wider than the index are noise, not ranking.

    ``indices`` maps an outcome to {uncertainty: {S1, S1_conf, ST, ST_conf}} (or a ``note``).
    """
    warnings = []
    for outcome, table in indices.items():
        if not isinstance(table, Mapping) or "note" in table:
            continue
        noisy = sorted(
            f"{name} ({kind} {values[kind]:.3f} ± {values[kind + '_conf']:.3f})"
            for name, values in table.items()
            if isinstance(values, Mapping)
            for kind in ("S1", "ST")
            if abs(values.get(kind + "_conf", 0.0)) > abs(values.get(kind, 0.0))
        )
        if noisy:
            warnings.append(
                f"{outcome}: {len(noisy)} Sobol indices have a confidence interval wider than "
                f"the index ({', '.join(noisy[:3])}{', …' if len(noisy) > 3 else ''}); "
                "raise --samples before reading their order"
            )
    return warnings


def pareto_warnings(pareto: Sequence[Mapping[str, Any]]) -> list[str]:
    """A Pareto set holding the same lever setting twice has fewer choices than rows."""
    seen: dict[str, int] = {}
    for row in pareto:
        key = repr(sorted(dict(row.get("levers", {})).items()))
        seen[key] = seen.get(key, 0) + 1
    duplicates = sum(count - 1 for count in seen.values() if count > 1)
    if not duplicates:
        return []
    return [
        f"the Pareto set holds {duplicates} duplicate point(s) (the same lever settings more "
        f"than once): {len(seen)} distinct choices in {len(pareto)} rows"
    ]
