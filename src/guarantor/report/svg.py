"""Russia's oil revenue by sanctions level as a chart: a hand-drawn SVG or a plotly page.

The SVG needs nothing but the standard library and numpy (it opens in any browser, offline); the
HTML embeds plotly.js, so it too needs no network.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from guarantor.errors import DataError, Problem
from guarantor.packages.schema import SanctionsLevel

PLOT_SUFFIXES = (".html", ".svg")
"""The chart formats :func:`revenue_plot` writes, by file suffix."""

Revenue = Mapping[SanctionsLevel, NDArray[np.float64]]


def revenue_svg(revenue: Revenue) -> str:
    """Bars of the median revenue per level with 5–95 % whiskers, as a standalone SVG."""
    width, height, left, bottom, top = 640, 360, 70, 60, 30
    top_value = max(float(np.percentile(v, 95)) for v in revenue.values()) * 1.15 or 1.0
    scale = (height - bottom - top) / top_value
    step = (width - left - 20) / len(revenue)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        'font-family="sans-serif" font-size="12">',
        f'<text x="{width / 2}" y="18" text-anchor="middle" font-size="14">'
        "Russia's oil export revenue by sanctions level (USD bn a month; median, 5-95%)</text>",
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" '
        'stroke="black"/>',
    ]
    for tick in np.linspace(0.0, top_value, 5):
        y = height - bottom - tick * scale
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick:.0f}</text>'
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="#ddd"/>'
        )
    for index, (level, values) in enumerate(revenue.items()):
        low, middle, high = np.percentile(values, [5, 50, 95])
        x = left + index * step + step * 0.2
        bar = step * 0.6
        parts.append(
            f'<rect x="{x:.1f}" y="{height - bottom - middle * scale:.1f}" width="{bar:.1f}" '
            f'height="{middle * scale:.1f}" fill="#4a7ab5"><title>{middle:.2f}</title></rect>'
            f'<line x1="{x + bar / 2:.1f}" y1="{height - bottom - low * scale:.1f}" '
            f'x2="{x + bar / 2:.1f}" y2="{height - bottom - high * scale:.1f}" stroke="black"/>'
            f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 18}" text-anchor="middle">'
            f"{html.escape(level.value)}</text>"
            f'<text x="{x + bar / 2:.1f}" y="{height - bottom - middle * scale - 6:.1f}" '
            f'text-anchor="middle">{middle:.1f}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def revenue_html(revenue: Revenue) -> str:
    """Box plots of the revenue per level as a self-contained plotly page."""
    import plotly.graph_objects as go

    figure = go.Figure()
    for level, values in revenue.items():
        figure.add_trace(go.Box(y=values, name=level.value, boxpoints=False))
    figure.update_layout(
        title="Russia's oil export revenue by sanctions level",
        yaxis_title="USD bn a month",
        showlegend=False,
    )
    text: str = figure.to_html(include_plotlyjs=True, full_html=True)
    return text


def revenue_plot(revenue: Revenue, suffix: str, *, field: str = "plot") -> str:
    """The chart in the format a file suffix names (``.svg`` or ``.html``).

    Raises:
        DataError: the suffix is not one of :data:`PLOT_SUFFIXES`.
    """
    suffix = suffix.lower()
    if suffix not in PLOT_SUFFIXES:
        raise DataError(
            [
                Problem(
                    "unsupported plot format",
                    field=field,
                    expected=" or ".join(PLOT_SUFFIXES),
                    received=suffix or "no suffix",
                )
            ]
        )
    return revenue_html(revenue) if suffix == ".html" else revenue_svg(revenue)
