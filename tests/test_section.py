from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from guarantor.errors import DataError
from guarantor.section import Metric, Section, n_worlds, world_parameter
from guarantor.sourcing import Quantity


def test_metric_summary_gives_median_mean_and_band() -> None:
    metric = Metric.of("held_12m", np.r_[np.zeros(30), np.ones(70)], "1", "peace held a year")
    summary = metric.summary()
    assert summary == {"value": 1.0, "mean": 0.7, "low": 0.0, "high": 1.0}
    assert metric.to_dict()["n_worlds"] == 100


def test_a_single_world_summarises_to_itself() -> None:
    summary = Metric.of("x", 3.5, "km", "one world").summary()
    assert summary == {"value": 3.5, "mean": 3.5, "low": 3.5, "high": 3.5}


def test_non_finite_values_are_left_out_of_the_summary() -> None:
    metric = Metric.of("breakdown_month", [np.nan, 12.0, 24.0], "month", "months to breakdown")
    assert metric.summary()["mean"] == 18.0


@given(
    st.lists(
        st.one_of(
            st.floats(min_value=-1e12, max_value=1e12),  # sums of 300 stay finite
            st.sampled_from([float("nan"), float("inf"), float("-inf")]),
        ),
        min_size=1,
        max_size=300,
    )
)
def test_summary_band_is_numpys_percentile_to_the_bit(values: list[float]) -> None:
    """The summary's own percentile path (one sort, three look-ups) is numpy's linear method."""
    array = np.asarray(values, dtype=np.float64)
    finite = array[np.isfinite(array)]
    summary = Metric.of("x", array, "1", "any values").summary()
    if finite.size == 0:
        assert all(np.isnan(v) for v in summary.values())
        return
    low, middle, high = np.percentile(finite, [5, 50, 95])
    assert (summary["low"], summary["value"], summary["high"]) == (low, middle, high)
    assert summary["mean"] == finite.mean()


def test_metric_refuses_a_table() -> None:
    with pytest.raises(ValueError, match="one value per world"):
        Metric.of("x", np.ones((2, 2)), "1", "bad")


def test_section_finds_metrics_by_name_and_serialises() -> None:
    section = Section("air", "Air", "ok", (Metric.of("a_km", [1, 2], "km", "r"),))
    assert section.metric("a_km").unit == "km"
    with pytest.raises(KeyError, match="has no metric 'b'"):
        section.metric("b")
    assert section.to_dict(layers=False)["metrics"][0]["mean"] == 1.5


def test_world_tables_must_be_one_length() -> None:
    assert n_worlds(None) == 1
    assert n_worlds({"a": np.zeros(4), "b": np.ones(4)}) == 4
    with pytest.raises(DataError, match="one length"):
        n_worlds({"a": np.zeros(4), "b": np.ones(3)})


def test_world_parameter_falls_back_to_the_default() -> None:
    default = Quantity(value=0.62, low=0.55, high=0.75, unit="1", assumption="proxy")
    assert world_parameter({"other": np.zeros(3)}, "mc", default).tolist() == [0.62] * 3
    given = world_parameter({"mc": np.array([0.6, 0.7])}, "mc", default)
    assert given.tolist() == [0.6, 0.7]


def test_out_of_bounds_names_the_parameter_and_the_first_bad_value() -> None:
    from guarantor.section import out_of_bounds

    assert out_of_bounds("mc", np.array([0.6, 0.7]), 0.0, 1.0) is None
    problem = out_of_bounds("mc", np.array([0.6, np.nan, 2.0]), 0.0, 1.0)
    assert problem is not None
    assert problem.field == "worlds.mc"
    assert problem.expected == "finite values in [0, 1]"
    assert problem.received == "nan"


def test_lazy_layers_are_drawn_once_and_only_when_read() -> None:
    from guarantor.section import Lazy

    calls = []

    def draw() -> dict[str, dict[str, str]]:
        calls.append(1)
        return {"field": {"type": "FeatureCollection"}}

    layers = Lazy(draw)
    section = Section("air", "Air", "ok", (Metric.of("a_km", [1], "km", "r"),), layers=layers)
    assert section.metric("a_km").unit == "km"
    assert calls == []
    assert sorted(section.layers) == ["field"]
    assert section.to_dict()["layers"]["field"]["type"] == "FeatureCollection"
    assert calls == [1]


def test_lazy_tables_pickle_as_the_dict_they_compute() -> None:
    import pickle

    from guarantor.section import Lazy

    tables = Lazy(lambda: {"rows": [{"month": 1, "value": 2.5}]})
    section = Section("s", "S", "ok", (Metric.of("a", [1], "1", "r"),), tables=tables)
    copied = pickle.loads(pickle.dumps(section))
    assert type(copied.tables) is dict
    assert copied.tables == {"rows": [{"month": 1, "value": 2.5}]}
    assert copied.metric("a").value.tolist() == [1.0]
