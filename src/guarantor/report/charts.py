"""Charts of an assessment (and of a sweep) as plotly figure data: traces and layouts.

Figures are plain JSON (``{"id", "title", "data", "layout"}``) drawn in the page by plotly.js,
so the report and the web app draw the same numbers the assessment holds. No geo traces: plotly
fetches TopoJSON for those; maps are Leaflet's job.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from guarantor.assessment import Assessment
from guarantor.section import Metric, Section

_PROBE_WORDS = ("probe", "clash", "attack", "escalat", "offensive")
_LAYOUT = {
    "margin": {"l": 60, "r": 20, "t": 40, "b": 60},
    "height": 340,
    "paper_bgcolor": "#ffffff",
    "plot_bgcolor": "#f7f7f7",
    "font": {"family": "system-ui, sans-serif", "size": 12},
}


def _figure(ident: str, title: str, data: list[dict[str, Any]], **layout: Any) -> dict[str, Any]:
    return {
        "id": ident,
        "title": title,
        "data": data,
        "layout": {**_LAYOUT, "title": {"text": title}, **layout},
    }


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
    return _figure(
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
    return _figure(
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
                _figure(
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
    return _figure(
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
    return _figure(
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
    return _figure(
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


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")


def tornado_charts(tornado: dict[str, Any], limit: int = 3) -> list[dict[str, Any]]:
    """Tornado views stored by ``explore``: outcome swings as the uncertainties go low → high."""
    figures = []
    outcomes = tornado.get("outcomes") or {}
    for outcome, view in list(outcomes.items())[:limit]:
        rows = list(reversed(view.get("rows") or []))
        nominal = float(view.get("nominal") or 0.0)
        if not rows:
            continue
        data = [
            {
                "type": "bar",
                "orientation": "h",
                "name": end,
                "y": [row["parameter"] for row in rows],
                "x": [float(row[f"outcome_at_{end}"]) - nominal for row in rows],
                "base": nominal,
                "marker": {"color": colour},
            }
            for end, colour in (("low", "#2166ac"), ("high", "#b2182b"))
        ]
        figures.append(
            _figure(
                f"tornado-{_slug(str(tornado.get('package', '')))}-{_slug(outcome)}",
                f"Tornado: {outcome} ({tornado.get('package', '')}), nominal {nominal:.4g}",
                data,
                barmode="overlay",
                xaxis={"title": {"text": outcome}},
                margin={"l": 180, "r": 20, "t": 40, "b": 50},
            )
        )
    return figures


def sobol_charts(sobol: dict[str, Any], limit: int = 3) -> list[dict[str, Any]]:
    """First-order and total Sobol indices with their confidence intervals."""
    figures = []
    indices = sobol.get("indices") or {}
    for outcome, entry in list(indices.items())[:limit]:
        if not isinstance(entry, dict) or "note" in entry:
            continue
        names = list(entry)
        data = [
            {
                "type": "bar",
                "name": key,
                "x": names,
                "y": [float(entry[n][key]) for n in names],
                "error_y": {
                    "type": "data",
                    "array": [float(entry[n][f"{key}_conf"]) for n in names],
                },
            }
            for key in ("S1", "ST")
        ]
        figures.append(
            _figure(
                f"sobol-{_slug(str(sobol.get('package', '')))}-{_slug(outcome)}",
                f"Sobol indices: {outcome} ({sobol.get('package', '')})",
                data,
                barmode="group",
                yaxis={"title": {"text": "share of variance"}},
            )
        )
    return figures


def prim_charts(discovery: dict[str, Any]) -> list[dict[str, Any]]:
    """PRIM peeling trajectories (coverage against density) of each case of interest."""
    figures = []
    for case in discovery.get("cases") or []:
        trajectory = (case.get("prim") or {}).get("trajectory") or []
        if not trajectory:
            continue
        figures.append(
            _figure(
                f"prim-{_slug(case['case'])}",
                f"PRIM trajectory: {case['case']}",
                [
                    {
                        "type": "scatter",
                        "mode": "markers+lines",
                        "x": [step["coverage"] for step in trajectory],
                        "y": [step["density"] for step in trajectory],
                        "text": [f"{step['restricted']} restricted" for step in trajectory],
                        "marker": {"color": [step["restricted"] for step in trajectory]},
                    }
                ],
                xaxis={"title": {"text": "coverage"}, "range": [0, 1.02]},
                yaxis={"title": {"text": "density"}, "range": [0, 1.02]},
            )
        )
    return figures


def sweep_charts(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The charts of a store's analyses: tornado, Sobol and PRIM."""
    figures: list[dict[str, Any]] = []
    for tornado in (summary.get("tornado") or {}).values():
        figures.extend(tornado_charts(tornado))
    for sobol in (summary.get("sobol") or {}).values():
        figures.extend(sobol_charts(sobol))
    for discovery in (summary.get("discovery") or {}).values():
        figures.extend(prim_charts(discovery))
    return figures


def frontier_chart(frontier: dict[str, Any]) -> dict[str, Any]:
    """The dilemma: P(hold 10 y) against P(all sign), the frontier and the shipped packages.

    ``frontier`` is :meth:`guarantor.explore.frontier.DeterSignFrontier.to_dict`; every package
    assessed is a grey dot, the frontier runs from the most signable point to the most
    deterring, and each shipped package as written is a labelled reference point.
    """
    # drawn as a staircase ("vh"): the edge of what the frontier's points dominate, so the line
    # never suggests a package between two points that nobody found
    points = sorted(frontier.get("points") or [], key=lambda point: point["p_signed"])
    shipped = frontier.get("shipped") or []
    others = frontier.get("candidates") or []
    data = [
        {
            "type": "scatter",
            "mode": "markers",
            "name": "every package assessed",
            "x": [point["p_signed"] for point in others],
            "y": [point["p_hold_10y"] for point in others],
            "text": [point["label"] for point in others],
            "marker": {"color": "rgba(120, 120, 120, 0.45)", "size": 6},
            "hovertemplate": "%{text}<br>P(all sign) %{x:.2f}, P(hold 10 y) %{y:.2f}"
            "<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "frontier",
            "x": [point["p_signed"] for point in points],
            "y": [point["p_hold_10y"] for point in points],
            "text": [point["label"] for point in points],
            "line": {"color": "#1f4e9c", "width": 2, "shape": "vh"},
            "marker": {"color": "#1f4e9c", "size": 9},
            "hovertemplate": "%{text}<br>P(all sign) %{x:.2f}, P(hold 10 y) %{y:.2f}"
            "<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "markers+text",
            "name": "shipped packages as written",
            "x": [point["p_signed"] for point in shipped],
            "y": [point["p_hold_10y"] for point in shipped],
            "text": [point["start"] for point in shipped],
            "textposition": "middle right",
            "marker": {"color": "#b2182b", "size": 11, "symbol": "diamond-open"},
            "hovertemplate": "%{text} (as written)<br>P(all sign) %{x:.2f}, "
            "P(hold 10 y) %{y:.2f}<extra></extra>",
        },
    ]
    return _figure(
        "frontier",
        f"Deter or be signed: {len(points)} frontier points, "
        f"{frontier.get('worlds', '?')} worlds each",
        data,
        height=420,
        xaxis={
            "title": {"text": "P(all sign): Ukraine and Russia accept, no veto"},
            "range": [-0.02, 1.1],
        },
        yaxis={"title": {"text": "P(ceasefire holds 10 years)"}, "range": [-0.02, 1.02]},
    )
