"""Analyses over a results store that never hold the store in memory: DuckDB, out of core.

A store of 10⁷ experiments holds 1.3·10⁸ tidy rows; as one wide frame with the world parameters
joined it would take several GB. Each analysis here asks DuckDB, with a ``memory_limit`` (it
spills to disk beyond it), for aggregates, a top-k or a sample, and brings back small tables:

- :func:`results_summary`: the tidy ``results`` view per package × outcome: count, mean, standard
  deviation and the 5/50/95 % points (DuckDB's t-digest ``approx_quantile``: streaming, bounded).
- :func:`given_data_indices`: first-order Sobol indices of every outcome from the stored
  experiments themselves, by the *given-data* estimator (Plischke, Borgonovo and Smith 2013,
  "Global sensitivity measures from given data", European Journal of Operational Research
  226(3)): each uncertainty is cut into ``B`` equal-count bins and
  ``S1 = Σ_b n_b (ȳ_b − ȳ)² / Σ (y − ȳ)²``, the share of the outcome's variance explained by the
  bin means. The store is read one package at a time; one sparse product per package gives
  every bin's sum for every uncertainty and outcome.
- :func:`worst_stored_worlds`: the worlds where an outcome is worst for each package, by a
  streaming top-k (``min_by(world, value, k)``).
- :func:`discovery_sample`: the dimensions and outcomes of a deterministic sample of the
  experiments (a hash of the experiment index, so the same store always gives the same sample),
  on which PRIM and CART run; :func:`box_counts` re-measures a box over *every* experiment.

Each has an in-memory counterpart it is tested against on small stores (the same numbers, or the
same boxes when the sample is the whole store).

The summary and the worst worlds are here; the indices are in
:mod:`~guarantor.explore.outofcore_indices`, the discovery sample and box counts in
:mod:`~guarantor.explore.outofcore_discovery`, the shared DuckDB plumbing in
:mod:`~guarantor.explore.outofcore_sql`. This module re-exports their public names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from guarantor.errors import DataError
from guarantor.explore.outofcore_discovery import (
    DEFAULT_SAMPLE,
    DiscoveryData,
    box_counts,
    case_sql,
    discovery_sample,
)
from guarantor.explore.outofcore_indices import (
    DEFAULT_BINS,
    first_order_from_bins,
    given_data_indices,
    ntile,
)
from guarantor.explore.outofcore_sql import (
    DEFAULT_MEMORY_LIMIT,
    chosen_points,
    connected,
    fetch_one,
    in_points,
    quote,
)

if TYPE_CHECKING:
    from guarantor.explore.objectives import Objective
    from guarantor.explore.store import Store

FloatArray = NDArray[np.float64]

__all__ = [
    "DEFAULT_BINS",
    "DEFAULT_MEMORY_LIMIT",
    "DEFAULT_SAMPLE",
    "DiscoveryData",
    "box_counts",
    "case_sql",
    "chosen_points",
    "connected",
    "discovery_sample",
    "first_order_from_bins",
    "given_data_indices",
    "ntile",
    "quote",
    "results_summary",
    "worst_stored_worlds",
]


def results_summary(
    store: Store, *, memory_limit: str | None = DEFAULT_MEMORY_LIMIT
) -> dict[str, Any]:
    """Per package and outcome over the tidy ``results`` view: count, mean, sd, 5/50/95 %.

    Only finite values enter the statistics; ``defined`` is their share of the experiments
    (``breakdown_month`` is undefined where the peace held). Quantiles are DuckDB's t-digest
    estimates (``approx_quantile``), which stream in bounded memory; DuckDB aggregates on
    several threads, so a rerun may differ in the last bits of a sum and slightly more in a
    t-digest quantile (within 2 % of the outcome's range; tested).
    """
    with connected(store, memory_limit) as connection:
        rows = connection.execute(
            "SELECT label, outcome, count(value), "
            "count(value) FILTER (WHERE isfinite(value)), "
            "avg(value) FILTER (WHERE isfinite(value)), "
            "stddev_samp(value) FILTER (WHERE isfinite(value)), "
            "approx_quantile(value, [0.05, 0.5, 0.95]) FILTER (WHERE isfinite(value)) "
            "FROM results GROUP BY label, outcome ORDER BY label, outcome"
        ).fetchall()
        (failures,) = fetch_one(connection, "SELECT count(*) FROM failures")
    table = []
    for label, outcome, count, finite, mean, sd, quantiles in rows:
        low, median, high = quantiles if quantiles is not None else (None, None, None)
        table.append(
            {
                "package": label,
                "outcome": outcome,
                "n": int(count),
                "defined": finite / count if count else 0.0,
                "mean": mean,
                "sd": sd,
                "p05": low,
                "p50": median,
                "p95": high,
            }
        )
    return {
        "store": str(store.root),
        "n_rows": int(sum(row["n"] for row in table)),
        "failures": int(failures),
        "rows": table,
    }


def worst_stored_worlds(
    store: Store,
    objective: Objective,
    *,
    package: str | None = None,
    keep: int = 5,
    memory_limit: str | None = DEFAULT_MEMORY_LIMIT,
) -> dict[str, Any]:
    """For each package, the ``keep`` stored worlds where ``objective``'s outcome is worst.

    Worst is lowest for an outcome the objective maximises, highest otherwise; ties go to the
    lower world index. Each world comes with its parameters and their quantiles among the
    store's worlds (mid-rank: the mean of ``percent_rank`` and ``cume_dist``). Each stored world
    is one draw of the kernel's randomness: rank on a smooth outcome (``p_hold_horizon``)
    rather than a 0/1 one.

    Raises:
        DataError: the outcome is not stored, or ``package`` is unknown.
    """
    outcomes = store.stored_outcomes()
    if objective.outcome not in outcomes:
        raise DataError.single(
            "unknown outcome in the objective",
            field="objective",
            expected=f"one of {sorted(outcomes)}",
            received=objective.outcome,
        )
    manifest = store.manifest()
    points = chosen_points(manifest, package)
    labels = {int(e["point"]): str(e["label"]) for e in manifest["packages"]}
    y = quote(objective.outcome)
    pick = "min_by" if objective.maximise else "max_by"
    # the key orders by value, then by world (lower first, both ways)
    key = f"row({y}, -c.world)" if not objective.maximise else f"row({y}, c.world)"
    parameters = store.world_parameters()
    with connected(store, memory_limit) as connection:
        worst = connection.execute(
            f"SELECT c.point, {pick}(c.world, {key}, {int(keep)}), "
            f"{pick}({y}, {key}, {int(keep)}) FROM chunks c "
            f"WHERE c.error IS NULL AND isfinite({y}) AND {in_points(points)} "
            "GROUP BY c.point ORDER BY c.point"
        ).fetchall()
        wanted = np.array(sorted({int(w) for _, worlds, _ in worst for w in worlds}), dtype=int)
        # the mid-rank quantile (the mean of percent_rank and cume_dist): a value shared by many
        # worlds (a discrete parameter) sits in the middle of its step, not at its foot. One
        # parameter's column at a time: memory holds one column of the worlds table.
        values: dict[str, FloatArray] = {}
        quantiles: dict[str, FloatArray] = {}
        for parameter in parameters:
            column = connection.execute(
                f"SELECT {quote(parameter)} FROM worlds ORDER BY world"
            ).fetchnumpy()[parameter]
            ordered = np.sort(np.asarray(column, dtype=np.float64))
            mine = np.asarray(column, dtype=np.float64)[wanted]
            below = np.searchsorted(ordered, mine, side="left")
            up_to = np.searchsorted(ordered, mine, side="right")
            n = ordered.size
            values[parameter] = mine
            quantiles[parameter] = (below / max(n - 1, 1) + up_to / n) / 2
    position = {int(world): row for row, world in enumerate(wanted)}
    packages: dict[str, Any] = {}
    for point, worlds, found in worst:
        packages[labels[int(point)]] = [
            {
                "world": int(world),
                objective.outcome: float(value),
                "parameters": {p: float(values[p][position[int(world)]]) for p in parameters},
                "quantiles": {p: float(quantiles[p][position[int(world)]]) for p in parameters},
            }
            for world, value in zip(worlds, found, strict=True)
        ]
    return {
        "store": str(store.root),
        "objective": objective.text,
        "worst": "lowest" if objective.maximise else "highest",
        "keep": keep,
        "packages": packages,
    }
