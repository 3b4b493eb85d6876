"""Sobol indices against the Ishigami function's exact values; the tornado view."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from guarantor.errors import DataError
from guarantor.explore.sensitivity import sobol_indices, tornado, tornado_text
from guarantor.explore.store import Store
from guarantor.explore.uncertainty import Bounds, uncertainty_bounds
from guarantor.sourcing import Quantity
from test_explore_sweep import make_design

PI = float(np.pi)
ISHIGAMI = {name: Bounds(name, -PI, PI, 0.0) for name in ("x1", "x2", "x3")}
# exact indices for a = 7, b = 0.1 (Saltelli et al. 2008, Global Sensitivity Analysis, 4.3)
EXACT_S1 = {"x1": 0.3139, "x2": 0.4424, "x3": 0.0}
EXACT_ST = {"x1": 0.5576, "x2": 0.4424, "x3": 0.2437}


def test_sobol_indices_match_the_ishigami_function(tmp_path: Path) -> None:
    base = replace(make_design(), model="test_explore_standin:ishigami", chunk_size=4096)
    result = sobol_indices(base, ISHIGAMI, Store(tmp_path), n=2048)
    assert result["n_worlds"] == 2048 * 5
    indices = result["indices"]["y"]
    for name in ISHIGAMI:
        assert indices[name]["S1"] == pytest.approx(EXACT_S1[name], abs=0.04)
        assert indices[name]["ST"] == pytest.approx(EXACT_ST[name], abs=0.04)
        assert 0 < indices[name]["S1_conf"] < 0.1
    assert (tmp_path / "sensitivity" / "sobol-sky-shield-2025_aircraft_60_.json").exists()
    again = sobol_indices(base, ISHIGAMI, Store(tmp_path), n=2048)  # reuses the stored run
    assert again["indices"] == result["indices"]


def test_tornado_ranks_the_uncertainties_by_swing(tmp_path: Path) -> None:
    bounds = {"risk": Bounds("risk", 0.1, 0.9, 0.5), "resolve": Bounds("resolve", 0.4, 0.6, 0.5)}
    view = tornado(make_design(), bounds, Store(tmp_path), replicates=400)
    rows = view["outcomes"]["held_24m"]["rows"]
    assert [row["parameter"] for row in rows] == ["risk", "resolve"]
    assert rows[0]["outcome_at_low"] > rows[0]["outcome_at_high"]  # riskier → breaks sooner
    assert view["outcomes"]["cost_usd_bn"]["rows"][0]["swing"] == 0.0
    text = tornado_text(view, "held_24m")
    assert text.splitlines()[1].startswith("risk")
    assert "█" in text


def test_uncertainty_bounds_read_quantities_and_pairs() -> None:
    read = uncertainty_bounds(
        {
            "risk": Quantity(value=0.5, low=0.2, high=0.8, unit="1", assumption="a guess"),
            "resolve": (0.1, 0.3),
        }
    )
    assert read["risk"] == Bounds("risk", 0.2, 0.8, 0.5)
    assert read["resolve"].nominal == pytest.approx(0.2)
    with pytest.raises(DataError) as caught:
        uncertainty_bounds({"bad": (1.0, 0.0), "worse": object()})
    assert [p.field for p in caught.value.problems] == ["uncertainties.bad", "uncertainties.worse"]
