"""Global sensitivity: Sobol indices (SALib) with confidence intervals, and a tornado view.

**Sampling through the uncertainties' distributions.** Both analyses work in the unit cube and
map each coordinate through its uncertainty's inverse CDF (:meth:`Bounds.from_unit`, which is the
durability model's own mapping), so a log-uniform or triangular uncertainty is sampled as the
durability model samples it, not uniformly between its ends.

**Sobol.** Worlds are drawn with Saltelli's scheme (SALib's ``sample.sobol`` on the unit cube:
``N × (D + 2)`` worlds for ``D`` inputs), run as one design through the same sweep machinery (so
the run is chunked, parallel and resumable in the store), and each outcome is analysed with
``SALib.analyze.sobol``: first-order ``S1`` (the share of the outcome's variance due to one input
alone) and total ``ST`` (including all its interactions), each with a bootstrap confidence
interval. The kernel is stochastic: its own random draws are one more input, ``random_draws``
(the "seed variable" of Iooss & Ribatet 2009), whose coordinate sets the index each world's
randomness is keyed on. Worlds of a Saltelli group that share that coordinate share their draws,
so the differences the estimators take isolate one input at a time; without it every world draws
afresh and the noise lands in every ``ST`` (all near 1). ``S_random_draws`` then says how much of
an outcome is luck rather than any uncertainty.

**Tornado.** Every uncertainty at its nominal value, then one at a time at a low and a high
quantile of its distribution (default the 10th and 90th percentiles), each setting over
``replicates`` worlds averaged. Every block uses the same ``replicates`` random keys (common random
numbers), so the swing ``|y(high) − y(low)|`` is the uncertainty's doing, not the draws'.
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

RANDOM_DRAWS = "random_draws"
"""The name of the kernel's own randomness as a Sobol input."""
_KEYS = 2**32  # world keys lie in [0, 2**32) (guarantor.randomness.spawn_states)


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
    """SALib's problem on the unit cube: the uncertainties that vary, then ``random_draws``.

    Raises:
        DataError: no uncertainty varies.
    """
    free = varying(bounds)
    if not free:
        raise DataError.single(
            "no uncertainty varies", field="uncertainties", expected="a range with low < high"
        )
    names = [*free, RANDOM_DRAWS]
    return {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}


def sobol_worlds(
    bounds: Mapping[str, Bounds], n: int, *, seed: int
) -> tuple[dict[str, NDArray[np.float64]], NDArray[np.int64]]:
    """Saltelli worlds (``n × (D + 2)``) and the random key of each.

    The unit-cube sample is mapped through each uncertainty's inverse CDF; fixed uncertainties
    stay at their nominal values; the ``random_draws`` column becomes the world index the kernel
    keys its randomness on.
    """
    from SALib.sample import sobol as sobol_sample

    problem = sobol_problem(bounds)
    matrix = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    worlds = nominal_worlds(bounds, matrix.shape[0])
    for column, name in enumerate(problem["names"][:-1]):
        worlds[name] = np.ascontiguousarray(bounds[name].from_unit(matrix[:, column]))
    keys = np.minimum(np.floor(matrix[:, -1] * _KEYS), _KEYS - 1).astype(np.int64)
    return worlds, keys


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
    worlds, keys = sobol_worlds(bounds, n, seed=base.seed)
    point = base.points[0]
    design = replace(
        base,
        points=(DesignPoint(0, point.label, point.package, point.levers),),
        worlds=worlds,
        world_index=keys,
        options={**dict(base.options), "analysis": "sobol"},
    )
    runs = Store(store.root / "sensitivity" / f"sobol-{_slug(point.label)}")
    outcomes = _run_worlds(design, runs, executor, resume)
    indices: dict[str, Any] = {}
    for name, values in outcomes.items():
        if not np.isfinite(values).all():
            indices[name] = {"note": "undefined (NaN) in some worlds: no indices"}
            continue
        if np.ptp(values) == 0:
            indices[name] = {"note": "constant in every world: no indices"}
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
    bounds: Mapping[str, Bounds], replicates: int, quantile: float = 0.1
) -> tuple[dict[str, NDArray[np.float64]], list[tuple[str, str]], dict[str, tuple[float, float]]]:
    """Nominal worlds, then each varying uncertainty at its low and its high quantile.

    Returns the worlds; per block of ``replicates`` worlds its ``(parameter, end)`` label
    (``("nominal", "")`` first); and each parameter's low and high values.
    """
    free = list(varying(bounds))
    blocks = [("nominal", "")] + [(name, end) for name in free for end in ("low", "high")]
    ends: dict[str, tuple[float, float]] = {}
    for name in free:
        low, high = bounds[name].from_unit(np.array([quantile, 1.0 - quantile]))
        ends[name] = (float(low), float(high))
    worlds = nominal_worlds(bounds, len(blocks) * replicates)
    for block, (name, end) in enumerate(blocks[1:], start=1):
        rows = slice(block * replicates, (block + 1) * replicates)
        worlds[name][rows] = ends[name][0] if end == "low" else ends[name][1]
    return worlds, blocks, ends


def tornado(
    base: Design,
    bounds: Mapping[str, Bounds],
    store: Store,
    *,
    replicates: int = 200,
    quantile: float = 0.1,
    executor: Executor | None = None,
    resume: bool = False,
    outcomes: Sequence[str] | None = None,
) -> dict[str, Any]:
    """One-at-a-time swings of every outcome; rows sorted by swing, largest first.

    ``quantile`` sets the ends: the ``quantile`` and ``1 − quantile`` points of each uncertainty's
    distribution (0 gives the ends of its range). Outcomes undefined in every world (NaN, e.g.
    ``held_120m`` over a 60-month horizon) are listed under ``undefined``.

    Raises:
        DataError: no uncertainty varies, or the quantile is outside [0, 0.5).
    """
    if not 0.0 <= quantile < 0.5:
        raise DataError.single(
            "the tornado quantile must lie in [0, 0.5)", field="quantile", received=str(quantile)
        )
    worlds, blocks, ends = tornado_worlds(bounds, replicates, quantile)
    if len(blocks) == 1:
        raise DataError.single(
            "no uncertainty varies", field="uncertainties", expected="a range with low < high"
        )
    point = base.points[0]
    design = replace(
        base,
        points=(DesignPoint(0, point.label, point.package, point.levers),),
        worlds=worlds,
        # common random numbers: block b's replicate r draws exactly what every block's r draws
        world_index=np.tile(np.arange(replicates, dtype=np.int64), len(blocks)),
        options={
            **dict(base.options),
            "analysis": "tornado",
            "replicates": replicates,
            "quantile": quantile,
        },
    )
    runs = Store(store.root / "sensitivity" / f"tornado-{_slug(point.label)}")
    results = _run_worlds(design, runs, executor, resume)
    views: dict[str, Any] = {}
    undefined: list[str] = []
    for name, values in results.items():
        if outcomes is not None and name not in outcomes:
            continue
        table = values.reshape(len(blocks), replicates)
        if not np.isfinite(table).any(axis=1).all():
            undefined.append(name)
            continue
        means = np.nanmean(table, axis=1)
        rows: list[dict[str, Any]] = []
        for index in range(1, len(blocks), 2):
            parameter = blocks[index][0]
            low_mean, high_mean = float(means[index]), float(means[index + 1])
            rows.append(
                {
                    "parameter": parameter,
                    "low": ends[parameter][0],
                    "high": ends[parameter][1],
                    "distribution": bounds[parameter].distribution,
                    "outcome_at_low": low_mean,
                    "outcome_at_high": high_mean,
                    "swing": abs(high_mean - low_mean),
                }
            )
        rows.sort(key=lambda row: -float(row["swing"]))
        views[name] = {"nominal": float(means[0]), "rows": rows}
        defined = float(np.isfinite(table).mean())
        if defined < 1.0:  # e.g. breakdown_month, NaN where the peace held: a conditional mean
            views[name]["defined_share"] = defined
    result = {
        "package": point.label,
        "replicates": replicates,
        "quantiles": [quantile, 1 - quantile],
        "outcomes": views,
        "undefined": undefined,
    }
    store.write_json(f"sensitivity/tornado-{_slug(point.label)}.json", result)
    return result


def tornado_text(view: Mapping[str, Any], outcome: str, width: int = 30) -> str:
    """A text tornado for one outcome: one bar per uncertainty, scaled to the largest swing."""
    entry = view["outcomes"][outcome]
    rows = entry["rows"]
    largest = max((row["swing"] for row in rows), default=0.0) or 1.0
    name_width = max((len(row["parameter"]) for row in rows), default=9)
    defined = entry.get("defined_share")
    where = f", means over the {defined:.0%} of worlds where it is defined" if defined else ""
    lines = [f"{outcome} (nominal {entry['nominal']:.4g}{where})"]
    for row in rows:
        bar = "█" * max(1, round(width * row["swing"] / largest)) if row["swing"] > 0 else ""
        lines.append(
            f"{row['parameter']:<{name_width}}  {row['outcome_at_low']:>9.4g} → "
            f"{row['outcome_at_high']:<9.4g} {bar}"
        )
    return "\n".join(lines)
