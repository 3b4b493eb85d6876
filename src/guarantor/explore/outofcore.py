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
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from guarantor.errors import DataError

if TYPE_CHECKING:
    import duckdb

    from guarantor.explore.discovery import Case
    from guarantor.explore.objectives import Objective
    from guarantor.explore.store import Store

FloatArray = NDArray[np.float64]

DEFAULT_MEMORY_LIMIT = "1GB"
"""DuckDB's working memory for the analyses (it spills to the store's folder beyond it)."""
DEFAULT_SAMPLE = 100_000
"""Experiments PRIM and CART peel (a deterministic sample when the store holds more)."""
DEFAULT_BINS = 50
"""Equal-count bins per uncertainty for the given-data indices."""
_HASH_SPAN = 2**32
_GROUP = 16


def quote(name: str) -> str:
    """A SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


@contextmanager
def connected(store: Store, memory_limit: str | None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The store's DuckDB views under ``memory_limit``, closed afterwards."""
    connection = store.connect(memory_limit=memory_limit)
    try:
        yield connection
    finally:
        connection.close()


def chosen_points(manifest: dict[str, Any], package: str | None) -> list[int]:
    """The design points of ``package`` (a label or a package name), or every point.

    Raises:
        DataError: ``package`` matches no stored package.
    """
    entries = manifest["packages"]
    if package is None:
        return [int(entry["point"]) for entry in entries]
    points = [int(e["point"]) for e in entries if package in (e["label"], e["name"])]
    if not points:
        raise DataError.single(
            "no such package in the store",
            field="package",
            expected=f"one of {sorted({entry['label'] for entry in entries})}",
            received=package,
        )
    return points


def _in_points(points: Sequence[int]) -> str:
    return f"c.point IN ({', '.join(str(int(p)) for p in points)})"


def _fetch_one(connection: duckdb.DuckDBPyConnection, query: str) -> tuple[Any, ...]:
    row = connection.execute(query).fetchone()
    assert row is not None  # an aggregate without GROUP BY always returns a row
    return tuple(row)


# --- the tidy view, summarised -------------------------------------------------------------


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
        (failures,) = _fetch_one(connection, "SELECT count(*) FROM failures")
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


# --- given-data first-order indices ---------------------------------------------------------


def ntile(values: FloatArray, bins: int) -> NDArray[np.int64]:
    """Equal-count bins ``0 … bins−1`` by rank (ties by position), as SQL's ``ntile(bins) − 1``.

    The first ``n mod bins`` bins hold one value more than the others.
    """
    n = values.size
    order = np.lexsort((np.arange(n), values))
    size, extra = divmod(n, bins)
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    large = extra * (size + 1)
    return np.where(
        rank < large, rank // (size + 1), extra + (rank - large) // max(size, 1)
    ).astype(np.int64)


def first_order_from_bins(y: FloatArray, bin_index: NDArray[np.int64], bins: int) -> float:
    """``S1 = Σ_b n_b (ȳ_b − ȳ)² / Σ (y − ȳ)²``: the in-memory given-data estimator."""
    counts = np.bincount(bin_index, minlength=bins).astype(np.float64)
    sums = np.bincount(bin_index, weights=y, minlength=bins)
    total = y.sum()
    between = float(np.sum(sums[counts > 0] ** 2 / counts[counts > 0]) - total**2 / y.size)
    variance = float(np.sum(y * y) - total**2 / y.size)
    return between / variance


def given_data_indices(
    store: Store,
    *,
    package: str | None = None,
    bins: int = DEFAULT_BINS,
    outcomes: Sequence[str] | None = None,
    memory_limit: str | None = DEFAULT_MEMORY_LIMIT,
) -> dict[str, Any]:
    """First-order indices of every outcome, per package, from the stored experiments.

    The bins are equal-count bins of each world parameter over the worlds table (every package
    meets every world, so they are equal-count within each package too). The store is read one
    package at a time (its outcomes are ``Y``, worlds × outcomes); with ``H`` the sparse one-hot
    matrix of the bins (worlds × parameters·bins, 16 parameters at a time), every bin's sum for
    every parameter and outcome is ``Hᵀ Y`` and its count ``Hᵀ 1``. Memory holds the worlds'
    bin codes and one package's outcomes, never the store. An input with no effect has an
    expected index of about ``(B − 1)/(N − 1)`` (the ``floor``: the spread of ``B`` bin means of
    pure noise), reported beside the indices.

    Raises:
        DataError: the store is empty, ``package`` is unknown, ``bins`` is below 2, or no world
            parameter varies.
    """
    from scipy import sparse

    if bins < 2:
        raise DataError.single("need at least 2 bins", field="bins", received=str(bins))
    manifest = store.manifest()
    points = chosen_points(manifest, package)
    labels = {int(e["point"]): str(e["label"]) for e in manifest["packages"]}
    names = [n for n in store.stored_outcomes() if outcomes is None or n in outcomes]
    with connected(store, memory_limit) as connection:
        parameters = _varying_world_parameters(connection, store.world_parameters())
        if not parameters:
            raise DataError.single(
                "no world parameter varies", field="worlds", expected="a range with low < high"
            )
        columns = ", ".join(quote(p) for p in parameters)
        worlds = connection.execute(f"SELECT {columns} FROM worlds ORDER BY world").fetchnumpy()
        codes = np.column_stack(
            [ntile(np.asarray(worlds[p], dtype=np.float64), bins) for p in parameters]
        ).astype(np.int32)
        del worlds
        width = len(parameters)
        result: dict[str, Any] = {
            "store": str(store.root),
            "method": "given data, equal-count bins (Plischke, Borgonovo and Smith 2013)",
            "bins": bins,
            "parameters": parameters,
            "packages": {},
        }
        selected = ", ".join(f"c.{quote(o)}" for o in names)
        for point in points:
            table = connection.execute(
                f"SELECT c.world, {selected} FROM chunks c "
                f"WHERE c.error IS NULL AND c.point = {int(point)}"
            ).fetchnumpy()
            rows = np.asarray(table["world"], dtype=np.int64)
            Y = np.column_stack([np.asarray(table[o], dtype=np.float64) for o in names])
            defined = np.asarray(np.isfinite(Y).all(axis=0), dtype=bool)
            Y = np.where(np.isfinite(Y), Y, 0.0)
            counts = np.empty((width, bins))
            sums = np.empty((len(names), width, bins))
            # parameters a group at a time, so the one-hot matrix stays small (16 × n nonzeros)
            for first in range(0, width, _GROUP):
                group = codes[rows, first : first + _GROUP]
                size = group.shape[1]
                columns_of = (group + bins * np.arange(size)).ravel()
                one_hot = sparse.csr_matrix(
                    (np.ones(group.size), (np.repeat(np.arange(rows.size), size), columns_of)),
                    shape=(rows.size, size * bins),
                )
                counts[first : first + size] = np.asarray(one_hot.sum(axis=0)).reshape(size, bins)
                product = np.asarray(one_hot.T @ Y).T  # outcomes × (parameters · bins)
                sums[:, first : first + size] = product.reshape(len(names), size, bins)
            result["packages"][labels[point]] = {
                "n_experiments": int(rows.size),
                "floor": (bins - 1) / (rows.size - 1) if rows.size > 1 else None,
                "indices": {
                    name: _indices(Y[:, k], sums[k], counts, parameters)
                    if defined[k]
                    else {"note": "undefined (NaN) in some worlds: no indices"}
                    for k, name in enumerate(names)
                },
            }
    return result


def _indices(
    y: FloatArray, sums: FloatArray, counts: FloatArray, parameters: Sequence[str]
) -> dict[str, Any]:
    """Each parameter's ``S1`` from its bins' sums and counts (parameters × bins), largest first."""
    n, total = float(y.size), float(y.sum())
    variance = float(np.sum(y * y)) - total**2 / n
    if not variance > 0:
        return {"note": "constant in every world: no indices"}
    filled = counts > 0
    between = np.where(filled, sums**2 / np.where(filled, counts, 1.0), 0.0).sum(axis=1)
    indices = (between - total**2 / n) / variance
    return dict(
        sorted(
            ((p, float(v)) for p, v in zip(parameters, indices, strict=True)),
            key=lambda item: -item[1],
        )
    )


def _varying_world_parameters(
    connection: duckdb.DuckDBPyConnection, parameters: Sequence[str]
) -> list[str]:
    spans = ", ".join(f"max({quote(p)}) > min({quote(p)})" for p in parameters)
    varies = _fetch_one(connection, f"SELECT {spans} FROM worlds")
    return [p for p, flag in zip(parameters, varies, strict=True) if flag]


# --- worst stored worlds ----------------------------------------------------------------------


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
            f"WHERE c.error IS NULL AND isfinite({y}) AND {_in_points(points)} "
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


# --- scenario discovery on a sample ----------------------------------------------------------


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
    where = f"c.error IS NULL AND {_in_points(points)}"
    with connected(store, memory_limit) as connection:
        spans = ", ".join(
            f"coalesce(max({quote(p)}) > min({quote(p)}), false)" for p in store.world_parameters()
        )
        total, *varies = _fetch_one(
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
        row = _fetch_one(
            connection,
            f"SELECT count(*), count(*) FILTER (WHERE {flag}), "
            f"count(*) FILTER (WHERE {inside}), count(*) FILTER (WHERE {inside} AND {flag}) "
            f"FROM chunks c JOIN worlds w USING (world) "
            f"WHERE c.error IS NULL AND {_in_points(points)}",
        )
    return int(row[0]), int(row[1]), int(row[2]), int(row[3])
