"""The durability section's survival table, and the assessment that draws its curve from it."""

from __future__ import annotations

import numpy as np
import pytest

from guarantor import durability
from guarantor.assessment import assess
from guarantor.durability import simulation, wilson_band, wilson_interval


def test_wilson_band_gives_the_textbook_interval() -> None:
    # Wilson score interval at 95 %: 50 of 100 → 0.4038–0.5962; 0 of 20 → 0–0.1611
    low, high = wilson_band(np.array([0.5, 0.0, 1.0]), 100)
    assert low[0] == pytest.approx(0.4038, abs=1e-4) and high[0] == pytest.approx(0.5962, abs=1e-4)
    assert low[1] == 0.0 and high[1] == pytest.approx(0.0370, abs=1e-4)
    assert high[2] == 1.0 and low[2] == pytest.approx(0.9630, abs=1e-4)
    assert wilson_interval(0, 20) == pytest.approx((0.0, 0.1611), abs=1e-4)
    assert np.isnan(wilson_band(np.array([0.5]), 0)[0][0])


def test_assessment_simulates_once_and_draws_the_curve_from_the_section(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[int] = []
    original = simulation.run

    def counted(*args: object, **kwargs: object) -> durability.SimulationResult:
        calls.append(1)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(simulation, "run", counted)
    result = assess("sky-shield-2025", worlds=60, seed=4, models=["durability"])
    assert len(calls) == 1
    rows = result.section("durability").tables["survival"]
    curve = result.extras["survival"]
    assert curve["n_worlds"] == 60
    assert curve["month"] == [float(row["month"]) for row in rows] == list(range(121))
    for key in ("share", "low", "high"):
        assert curve[key] == [row[key] for row in rows]
    # the curve is the section's own run: its share after ten years is the held_120m mean
    held = result.section("durability").metric("held_120m").value
    assert curve["share"][120] == pytest.approx(float(np.mean(held)))
