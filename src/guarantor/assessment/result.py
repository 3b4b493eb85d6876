"""What an assessment is: sections over one table of worlds, and how views read it.

:class:`Assessment` is the one object ``guarantor assess``, its JSON, the HTML report and the
web app render (:func:`guarantor.assessment.assess` computes it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from guarantor.packages import Package
from guarantor.section import GeoJSON, Metric, Section
from guarantor.serialize import jsonable
from guarantor.sourcing import Source
from guarantor.theatre import Theatre

if TYPE_CHECKING:
    import pandas as pd


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

    @property
    def warnings(self) -> list[str]:
        """What the reader must know about these numbers (e.g. commitments no model reads)."""
        return list(self.extras.get("warnings", []))

    def summary(self) -> dict[str, Any]:
        """The headline: one verdict per section, the unavailable sections and the warnings."""
        return {
            "package": self.package.name,
            "verdicts": {section.name: section.verdict for section in self.sections},
            "unavailable": {item.name: item.reason for item in self.unavailable},
            "warnings": self.warnings,
        }

    def to_dict(self, *, layers: bool = False, worlds: bool = False) -> dict[str, Any]:
        """Return the assessment as JSON-ready data (the numbers every view shows).

        Each source and assumption is written once, in the top-level ``sources`` and
        ``assumptions`` lists; a metric's ``sources`` and ``assumptions`` are indices into them.
        (Written out in every metric they were five sixths of a megabyte-sized answer.)
        """
        sources = self.sources()
        assumptions = self.assumptions()
        source_index = {text: i for i, text in enumerate(sources)}
        assumption_index = {text: i for i, text in enumerate(assumptions)}
        sections = []
        for section in self.sections:
            written = section_dict(section)
            for metric in written["metrics"]:
                metric["sources"] = [source_index[t] for t in metric["sources"] if t]
                metric["assumptions"] = [assumption_index[t] for t in metric["assumptions"]]
            sections.append(written)
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
            "sections": sections,
            "unavailable": [item.to_dict() for item in self.unavailable],
            "world_parameters": [parameter.to_dict() for parameter in self.parameters],
            "sources": sources,
            "assumptions": assumptions,
            "extras": dict(self.extras),
        }
        if layers:
            result["layers"] = self.layers
        if worlds:
            result["worlds"] = dict(self.worlds)
        data: dict[str, Any] = jsonable(result)
        return data

    # -- display (notebooks, terminals, pandas): see guarantor.display --------------------------

    def __repr__(self) -> str:
        from guarantor import display

        return display.view_text(display.assessment_view(self))

    def _repr_html_(self) -> str:
        from guarantor import display

        return display.assessment_html(self)

    def to_pandas(self, kind: str = "metrics") -> pd.DataFrame:
        """A tidy frame: ``metrics`` with bands, ``worlds`` (per-world outcomes) or ``survival``."""
        from guarantor import display

        return display.assessment_frame(self, kind)


def section_dict(section: Section) -> dict[str, Any]:
    """A section as the views show it (metrics with their means; layers apart)."""
    data = section.to_dict(layers=False)
    data["layers"] = sorted(section.layers)
    return data


def _cite(ref: str | Source, package: Package, theatre: Theatre) -> str:
    if isinstance(ref, Source):
        return ref.cite()
    if ref in package.sources:
        return package.sources[ref].cite()
    return theatre.cite(ref)
