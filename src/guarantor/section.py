"""The contract every instrument model shares: worlds in, a :class:`Section` out.

An instrument model (air, sea, land, sanctions) is a pure function::

    assess(theatre, package, worlds=None, *, rng=None) -> Section

``worlds`` is a :data:`Worlds` table: named arrays of world parameters, all of one length
``n_worlds`` (a single world is n = 1); a parameter left out takes the model's default. The
function returns named metrics whose values are arrays over those worlds, each with its unit, a
one-line reason, and the sources and assumptions behind it, plus optional GeoJSON layers for maps.
The durability simulation calls the same functions with many worlds; the assessment, the report
and the web app show the sections.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from guarantor.errors import DataError, Problem
from guarantor.sourcing import Quantity

if TYPE_CHECKING:
    import pandas as pd

Worlds = Mapping[str, NDArray[np.float64]]
"""World parameters by name; every array has the same length (the number of worlds)."""

GeoJSON = dict[str, Any]
V = TypeVar("V")


def n_worlds(worlds: Worlds | None) -> int:
    """Return the number of worlds in a table (1 for an empty or missing table).

    Raises:
        DataError: the arrays are not all one-dimensional and of the same length.
    """
    if not worlds:
        return 1
    lengths = {name: np.shape(values) for name, values in worlds.items()}
    sizes = {shape[0] if len(shape) == 1 else -1 for shape in lengths.values()}
    if len(sizes) != 1 or -1 in sizes:
        raise DataError(
            [
                Problem(
                    "world parameters must be one-dimensional arrays of one length",
                    field="worlds",
                    received=", ".join(f"{name}{shape}" for name, shape in lengths.items()),
                )
            ]
        )
    return int(sizes.pop())


def world_parameter(
    worlds: Worlds | None, name: str, default: Quantity | float, size: int | None = None
) -> NDArray[np.float64]:
    """Return world parameter ``name`` as a float array, or its default repeated per world."""
    size = n_worlds(worlds) if size is None else size
    if worlds and name in worlds:
        return np.asarray(worlds[name], dtype=np.float64)
    value = default.value if isinstance(default, Quantity) else float(default)
    return np.full(size, value, dtype=np.float64)


class Lazy(Mapping[str, V]):
    """Map layers or tables computed only when first read: simulations read metrics only.

    Pickles as the plain dict it computes (a worker may send a section anywhere).
    """

    def __init__(self, compute: Callable[[], Mapping[str, V]]) -> None:
        self._compute = compute
        self._values: Mapping[str, V] | None = None

    def _computed(self) -> Mapping[str, V]:
        if self._values is None:
            self._values = self._compute()
        return self._values

    def __getitem__(self, name: str) -> V:
        return self._computed()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._computed())

    def __len__(self) -> int:
        return len(self._computed())

    def __reduce__(self) -> tuple[type[dict[str, V]], tuple[dict[str, V]]]:
        return dict, (dict(self._computed()),)


@dataclass(frozen=True)
class Metric:
    """One named result of a model, over worlds."""

    name: str
    value: NDArray[np.float64]
    unit: str
    reason: str
    label: str = ""
    sources: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        name: str,
        value: ArrayLike,
        unit: str,
        reason: str,
        *,
        label: str = "",
        sources: Sequence[str] = (),
        assumptions: Sequence[str] = (),
    ) -> Metric:
        """Build a metric, turning ``value`` into a one-dimensional float array."""
        array = np.atleast_1d(np.asarray(value, dtype=np.float64))
        if array.ndim != 1:
            raise ValueError(
                f"metric {name!r} must be one value per world, got shape {array.shape}"
            )
        return cls(
            name,
            array,
            unit,
            reason,
            label or name.replace("_", " "),
            tuple(dict.fromkeys(sources)),
            tuple(dict.fromkeys(assumptions)),
        )

    def summary(self) -> dict[str, float]:
        """Return the median, the mean and the 5–95 % band over worlds.

        The mean is what a 0/1 metric (accepts, held) means as a probability over worlds.
        """
        finite = self.value[np.isfinite(self.value)]
        if finite.size == 0:
            nan = float("nan")
            return {"value": nan, "mean": nan, "low": nan, "high": nan}
        low, middle, high = _percentiles(np.sort(finite), (5.0, 50.0, 95.0))
        return {
            "value": middle,
            "mean": float(finite.mean()),
            "low": low,
            "high": high,
        }

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping: the summary over worlds plus provenance."""
        return {
            "name": self.name,
            "label": self.label,
            "unit": self.unit,
            **self.summary(),
            "n_worlds": int(self.value.size),
            "reason": self.reason,
            "sources": list(self.sources),
            "assumptions": list(self.assumptions),
        }


@dataclass(frozen=True)
class Section:
    """What one model says about a package: metrics, a verdict, tables and map layers."""

    name: str
    title: str
    verdict: str
    metrics: tuple[Metric, ...]
    layers: Mapping[str, GeoJSON] = field(default_factory=dict)
    tables: Mapping[str, list[dict[str, Any]]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def metric(self, name: str) -> Metric:
        """Return the metric called ``name``."""
        for metric in self.metrics:
            if metric.name == name:
                return metric
        known = ", ".join(metric.name for metric in self.metrics)
        raise KeyError(f"section {self.name!r} has no metric {name!r}; it has {known}")

    def over(self, n: int) -> Section:
        """The section over ``n`` worlds (a one-world metric is the same in every world).

        A model that reads no world parameter gives one value per metric.
        """
        if n == 1 or all(metric.value.size == n for metric in self.metrics):
            return self
        metrics = tuple(
            replace(metric, value=np.broadcast_to(metric.value, (n,)).copy())
            if metric.value.size == 1
            else metric
            for metric in self.metrics
        )
        return replace(self, metrics=metrics)

    def to_dict(self, *, layers: bool = True) -> dict[str, Any]:
        """Return a JSON-ready mapping of the whole section."""
        result: dict[str, Any] = {
            "name": self.name,
            "title": self.title,
            "verdict": self.verdict,
            "metrics": [metric.to_dict() for metric in self.metrics],
            "tables": dict(self.tables),
            "notes": list(self.notes),
        }
        if layers:
            result["layers"] = dict(self.layers)
        return result

    # -- display (notebooks, terminals, pandas): see guarantor.display --------------------------

    def __repr__(self) -> str:
        from guarantor import display

        return display.view_text(display.section_view(self, drawn=False))

    def _repr_html_(self) -> str:
        from guarantor import display

        return display.view_html(display.section_view(self))

    def to_pandas(self, kind: str = "metrics") -> pd.DataFrame:
        """A tidy frame: ``metrics`` (with bands), ``worlds``, or one of the section's tables."""
        from guarantor import display

        return display.section_frame(self, kind)


def _percentiles(ordered: NDArray[np.float64], qs: Sequence[float]) -> list[float]:
    """Percentiles of sorted values, interpolated linearly (numpy's default method).

    A metric summary is taken for every metric of every view; one sort and three look-ups cost
    a tenth of ``np.percentile``'s general path on a hundred worlds.
    """
    size = ordered.size
    values = []
    for q in qs:
        quantile = q / 100.0
        position = (size - 1) * quantile
        below = min(max(int(np.floor(position)), 0), size - 1)
        above = min(below + 1, size - 1)
        fraction = position - below
        low, high = float(ordered[below]), float(ordered[above])
        step = high - low
        values.append(high - step * (1.0 - fraction) if fraction >= 0.5 else low + step * fraction)
    return values


def out_of_bounds(
    name: str, values: NDArray[np.float64], low: float, high: float
) -> Problem | None:
    """A located problem when world parameter ``name`` has a value not finite or out of bounds."""
    bad = ~np.isfinite(values) | (values < low) | (values > high)
    if not bad.any():
        return None
    return Problem(
        "world parameter out of bounds",
        field=f"worlds.{name}",
        expected=f"finite values in [{low:g}, {high:g}]",
        received=repr(float(values[bad][0])),
    )
