"""Charts of an assessment (and of a sweep) as plotly figure data: traces and layouts.

Figures are plain JSON (``{"id", "title", "data", "layout"}``) drawn in the page by plotly.js,
so the report and the web app draw the same numbers the assessment holds. No geo traces: plotly
fetches TopoJSON for those; maps are Leaflet's job.

The charts of an assessment's sections are here; those of a store's analyses and of the
deter-sign frontier are in :mod:`~guarantor.report.exploration_charts`, re-exported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from guarantor.assessment import Assessment
from guarantor.report.exploration_charts import (
    frontier_chart,
    prim_charts,
    sobol_charts,
    sweep_charts,
    tornado_charts,
)
from guarantor.report.figure import plotly_figure
from guarantor.section import Metric, Section

__all__ = [
    "acceptance_chart",
    "assessment_charts",
    "forces_charts",
    "frontier_chart",
    "marginal_value_chart",
    "prim_charts",
    "probes_chart",
    "revenue_chart",
    "sobol_charts",
    "survival_chart",
    "sweep_charts",
    "tornado_charts",
]

_PROBE_WORDS = ("probe", "clash", "attack", "escalat", "offensive")


def _bars(
    metrics: Sequence[Metric],
    name: str,
    colour: str,
    *,
    mean: bool = False,
    labels: Sequence[str] | None = None,
) -> dict[str, Any]:
    """One bar per metric at its median (or mean) with the 5–95 % band as error bars."""
    summaries = [metric.to_dict() for metric in metrics]
    centre = [s["mean"] if mean else s["value"] for s in summaries]
    return {
        "type": "bar",
        "name": name,
        "x": list(labels) if labels is not None else [metric.label for metric in metrics],
        "y": centre,
        "marker": {"color": colour},
        "error_y": {
            "type": "data",
            "symmetric": False,
            "array": [
                max(0.0, s["high"] - c) if c is not None else 0
                for s, c in zip(summaries, centre, strict=True)
            ],
            "arrayminus": [
                max(0.0, c - s["low"]) if c is not None else 0
                for s, c in zip(summaries, centre, strict=True)
            ],
        },
        "hovertemplate": "%{x}: %{y:.4g}<extra></extra>",
    }


def survival_chart(assessment: Assessment) -> dict[str, Any] | None:
    """P(peace holds) month by month with its 95 % band (durability)."""
    curve = assessment.extras.get("survival")
    if not isinstance(curve, dict) or "share" not in curve:
        return None
    band = "rgba(31, 78, 156, 0.18)"
    return plotly_figure(
        "survival",
        "Survival of the peace: share of worlds still at peace",
        [
            {
                "type": "scatter",
                "x": curve["month"],
                "y": curve["high"],
                "mode": "lines",
                "line": {"width": 0},
                "showlegend": False,
                "hoverinfo": "skip",
            },
            {
                "type": "scatter",
                "x": curve["month"],
                "y": curve["low"],
                "mode": "lines",
                "line": {"width": 0},
                "fill": "tonexty",
                "fillcolor": band,
                "name": "95 % band",
                "hoverinfo": "skip",
            },
            {
                "type": "scatter",
                "x": curve["month"],
                "y": curve["share"],
                "mode": "lines",
                "line": {"color": "#1f4e9c", "width": 2},
                "name": "at peace",
            },
        ],
        xaxis={"title": {"text": "months after the ceasefire"}},
        yaxis={"title": {"text": "share of worlds"}, "range": [0, 1.02]},
    )


def probes_chart(section: Section) -> dict[str, Any] | None:
    """Probes, attacks and clashes per world (durability)."""
    chosen = [m for m in section.metrics if any(w in m.name for w in _PROBE_WORDS)]
    if not chosen:
        return None
    return plotly_figure(
        "probes",
        "Probes and escalation (mean over worlds, 5–95 % band)",
        [_bars(chosen, "per world", "#b2182b", mean=True)],
        yaxis={"title": {"text": " / ".join(sorted({m.unit for m in chosen}))}},
    )


def _force_groups(section: Section) -> list[tuple[str, Metric, list[Metric]]]:
    """(what, pledged, required...) triples: ``X_pledged`` against ``X_required*``."""
    groups = []
    for metric in section.metrics:
        if not metric.name.endswith("_pledged"):
            continue
        stem = metric.name.removesuffix("_pledged")
        required = [m for m in section.metrics if m.name.startswith(f"{stem}_required")]
        if required:
            groups.append((stem, metric, required))
    return groups


def forces_charts(assessment: Assessment) -> list[dict[str, Any]]:
    """Forces required against forces pledged, one chart per kind of force."""
    figures = []
    for section in assessment.sections:
        for stem, pledged, required in _force_groups(section):
            kinds = [
                m.name.removeprefix(f"{stem}_required").strip("_").replace("_", " ") or "required"
                for m in required
            ]
            figures.append(
                plotly_figure(
                    f"forces-{section.name}-{stem}",
                    f"{section.name.capitalize()}: {stem.replace('_', ' ')} required vs pledged",
                    [
                        _bars(required, "required", "#c51b1b", labels=kinds),
                        _bars([pledged], "pledged", "#1a9641", labels=["pledged"]),
                    ],
                    yaxis={"title": {"text": pledged.unit}},
                    barmode="group",
                )
            )
    return figures


def revenue_chart(section: Section) -> dict[str, Any] | None:
    """Russia's oil revenue under each sanctions level, with its band (sanctions)."""
    rows = section.tables.get("levels") or []
    rows = [row for row in rows if row.get("revenue_usd_bn_per_month") is not None]
    if not rows:
        return None
    regimes = list(dict.fromkeys(str(row.get("regime", "")) for row in rows))
    colours = ("#2166ac", "#b2182b", "#4d9221", "#762a83")
    data = []
    for index, regime in enumerate(regimes):
        mine = [row for row in rows if str(row.get("regime", "")) == regime]
        values = [float(row["revenue_usd_bn_per_month"]) for row in mine]
        data.append(
            {
                "type": "bar",
                "name": regime or "revenue",
                "x": [str(row["level"]) for row in mine],
                "y": values,
                "marker": {"color": colours[index % len(colours)]},
                "error_y": {
                    "type": "data",
                    "symmetric": False,
                    "array": [
                        max(0.0, float(row.get("revenue_high") or v) - v)
                        for row, v in zip(mine, values, strict=True)
                    ],
                    "arrayminus": [
                        max(0.0, v - float(row.get("revenue_low") or v))
                        for row, v in zip(mine, values, strict=True)
                    ],
                },
            }
        )
    return plotly_figure(
        "revenue",
        "Russia's oil export revenue under each sanctions level",
        data,
        barmode="group",
        yaxis={"title": {"text": "USD bn/month"}},
    )


def acceptance_chart(section: Section) -> dict[str, Any] | None:
    """Share of worlds in which each actor accepts the package (acceptability)."""
    chosen = [m for m in section.metrics if m.name.startswith("p_accept_")]
    if not chosen:
        return None
    means = [m.to_dict()["mean"] for m in chosen]
    return plotly_figure(
        "acceptance",
        "Who would sign: share of worlds in which each actor accepts",
        [
            {
                "type": "bar",
                "x": [m.name.removeprefix("p_accept_") for m in chosen],
                "y": means,
                "marker": {"color": ["#1a9641" if (v or 0) >= 0.5 else "#c51b1b" for v in means]},
                "hovertemplate": "%{x}: %{y:.0%}<extra></extra>",
            }
        ],
        yaxis={"title": {"text": "share of worlds"}, "range": [0, 1.02]},
    )


def marginal_value_chart(section: Section) -> dict[str, Any] | None:
    """Armed leakers of the raid as aircraft are pledged, median and 5–95 % band (air)."""
    rows = section.tables.get("marginal_value") or []
    if not rows:
        return None
    aircraft = [row["aircraft"] for row in rows]
    band = {"color": "rgba(33, 102, 172, 0)"}
    return plotly_figure(
        "marginal-value",
        "Marginal value of aircraft: armed leakers of the raid (median, 5–95 % band)",
        [
            {
                "type": "scatter",
                "x": aircraft,
                "y": [r["leakers_high"] for r in rows],
                "mode": "lines",
                "line": band,
                "showlegend": False,
                "hoverinfo": "skip",
            },
            {
                "type": "scatter",
                "x": aircraft,
                "y": [r["leakers_low"] for r in rows],
                "mode": "lines",
                "line": band,
                "fill": "tonexty",
                "fillcolor": "rgba(33, 102, 172, 0.2)",
                "name": "5–95 %",
                "hoverinfo": "skip",
            },
            {
                "type": "scatter",
                "x": aircraft,
                "y": [r["leakers"] for r in rows],
                "mode": "lines+markers",
                "name": "median",
                "line": {"color": "#2166ac"},
                "hovertemplate": "%{x} aircraft: %{y:.1f} leakers<extra></extra>",
            },
        ],
        xaxis={"title": {"text": "aircraft pledged"}},
        yaxis={"title": {"text": "armed threats past every layer"}, "rangemode": "tozero"},
    )


def assessment_charts(assessment: Assessment) -> list[dict[str, Any]]:
    """Every chart the assessment's sections support, in reading order."""
    figures: list[dict[str, Any] | None] = [survival_chart(assessment)]
    if assessment.has("durability"):
        figures.append(probes_chart(assessment.section("durability")))
    figures.extend(forces_charts(assessment))
    if assessment.has("air"):
        figures.append(marginal_value_chart(assessment.section("air")))
    if assessment.has("sanctions"):
        figures.append(revenue_chart(assessment.section("sanctions")))
    if assessment.has("acceptability"):
        figures.append(acceptance_chart(assessment.section("acceptability")))
    return [figure for figure in figures if figure is not None]
