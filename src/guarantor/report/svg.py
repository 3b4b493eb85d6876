"""Russia's oil revenue by sanctions level as a chart: a hand-drawn SVG or a plotly page.

The SVG needs nothing but the standard library and numpy (it opens in any browser, offline); the
HTML embeds plotly.js, so it too needs no network.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from guarantor.errors import DataError, Problem
from guarantor.packages.schema import SanctionsLevel

if TYPE_CHECKING:
    from guarantor.section import Section

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


def _path_lag(section: Section) -> dict[str, Any] | None:
    rows = section.tables.get("lag") or []
    return rows[0] if rows else None


def revenue_path_svg(section: Section) -> str:
    """Revenue month by month in peace and after a violation, the lag and its band (SVG)."""
    rows = section.tables["paths"]
    lag = _path_lag(section)
    width, height, left, bottom, top, right = 680, 380, 70, 60, 40, 20
    top_value = max(max(r["peace_usd_bn"], r["expected_high"]) for r in rows) * 1.15 or 1.0
    months = len(rows)
    x_scale = (width - left - right) / months
    y_scale = (height - bottom - top) / top_value

    def x(month: float) -> float:
        return left + month * x_scale

    def y(value: float) -> float:
        return height - bottom - value * y_scale

    def line(key: str) -> str:
        return " ".join(f"{x(r['month'] - 0.5):.1f},{y(r[key]):.1f}" for r in rows)

    band = [f"{x(r['month'] - 0.5):.1f},{y(r['expected_high']):.1f}" for r in rows] + [
        f"{x(r['month'] - 0.5):.1f},{y(r['expected_low']):.1f}" for r in reversed(rows)
    ]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        'font-family="sans-serif" font-size="12">',
        f'<text x="{width / 2}" y="18" text-anchor="middle" font-size="14">'
        "Russia's oil export revenue month by month after a violation (USD bn a month)</text>",
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" '
        'stroke="black"/>',
        f'<text x="{width / 2}" y="{height - 20}" text-anchor="middle">months after a violation'
        "</text>",
    ]
    step = max(1.0, float(np.ceil(top_value / 5.0)))
    for tick in np.arange(0.0, top_value, step):
        parts.append(
            f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick:.0f}</text>'
            f'<line x1="{left}" y1="{y(tick):.1f}" x2="{width - right}" y2="{y(tick):.1f}" '
            'stroke="#ddd"/>'
        )
    for month in range(0, months + 1, 3):
        parts.append(
            f'<text x="{x(month):.1f}" y="{height - bottom + 16}" text-anchor="middle">{month}'
            "</text>"
        )
    if lag is not None and np.isfinite(lag["expected"]):
        parts.append(
            f'<rect x="{x(lag["low"]):.1f}" y="{top}" '
            f'width="{max(x(lag["high"]) - x(lag["low"]), 1.0):.1f}" '
            f'height="{height - bottom - top}" fill="#fdd49e" opacity="0.6">'
            f"<title>lag 5-95%: {lag['low']:.2f}-{lag['high']:.2f} months</title></rect>"
            f'<line x1="{x(lag["expected"]):.1f}" y1="{top}" x2="{x(lag["expected"]):.1f}" '
            f'y2="{height - bottom}" stroke="#d95f0e" stroke-dasharray="4 3"/>'
            f'<text x="{x(lag["expected"]) + 4:.1f}" y="{top + 12}" fill="#d95f0e">'
            f"lag {lag['expected']:.1f} months ({html.escape(str(lag['body']))})</text>"
        )
    parts += [
        f'<polygon points="{" ".join(band)}" fill="#b2182b" opacity="0.2">'
        "<title>after a violation, 5-95% of worlds</title></polygon>",
        f'<polyline points="{line("peace_usd_bn")}" fill="none" stroke="#2166ac" '
        'stroke-width="2"><title>in peace</title></polyline>',
        f'<polyline points="{line("expected_usd_bn")}" fill="none" stroke="#b2182b" '
        'stroke-width="2"><title>after a violation (expected)</title></polyline>',
        f'<text x="{width - right - 150}" y="{top + 12}" fill="#2166ac">in peace</text>',
        f'<text x="{width - right - 150}" y="{top + 28}" fill="#b2182b">after a violation '
        "(median, 5-95%)</text>",
        "</svg>",
    ]
    return "\n".join(parts)


def revenue_path_html(section: Section) -> str:
    """The same chart as :func:`revenue_path_svg`, interactive (self-contained plotly HTML)."""
    import plotly.graph_objects as go

    rows = section.tables["paths"]
    lag = _path_lag(section)
    months = [r["month"] - 0.5 for r in rows]
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(x=months, y=[r["expected_high"] for r in rows], line={"width": 0}, name="95%")
    )
    figure.add_trace(
        go.Scatter(
            x=months,
            y=[r["expected_low"] for r in rows],
            fill="tonexty",
            line={"width": 0},
            name="5-95% of worlds",
        )
    )
    figure.add_trace(go.Scatter(x=months, y=[r["peace_usd_bn"] for r in rows], name="in peace"))
    figure.add_trace(
        go.Scatter(
            x=months, y=[r["expected_usd_bn"] for r in rows], name="after a violation (expected)"
        )
    )
    if lag is not None and np.isfinite(lag["expected"]):
        figure.add_vrect(x0=lag["low"], x1=lag["high"], fillcolor="orange", opacity=0.2)
        figure.add_vline(x=lag["expected"], line_dash="dash", annotation_text="snapback lag")
    figure.update_layout(
        title="Russia's oil export revenue month by month after a violation",
        xaxis_title="months after a violation",
        yaxis_title="USD bn a month",
    )
    text: str = figure.to_html(include_plotlyjs=True, full_html=True)
    return text


def revenue_path_plot(section: Section, suffix: str, *, field: str = "plot") -> str:
    """The sanctions section's monthly revenue chart in the format a file suffix names.

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
    return revenue_path_html(section) if suffix == ".html" else revenue_path_svg(section)
