"""The next step up: the nearest more threatening incident that gets a stronger response.

The threat lattice is the product order over the rule set's ``monotone`` fields (by default
``act`` and ``weapon`` up, ``distance_km`` down, positive identification gained, a more senior
authority within reach); every other field stays as it is. Among the incidents above the given
one in that order whose response is stronger, the solver (z3's optimiser, lexicographically)
picks one that changes the fewest fields, then moves them the fewest steps, then gets the
weakest stronger response: "what is the least that would have to change for more to be
allowed?" A measured field that moves is then set just across the threshold that matters.
"""

from __future__ import annotations

from typing import Any

import z3

from guarantor.roe.encoding import Compiled, Encoding, real
from guarantor.roe.engine import NextStep, decide
from guarantor.roe.rules import Ruleset, tests_in
from guarantor.roe.schema import Direction, FieldKind, Incident, Response

_NUDGE = 0.1  # how far across a strict threshold a measure is set, in the field's unit


def _up(enc: Encoding, ruleset: Ruleset, name: str, value: Any) -> tuple[Any, Any, Any]:
    """(more threatening or equal, changed, steps) for field ``name`` starting from ``value``."""
    spec, var = ruleset.fields[name], enc.vars[name]
    decreasing = ruleset.monotone[name] is Direction.DECREASING
    if spec.kind is FieldKind.FLAG:
        start = z3.BoolVal(bool(value))
        allowed = z3.Or(var == start, var == z3.BoolVal(not decreasing))
        changed = var != start
        return allowed, changed, z3.If(changed, 1, 0)
    if spec.kind is FieldKind.MEASURE:
        start = real(float(value))
        allowed = var <= start if decreasing else var >= start
        changed = var != start
        return allowed, changed, z3.If(changed, 1, 0)
    index = spec.index(str(value))
    allowed = var <= index if decreasing else var >= index
    return allowed, var != index, (index - var) if decreasing else (var - index)


def nearest_stronger(ruleset: Ruleset, incident: Incident, response: Response) -> NextStep | None:
    """The nearest incident up the threat lattice that gets more than ``response``, or None."""
    values = ruleset.values(incident)
    enc = Encoding("n", ruleset.fields)
    compiled = Compiled(ruleset, enc)
    optimiser = z3.Optimize()
    optimiser.add(*enc.domain(), compiled.response > int(response))
    changed, steps = [], []
    for name in ruleset.fields:
        if name in ruleset.monotone:
            allowed, moved, distance = _up(enc, ruleset, name, values[name])
            optimiser.add(allowed)
            changed.append(z3.If(moved, 1, 0))
            steps.append(distance)
        else:
            optimiser.add(enc.equals(name, values[name]))
    optimiser.minimize(z3.Sum(changed) if changed else z3.IntVal(0))
    optimiser.minimize(z3.Sum(steps) if steps else z3.IntVal(0))
    optimiser.minimize(compiled.response)
    if optimiser.check() != z3.sat:
        return None
    model = optimiser.model()
    found = {name: enc.value(model, name) for name in ruleset.fields}
    for name, spec in ruleset.fields.items():
        if spec.kind is FieldKind.MEASURE and found[name] != values[name]:
            found[name] = _snap(ruleset, name, float(values[name]), found, response)
    step = Incident.from_data(found)
    decision = decide(ruleset, step)
    assert decision.response > response, "the solver's step must get a stronger response"
    changes = tuple(
        (name, values[name], found[name]) for name in ruleset.fields if found[name] != values[name]
    )
    return NextStep(decision.response, decision.rule, changes, step)


def _snap(
    ruleset: Ruleset, name: str, start: float, found: dict[str, Any], response: Response
) -> float:
    """The measure value nearest ``start`` that still gets more than ``response``.

    Candidates sit on (or, for a strict threshold, just across) every threshold on the field;
    the solver's own value is kept when none of them is nearer and still works.
    """
    decreasing = ruleset.monotone[name] is Direction.DECREASING
    candidates = set()
    everything = [
        *(item for rule in ruleset.rules for item in rule.all_conditions),
        *(item for p in ruleset.prohibitions for item in p.conditions),
        *ruleset.scope,
    ]
    for test in (t for item in everything for t in tests_in(item)):
        if test.field == name and test.threshold is not None:
            limit = test.threshold.value
            nudge = {"<": -_NUDGE, ">": _NUDGE}.get(test.op, 0.0)
            candidates.add(max(0.0, limit + nudge))
    ahead = sorted(
        (c for c in candidates if (c < start if decreasing else c > start)),
        key=lambda c: abs(c - start),
    )
    for candidate in ahead:
        trial = Incident.from_data({**found, name: candidate})
        if decide(ruleset, trial).response > response:
            return candidate
    return float(found[name])
