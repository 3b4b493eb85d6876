"""Charts of the exploration: a store's analyses (tornado, Sobol, PRIM) and the deter-sign frontier.

Each takes the JSON-ready data the analysis stored or returned and gives plotly figure data
(:func:`~guarantor.report.figure.plotly_figure`); the report and the web app's sweeps and
frontier pages draw them.
"""

from __future__ import annotations

import re
from typing import Any

from guarantor.report.figure import plotly_figure


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
            plotly_figure(
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
            plotly_figure(
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
            plotly_figure(
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
    return plotly_figure(
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
