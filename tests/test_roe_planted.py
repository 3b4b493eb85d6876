"""Planted faults in three domain shapes: the verifier finds every one, and a grid agrees.

Each rule set under ``tests/data/roe/planted/`` (air policing, maritime escort, a ground
demilitarised zone) plants one fault of each kind: a gap, a conflict, an invariant breach, a
non-monotone escalation and an out-of-scope hole. The verifier must find each. An independent
check, which never touches z3, enumerates a seeded sample of a grid of incidents (every value of
every field the rule set reads, the measured fields at zero, on and beside each threshold and far
out), decides each with the engine, and looks for the same faults by brute force: every fault
the grid sees, the solver reports too (same check, same subject), and the grid sees every
planted fault.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from guarantor.roe import Incident, Ruleset, decide, load_ruleset, rules, verify
from guarantor.roe.rules import holds
from guarantor.roe.schema import (
    INCIDENT_FIELDS,
    PLATFORM_DOMAINS,
    Direction,
    FieldKind,
    HitPolicy,
    Platform,
)

PLANTED = Path(__file__).parent / "data" / "roe" / "planted"
SHAPES = {
    "air-policing": {
        ("completeness", "gap"),
        ("conflict", "watch-violation/down-drone-west"),
        ("invariant", "engage-needs-authority"),
        ("monotone", "act"),
        ("scope", "self-defence-always-permitted"),
    },
    "maritime-escort": {
        ("completeness", "gap"),
        ("conflict", "shadow-far-intent/intercept-far-small-craft"),
        ("invariant", "never-act-in-russian-waters"),
        ("monotone", "weapon"),
        ("scope", "self-defence-always-permitted"),
    },
    "ground-dmz": {
        ("completeness", "gap"),
        ("conflict", "contain-unwarned-act/detain-saboteurs-in-dmz"),
        ("invariant", "engage-needs-authority"),
        ("monotone", "pid"),
        ("scope", "self-defence-always-permitted"),
    },
}
SAMPLE = 6000


def _read(ruleset: Ruleset) -> set[str]:
    """The fields any condition of the rule set reads."""
    items = [
        *(item for rule in ruleset.rules for item in rule.all_conditions),
        *ruleset.scope,
        ruleset.default_allowed,
        *(inv.when for inv in ruleset.invariants),
        *(inv.require for inv in ruleset.invariants),
    ]
    return {test.field for item in items for test in rules.tests_in(item)} - {"response"}


def _axes(ruleset: Ruleset) -> dict[str, list[Any]]:
    """Every field's grid values; a field no condition reads keeps its default."""
    read = _read(ruleset) | {"domain", "platform"}
    axes: dict[str, list[Any]] = {}
    for name, spec in ruleset.fields.items():
        if spec.kind is FieldKind.MEASURE:
            points = {0.0, 1000.0}
            for rule in ruleset.rules:
                for item in rule.all_conditions:
                    for test in rules.tests_in(item):
                        if test.field == name and test.threshold is not None:
                            limit = test.threshold.value
                            points |= {limit, limit - 0.5, limit + 0.5}
            axes[name] = sorted(p for p in points if p >= 0)
        elif name not in read:
            axes[name] = [ruleset.values(_any_incident())[name]]
        elif spec.kind is FieldKind.FLAG:
            axes[name] = [False, True]
        else:
            axes[name] = list(spec.values)
    return axes


def _any_incident() -> Incident:
    return Incident.model_validate(
        {"domain": "land", "act": "presence", "zone": "ukraine_west_of_line", "distance_km": 0}
    )


def _incident(values: dict[str, Any]) -> Incident | None:
    if values["domain"] not in {d.value for d in PLATFORM_DOMAINS[Platform(values["platform"])]}:
        return None
    return Incident.from_data(
        {k: v for k, v in values.items() if k in INCIDENT_FIELDS or v is not None}
    )


def grid_faults(ruleset: Ruleset, sample: int = SAMPLE, seed: int = 0) -> set[tuple[str, str]]:
    """Faults found by deciding a seeded sample of grid points and their lattice neighbours."""
    axes = _axes(ruleset)
    names = list(axes)
    rng = np.random.default_rng(seed)
    picks = np.stack([rng.integers(len(axes[n]), size=sample) for n in names], axis=1)
    found: set[tuple[str, str]] = set()
    for row in picks:
        values = {n: axes[n][i] for n, i in zip(names, row, strict=True)}
        incident = _incident(values)
        if incident is None:
            continue
        decision = decide(ruleset, incident)
        data = {**ruleset.values(incident), "response": decision.response.label}
        unanswered = decision.in_scope and decision.rule is None
        if unanswered and not holds(ruleset.default_allowed, data):
            found.add(("completeness", "gap"))
        if ruleset.hit_policy is HitPolicy.UNIQUE:
            matched = [ruleset.rule(ident) for ident in decision.matched]
            for i, first in enumerate(matched):
                for second in matched[i + 1 :]:
                    if first.response != second.response:
                        found.add(("conflict", f"{first.id}/{second.id}"))
        for invariant in ruleset.invariants:
            if not holds(invariant.when, data) or holds(invariant.require, data):
                continue
            if invariant.within is not None:
                if holds(invariant.within, data):
                    found.add(("invariant", invariant.id))
            else:
                found.add(("invariant" if decision.in_scope else "scope", invariant.id))
        for name, direction in ruleset.monotone.items():
            axis = axes[name]
            if len(axis) < 2:
                continue
            position = axis.index(values[name])
            step = -1 if direction is Direction.DECREASING else 1
            if not 0 <= position + step < len(axis):
                continue
            worse = _incident({**values, name: axis[position + step]})
            if worse is not None and decide(ruleset, worse).response < decision.response:
                found.add(("monotone", name))
    return found


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_planted_fault_is_found_and_a_grid_agrees(shape: str) -> None:
    ruleset = load_ruleset(PLANTED / f"{shape}.yaml")
    report = verify(ruleset)
    solver = {(f.check, f.subject) for f in report.findings}
    assert SHAPES[shape] <= solver, SHAPES[shape] - solver
    grid = grid_faults(ruleset)
    # the sample sees every planted fault, and nothing the solver missed
    assert SHAPES[shape] <= grid, SHAPES[shape] - grid
    assert grid <= solver, grid - solver
    # each counter-example replays in the engine as the fault it stands for
    for finding in report.findings:
        assert finding.incident is not None
        decision = decide(ruleset, finding.incident)
        if finding.check == "completeness":
            assert decision.in_scope
            assert decision.rule is None
        elif finding.check == "conflict":
            assert set(finding.rules) <= set(decision.matched)
        elif finding.check == "scope":
            assert not decision.in_scope
        elif finding.check == "monotone":
            assert finding.other is not None
            assert decide(ruleset, finding.other).response < decision.response


def test_the_shipped_sets_are_clean_on_the_grid_too() -> None:
    for name in ("air-policing", "maritime-escort", "reassurance-force"):
        assert grid_faults(load_ruleset(name), sample=2000) == set(), name
