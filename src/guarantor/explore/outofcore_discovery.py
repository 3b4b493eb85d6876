"""Scenario discovery's data drawn from a store out of core, and boxes re-measured on all of it.

:func:`discovery_sample` reads the dimensions and outcomes of a deterministic sample of the
experiments (a hash of the experiment index, so the same store always gives the same sample), on
which PRIM and CART run; :func:`box_counts` re-measures a box over *every* experiment.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from guarantor.explore.outofcore_sql import (
    DEFAULT_MEMORY_LIMIT,
    chosen_points,
    connected,
    fetch_one,
    in_points,
    quote,
)

if TYPE_CHECKING:
    from guarantor.explore.discovery import Case
    from guarantor.explore.store import Store

FloatArray = NDArray[np.float64]

DEFAULT_SAMPLE = 100_000
"""Experiments PRIM and CART peel (a deterministic sample when the store holds more)."""
_HASH_SPAN = 2**32


@dataclass(frozen=True)
class DiscoveryData:
    """What PRIM and CART see: the dimensions and outcomes of the sampled experiments."""

    X: FloatArray
    names: list[str]
    outcomes: dict[str, FloatArray]
    n_experiments: int
    """Good experiments of the selection in the whole store."""
    fraction: float
    """The share of them drawn (1 when the sample is every experiment)."""
    levers: dict[str, list[float]]
    """For each lever dimension, its value at every design point."""

    @property
    def n_sampled(self) -> int:
        """How many experiments were drawn."""
        return int(self.X.shape[0])


def discovery_sample(
    store: Store,
    *,
    package: str | None = None,
    outcomes: Sequence[str],
    sample: int | None = DEFAULT_SAMPLE,
    seed: int = 0,
    memory_limit: str | None = DEFAULT_MEMORY_LIMIT,
) -> DiscoveryData:
    """The varying world parameters and levers, and ``outcomes``, of a sample of experiments.

    With ``sample`` at or above the selection's good experiments (or ``None``), every experiment
    is read, in experiment order: the same table as the in-memory
    :func:`~guarantor.explore.discovery.discovery_table`. Otherwise each experiment is kept when
    a hash of (its index, ``seed``) falls below ``sample/n`` of the hash's range: a Bernoulli
    sample of expected size ``sample``, the same on every run, chunking and thread count.

    Raises:
        DataError: the store is empty, or ``package`` matches no stored package.
    """
    manifest = store.manifest()
    points = chosen_points(manifest, package)
    entries = manifest["packages"]
    where = f"c.error IS NULL AND {in_points(points)}"
    with connected(store, memory_limit) as connection:
        spans = ", ".join(
            f"coalesce(max({quote(p)}) > min({quote(p)}), false)" for p in store.world_parameters()
        )
        total, *varies = fetch_one(
            connection,
            f"SELECT count(*), {spans} FROM chunks c JOIN worlds w USING (world) WHERE {where}",
        )
        names = [p for p, flag in zip(store.world_parameters(), varies, strict=True) if flag]
        columns = [f"w.{quote(p)}" for p in names]
        levers: dict[str, list[float]] = {}
        for lever in sorted({name for entry in entries for name in entry["levers"]}):
            per_point = [entry["levers"].get(lever) for entry in entries]
            numeric = all(isinstance(v, (int, float)) for v in per_point)
            if numeric and len(set(per_point)) > 1:
                levers[lever] = [float(v) for v in per_point]
                cases = " ".join(
                    f"WHEN {int(e['point'])} THEN {float(v)!r}"
                    for e, v in zip(entries, per_point, strict=True)
                )
                columns.append(f"CASE c.point {cases} END")
                names.append(lever)
        fraction = 1.0 if sample is None or sample >= total else sample / max(total, 1)
        sampled = (
            ""
            if fraction >= 1.0
            else f" AND hash(c.experiment, {int(seed)}) % {_HASH_SPAN} < "
            f"{math.ceil(fraction * _HASH_SPAN)}"
        )
        selected = [*columns, *(f"c.{quote(o)}" for o in outcomes)]
        table = connection.execute(
            f"SELECT {', '.join(selected) or 'c.experiment'} FROM chunks c "
            f"JOIN worlds w USING (world) WHERE {where}{sampled} ORDER BY c.experiment"
        ).fetchnumpy()
    values = [np.asarray(column, dtype=np.float64) for column in table.values()]
    width = len(names)
    X = np.column_stack(values[:width]) if width else np.empty((len(values[0]), 0))
    found = {o: values[width + k] for k, o in enumerate(outcomes)}
    return DiscoveryData(X, names, found, int(total), min(1.0, fraction), levers)


def case_sql(case: Case) -> str:
    """The case as a SQL condition with numpy's NaN semantics (NaN meets only ``!=``)."""
    column = quote(case.outcome)
    if case.op == "!=":
        return f"(isnan({column}) OR {column} != {case.value!r})"
    sql_op = "=" if case.op == "==" else case.op
    return f"(NOT isnan({column}) AND {column} {sql_op} {case.value!r})"


def box_counts(
    store: Store,
    case: Case,
    limits: Sequence[tuple[str, float | None, float | None]],
    data: DiscoveryData,
    *,
    package: str | None = None,
    memory_limit: str | None = DEFAULT_MEMORY_LIMIT,
) -> tuple[int, int, int, int]:
    """Over every good experiment of the selection: (experiments, cases, in the box, cases in it).

    ``limits`` are (dimension, low or None, high or None), bounds inclusive, as PRIM gives them.
    """
    manifest = store.manifest()
    points = chosen_points(manifest, package)
    conditions = []
    for name, low, high in limits:
        if name in data.levers:
            cases = " ".join(
                f"WHEN {int(e['point'])} THEN {v!r}"
                for e, v in zip(manifest["packages"], data.levers[name], strict=True)
            )
            column = f"(CASE c.point {cases} END)"
        else:
            column = f"w.{quote(name)}"
        if low is not None:
            conditions.append(f"{column} >= {float(low)!r}")
        if high is not None:
            conditions.append(f"{column} <= {float(high)!r}")
    inside = " AND ".join(conditions) or "true"
    flag = case_sql(case)
    with connected(store, memory_limit) as connection:
        row = fetch_one(
            connection,
            f"SELECT count(*), count(*) FILTER (WHERE {flag}), "
            f"count(*) FILTER (WHERE {inside}), count(*) FILTER (WHERE {inside} AND {flag}) "
            f"FROM chunks c JOIN worlds w USING (world) "
            f"WHERE c.error IS NULL AND {in_points(points)}",
        )
    return int(row[0]), int(row[1]), int(row[2]), int(row[3])
