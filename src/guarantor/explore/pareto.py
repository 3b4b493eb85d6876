"""What a robust search writes: the Pareto rows and the checkpoint after each generation.

:func:`non_dominated` is the Pareto filter over any table of objective values.

The checkpoint holds the population, every evaluation so far (the archive, also as Parquet) and
the algorithm's random generator state, written atomically, so that a resumed search continues
exactly as the uninterrupted one would have.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import ArrayLike, NDArray

from guarantor.explore.objectives import Objective
from guarantor.explore.search_space import LeverSpace, lever_order
from guarantor.explore.store import atomic_write_json, atomic_write_table


def non_dominated(values: ArrayLike) -> NDArray[np.bool_]:
    """Which rows of ``values`` (candidates × objectives, every objective maximised) no row beats.

    Row ``j`` is dominated when some row ``i`` is at least as good in every objective and better
    in one. Rows with equal values do not dominate each other, so both stay. A row with a NaN is
    never kept (its candidate failed somewhere) and dominates nothing.
    """
    table = np.asarray(values, dtype=np.float64)
    if table.ndim != 2:
        raise ValueError(f"values must be a (candidates × objectives) table, got {table.shape}")
    failed: NDArray[np.bool_] = np.asarray(np.isnan(table).any(axis=1), dtype=np.bool_)
    table = np.where(failed[:, None], -np.inf, table)
    at_least = (table[:, None, :] >= table[None, :, :]).all(axis=2)
    better = (table[:, None, :] > table[None, :, :]).any(axis=2)
    beaten = (at_least & better & ~failed[:, None]).any(axis=0)
    return np.asarray(~beaten & ~failed, dtype=np.bool_)


def pareto_rows(
    algorithm: Any,
    known: Mapping[tuple[int, ...], dict[str, Any]],
    space: LeverSpace,
    objectives: Sequence[Objective],
    min_acceptance: float | None,
) -> list[dict[str, Any]]:
    """The non-dominated candidates, each marked feasible or not.

    When no candidate meets the constraint, pymoo's optimum is the least infeasible ones.
    """
    front: Any = algorithm.opt
    rows = []
    for x in np.rint(front.get("X")).astype(np.int64).tolist() if front is not None else []:
        entry = known[tuple(x)]
        rows.append(
            {
                "levers": entry["levers"],
                "objectives": dict(
                    zip([o.text for o in objectives], entry["objectives"], strict=True)
                ),
                "acceptance": entry["acceptance"],
                "feasible": min_acceptance is None
                or (entry["acceptance"] or 0.0) >= min_acceptance,
            }
        )
    rows.sort(
        key=lambda row: [lever_order(row["levers"][lever.name], lever) for lever in space.levers]
    )
    return rows


def _finite_or_none(value: Any) -> float | None:
    if value is None:
        return None
    return float(value) if np.isfinite(value) else 1e300


def write_checkpoint(
    folder: Path,
    algorithm: Any,
    *,
    archive: list[dict[str, Any]],
    config_hash: str,
    space: LeverSpace,
    objectives: Sequence[Objective],
    n_constraints: int,
) -> None:
    pop = algorithm.pop
    state = {
        "config_hash": config_hash,
        "generation": int(algorithm.n_iter) - 1,
        "n_eval": int(algorithm.evaluator.n_eval),
        "rng": algorithm.random_state.bit_generator.state,
        "X": pop.get("X").tolist(),
        "F": pop.get("F").tolist(),
        "G": pop.get("G").tolist() if n_constraints else [],
        # pymoo leaves rank and crowding unset (None) for infeasible individuals
        "rank": [None if r is None else int(r) for r in pop.get("rank")],
        "crowding": [_finite_or_none(c) for c in pop.get("crowding")],
        "archive": archive,
    }
    atomic_write_json(folder / "state.json", state)
    table: dict[str, list[Any]] = {
        "generation": [entry["generation"] for entry in archive],
        "acceptance": [entry["acceptance"] for entry in archive],
    }
    for lever in space.levers:
        table[lever.name] = [str(entry["levers"][lever.name]) for entry in archive]
    for number, objective in enumerate(objectives):
        table[objective.text] = [entry["objectives"][number] for entry in archive]
    atomic_write_table(folder / "archive.parquet", pa.table(table))
