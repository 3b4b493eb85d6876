"""Views of analyses: a simulation, a ROE decision or proof, discovery, sensitivity, a Pareto set.

Built from the same :class:`~guarantor.display.views.Block` s as the assessment views, so the
notebook's HTML and the terminal's text say the same thing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from guarantor.display.views import MAX_ROWS, Block, View, records, survival_figure

if TYPE_CHECKING:
    from guarantor.results import (
        Discovery,
        Frontier,
        Sensitivity,
        Simulation,
        Verdict,
        Verification,
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
