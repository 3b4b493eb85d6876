"""Several packages side by side over the same worlds, with the differences marked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guarantor.assessment.engine import SECTION_ORDER, assess
from guarantor.assessment.result import Assessment
from guarantor.errors import DataError, Problem
from guarantor.packages import Package, load_package
from guarantor.serialize import jsonable
from guarantor.theatre import Theatre, load_theatre
from guarantor.worlds import DEFAULT_SEED, DEFAULT_WORLDS

if TYPE_CHECKING:
    import pandas as pd


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

    # -- display (notebooks, terminals, pandas): see guarantor.display --------------------------

    def __repr__(self) -> str:
        from guarantor import display

        return display.view_text(display.comparison_view(self))

    def _repr_html_(self) -> str:
        from guarantor import display

        return display.view_html(display.comparison_view(self))

    def to_pandas(self) -> pd.DataFrame:
        """One row per package × section × metric, with whether the packages differ on it."""
        from guarantor import display

        return display.comparison_frame(self)


def _differs(values: Sequence[float | None], tolerance: float) -> bool:
    present = [v for v in values if v is not None]
    if not present:  # undefined for every package (e.g. no treaty lapses): nothing differs
        return False
    if len(present) != len(values):
        return True
    scale = max(abs(v) for v in present)
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
    order = list(SECTION_ORDER)
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
                cells.append(jsonable(metric.to_dict()))
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
