"""Checks against the record: the lane model under a period's conditions, against the figures."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.errors import DataError
from guarantor.instruments.maritime.data import MaritimeData, load_maritime
from guarantor.instruments.maritime.flow import WORLD_PARAMETERS, Protection, lane_flow, parameters
from guarantor.instruments.maritime.geometry import corridor_geometry
from guarantor.sourcing import Quantity
from guarantor.theatre import Theatre

FloatArray = NDArray[np.float64]


# --------------------------------------------------------------------------------------------
# Checks against the record


def _record_metric(observed: str) -> str:
    """Map an observed figure's name (``peak_ship_calls_per_month``) to a lane-flow field."""
    return re.sub(r"_\d{4}", "", observed.removeprefix("peak_"))


def sample_worlds(
    n: int, rng: np.random.Generator, conditions: Mapping[str, Quantity] | None = None
) -> dict[str, FloatArray]:
    """Draw worlds uniformly over every parameter's range, some held to ``conditions``.

    A condition with a range is drawn within it; without one it is fixed.
    """
    worlds: dict[str, FloatArray] = {}
    for name, quantity in {**WORLD_PARAMETERS, **(conditions or {})}.items():
        low, high = quantity.range
        worlds[name] = rng.uniform(low, high, n) if high > low else np.full(n, quantity.value)
    return worlds


def record_check(
    theatre: Theatre,
    record_id: str,
    *,
    n: int = 20_000,
    rng: np.random.Generator | None = None,
    data: MaritimeData | None = None,
) -> list[dict[str, Any]]:
    """Run the lane model under a record's conditions; compare with what was observed.

    Worlds are drawn over every parameter's range with the record's conditions imposed; only the
    record's ports carry cargo and no allied warship protects them (as in history). Each row gives
    the observed figure and the model's 5th, 50th and 95th percentiles and maximum over the
    worlds; an average is inside when it lies in the 5-95 % band, a peak month when it lies
    between the median and the maximum.

    Raises:
        DataError: no such record.
    """
    data = load_maritime() if data is None else data
    rng = np.random.default_rng(0) if rng is None else rng
    if record_id not in data.file.records:
        raise DataError.single(
            "unknown record",
            field="record",
            expected=f"one of {sorted(data.file.records)}",
            received=record_id,
        )
    record = data.file.records[record_id]
    p = parameters(sample_worlds(n, rng, record.conditions))
    geometry = corridor_geometry(theatre, data)
    legs = [leg for leg in geometry.ports if leg.port in record.ports]
    flow = lane_flow(p, legs, data, Protection.none(n))
    rows = []
    for name, observed in record.observed.items():
        model = getattr(flow, _record_metric(name))
        low, middle, high = np.percentile(model, [5, 50, 95])
        peak = name.startswith("peak_")
        # an average must lie in the model's 5-95 % band; a peak month must be reachable in
        # some world and lie above the model's median month
        inside = (
            middle <= observed.value <= float(model.max())
            if peak
            else low <= observed.value <= high
        )
        rows.append(
            {
                "record": record_id,
                "title": record.title,
                "period": record.period,
                "observed": name,
                "value": observed.value,
                "unit": observed.unit,
                "source": data.cite(observed.source),
                "model_p5": float(low),
                "model_p50": float(middle),
                "model_p95": float(high),
                "model_max": float(model.max()),
                "test": "median <= peak <= max" if peak else "p5 <= average <= p95",
                "inside": bool(inside),
            }
        )
    return rows
