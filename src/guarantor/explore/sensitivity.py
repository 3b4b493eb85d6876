"""Global sensitivity: Sobol indices (SALib) with confidence intervals, and a tornado view.

**Sobol.** Worlds are drawn with Saltelli's scheme (SALib's ``sample.sobol``: ``N × (D + 2)``
worlds for ``D`` uncertainties), run as one design through the same sweep machinery (so the run
is chunked, parallel and resumable in the store), and each outcome is analysed with
``SALib.analyze.sobol``: first-order ``S1`` (the share of the outcome's variance due to one
uncertainty alone) and total ``ST`` (including all its interactions), each with a bootstrap
confidence interval. The kernel is stochastic, so variance not explained by any uncertainty is
the simulation's own randomness; ``Σ S1`` below one measures interactions plus that noise.

**Tornado.** Every uncertainty at its nominal value, then one at a time at its low and at its
high end, each setting over ``replicates`` worlds (different random draws) and averaged: the
swing ``|y(high) − y(low)|`` ranks the uncertainties for each outcome.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.errors import DataError
from guarantor.explore.design import Design, DesignPoint
from guarantor.explore.executors import Executor
from guarantor.explore.store import Store
from guarantor.explore.sweep import sweep
from guarantor.explore.uncertainty import Bounds, nominal_worlds, varying


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)


def _run_worlds(
    design: Design, store: Store, executor: Executor | None, resume: bool
) -> dict[str, NDArray[np.float64]]:
    if store.exists() and not resume and store.manifest()["design_hash"] == design.hash:
        resume = True  # the same analysis again: reuse what is stored
    sweep(design, store, executor, resume=resume)
    data = store.experiments()
    return {name: np.asarray(data[name], dtype=np.float64) for name in store.outcome_names()}


def sobol_problem(bounds: Mapping[str, Bounds]) -> dict[str, Any]:
    """SALib's problem spec for the uncertainties that vary."""
    free = varying(bounds)
    if not free:
        raise DataError.single(
            "no uncertainty varies", field="uncertainties", expected="a range with low < high"
        )
    return {
        "num_vars": len(free),
        "names": list(free),
        "bounds": [[bound.low, bound.high] for bound in free.values()],
    }


def sobol_worlds(
    bounds: Mapping[str, Bounds], n: int, *, seed: int
) -> dict[str, NDArray[np.float64]]:
    """Saltelli worlds (``n × (D + 2)``); fixed uncertainties stay at their nominal values."""
    from SALib.sample import sobol as sobol_sample

    problem = sobol_problem(bounds)
    matrix = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    worlds = nominal_worlds(bounds, matrix.shape[0])
    for column, name in enumerate(problem["names"]):
        worlds[name] = np.ascontiguousarray(matrix[:, column])
    return worlds


def sobol_indices(
    base: Design,
    bounds: Mapping[str, Bounds],
    store: Store,
    *,
    n: int = 256,
    executor: Executor | None = None,
    resume: bool = False,
    conf_level: float = 0.95,
) -> dict[str, Any]:
    """Sobol indices of every outcome for the first package of ``base``.

    The worlds run as their own sweep in ``<store>/sensitivity/sobol-<package>/`` (resumable;
    rerunning the same analysis reuses it) and the indices are written next to it as JSON.

    Raises:
        DataError: no uncertainty varies, or the store holds a different analysis.
    """
    from SALib.analyze import sobol as sobol_analyze

    problem = sobol_problem(bounds)
    worlds = sobol_worlds(bounds, n, seed=base.seed)
    point = base.points[0]
    design = replace(
        base,
        points=(DesignPoint(0, point.label, point.package, point.levers),),
        worlds=worlds,
        options={**dict(base.options), "analysis": "sobol"},
    )
    runs = Store(store.root / "sensitivity" / f"sobol-{_slug(point.label)}")
    outcomes = _run_worlds(design, runs, executor, resume)
    indices: dict[str, Any] = {}
    for name, values in outcomes.items():
        finite = np.isfinite(values)
        if not finite.all() or np.ptp(values) == 0:
            indices[name] = {"note": "constant or failed in some worlds: no indices"}
            continue
        analysis = sobol_analyze.analyze(
            problem,
            values,
            calc_second_order=False,
            conf_level=conf_level,
            seed=base.seed,
            print_to_console=False,
        )
        indices[name] = {
            parameter: {
                "S1": float(analysis["S1"][j]),
                "S1_conf": float(analysis["S1_conf"][j]),
                "ST": float(analysis["ST"][j]),
                "ST_conf": float(analysis["ST_conf"][j]),
            }
            for j, parameter in enumerate(problem["names"])
        }
    result = {
        "package": point.label,
        "n": n,
        "n_worlds": design.n_worlds,
        "conf_level": conf_level,
        "parameters": problem["names"],
        "indices": indices,
    }
    store.write_json(f"sensitivity/sobol-{_slug(point.label)}.json", result)
    return result


def tornado_worlds(
    bounds: Mapping[str, Bounds], replicates: int
) -> tuple[dict[str, NDArray[np.float64]], list[tuple[str, str]]]:
    """Nominal worlds, then each varying uncertainty at its low and its high end.

    Returns the worlds and, per block of ``replicates`` worlds, its ``(parameter, end)`` label
    (``("nominal", "")`` first).
    """
    free = list(varying(bounds))
    blocks = [("nominal", "")] + [(name, end) for name in free for end in ("low", "high")]
    worlds = nominal_worlds(bounds, len(blocks) * replicates)
    for block, (name, end) in enumerate(blocks[1:], start=1):
        bound = bounds[name]
        rows = slice(block * replicates, (block + 1) * replicates)
        worlds[name][rows] = bound.low if end == "low" else bound.high
    return worlds, blocks


def tornado(
    base: Design,
    bounds: Mapping[str, Bounds],
    store: Store,
    *,
    replicates: int = 200,
    executor: Executor | None = None,
    resume: bool = False,
    outcomes: Sequence[str] | None = None,
) -> dict[str, Any]:
    """One-at-a-time swings of every outcome; rows sorted by swing, largest first.

    Raises:
        DataError: no uncertainty varies.
    """
    worlds, blocks = tornado_worlds(bounds, replicates)
    if len(blocks) == 1:
        raise DataError.single(
            "no uncertainty varies", field="uncertainties", expected="a range with low < high"
        )
    point = base.points[0]
    design = replace(
        base,
        points=(DesignPoint(0, point.label, point.package, point.levers),),
        worlds=worlds,
        options={**dict(base.options), "analysis": "tornado", "replicates": replicates},
    )
    runs = Store(store.root / "sensitivity" / f"tornado-{_slug(point.label)}")
    results = _run_worlds(design, runs, executor, resume)
    views: dict[str, Any] = {}
    for name, values in results.items():
        if outcomes is not None and name not in outcomes:
            continue
        means = np.nanmean(values.reshape(len(blocks), replicates), axis=1)
        rows: list[dict[str, Any]] = []
        for index in range(1, len(blocks), 2):
            parameter = blocks[index][0]
            low_mean, high_mean = float(means[index]), float(means[index + 1])
            rows.append(
                {
                    "parameter": parameter,
                    "low": bounds[parameter].low,
                    "high": bounds[parameter].high,
                    "outcome_at_low": low_mean,
                    "outcome_at_high": high_mean,
                    "swing": abs(high_mean - low_mean),
                }
            )
        rows.sort(key=lambda row: -float(row["swing"]))
        views[name] = {"nominal": float(means[0]), "rows": rows}
    result = {"package": point.label, "replicates": replicates, "outcomes": views}
    store.write_json(f"sensitivity/tornado-{_slug(point.label)}.json", result)
    return result


def tornado_text(view: Mapping[str, Any], outcome: str, width: int = 30) -> str:
    """A text tornado for one outcome: one bar per uncertainty, scaled to the largest swing."""
    entry = view["outcomes"][outcome]
    rows = entry["rows"]
    largest = max((row["swing"] for row in rows), default=0.0) or 1.0
    name_width = max((len(row["parameter"]) for row in rows), default=9)
    lines = [f"{outcome} (nominal {entry['nominal']:.4g})"]
    for row in rows:
        bar = "█" * max(1, round(width * row["swing"] / largest)) if row["swing"] > 0 else ""
        lines.append(
            f"{row['parameter']:<{name_width}}  {row['outcome_at_low']:>9.4g} → "
            f"{row['outcome_at_high']:<9.4g} {bar}"
        )
    return "\n".join(lines)
