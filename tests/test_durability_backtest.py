"""Calibration and backtest: the acceptance tests of issue 9."""

from __future__ import annotations

import numpy as np
import pytest

from guarantor.durability import backtest, load_calibration, load_cases, load_uncertainties
from guarantor.durability.backtest import (
    STRONG_CASES,
    WEAK_CASES,
    fit_traces,
    negative_log_likelihood,
    trace_cases,
)


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    return backtest(n_worlds=120)


def test_backtest_beats_the_base_rate(result) -> None:  # type: ignore[no-untyped-def]
    assert result.brier < result.brier_base_rate
    assert result.skill > 0
    # the base rate is the share of the 14 cases that held: 13, 13 and 12 of them
    assert result.base_rates == pytest.approx((13 / 14, 13 / 14, 12 / 14))


def test_strong_guarantees_come_out_above_weak_ones(result) -> None:  # type: ignore[no-untyped-def]
    strong = min(result.forecast(case).predicted[-1] for case in STRONG_CASES)
    weak = max(result.forecast(case).predicted[-1] for case in WEAK_CASES)
    assert strong > weak
    order = result.rank_order()
    assert max(order.index(c) for c in STRONG_CASES) < min(order.index(c) for c in WEAK_CASES)
    for forecast in result.forecasts:
        assert forecast.predicted[0] >= forecast.predicted[1] >= forecast.predicted[2]


def test_report_lists_every_case_with_what_happened(result) -> None:  # type: ignore[no-untyped-def]
    report = result.to_dict()
    assert len(report["cases"]) == 14
    minsk = next(row for row in report["cases"] if row["case"] == "minsk-1-2014")
    assert (minsk["held_1y"], minsk["held_5y"], minsk["held_10y"]) == (0, 0, 0)
    minsk2 = next(row for row in report["cases"] if row["case"] == "minsk-2-2015")
    assert (minsk2["held_1y"], minsk2["held_5y"], minsk2["held_10y"]) == (1, 1, 0)
    assert np.isfinite(report["brier_loo"]) and np.isfinite(report["brier_base_rate_loo"])


def test_stored_fit_is_the_maximum_likelihood_estimate() -> None:
    calibration = load_calibration()
    traces = trace_cases(load_cases(), calibration, load_uncertainties(), n_worlds=200)
    stored = np.array(
        [calibration.fitted.baseline_log_odds.value, calibration.fitted.weibull_shape.value]
    )
    best = negative_log_likelihood(traces, stored)
    for step in ([0.3, 0.0], [-0.3, 0.0], [0.0, 0.05], [0.0, -0.05]):
        assert negative_log_likelihood(traces, stored + np.array(step)) > best
    refit = fit_traces(traces, (-3.0, 0.7), errors=False)
    assert refit.baseline_log_odds == pytest.approx(stored[0], abs=0.05)
    assert refit.weibull_shape == pytest.approx(stored[1], abs=0.02)
