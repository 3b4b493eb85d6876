"""Rendering: the Jinja environment shared by the report and the web app, and the report itself.

The report is one HTML file that opens offline: Leaflet, plotly.js and guarantor's own script
and style sheet are inlined, the assessment's numbers are embedded as JSON, and nothing refers
to a URL outside the file.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from guarantor.assessment import Assessment, Comparison
from guarantor.report import assets
from guarantor.report.charts import assessment_charts, frontier_chart, sweep_charts
from guarantor.report.maps import map_spec


def format_value(value: Any, unit: str = "") -> str:
    """A number for people: four significant figures, thousands separated; '—' for none."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    number = float(value)
    if number == 0:
        text = "0"
    elif abs(number) >= 1000:
        text = f"{number:,.0f}"
    elif abs(number) >= 1:
        text = f"{number:.4g}"
    else:
        text = f"{number:.3g}"
    return f"{text} {unit}".strip() if unit and unit != "1" else text


def format_band(metric: dict[str, Any]) -> str:
    """The 5–95 % band of a metric as text, or '' for a single value."""
    low, high = metric.get("low"), metric.get("high")
    if low is None or high is None or low == high:
        return ""
    return f"{format_value(low)} – {format_value(high)}"


def script_json(data: Any) -> Markup:
    """JSON safe to embed inside ``<script type="application/json">``."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "x"


def environment(*folders: Path) -> jinja2.Environment:
    """A Jinja environment over ``folders`` then the report's templates, with the filters."""
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader([str(f) for f in folders])]
    loaders.append(jinja2.PackageLoader("guarantor.report", "templates"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["num"] = format_value
    env.filters["band"] = format_band
    env.filters["script_json"] = script_json
    env.filters["slug"] = _slug
    return env


_ENV: jinja2.Environment | None = None


def _env() -> jinja2.Environment:
    global _ENV  # noqa: PLW0603 - one environment, built on first use
    if _ENV is None:
        _ENV = environment()
    return _ENV


def assessment_view(
    assessment: Assessment, key: str = "a", *, data: dict[str, Any] | None = None
) -> dict[str, Any]:
    """What the assessment templates need: the data, the map spec and the charts."""
    return {
        "key": key,
        "data": assessment.to_dict() if data is None else data,
        "map": map_spec(assessment),
        "charts": assessment_charts(assessment),
    }


def render_report(
    assessment: Assessment,
    *,
    sweep: dict[str, Any] | None = None,
    comparison: Comparison | None = None,
    frontier: dict[str, Any] | None = None,
) -> str:
    """The self-contained HTML report of an assessment (and of a sweep store, if given).

    ``frontier`` (``DeterSignFrontier.to_dict()``) adds the dilemma, deter or be signed, first.
    """
    template = _env().get_template("report.html.j2")
    return template.render(
        view=assessment_view(assessment),
        sweep=sweep,
        sweep_charts=sweep_charts(sweep) if sweep else [],
        comparison=comparison.to_dict() if comparison else None,
        frontier=frontier,
        frontier_charts=[frontier_chart(frontier)] if frontier else [],
        leaflet_css=Markup(assets.leaflet_css()),
        own_css=Markup(assets.own_file("guarantor.css")),
        leaflet_js=Markup(assets.inline_script(assets.leaflet_js())),
        plotly_js=Markup(assets.inline_script(assets.plotly_js())),
        own_js=Markup(assets.inline_script(assets.own_file("guarantor.js"))),
    )


def write_report(
    assessment: Assessment,
    path: str | Path,
    *,
    sweep: dict[str, Any] | None = None,
    comparison: Comparison | None = None,
    frontier: dict[str, Any] | None = None,
) -> Path:
    """Write the report to ``path`` (atomically: a temporary file renamed into place)."""
    target = Path(path)
    html = render_report(assessment, sweep=sweep, comparison=comparison, frontier=frontier)
    temporary = target.with_name(target.name + ".tmp")
    temporary.write_text(html, encoding="utf-8")
    temporary.replace(target)
    return target


def embedded_assessment(html: str) -> dict[str, Any]:
    """Read back the assessment data a report embeds (for checks that views agree)."""
    match = re.search(
        r'<script type="application/json" id="assessment-data-[^"]*">(.*?)</script>', html, re.S
    )
    if match is None:
        raise ValueError("no embedded assessment in this HTML")
    data: dict[str, Any] = json.loads(match.group(1))
    return data
