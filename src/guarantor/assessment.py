"""One assessment of a package: every model's section over one table of worlds.

:func:`assess` is the single engine behind ``guarantor assess``, its JSON, the HTML report and
the web app: they all render the :class:`Assessment` it returns, so they show the same numbers.

The sections come from whichever models are installed (air, sea, land, sanctions, acceptability,
durability). Each is imported lazily; a model that is missing, or that fails on this package, is
listed in :attr:`Assessment.unavailable` with the reason instead of stopping the assessment.

Worlds: one table is drawn for all sections by Latin hypercube over the ranges of every model's
``WORLD_PARAMETERS`` (and the durability model's uncertainties when it is installed), so that
one world means the same draw in every section. Randomness flows from one
:class:`numpy.random.SeedSequence`: one child for the worlds and one per model, spawned by the
model's fixed position in :data:`SECTION_MODELS`, so adding a model does not change the others'
numbers. Same seed, same numbers.
"""

from __future__ import annotations

import importlib
import importlib.util
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.errors import DataError, Problem
from guarantor.packages import Instrument, Package, load_package, magnitude
from guarantor.packages.schema import AirPolicing, ArmsSupply, ReassuranceForce
from guarantor.section import GeoJSON, Metric, Section
from guarantor.serialize import jsonable
from guarantor.sourcing import Quantity, Source
from guarantor.theatre import DEFAULT_THEATRE, Theatre, load_theatre
from guarantor.theatre.schema import Place

DEFAULT_WORLDS = 100
"""Worlds in an assessment unless asked otherwise: the web app answers within a second."""
MAX_WORLDS = 100_000
DEFAULT_SEED = 1


@dataclass(frozen=True)
class SectionModel:
    """Where a section comes from: a module and its ``assess``-shaped function."""

    name: str
    module: str
    function: str
    title: str


SECTION_MODELS: tuple[SectionModel, ...] = (
    SectionModel("air", "guarantor.instruments.air", "assess", "Air"),
    SectionModel("sea", "guarantor.instruments.maritime", "assess", "Sea"),
    SectionModel("land", "guarantor.instruments.land", "assess", "Land"),
    SectionModel("sanctions", "guarantor.instruments.sanctions", "assess", "Sanctions"),
    SectionModel("acceptability", "guarantor.bargaining", "acceptability", "Acceptability"),
    SectionModel("durability", "guarantor.durability", "assess", "Durability"),
)


@dataclass(frozen=True)
class Unavailable:
    """A section that could not be computed, and why."""

    name: str
    title: str
    module: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        """Return a JSON-ready mapping."""
        return {
            "name": self.name,
            "title": self.title,
            "module": self.module,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class WorldParameter:
    """One uncertain parameter of the worlds: its nominal value, range and provenance."""

    name: str
    unit: str
    value: float
    low: float
    high: float
    provenance: str
    models: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {
            "name": self.name,
            "unit": self.unit,
            "value": self.value,
            "low": self.low,
            "high": self.high,
            "provenance": self.provenance,
            "models": list(self.models),
        }


@dataclass(frozen=True)
class Assessment:
    """What every model says about one package, over one table of worlds."""

    package: Package
    theatre: Theatre
    n_worlds: int
    seed: int
    worlds: Mapping[str, NDArray[np.float64]]
    parameters: tuple[WorldParameter, ...]
    sections: tuple[Section, ...]
    unavailable: tuple[Unavailable, ...]
    package_layers: Mapping[str, GeoJSON] = field(default_factory=dict)
    timings_s: Mapping[str, float] = field(default_factory=dict)
    extras: Mapping[str, Any] = field(default_factory=dict)

    def section(self, name: str) -> Section:
        """Return the section called ``name``."""
        for section in self.sections:
            if section.name == name:
                return section
        known = ", ".join(section.name for section in self.sections)
        raise KeyError(f"the assessment has no section {name!r}; it has {known}")

    def has(self, name: str) -> bool:
        """Whether a section called ``name`` was computed."""
        return any(section.name == name for section in self.sections)

    def metric(self, section: str, name: str) -> Metric:
        """Return one metric of one section."""
        return self.section(section).metric(name)

    @property
    def layers(self) -> dict[str, GeoJSON]:
        """Every map layer, named ``<section>.<layer>`` (``package.*`` for what it names)."""
        merged = {f"package.{name}": layer for name, layer in self.package_layers.items()}
        for section in self.sections:
            for name, layer in section.layers.items():
                merged[f"{section.name}.{name}"] = layer
        return merged

    def sources(self) -> list[str]:
        """Every source cited: the package's, the metrics' and the parameters', once each."""
        cited: dict[str, None] = {}
        for ref in [self.package.source, *(c.source for c in self.package.commitments)]:
            if ref is not None:
                cited[_cite(ref, self.package, self.theatre)] = None
        for section in self.sections:
            for metric in section.metrics:
                cited.update(dict.fromkeys(metric.sources))
        for parameter in self.parameters:
            if not parameter.provenance.startswith("assumption"):
                cited[parameter.provenance] = None
        return [text for text in cited if text]

    def assumptions(self) -> list[str]:
        """Every assumption behind the numbers, with its range, once each."""
        stated: dict[str, None] = {}
        for section in self.sections:
            for metric in section.metrics:
                stated.update(dict.fromkeys(metric.assumptions))
        for parameter in self.parameters:
            if parameter.provenance.startswith("assumption"):
                stated[
                    f"{parameter.name} = {parameter.value:g} {parameter.unit}: "
                    f"{parameter.provenance}"
                ] = None
        return list(stated)

    def summary(self) -> dict[str, Any]:
        """The headline: one verdict per section and the unavailable sections."""
        return {
            "package": self.package.name,
            "verdicts": {section.name: section.verdict for section in self.sections},
            "unavailable": {item.name: item.reason for item in self.unavailable},
        }

    def to_dict(self, *, layers: bool = False, worlds: bool = False) -> dict[str, Any]:
        """Return the assessment as JSON-ready data (the numbers every view shows)."""
        result: dict[str, Any] = {
            "package": {
                "name": self.package.name,
                "title": self.package.title,
                "description": self.package.description,
                "as_of": self.package.as_of,
                "roe": self.package.roe,
                "commitments": len(self.package.commitments),
                "triggers": len(self.package.triggers),
            },
            "theatre": self.theatre.name,
            "n_worlds": self.n_worlds,
            "seed": self.seed,
            "sections": [section_dict(section) for section in self.sections],
            "unavailable": [item.to_dict() for item in self.unavailable],
            "world_parameters": [parameter.to_dict() for parameter in self.parameters],
            "sources": self.sources(),
            "assumptions": self.assumptions(),
            "extras": dict(self.extras),
        }
        if layers:
            result["layers"] = self.layers
        if worlds:
            result["worlds"] = dict(self.worlds)
        data: dict[str, Any] = jsonable(result)
        return data


def metric_dict(metric: Metric) -> dict[str, Any]:
    """A metric as the views show it: median and 5–95 % band, plus the mean over worlds."""
    finite = metric.value[np.isfinite(metric.value)]
    return {**metric.to_dict(), "mean": float(finite.mean()) if finite.size else None}


def section_dict(section: Section) -> dict[str, Any]:
    """A section as the views show it (metrics with their means; layers apart)."""
    data = section.to_dict(layers=False)
    data["metrics"] = [metric_dict(metric) for metric in section.metrics]
    data["layers"] = sorted(section.layers)
    return data


# -- computing ---------------------------------------------------------------------------------


def available_models() -> list[SectionModel]:
    """The section models whose module is installed."""
    return [model for model in SECTION_MODELS if _installed(model.module)]


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _cite(ref: str | Source, package: Package, theatre: Theatre) -> str:
    if isinstance(ref, Source):
        return ref.cite()
    if ref in package.sources:
        return package.sources[ref].cite()
    return theatre.cite(ref)


def _provenance(quantity: Quantity, theatre: Theatre) -> str:
    if quantity.assumption is not None:
        low, high = quantity.range
        return f"assumption: {quantity.assumption} (range {low:g}-{high:g} {quantity.unit})"
    source = quantity.source
    return source.cite() if isinstance(source, Source) else theatre.cite(source)


def _world_parameters(
    modules: Mapping[str, Any], theatre: Theatre
) -> tuple[dict[str, Quantity], tuple[WorldParameter, ...], list[str]]:
    """Every model's world parameters, the first definition of a name winning."""
    quantities: dict[str, Quantity] = {}
    users: dict[str, list[str]] = {}
    notes: list[str] = []
    for name, module in modules.items():
        declared = getattr(module, "WORLD_PARAMETERS", None)
        if not isinstance(declared, Mapping):
            continue
        for parameter, quantity in declared.items():
            if not isinstance(quantity, Quantity):
                continue
            users.setdefault(parameter, []).append(name)
            known = quantities.get(parameter)
            if known is None:
                quantities[parameter] = quantity
            elif known.range != quantity.range:
                notes.append(
                    f"world parameter {parameter!r} is declared by {users[parameter][0]} and "
                    f"{name} with different ranges; {users[parameter][0]}'s range is sampled"
                )
    described = tuple(
        WorldParameter(
            name,
            quantity.unit,
            quantity.value,
            quantity.range[0],
            quantity.range[1],
            _provenance(quantity, theatre),
            tuple(users[name]),
        )
        for name, quantity in quantities.items()
    )
    return quantities, described, notes


def sample_worlds(
    quantities: Mapping[str, Quantity], n: int, seed: np.random.SeedSequence
) -> dict[str, NDArray[np.float64]]:
    """``n`` worlds by Latin hypercube over every ranged quantity; one world is the nominal one.

    A single world (``n == 1``) takes every parameter at its nominal value, so that the one-world
    assessment reads as "the central case".
    """
    from scipy.stats import qmc

    if n == 1:
        return {name: np.array([quantity.value]) for name, quantity in quantities.items()}
    ranged = {name: q for name, q in quantities.items() if q.range[1] > q.range[0]}
    worlds = {name: np.full(n, quantity.value) for name, quantity in quantities.items()}
    if ranged:
        unit = qmc.LatinHypercube(d=len(ranged), seed=np.random.default_rng(seed)).random(n)
        lows = np.array([q.range[0] for q in ranged.values()])
        highs = np.array([q.range[1] for q in ranged.values()])
        scaled = lows + unit * (highs - lows)
        for column, name in enumerate(ranged):
            worlds[name] = np.ascontiguousarray(scaled[:, column])
    return worlds


def _durability_worlds(module: Any, n: int, seed: int) -> dict[str, NDArray[np.float64]]:
    uncertainties = module.load_uncertainties(None)
    sampled = module.sample_worlds(uncertainties, n, seed=seed, method="lhs")
    return {name: np.asarray(values, dtype=np.float64) for name, values in sampled.items()}


def _check_request(worlds: int, seed: int) -> None:
    problems = []
    if isinstance(worlds, bool) or not isinstance(worlds, int) or not 1 <= worlds <= MAX_WORLDS:
        problems.append(
            Problem(
                "the number of worlds must be a whole number in range",
                field="worlds",
                expected=f"1 to {MAX_WORLDS}",
                received=repr(worlds),
            )
        )
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        problems.append(
            Problem(
                "the seed must be a whole number ≥ 0",
                field="seed",
                expected="0 to 2^63-1",
                received=repr(seed),
            )
        )
    if problems:
        raise DataError(problems)


def _short(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    first = text[0] if text else ""
    return f"{type(error).__name__}: {first}" if first else type(error).__name__


def assess(
    package: Package | str | Path | None = None,
    *,
    theatre: Theatre | None = None,
    worlds: int = DEFAULT_WORLDS,
    seed: int = DEFAULT_SEED,
    models: Sequence[str] | None = None,
) -> Assessment:
    """Assess a package with every installed model, over ``worlds`` worlds drawn from ``seed``.

    Args:
        package: a package, a shipped package's name or a path (default: the default package).
        theatre: the theatre (default: the package's theatre, loaded).
        worlds: the number of worlds (1 = the nominal world).
        seed: the root of all randomness; the same seed gives the same numbers.
        models: limit the assessment to these section names (default: every installed model).

    Returns:
        The assessment: sections, unavailable sections with reasons, worlds and their parameters.

    Raises:
        DataError: the package is invalid or unknown, or ``worlds``/``seed`` are out of range.
    """
    _check_request(worlds, seed)
    if theatre is None:
        theatre = load_theatre(package.theatre if isinstance(package, Package) else DEFAULT_THEATRE)
    if not isinstance(package, Package):
        package = load_package(package, theatre)
    root = np.random.SeedSequence(seed)
    world_seed, *model_seeds = root.spawn(1 + len(SECTION_MODELS))
    chosen = [m for m in SECTION_MODELS if models is None or m.name in models]
    unavailable: list[Unavailable] = []
    modules: dict[str, Any] = {}
    for model in chosen:
        if not _installed(model.module):
            unavailable.append(
                Unavailable(model.name, model.title, model.module, "model not installed yet")
            )
            continue
        try:
            modules[model.name] = importlib.import_module(model.module)
        except Exception as error:  # a broken model must not stop the other sections
            unavailable.append(Unavailable(model.name, model.title, model.module, _short(error)))
    quantities, parameters, notes = _world_parameters(modules, theatre)
    table = sample_worlds(quantities, worlds, world_seed)
    durability = modules.get("durability")
    if durability is not None and worlds > 1 and hasattr(durability, "sample_worlds"):
        try:
            table.update(_durability_worlds(durability, worlds, seed))
        except DataError:
            raise
        except Exception as error:
            notes.append(f"durability uncertainties not sampled ({_short(error)})")
    sections: list[Section] = []
    timings: dict[str, float] = {}
    for index, model in enumerate(SECTION_MODELS):
        module = modules.get(model.name)
        if module is None:
            continue
        function: Callable[..., Section] | None = getattr(module, model.function, None)
        if function is None:
            reason = f"{model.module} has no {model.function}() yet"
            unavailable.append(Unavailable(model.name, model.title, model.module, reason))
            continue
        started = time.perf_counter()
        try:
            section = function(
                theatre, package, table, rng=np.random.default_rng(model_seeds[index])
            )
        except DataError as error:
            reason = "; ".join(str(problem) for problem in error.problems[:3])
            unavailable.append(Unavailable(model.name, model.title, model.module, reason))
            continue
        except Exception as error:  # a failing model is reported, not fatal
            unavailable.append(Unavailable(model.name, model.title, model.module, _short(error)))
            continue
        finally:
            timings[model.name] = time.perf_counter() - started
        sections.append(section)
    extras: dict[str, Any] = {"notes": notes}
    for section in sections:
        if section.name == "durability":
            extras["survival"] = _survival(section, worlds)
    return Assessment(
        package=package,
        theatre=theatre,
        n_worlds=worlds,
        seed=seed,
        worlds=table,
        parameters=parameters,
        sections=tuple(sections),
        unavailable=tuple(unavailable),
        package_layers=package_layers(theatre, package),
        timings_s=timings,
        extras=extras,
    )


def _survival(section: Section, n_worlds: int) -> dict[str, Any] | None:
    """The survival curve of the peace with a 95 % Wilson band, as columns.

    Read from the durability section's ``survival`` table (rows ``{month, share, low, high}``),
    so an assessment simulates the years after the ceasefire once.
    """
    rows = section.tables.get("survival") or []
    if not rows:
        return None
    try:
        columns = {
            key: [float(row[key]) for row in rows] for key in ("month", "share", "low", "high")
        }
    except (KeyError, TypeError, ValueError) as error:  # an extra: reported, not fatal
        return {"error": _short(error)}
    return {**columns, "n_worlds": n_worlds}


def survival_curve(breakdown_month: NDArray[np.float64], months: int) -> dict[str, Any]:
    """Share of worlds still at peace after each month, with a 95 % Wilson score band.

    ``breakdown_month`` is NaN where the peace held over the whole horizon.
    """
    n = breakdown_month.size
    month = np.arange(0, months + 1, dtype=np.float64)
    broken_by = np.where(np.isnan(breakdown_month), np.inf, breakdown_month)
    holding = (broken_by[None, :] > month[:, None]).sum(axis=1).astype(np.float64)
    share = holding / max(n, 1)
    z = 1.959963984540054
    denominator = 1 + z**2 / n
    centre = (share + z**2 / (2 * n)) / denominator
    spread = z * np.sqrt(share * (1 - share) / n + z**2 / (4 * n**2)) / denominator
    return {
        "month": month.tolist(),
        "share": share.tolist(),
        "low": np.clip(centre - spread, 0, 1).tolist(),
        "high": np.clip(centre + spread, 0, 1).tolist(),
        "n_worlds": n,
    }


# -- what the package itself puts on the map ---------------------------------------------------


def place_feature(place: Place, **properties: Any) -> dict[str, Any]:
    """A theatre place as a GeoJSON point feature with its id and name."""
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [magnitude(place.lon), magnitude(place.lat)]},
        "properties": {"id": place.id, "name": place.name, **properties},
    }


def package_layers(theatre: Theatre, package: Package) -> dict[str, GeoJSON]:
    """The places a package names: air bases, protected cities, CAP stations, hubs, arms routes."""
    bases: dict[str, dict[str, Any]] = {}
    protected: dict[str, dict[str, Any]] = {}
    stations: dict[str, dict[str, Any]] = {}
    hubs: dict[str, dict[str, Any]] = {}
    routes: dict[str, dict[str, Any]] = {}
    for commitment in package.commitments:
        if isinstance(commitment, AirPolicing):
            for pledge in commitment.aircraft:
                base = theatre.air_base(pledge.base)
                entry = bases.setdefault(
                    base.id,
                    place_feature(base, aircraft=0.0, types=[]),
                )
                entry["properties"]["aircraft"] += magnitude(pledge.count)
                entry["properties"]["types"].append(pledge.type)
            for place_id in commitment.protect:
                place = theatre.place(place_id)
                protected[place.id] = place_feature(place)
            for place_id in commitment.cap_stations:
                place = theatre.place(place_id)
                stations[place.id] = place_feature(place)
        elif isinstance(commitment, ReassuranceForce):
            for place_id in commitment.hubs:
                place = theatre.place(place_id)
                entry = hubs.setdefault(
                    place.id,
                    place_feature(place, commitments=[]),
                )
                entry["properties"]["commitments"].append(commitment.id)
        elif commitment.instrument == Instrument.ARMS_SUPPLY and isinstance(commitment, ArmsSupply):
            for place_id in commitment.via:
                place = theatre.place(place_id)
                routes[place.id] = place_feature(place)
    layers = {
        "air_bases": bases,
        "protected_cities": protected,
        "cap_stations": stations,
        "reassurance_hubs": hubs,
        "arms_routes": routes,
    }
    return {
        name: {"type": "FeatureCollection", "name": name, "features": list(features.values())}
        for name, features in layers.items()
        if features
    }


# -- comparing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """Several packages side by side: every metric, with the differences marked."""

    assessments: tuple[Assessment, ...]
    rows: tuple[dict[str, Any], ...]
    verdicts: tuple[dict[str, Any], ...]
    tolerance: float

    def to_dict(self) -> dict[str, Any]:
        """Return the comparison as JSON-ready data."""
        data: dict[str, Any] = jsonable(
            {
                "packages": [a.package.name for a in self.assessments],
                "n_worlds": self.assessments[0].n_worlds if self.assessments else 0,
                "seed": self.assessments[0].seed if self.assessments else 0,
                "tolerance": self.tolerance,
                "verdicts": list(self.verdicts),
                "rows": list(self.rows),
                "differences": sum(1 for row in self.rows if row["differs"]),
            }
        )
        return data


def _differs(values: Sequence[float | None], tolerance: float) -> bool:
    present = [v for v in values if v is not None]
    if len(present) != len(values):
        return True
    scale = max((abs(v) for v in present), default=0.0)
    if not present:
        return False
    return bool(max(present) - min(present) > tolerance * max(scale, 1e-12))


def compare(
    packages: Sequence[Package | str | Path],
    *,
    theatre: Theatre | None = None,
    worlds: int = DEFAULT_WORLDS,
    seed: int = DEFAULT_SEED,
    tolerance: float = 0.01,
) -> Comparison:
    """Assess several packages over the same worlds and mark where they differ.

    A metric *differs* when the packages' central values spread by more than ``tolerance``
    (relative to the largest), and is *separated* when two packages' 5–95 % bands do not even
    overlap.

    Raises:
        DataError: a package is invalid, fewer than two are given, or worlds/seed are bad.
    """
    if len(packages) < 2:
        raise DataError.single(
            "compare needs at least two packages",
            field="packages",
            expected="two or more",
            received=str(len(packages)),
        )
    theatre = theatre or load_theatre()
    loaded: list[Package] = []
    problems: list[Problem] = []
    for item in packages:
        try:
            loaded.append(item if isinstance(item, Package) else load_package(item, theatre))
        except DataError as error:
            problems.extend(error.problems)
    if problems:
        raise DataError(problems)
    assessments = tuple(assess(p, theatre=theatre, worlds=worlds, seed=seed) for p in loaded)
    return Comparison(
        assessments,
        tuple(comparison_rows(assessments, tolerance)),
        _verdicts(assessments),
        tolerance,
    )


def _verdicts(assessments: Sequence[Assessment]) -> tuple[dict[str, Any], ...]:
    names = _section_names(assessments)
    rows = []
    for name in names:
        verdicts = [a.section(name).verdict if a.has(name) else None for a in assessments]
        rows.append({"section": name, "verdicts": verdicts})
    return tuple(rows)


def _section_names(assessments: Sequence[Assessment]) -> list[str]:
    order = [model.name for model in SECTION_MODELS]
    seen = {section.name for a in assessments for section in a.sections}
    return [name for name in order if name in seen] + sorted(seen - set(order))


def comparison_rows(assessments: Sequence[Assessment], tolerance: float) -> list[dict[str, Any]]:
    """One row per section metric: each package's value and band, and whether they differ."""
    rows: list[dict[str, Any]] = []
    for name in _section_names(assessments):
        metric_names: dict[str, None] = {}
        for assessment in assessments:
            if assessment.has(name):
                metric_names.update(dict.fromkeys(m.name for m in assessment.section(name).metrics))
        for metric_name in metric_names:
            cells: list[dict[str, Any] | None] = []
            unit = label = ""
            for assessment in assessments:
                try:
                    metric = assessment.metric(name, metric_name)
                except KeyError:
                    cells.append(None)
                    continue
                unit, label = metric.unit, metric.label
                cells.append(jsonable(metric_dict(metric)))
            values = [cell["value"] if cell else None for cell in cells]
            separated = _separated(cells)
            rows.append(
                {
                    "section": name,
                    "metric": metric_name,
                    "label": label,
                    "unit": unit,
                    "cells": [
                        None
                        if cell is None
                        else {k: cell[k] for k in ("value", "low", "high", "mean")}
                        for cell in cells
                    ],
                    "differs": _differs(values, tolerance),
                    "separated": separated,
                }
            )
    return rows


def _separated(cells: Sequence[dict[str, Any] | None]) -> bool:
    bands = [
        (float(cell["low"]), float(cell["high"]))
        for cell in cells
        if cell is not None and cell["low"] is not None and cell["high"] is not None
    ]
    if len(bands) < 2:
        return False
    return bool(max(low for low, _ in bands) > min(high for _, high in bands))
