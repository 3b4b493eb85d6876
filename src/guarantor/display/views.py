"""What each result shows, as data: a :class:`View` of titled blocks of lines, rows, a map, charts.

A view is what the notebook's HTML and the terminal's text both draw, so they say the same
thing: :mod:`guarantor.display.html` turns a view into a self-contained page (the report's style
sheet, Leaflet and plotly.js inlined), :mod:`guarantor.display.text` into rich tables. The
numbers come from the objects' own summaries (``metric_dict``, ``summary()``), never recomputed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from guarantor.assessment import metric_dict

if TYPE_CHECKING:
    import pandas as pd

    from guarantor.assessment import Assessment, Comparison
    from guarantor.results import (
        Discovery,
        Frontier,
        ResultsStore,
        Sensitivity,
        Simulation,
        Verdict,
        Verification,
    )
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
        summary = metric_dict(metric)
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


def section_view(section: Section) -> View:
    """One section: metrics with bands, its map layers, its charts, its tables and notes."""
    from guarantor.report.maps import base_map, style_layers
    from guarantor.theatre import load_theatre

    blocks = [Block("Metrics", rows=metric_rows(section))]
    if section.layers:
        layers = {f"{section.name}.{name}": layer for name, layer in section.layers.items()}
        spec = {"base": base_map(load_theatre()), "layers": style_layers(layers)}
        blocks.append(
            Block("Map", lines=(f"{len(layers)} layer(s) over the default theatre",), map=spec)
        )
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
            Block("Verdicts", rows=verdicts, html=None),
            Block("Metrics that differ", rows=differing, text_rows=True),
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
        (Block("Outcomes", rows=summary["outcomes"], html=Markup(fragment)),),
    )


def simulation_view(simulation: Simulation) -> View:
    """P(peace holds) at each horizon with its 95 % interval, other outcomes, the survival curve."""
    summary = simulation.summary()
    holds = [
        {
            "horizon": horizon,
            "P(peace holds)": value["p"],
            "low (95 %)": value["low"],
            "high (95 %)": value["high"],
            "smooth estimate": value["smooth"],
        }
        for horizon, value in summary["p_hold"].items()
    ]
    clash = summary["p_direct_clash"]
    others = [
        {"outcome": "expected probes", "value": summary["expected_probes"]},
        {"outcome": "share of probes answered", "value": summary["answered_share"]},
        {"outcome": "expected limited attacks", "value": summary["expected_limited_attacks"]},
        {"outcome": "P(direct clash)", "value": clash["p"]},
        {"outcome": "mean cost (USD bn)", "value": summary["mean_cost_usd_bn"]},
    ]
    curve = simulation.to_pandas("survival")
    chart = survival_figure(curve["month"].tolist(), records(curve))
    return View(
        "simulation",
        f"{summary['package']}: the years after the ceasefire",
        (f"{summary['n_worlds']} worlds, seed {simulation.seed}, {summary['months']} months",),
        (
            Block("P(peace holds)", rows=holds),
            Block("Other outcomes", rows=others),
            Block("Survival", charts=(chart,)),
            *([Block("Notes", lines=summary["notes"])] if summary["notes"] else []),
        ),
    )


def verdict_view(verdict: Verdict) -> View:
    """The response, the rule and reason, the incident, every rule's trace and the next steps."""
    decision = verdict.decision
    incident = verdict.incident.as_data()
    trace = [
        {
            "rule": item.rule,
            "response": item.response.label,
            "matched": item.matched,
            "met": "; ".join(item.met),
            "failed": "; ".join(item.failed),
        }
        for item in decision.trace
    ]
    steps = [
        {"response": step.response.label, "rule": step.rule, "missing": "; ".join(step.missing)}
        for step in decision.escalation
    ]
    return View(
        "roe-decision",
        f"{decision.response.label}: {verdict.ruleset.title}",
        (
            decision.reason,
            f"rule {decision.rule or 'default'}, authority {decision.authority.value}, "
            f"rule set {verdict.ruleset.name} revision {verdict.ruleset.revision}"
            + ("; rules in conflict" if decision.conflict else ""),
        ),
        (
            Block("Incident", rows=[{"field": k, "value": str(v)} for k, v in incident.items()]),
            Block("Trace", rows=trace),
            *([Block("Stronger responses and what they still need", rows=steps)] if steps else []),
        ),
    )


def verification_view(verification: Verification) -> View:
    """Whether every property holds; each finding with its counter-example."""
    report = verification.report
    rows = [
        {
            "check": f.check,
            "subject": f.subject,
            "line": f.line,
            "finding": f.message,
            "counter-example": "" if f.incident is None else str(f.incident.as_data()),
        }
        for f in report.findings
    ]
    status = (
        f"verified: {', '.join(report.checks)} hold"
        if report.ok
        else f"{len(report.findings)} finding(s)"
    )
    return View(
        "roe-check",
        f"{verification.ruleset.title}: {status}",
        (
            f"{report.rules} rules, hit policy {report.hit_policy.value}, revision "
            f"{report.revision}; {report.solver_calls} solver calls in {report.seconds:.2f} s",
        ),
        (Block("Findings", rows=rows, lines=() if rows else ("none",)),),
    )


def discovery_view(discovery: Discovery) -> View:
    """Each case of interest: its base rate, PRIM's boxes and CART's leaves, PRIM's trajectory."""
    from guarantor.report.charts import prim_charts

    data = discovery.data
    blocks = []
    for case in data["cases"]:
        lines = [f"{case['n_cases']} cases, base rate {case['base_rate']:.1%}"]
        if "note" in case:
            lines.append(case["note"])
        boxes = [
            {"box": box["text"], "coverage": box["coverage"], "density": box["density"]}
            for box in (case.get("prim") or {}).get("boxes", [])
        ]
        blocks.append(Block(f"Where {case['case']}", lines=tuple(lines), rows=boxes))
    charts = prim_charts(data)
    if charts:
        blocks.append(Block("PRIM trajectories", charts=charts))
    return View(
        "discovery",
        "Scenario discovery",
        (f"{data['n_experiments']} experiments over {', '.join(data['dimensions'])}",),
        tuple(blocks),
    )


def sensitivity_view(sensitivity: Sensitivity) -> View:
    """Sobol indices of each outcome, largest total effect first; tornado and Sobol charts."""
    from guarantor.report.charts import sobol_charts, tornado_charts

    frame = sensitivity.to_pandas()
    rows = records(frame.sort_values(["outcome", "ST"], ascending=[True, False]))
    return View(
        "sensitivity",
        f"Sensitivity of {sensitivity.sobol.get('package', '')}",
        (
            f"Sobol base sample {sensitivity.sobol.get('n')}, "
            f"{sensitivity.sobol.get('n_worlds')} worlds",
        ),
        (
            Block("Sobol indices", rows=rows[:MAX_ROWS], text_rows=False),
            Block(
                "Charts",
                charts=[*tornado_charts(sensitivity.tornado), *sobol_charts(sensitivity.sobol)],
            ),
        ),
    )


def frontier_view(frontier: Frontier) -> View:
    """The Pareto set: levers, objectives, Russia's consent; the first two objectives plotted."""
    frame = frontier.to_pandas()
    objectives = list(frontier.objectives)
    charts = []
    if len(objectives) >= 2 and not frame.empty:
        x, y = objectives[:2]
        charts.append(
            {
                "id": "frontier",
                "title": f"Pareto set: {x} against {y}",
                "data": [
                    {
                        "type": "scatter",
                        "mode": "markers",
                        "x": frame[x].tolist(),
                        "y": frame[y].tolist(),
                        "marker": {"size": 9, "color": "#1f4e9c"},
                    }
                ],
                "layout": {
                    "height": 340,
                    "title": {"text": f"Pareto set: {x} against {y}"},
                    "xaxis": {"title": {"text": x}},
                    "yaxis": {"title": {"text": y}},
                },
            }
        )
    result = frontier.result
    return View(
        "frontier",
        f"Pareto set for {frontier.package}",
        (f"{result.evaluations} candidates over {result.generations} generations",),
        (Block("Pareto set", rows=records(frame)), Block("Chart", charts=charts)),
    )
