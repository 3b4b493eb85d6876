"""The verifier: z3 proofs that a rule set has no gaps, conflicts or dead rules.

It also proves that escalation never weakens and that the file's invariants hold, and finds
what changes between two versions.

Each incident field becomes a solver variable (categories and ordinals as integers indexing
their list of values, flags as booleans, measures as non-negative reals); each rule becomes the
conjunction of its conditions and its authority condition; the hit policy becomes a chain of
if-then-else over the rules in precedence order. Every property is asked as "is there an
incident that breaks it?": *unsat* is a proof over the whole, continuous incident space, and
*sat* gives a concrete counter-example incident that can be saved as a fixture. This is the
approach of Zelkova (Backes et al., FMCAD 2018) and Cedar's symbolic compiler, applied to rules
of engagement.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import z3

from guarantor.roe.engine import decide
from guarantor.roe.schema import (
    INCIDENT_FIELDS,
    INVARIANT_FIELDS,
    PLATFORM_DOMAINS,
    All,
    AnyOf,
    Direction,
    Expr,
    FieldKind,
    Fixture,
    HitPolicy,
    Incident,
    Not,
    Platform,
    Response,
    Rule,
    Ruleset,
    Test,
)

CHECKS = ("completeness", "conflict", "dead", "shadowed", "monotone", "invariant")


class _Encoding:
    """Solver variables for one incident, and the translation of conditions into formulas."""

    def __init__(self, tag: str) -> None:
        self.vars: dict[str, Any] = {}
        for name, spec in INCIDENT_FIELDS.items():
            label = f"{name}_{tag}"
            if spec.kind is FieldKind.FLAG:
                self.vars[name] = z3.Bool(label)
            elif spec.kind is FieldKind.MEASURE:
                self.vars[name] = z3.Real(label)
            else:
                self.vars[name] = z3.Int(label)

    def domain(self) -> list[Any]:
        """Constraints every incident satisfies."""
        constraints = []
        for name, spec in INCIDENT_FIELDS.items():
            var = self.vars[name]
            if spec.kind is FieldKind.MEASURE:
                constraints.append(var >= 0)
            elif spec.kind is not FieldKind.FLAG:
                constraints.extend([var >= 0, var < len(spec.values)])
        platform, domain = self.vars["platform"], self.vars["domain"]
        domains = INCIDENT_FIELDS["domain"]
        for index, name in enumerate(INCIDENT_FIELDS["platform"].values):
            allowed = PLATFORM_DOMAINS[Platform(name)]
            constraints.append(
                z3.Implies(
                    platform == index,
                    z3.Or([domain == domains.index(item.value) for item in allowed]),
                )
            )
        return constraints

    def test(self, test: Test, response: Any = None) -> Any:
        """The formula of one condition (``response`` stands for the decided response)."""
        spec = INVARIANT_FIELDS[test.field]
        var = response if test.field == "response" else self.vars[test.field]
        if spec.kind is FieldKind.FLAG:
            return var if test.flag else z3.Not(var)
        if spec.kind is FieldKind.MEASURE:
            assert test.threshold is not None
            limit = _real(test.threshold.value)
            return {
                "<": var < limit,
                "<=": var <= limit,
                ">": var > limit,
                ">=": var >= limit,
            }[test.op]
        indices = sorted(spec.index(value) for value in test.allowed)
        if not indices:
            return z3.BoolVal(False)
        if indices == list(range(indices[0], indices[-1] + 1)):
            if indices[0] == 0 and indices[-1] == len(spec.values) - 1:
                return z3.BoolVal(True)
            return z3.And(var >= indices[0], var <= indices[-1])
        return z3.Or([var == index for index in indices])

    def expr(self, expr: Expr, response: Any = None) -> Any:
        """The formula of an expression."""
        if isinstance(expr, Test):
            return self.test(expr, response)
        if isinstance(expr, All):
            return z3.And([self.expr(part, response) for part in expr.parts])
        if isinstance(expr, AnyOf):
            return z3.Or([self.expr(part, response) for part in expr.parts])
        assert isinstance(expr, Not)
        return z3.Not(self.expr(expr.part, response))

    def rule(self, rule: Rule) -> Any:
        """The formula under which a rule matches."""
        return z3.And([self.test(test) for test in rule.all_conditions])

    def incident(self, model: Any) -> Incident:
        """The incident a model describes."""
        data: dict[str, Any] = {}
        for name, spec in INCIDENT_FIELDS.items():
            value = model.eval(self.vars[name], model_completion=True)
            if spec.kind is FieldKind.FLAG:
                data[name] = z3.is_true(value)
            elif spec.kind is FieldKind.MEASURE:
                data[name] = float(value.as_fraction())
            else:
                data[name] = spec.values[value.as_long()]
        return Incident.model_validate(data)


def _real(value: float) -> Any:
    fraction = Fraction(value)
    return z3.RealVal(f"{fraction.numerator}/{fraction.denominator}")


class _Compiled:
    """A rule set's formulas over one encoding."""

    def __init__(self, ruleset: Ruleset, enc: _Encoding) -> None:
        self.ruleset = ruleset
        self.enc = enc
        self.match = {rule.id: enc.rule(rule) for rule in ruleset.rules}
        self.scope = z3.And([enc.test(test) for test in ruleset.scope])
        response: Any = z3.IntVal(int(ruleset.default))
        fired: Any = z3.IntVal(-1)
        for rule in reversed(ruleset.precedence()):
            response = z3.If(self.match[rule.id], z3.IntVal(int(rule.response)), response)
            fired = z3.If(self.match[rule.id], z3.IntVal(rule.index), fired)
        # outside the scope the default applies
        self.response = z3.If(self.scope, response, z3.IntVal(int(ruleset.default)))
        self.fired = z3.If(self.scope, fired, z3.IntVal(-1))


@dataclass(frozen=True)
class Finding:
    """One property that fails, with its counter-example.

    ``incident`` is the counter-example (for ``monotone``, the less threatening incident, and
    ``other`` the more threatening one that gets a weaker response). A dead rule has no
    incident at all: ``conditions`` then lists the conditions that contradict each other.
    """

    check: str
    subject: str
    message: str
    incident: Incident | None = None
    other: Incident | None = None
    rules: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    line: int | None = None

    def as_data(self) -> dict[str, Any]:
        """The finding as JSON-ready data."""
        data: dict[str, Any] = {
            "check": self.check,
            "subject": self.subject,
            "message": self.message,
            "rules": list(self.rules),
            "line": self.line,
        }
        if self.incident is not None:
            data["incident"] = self.incident.as_data()
        if self.other is not None:
            data["other"] = self.other.as_data()
        if self.conditions:
            data["conditions"] = list(self.conditions)
        return data


@dataclass(frozen=True)
class VerificationReport:
    """Every finding of a verification, and what was checked."""

    ruleset: str
    revision: str
    hit_policy: HitPolicy
    rules: int
    findings: tuple[Finding, ...]
    checks: tuple[str, ...]
    seconds: float
    solver_calls: int

    @property
    def ok(self) -> bool:
        """Whether every property holds."""
        return not self.findings

    def by_check(self, check: str) -> list[Finding]:
        """The findings of one check."""
        return [finding for finding in self.findings if finding.check == check]

    def as_data(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {
            "ruleset": self.ruleset,
            "revision": self.revision,
            "hit_policy": self.hit_policy.value,
            "rules": self.rules,
            "ok": self.ok,
            "checks": list(self.checks),
            "seconds": round(self.seconds, 4),
            "solver_calls": self.solver_calls,
            "findings": [finding.as_data() for finding in self.findings],
        }

    def fixtures(self, ruleset: Ruleset) -> dict[str, Any]:
        """The counter-examples as a fixtures file (expecting what the rules decide now).

        Saved and run with ``guarantor roe test``, they pin today's behaviour; edit ``expect``
        to the response intended once the finding is fixed.
        """
        items = []
        for number, finding in enumerate(self.findings, start=1):
            for suffix, incident in (("", finding.incident), ("-more-threat", finding.other)):
                if incident is None:
                    continue
                decision = decide(ruleset, incident)
                items.append(
                    {
                        "id": f"{finding.check}-{number}{suffix}",
                        "incident": incident.as_data(),
                        "expect": decision.response.label,
                        "note": f"{finding.check}: {finding.message}",
                    }
                )
        return {"ruleset": ruleset.name, "fixtures": items}


class _Session:
    def __init__(self) -> None:
        self.solver = z3.Solver()
        self.calls = 0

    def model(self, *constraints: Any) -> Any | None:
        """A model of the constraints, or None when unsatisfiable."""
        self.solver.push()
        self.solver.add(*constraints)
        self.calls += 1
        result = self.solver.check()
        model = self.solver.model() if result == z3.sat else None
        self.solver.pop()
        if result == z3.unknown:
            raise RuntimeError(f"z3 returned unknown: {self.solver.reason_unknown()}")
        return model


def _disjoint(first: Rule, second: Rule) -> bool:
    """Whether two rules cannot both match, seen from their set conditions alone."""
    sets: dict[str, frozenset[str]] = {}
    for test in first.all_conditions:
        if test.allowed:
            sets[test.field] = sets.get(test.field, test.allowed) & test.allowed
    for test in second.all_conditions:
        if test.allowed and test.field in sets and not sets[test.field] & test.allowed:
            return True
    return False


def verify(
    ruleset: Ruleset, *, checks: tuple[str, ...] = CHECKS, max_gaps: int = 8
) -> VerificationReport:
    """Prove or refute every property of a rule set; each failure carries a counter-example.

    Checks: ``completeness`` (every incident in scope matches a rule, or is allowed to fall to
    the default), ``conflict`` (under ``unique``, no incident matches rules with different
    responses), ``dead`` (a rule's conditions contradict each other), ``shadowed`` (a rule can
    match but never fires under the hit policy), ``monotone`` (a more threatening incident never
    gets a weaker response, along each field of ``monotone`` and jointly), ``invariant`` (each
    of the file's invariants holds for every incident).
    """
    start = time.perf_counter()
    session = _Session()
    enc = _Encoding("x")
    compiled = _Compiled(ruleset, enc)
    session.solver.add(*enc.domain())
    session.solver.add(compiled.scope)
    findings: list[Finding] = []
    dead: set[str] = set()
    if "dead" in checks:
        for rule in ruleset.rules:
            tests = rule.all_conditions
            labels = [z3.Bool(f"c{rule.index}_{n}") for n in range(len(tests))]
            session.solver.push()
            session.solver.add(
                *(
                    z3.Implies(label, enc.test(test))
                    for label, test in zip(labels, tests, strict=True)
                )
            )
            session.calls += 1
            if session.solver.check(*labels) == z3.unsat:
                core = {str(label) for label in session.solver.unsat_core()}
                contradicting = tuple(
                    test.text
                    for label, test in zip(labels, tests, strict=True)
                    if str(label) in core
                )
                scope_note = " within the rule set's scope" if ruleset.scope else ""
                dead.add(rule.id)
                findings.append(
                    Finding(
                        "dead",
                        rule.id,
                        f"rule {rule.id} can never match{scope_note}: "
                        f"{' and '.join(contradicting) or 'the scope excludes it'} contradict",
                        rules=(rule.id,),
                        conditions=contradicting,
                        line=rule.line,
                    )
                )
            session.solver.pop()
    if "shadowed" in checks and ruleset.hit_policy is not HitPolicy.UNIQUE:
        order = ruleset.precedence()
        for position, rule in enumerate(order):
            if rule.id in dead:
                continue
            earlier = [compiled.match[other.id] for other in order[:position]]
            if session.model(compiled.match[rule.id], z3.Not(z3.Or(earlier))) is None:
                model = session.model(compiled.match[rule.id])
                assert model is not None
                incident = enc.incident(model)
                winner = decide(ruleset, incident).rule
                findings.append(
                    Finding(
                        "shadowed",
                        rule.id,
                        f"rule {rule.id} matches but never fires under the '{ruleset.hit_policy}' "
                        f"policy: e.g. here {winner} fires instead",
                        incident=incident,
                        rules=(rule.id, str(winner)),
                        line=rule.line,
                    )
                )
    if "completeness" in checks:
        blocked: list[Any] = []
        uncovered = z3.And(
            z3.Not(z3.Or(list(compiled.match.values()))),
            z3.Not(enc.expr(ruleset.default_allowed)),
        )
        for _ in range(max_gaps):
            model = session.model(uncovered, *blocked)
            if model is None:
                break
            incident = enc.incident(model)
            findings.append(
                Finding(
                    "completeness",
                    "gap",
                    f"no rule decides this incident ({incident.domain}, {incident.act} in "
                    f"{incident.zone}) and the default is not allowed for it",
                    incident=incident,
                )
            )
            # look for gaps elsewhere: another domain, act or zone
            blocked.append(
                z3.Not(
                    z3.And(
                        *(
                            enc.vars[name] == model.eval(enc.vars[name], model_completion=True)
                            for name in ("domain", "act", "zone")
                        )
                    )
                )
            )
    if "conflict" in checks and ruleset.hit_policy is HitPolicy.UNIQUE:
        live = [rule for rule in ruleset.rules if rule.id not in dead]
        for first, second in itertools.combinations(live, 2):
            if first.response == second.response or _disjoint(first, second):
                continue
            model = session.model(compiled.match[first.id], compiled.match[second.id])
            if model is not None:
                findings.append(
                    Finding(
                        "conflict",
                        f"{first.id}/{second.id}",
                        f"rules {first.id} ({first.response.label}) and {second.id} "
                        f"({second.response.label}) both match this incident",
                        incident=enc.incident(model),
                        rules=(first.id, second.id),
                        line=second.line,
                    )
                )
    if "monotone" in checks and ruleset.monotone:
        findings.extend(_monotone(ruleset, session, enc, compiled))
    if "invariant" in checks:
        for invariant in ruleset.invariants:
            model = session.model(
                enc.expr(invariant.when, compiled.response),
                z3.Not(enc.expr(invariant.require, compiled.response)),
            )
            if model is not None:
                incident = enc.incident(model)
                decision = decide(ruleset, incident)
                findings.append(
                    Finding(
                        "invariant",
                        invariant.id,
                        f"invariant {invariant.id} ({invariant.text}) fails: "
                        f"{decision.response.label} under {decision.rule or 'the default'}",
                        incident=incident,
                        rules=(decision.rule,) if decision.rule else (),
                        line=invariant.line,
                    )
                )
    return VerificationReport(
        ruleset=ruleset.name,
        revision=ruleset.revision,
        hit_policy=ruleset.hit_policy,
        rules=len(ruleset.rules),
        findings=tuple(findings),
        checks=checks,
        seconds=time.perf_counter() - start,
        solver_calls=session.calls,
    )


def _monotone(
    ruleset: Ruleset, session: _Session, enc: _Encoding, compiled: _Compiled
) -> list[Finding]:
    """Pairs where the more threatening incident gets the weaker response."""
    more = _Encoding("y")
    other = _Compiled(ruleset, more)
    base = [*more.domain(), other.scope]

    def worse(name: str) -> Any:
        low, high = enc.vars[name], more.vars[name]
        if ruleset.monotone[name] is Direction.DECREASING:
            return high <= low
        return high >= low

    findings: list[Finding] = []
    fields = list(ruleset.monotone)
    for name in fields:
        same = [enc.vars[n] == more.vars[n] for n in INCIDENT_FIELDS if n != name]
        model = session.model(*base, *same, worse(name), other.response < compiled.response)
        if model is not None:
            findings.append(_monotone_finding(ruleset, enc, more, model, name))
    if not findings and len(fields) > 1:
        same = [enc.vars[n] == more.vars[n] for n in INCIDENT_FIELDS if n not in fields]
        model = session.model(
            *base, *same, *(worse(n) for n in fields), other.response < compiled.response
        )
        if model is not None:
            findings.append(_monotone_finding(ruleset, enc, more, model, "+".join(fields)))
    return findings


def _monotone_finding(
    ruleset: Ruleset, enc: _Encoding, more: _Encoding, model: Any, name: str
) -> Finding:
    lower, higher = enc.incident(model), more.incident(model)
    low_decision, high_decision = decide(ruleset, lower), decide(ruleset, higher)
    changes = ", ".join(
        f"{field_name} {lower.value(field_name)} → {higher.value(field_name)}"
        for field_name in INCIDENT_FIELDS
        if lower.value(field_name) != higher.value(field_name)
    )
    return Finding(
        "monotone",
        name,
        f"more threat ({changes}) gets a weaker response: "
        f"{low_decision.response.label} ({low_decision.rule or 'default'}) → "
        f"{high_decision.response.label} ({high_decision.rule or 'default'})",
        incident=lower,
        other=higher,
        rules=tuple(r for r in (low_decision.rule, high_decision.rule) if r),
    )


# ---------------------------------------------------------------------------------------------
# Version diffs


@dataclass(frozen=True)
class Change:
    """A region of incidents whose response changes between two versions, with an example."""

    old_rule: str | None
    old_response: Response
    new_rule: str | None
    new_response: Response
    incident: Incident

    @property
    def stronger(self) -> bool:
        """Whether the new version responds more strongly."""
        return self.new_response > self.old_response

    def as_data(self) -> dict[str, Any]:
        """The change as JSON-ready data."""
        return {
            "old_rule": self.old_rule,
            "old_response": self.old_response.label,
            "new_rule": self.new_rule,
            "new_response": self.new_response.label,
            "direction": "stronger" if self.stronger else "weaker",
            "incident": self.incident.as_data(),
        }


@dataclass(frozen=True)
class DiffReport:
    """Which incidents change response between two versions of a rule set."""

    old: str
    old_revision: str
    new: str
    new_revision: str
    changes: tuple[Change, ...]
    complete: bool
    seconds: float

    @property
    def equivalent(self) -> bool:
        """Whether both versions decide every incident alike."""
        return self.complete and not self.changes

    def as_data(self) -> dict[str, Any]:
        """The diff as JSON-ready data."""
        return {
            "old": self.old,
            "old_revision": self.old_revision,
            "new": self.new,
            "new_revision": self.new_revision,
            "equivalent": self.equivalent,
            "complete": self.complete,
            "seconds": round(self.seconds, 4),
            "changes": [change.as_data() for change in self.changes],
        }


def diff(old: Ruleset, new: Ruleset, *, max_changes: int = 200) -> DiffReport:
    """Find every region of incidents whose response differs between two versions.

    A region is a pair (rule fired before, rule fired after); each comes with an example
    incident. The search is exhaustive up to ``max_changes`` regions.
    """
    start = time.perf_counter()
    enc = _Encoding("x")
    before, after = _Compiled(old, enc), _Compiled(new, enc)
    solver = z3.Solver()
    solver.add(*enc.domain(), before.response != after.response)
    changes: list[Change] = []
    complete = False
    by_index_old = {rule.index: rule.id for rule in old.rules}
    by_index_new = {rule.index: rule.id for rule in new.rules}
    while len(changes) < max_changes:
        if solver.check() != z3.sat:
            complete = True
            break
        model = solver.model()
        fired_old = model.eval(before.fired, model_completion=True).as_long()
        fired_new = model.eval(after.fired, model_completion=True).as_long()
        changes.append(
            Change(
                old_rule=by_index_old.get(fired_old),
                old_response=Response(model.eval(before.response).as_long()),
                new_rule=by_index_new.get(fired_new),
                new_response=Response(model.eval(after.response).as_long()),
                incident=enc.incident(model),
            )
        )
        solver.add(z3.Not(z3.And(before.fired == fired_old, after.fired == fired_new)))
    return DiffReport(
        old=old.name,
        old_revision=old.revision,
        new=new.name,
        new_revision=new.revision,
        changes=tuple(changes),
        complete=complete,
        seconds=time.perf_counter() - start,
    )


# ---------------------------------------------------------------------------------------------
# Fixtures over bands


def band_counterexample(ruleset: Ruleset, fixture: Fixture) -> Incident | None:
    """An incident inside the fixture's bands that does not get the expected response.

    The fixture's categorical fields stay fixed; each measured field with a band ranges over
    it. None means the expectation is proven for the whole band.
    """
    if not fixture.bands:
        return None
    enc = _Encoding("x")
    compiled = _Compiled(ruleset, enc)
    solver = z3.Solver()
    solver.add(*enc.domain())
    for name, spec in INCIDENT_FIELDS.items():
        var = enc.vars[name]
        value = fixture.incident.value(name)
        if name in fixture.bands:
            low, high = fixture.bands[name]
            solver.add(var >= _real(low), var <= _real(high))
        elif spec.kind is FieldKind.FLAG:
            solver.add(var == z3.BoolVal(bool(value)))
        elif spec.kind is FieldKind.MEASURE:
            assert isinstance(value, float)
            solver.add(var == _real(value))
        else:
            solver.add(var == spec.index(str(value)))
    solver.add(compiled.response != int(fixture.expect))
    if solver.check() == z3.sat:
        return enc.incident(solver.model())
    return None
