"""A plotly figure as plain JSON, with the layout every chart of the report shares.

``{"id", "title", "data", "layout"}``, drawn in the page by plotly.js; the chart modules
(:mod:`~guarantor.report.charts`, :mod:`~guarantor.report.exploration_charts`) build on it.
"""

from __future__ import annotations

from typing import Any

LAYOUT = {
    "margin": {"l": 60, "r": 20, "t": 40, "b": 60},
    "height": 340,
    "paper_bgcolor": "#ffffff",
    "plot_bgcolor": "#f7f7f7",
    "font": {"family": "system-ui, sans-serif", "size": 12},
}
"""The layout every chart starts from (a chart may override any key)."""


def plotly_figure(
    ident: str, title: str, data: list[dict[str, Any]], **layout: Any
) -> dict[str, Any]:
    """A figure with id ``ident``, its title, its traces and the shared layout (plus ``layout``)."""
    return {
        "id": ident,
        "title": title,
        "data": data,
        "layout": {**LAYOUT, "title": {"text": title}, **layout},
    }
