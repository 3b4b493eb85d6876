"""Which codings decide an outcome: first-order variance shares from binned draws.

The share of coding ``X_k`` in outcome ``Y`` is ``Var(E[Y | X_k]) / Var(Y)``, estimated from the
same worlds the outcome was computed on (the given-data estimator: quantile bins of the coding's
draws), less the share binning pure noise gives. :mod:`~guarantor.bargaining.acceptability`
names with it the codings that decide each actor's acceptance.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

SENSITIVITY_BINS = 10
"""Quantile bins of each coding in the first-order variance share (:func:`deciding_codings`)."""
SENSITIVITY_MIN_WORLDS = 50
"""Fewer worlds than this give no sensitivity table (too few to bin)."""


def first_order_shares(
    columns: dict[str, FloatArray],
    outcomes: FloatArray,
    candidates: list[str],
    *,
    bins: int = SENSITIVITY_BINS,
) -> dict[str, FloatArray]:
    """Each candidate coding's first-order share of each outcome's variance (column of outcomes).

    The share is ``Var(E[Y | X_k]) / Var(Y)``, with ``E[Y | X_k]`` the mean of the outcome in
    each of ``bins`` quantile bins of the coding's draws, less the share that binning pure
    noise gives (``(bins − 1)/(n − 1)``), floored at 0; an outcome that does not vary has share
    0. Codings that do not vary are left out. ``outcomes`` is (n worlds, m outcomes).
    """
    y = np.asarray(outcomes, dtype=np.float64)
    n = y.shape[0]
    variance = y.var(axis=0)
    varies = variance > 1e-15
    if n < SENSITIVITY_MIN_WORLDS:
        return {}
    bias = (bins - 1) / (n - 1)
    centred = y - y.mean(axis=0)
    shares: dict[str, FloatArray] = {}
    for name in candidates:
        x = columns.get(name)
        if x is None or np.ptp(x) <= 0:
            continue
        rank = np.empty(n, dtype=np.int64)
        rank[np.argsort(x, kind="stable")] = np.arange(n)
        binned = rank * bins // n
        onehot = np.zeros((n, bins))
        onehot[np.arange(n), binned] = 1.0
        counts = onehot.sum(axis=0)
        means = (onehot.T @ centred) / np.maximum(counts, 1)[:, None]
        explained = (counts @ means**2) / n
        share = np.where(varies, explained / np.where(varies, variance, 1.0) - bias, 0.0)
        shares[name] = np.maximum(share, 0.0)
    return shares


def deciding_codings(
    columns: dict[str, FloatArray],
    outcome: FloatArray,
    candidates: list[str],
    *,
    bins: int = SENSITIVITY_BINS,
) -> list[tuple[str, float]]:
    """One outcome's first-order shares (:func:`first_order_shares`), largest first."""
    shares = first_order_shares(columns, np.asarray(outcome)[:, None], candidates, bins=bins)
    return sorted(((k, float(v[0])) for k, v in shares.items()), key=lambda item: -item[1])
