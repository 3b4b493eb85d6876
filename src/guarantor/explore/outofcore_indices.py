"""Given-data first-order indices of every outcome, read from a store out of core.

The estimator of Plischke, Borgonovo and Smith (2013), "Global sensitivity measures from given
data", European Journal of Operational Research 226(3): each uncertainty is cut into ``B``
equal-count bins and ``S1 = Σ_b n_b (ȳ_b − ȳ)² / Σ (y − ȳ)²``, the share of the outcome's
variance explained by the bin means. :func:`ntile` and :func:`first_order_from_bins` are the
in-memory counterparts the store's figures are tested against.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from guarantor.errors import DataError
from guarantor.explore.outofcore_sql import (
    DEFAULT_MEMORY_LIMIT,
    chosen_points,
    connected,
    fetch_one,
    quote,
)

if TYPE_CHECKING:
    import duckdb

    from guarantor.explore.store import Store

FloatArray = NDArray[np.float64]

DEFAULT_BINS = 50
"""Equal-count bins per uncertainty for the given-data indices."""
_GROUP = 16


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
    varies = fetch_one(connection, f"SELECT {spans} FROM worlds")
    return [p for p, flag in zip(parameters, varies, strict=True) if flag]
