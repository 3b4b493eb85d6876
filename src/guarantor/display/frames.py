"""Tidy pandas frames of results: one row per observation, labels and parameters alongside.

- metrics: one row per section × metric, with the median, the 5–95 % band and the mean;
- worlds: one row per world × metric (the per-world outcomes), the world's parameters alongside;
- survival: one row per month, the share of worlds still at peace and its 95 % band.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    import pandas as pd

    from guarantor.assessment import Assessment, Comparison
    from guarantor.section import Section

METRIC_COLUMNS = ["section", "metric", "label", "unit", "value", "low", "high", "mean", "n_worlds"]


def metrics_frame(sections: Iterable[Section]) -> pd.DataFrame:
    """One row per section × metric: ``value`` is the median, ``low``/``high`` the 5–95 % band."""
    import pandas as pd

    rows = []
    for section in sections:
        for metric in section.metrics:
            summary = metric.to_dict()
            rows.append(
                {
                    "section": section.name,
                    "metric": metric.name,
                    "label": metric.label,
                    "unit": metric.unit,
                    "value": summary["value"],
                    "low": summary["low"],
                    "high": summary["high"],
                    "mean": summary["mean"],
                    "n_worlds": summary["n_worlds"],
                }
            )
    return pd.DataFrame(rows, columns=METRIC_COLUMNS).astype(
        {"value": float, "low": float, "high": float, "mean": float}
    )


def worlds_frame(
    sections: Iterable[Section], worlds: Mapping[str, NDArray[np.float64]] | None = None
) -> pd.DataFrame:
    """One row per world × metric (``world``, ``section``, ``metric``, ``value``), parameters after.

    A metric with one value (a model that does not vary over worlds) repeats it in every world.
    """
    import pandas as pd

    table = dict(worlds or {})
    sections = list(sections)
    sizes = [metric.value.size for section in sections for metric in section.metrics]
    if table:
        sizes.append(len(next(iter(table.values()))))
    size = max(sizes, default=1)
    parts = []
    for section in sections:
        for metric in section.metrics:
            values = (
                np.broadcast_to(metric.value, (size,)) if metric.value.size == 1 else metric.value
            )
            parts.append(
                pd.DataFrame(
                    {
                        "world": np.arange(values.size),
                        "section": section.name,
                        "metric": metric.name,
                        "unit": metric.unit,
                        "value": np.asarray(values, dtype=np.float64),
                    }
                )
            )
    long = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=["world", "section", "metric", "unit", "value"])
    )
    if not table:
        return long
    parameters = pd.DataFrame({name: np.asarray(v, dtype=np.float64) for name, v in table.items()})
    parameters.insert(0, "world", np.arange(len(parameters)))
    return long.merge(parameters, on="world", how="left")


def survival_frame(curve: Mapping[str, Any] | None) -> pd.DataFrame:
    """One row per month: the ``share`` of worlds still at peace, its 95 % band ``low``-``high``."""
    import pandas as pd

    columns = ["month", "share", "low", "high"]
    if not curve or "share" not in curve:
        return pd.DataFrame(columns=columns, dtype=float)
    return pd.DataFrame({name: np.asarray(curve[name], dtype=np.float64) for name in columns})


def assessment_frame(assessment: Assessment, kind: str = "metrics") -> pd.DataFrame:
    """``metrics`` (default), ``worlds`` or ``survival`` of an assessment."""
    if kind == "metrics":
        frame = metrics_frame(assessment.sections)
        frame.insert(0, "package", assessment.package.name)
        return frame
    if kind == "worlds":
        frame = worlds_frame(assessment.sections, assessment.worlds)
        frame.insert(0, "package", assessment.package.name)
        return frame
    if kind == "survival":
        return survival_frame(assessment.extras.get("survival"))
    raise ValueError(f"unknown frame {kind!r}: expected 'metrics', 'worlds' or 'survival'")


def section_frame(section: Section, kind: str = "metrics") -> pd.DataFrame:
    """``metrics`` (default) or ``worlds`` of one section, or one of its tables by name."""
    import pandas as pd

    if kind == "metrics":
        return metrics_frame([section])
    if kind == "worlds":
        return worlds_frame([section])
    if kind in section.tables:
        return pd.DataFrame(section.tables[kind])
    known = ["metrics", "worlds", *section.tables]
    raise ValueError(f"unknown frame {kind!r}: expected one of {known}")


def comparison_frame(comparison: Comparison) -> pd.DataFrame:
    """One row per package × section × metric, with whether the packages differ on the metric."""
    import pandas as pd

    names = [assessment.package.name for assessment in comparison.assessments]
    rows = []
    for row in comparison.rows:
        for name, cell in zip(names, row["cells"], strict=True):
            rows.append(
                {
                    "package": name,
                    "section": row["section"],
                    "metric": row["metric"],
                    "label": row["label"],
                    "unit": row["unit"],
                    **{
                        key: (None if cell is None else cell[key])
                        for key in ("value", "low", "high", "mean")
                    },
                    "differs": row["differs"],
                    "separated": row["separated"],
                }
            )
    return pd.DataFrame(rows).astype({"value": float, "low": float, "high": float, "mean": float})
