"""Cross-validation of the calibration on the case library: folds and out-of-fold forecasts.

Each fold's cases are forecast with parameters refitted on the library without them, and scored
against the base rate of that training library. Leave-one-out is ``k_folds`` with one case a
fold. Used by :mod:`~guarantor.durability.backtest` and :mod:`~guarantor.durability.robustness`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from guarantor.durability.fitting import (
    HORIZONS_MONTHS,
    CaseTrace,
    FloatArray,
    Method,
    Prior,
    fit_traces,
    predict,
)
from guarantor.durability.scoring import base_rates

K_FOLDS = 5
"""Folds of the k-fold cross-validation."""


def k_folds(n: int, k: int = K_FOLDS, seed: int = 0) -> list[list[int]]:
    """``k`` folds of ``range(n)``, shuffled once with ``seed`` (deterministic)."""
    order = np.random.default_rng(seed).permutation(n)
    return [sorted(int(i) for i in chunk) for chunk in np.array_split(order, min(k, n))]


def cross_validate(
    traces: Sequence[CaseTrace],
    folds: Sequence[Sequence[int]],
    *,
    method: Method,
    prior: Prior | None,
    early_months: int,
    start: Sequence[float],
) -> tuple[FloatArray, FloatArray]:
    """Out-of-fold forecasts and base rates: every fold refitted without its cases."""
    n = len(traces)
    predicted = np.empty((n, len(HORIZONS_MONTHS)))
    base = np.empty_like(predicted)
    for fold in folds:
        held_out = set(fold)
        training = [trace for i, trace in enumerate(traces) if i not in held_out]
        fitted = fit_traces(
            training,
            early_months=early_months,
            method=method,
            prior=prior,
            start=start,
            errors=method == "bayes",
        )
        rows = sorted(held_out)
        predicted[rows] = predict([traces[i] for i in rows], fitted)
        base[rows] = base_rates([trace.case for trace in training])
    return predicted, base
