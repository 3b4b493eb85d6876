"""What each result shows, as data: a :class:`View` of titled blocks of lines, rows, a map, charts.

A view is what the notebook's HTML and the terminal's text both draw, so they say the same
thing: :mod:`guarantor.display.html` turns a view into a self-contained page (the report's style
sheet, Leaflet and plotly.js inlined), :mod:`guarantor.display.text` into rich tables. The
numbers come from the objects' own summaries (``Metric.to_dict``, ``summary()``), never recomputed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

if TYPE_CHECKING:
    import pandas as pd

    from guarantor.assessment import Assessment, Comparison
    from guarantor.results import ResultsStore
    from guarantor.section import Section

MAX_ROWS = 200
"""Rows of one table shown in a view; ``to_pandas()`` has them all."""


@dataclass(frozen=True)
class Block:
    """One part of a view: a heading, lines of text, a table, a map, charts or a fragment."""

    heading: str = ""
    lines: Sequence[str] = ()
    rows: Sequence[Mapping[str, Any]] = ()
    map: Mapping[str, Any] | None = None
    charts: Sequence[Mapping[str, Any]] = ()
    html: Markup | None = None
    text_rows: bool = True
    """Whether the terminal shows the rows (long tables are left to the HTML)."""
    text_only: bool = False
    """A block for the terminal only (the HTML shows the same in one of the report's fragments)."""

    @property
    def columns(self) -> list[str]:
        """The table's columns: every key of the rows, in first-seen order."""
        seen: dict[str, None] = {}
        for row in self.rows:
            seen.update(dict.fromkeys(row))
        return list(seen)


@dataclass(frozen=True)
class View:
    """A titled list of blocks; ``kind`` names what is shown (``assessment``, ``store``...)."""

    kind: str
    title: str
    lines: Sequence[str] = ()
    blocks: Sequence[Block] = field(default_factory=tuple)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame's rows as mappings keyed by column name."""
    return [{str(key): value for key, value in row.items()} for row in frame.to_dict("records")]


def metric_rows(section: Section) -> list[dict[str, Any]]:
    """One row per metric: median, 5–95 % band and mean over worlds, and the unit."""
    rows = []
    for metric in section.metrics:
        summary = metric.to_dict()
        rows.append(
            {
                "metric": metric.label,
                "median": summary["value"],
                "low (5 %)": summary["low"],
                "high (95 %)": summary["high"],
                "mean": summary["mean"],
                "unit": metric.unit,
            }
        )
    return rows


def verdict_rows(assessment: Assessment) -> list[dict[str, Any]]:
    """One row per section (its verdict), then one per unavailable section (its reason)."""
    rows: list[dict[str, Any]] = [
        {"section": section.title, "verdict": section.verdict} for section in assessment.sections
    ]
    rows.extend(
        {"section": item.title, "verdict": f"not available: {item.reason}"}
        for item in assessment.unavailable
    )
    return rows


def assessment_view(assessment: Assessment) -> View:
    """Verdicts, then each section's metrics (the HTML form is the report itself)."""
    blocks = [Block("Verdicts", rows=verdict_rows(assessment))]
    blocks.extend(
        Block(section.title, lines=(section.verdict,), rows=metric_rows(section), text_rows=False)
        for section in assessment.sections
    )
    return View(
        "assessment",
        assessment.package.title,
        (
            f"{assessment.package.name}: {assessment.n_worlds} worlds, seed "
            f"{assessment.seed}, theatre {assessment.theatre.name}",
        ),
        tuple(blocks),
    )


def section_charts(section: Section) -> list[dict[str, Any]]:
    """The report's charts that one section can draw on its own."""
    from guarantor.report.charts import acceptance_chart, probes_chart, revenue_chart

    charts = [chart(section) for chart in (probes_chart, revenue_chart, acceptance_chart)]
    survival = section.tables.get("survival")
    if survival:
        charts.append(survival_figure([float(row["month"]) for row in survival], survival))
    return [chart for chart in charts if chart]


def survival_figure(months: Sequence[float], rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Share of worlds still at peace month by month, with its 95 % band (as in the report)."""
    share = [float(row["share"]) for row in rows]
    low = [float(row["low"]) for row in rows]
    high = [float(row["high"]) for row in rows]
    band = "rgba(31, 78, 156, 0.18)"
    return {
        "id": "survival",
        "title": "Survival of the peace: share of worlds still at peace",
        "data": [
            {
                "type": "scatter",
                "x": list(months),
                "y": high,
                "mode": "lines",
                "line": {"width": 0},
                "showlegend": False,
                "hoverinfo": "skip",
            },
            {
                "type": "scatter",
                "x": list(months),
                "y": low,
                "mode": "lines",
                "line": {"width": 0},
                "fill": "tonexty",
                "fillcolor": band,
                "name": "95 % band",
            },
            {
                "type": "scatter",
                "x": list(months),
                "y": share,
                "mode": "lines",
                "line": {"color": "#1f4e9c", "width": 2},
                "name": "share at peace",
            },
        ],
        "layout": {
            "height": 340,
            "margin": {"l": 60, "r": 20, "t": 40, "b": 60},
            "title": {"text": "Survival of the peace: share of worlds still at peace"},
            "xaxis": {"title": {"text": "months after the ceasefire"}},
            "yaxis": {"title": {"text": "share of worlds"}, "range": [0, 1.02]},
        },
    }


def section_view(section: Section, *, drawn: bool = True) -> View:
    """One section: metrics with bands, its map layers, its charts, its tables and notes.

    With ``drawn=False`` (the terminal's text) the map is only counted, not built.
    """
    blocks = [Block("Metrics", rows=metric_rows(section))]
    if section.layers:
        lines = (f"{len(section.layers)} layer(s) over the default theatre",)
        blocks.append(Block("Map", lines=lines, map=_section_map(section) if drawn else None))
    charts = section_charts(section)
    if charts:
        blocks.append(Block("Charts", charts=charts))
    blocks.extend(
        Block(name.replace("_", " "), lines=_cut(rows), rows=rows[:MAX_ROWS], text_rows=False)
        for name, rows in section.tables.items()
        if rows
    )
    if section.notes:
        blocks.append(Block("Notes", lines=section.notes))
    return View("section", section.title, (section.verdict,), tuple(blocks))


def _section_map(section: Section) -> dict[str, Any]:
    from guarantor.api import load_theatre
    from guarantor.report.maps import base_map, style_layers

    layers = {f"{section.name}.{name}": layer for name, layer in section.layers.items()}
    return {"base": base_map(load_theatre()), "layers": style_layers(layers)}


def _cut(rows: Sequence[Any]) -> tuple[str, ...]:
    return (f"first {MAX_ROWS} of {len(rows)} rows",) if len(rows) > MAX_ROWS else ()


def comparison_view(comparison: Comparison) -> View:
    """Verdicts side by side, then every metric whose central values differ."""
    from guarantor.report.render import environment

    data = comparison.to_dict()
    names = data["packages"]
    verdicts = [
        {"section": row["section"], **dict(zip(names, row["verdicts"], strict=True))}
        for row in data["verdicts"]
    ]
    differing = [
        {
            "section": row["section"],
            "metric": row["label"],
            "unit": row["unit"],
            **{
                name: None if cell is None else cell["value"]
                for name, cell in zip(names, row["cells"], strict=True)
            },
        }
        for row in data["rows"]
        if row["differs"]
    ]
    fragment = environment().get_template("_comparison.html.j2").render(comparison=data)
    return View(
        "comparison",
        f"{len(names)} packages compared",
        (
            f"{data['n_worlds']} worlds, seed {data['seed']}; {data['differences']} of "
            f"{len(data['rows'])} metrics differ",
        ),
        (
            Block("Verdicts", rows=verdicts, text_only=True),
            Block("Metrics that differ", rows=differing, text_only=True),
            Block("Side by side", html=Markup(fragment)),
        ),
    )


def store_view(store: ResultsStore) -> View:
    """Progress, outcome summaries and stored analyses of a results store (as the report)."""
    from guarantor.report.charts import sweep_charts
    from guarantor.report.render import environment

    summary = store.summary()
    charts = sweep_charts(summary)
    fragment = (
        environment().get_template("_sweep.html.j2").render(sweep=summary, sweep_charts=charts)
    )
    state = summary["progress"]
    return View(
        "store",
        f"Results store {summary['name']}",
        (
            f"{summary['n_points']} package(s) × {summary['n_worlds']} worlds, seed "
            f"{summary['seed']}, {summary['months']} months: {state['state']}, "
            f"{state['chunks_done']} of {state['chunks_total']} chunks",
        ),
        (
            Block("Outcomes", rows=summary["outcomes"], text_only=True),
            Block(html=Markup(fragment)),
        ),
    )
