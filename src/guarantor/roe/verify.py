"""The verifier: z3 proofs that a rule set has no gaps, conflicts or dead rules, and more.

It also proves that escalation never weakens along the threat lattice and that the file's
invariants hold *over every incident*, not only inside the rule set's scope: an invariant that
holds inside the scope but fails outside it is a **scope hole** (check ``scope``), unless the
invariant says ``within`` which incidents its claim is limited to, in which case the report
lists the limitation.

Every property is asked as "is there an incident that breaks it?": *unsat* is a proof over the
whole, continuous incident space, and *sat* gives a concrete counter-example incident that can
be saved as a fixture. This is the approach of Zelkova (Backes et al., FMCAD 2018) and Cedar's
symbolic compiler, applied to rules of engagement. Version diffs are in
:mod:`guarantor.roe.diff`, the next step up in :mod:`guarantor.roe.nextstep`.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

import z3

from guarantor.roe.encoding import Compiled, Encoding, Session
from guarantor.roe.engine import decide
from guarantor.roe.findings import Finding, VerificationReport
from guarantor.roe.rules import Rule, Ruleset, Test, describe
from guarantor.roe.schema import Direction, FieldKind, HitPolicy, Incident

CHECKS = ("completeness", "conflict", "dead", "shadowed", "monotone", "invariant", "scope")


def _disjoint(first: Rule, second: Rule) -> bool:
    """Whether two rules cannot both match, seen from their set conditions alone."""
    sets: dict[str, frozenset[str]] = {}
    for test in first.all_conditions:
        if isinstance(test, Test) and test.allowed:
            sets[test.field] = sets.get(test.field, test.allowed) & test.allowed
    for test in second.all_conditions:
        known = isinstance(test, Test) and test.allowed and test.field in sets
        if known and isinstance(test, Test) and not sets[test.field] & test.allowed:
            return True
    return False


class _Verifier:
    """One verification: the solver session, the encoding and the findings so far."""

    def __init__(self, ruleset: Ruleset) -> None:
        self.ruleset = ruleset
        self.session = Session()
        self.enc = Encoding("x", ruleset.fields)
        self.compiled = Compiled(ruleset, self.enc)
        self.session.solver.add(*self.enc.domain())
        self.findings: list[Finding] = []
        self.dead: set[str] = set()

    def incident(self, model: Any, enc: Encoding | None = None) -> Incident:
        return (enc or self.enc).incident(model, self.ruleset.declared)

    def dead_rules(self) -> None:
        """Rules whose conditions contradict each other (within the scope)."""
        ruleset, enc, solver = self.ruleset, self.enc, self.session.solver
        for rule in ruleset.rules:
            items = rule.all_conditions
            labels = [z3.Bool(f"c{rule.index}_{n}") for n in range(len(items))]
            solver.push()
            solver.add(self.compiled.scope)
            solver.add(
                *(
                    z3.Implies(label, enc.expr(item))
                    for label, item in zip(labels, items, strict=True)
                )
            )
            self.session.calls += 1
            if solver.check(*labels) == z3.unsat:
                core = {str(label) for label in solver.unsat_core()}
                contradicting = tuple(
                    describe(item)
                    for label, item in zip(labels, items, strict=True)
                    if str(label) in core
                )
                scope_note = " within the rule set's scope" if ruleset.scope else ""
                self.dead.add(rule.id)
                self.findings.append(
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
            solver.pop()

    def shadowed(self) -> None:
        """Rules that match but never fire: earlier rules or prohibitions take every incident."""
        ruleset, compiled = self.ruleset, self.compiled
        order = ruleset.precedence()
        for position, rule in enumerate(order):
            if rule.id in self.dead:
                continue
            earlier = [compiled.permitted[other.id] for other in order[:position]]
            fires = z3.And(compiled.scope, compiled.permitted[rule.id], z3.Not(z3.Or(earlier)))
            if self.session.model(fires) is not None:
                continue
            model = self.session.model(compiled.scope, compiled.match[rule.id])
            assert model is not None
            incident = self.incident(model)
            decision = decide(ruleset, incident)
            denied = next((t.denied_by for t in decision.trace if t.rule == rule.id), ())
            winner = decision.rule
            why = f"prohibited by {', '.join(denied)}" if denied else f"{winner} fires instead"
            self.findings.append(
                Finding(
                    "shadowed",
                    rule.id,
                    f"rule {rule.id} matches but never fires under the '{ruleset.hit_policy}' "
                    f"policy: e.g. here {why}",
                    incident=incident,
                    rules=(rule.id, *(denied or (str(winner),))),
                    line=rule.line,
                )
            )

    def gaps(self, max_gaps: int) -> None:
        """Incidents in scope no rule decides and the default is not allowed for."""
        enc = self.enc
        blocked: list[Any] = []
        for _ in range(max_gaps):
            model = self.session.model(self.compiled.gap(), *blocked)
            if model is None:
                break
            incident = self.incident(model)
            self.findings.append(
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

    def conflicts(self) -> None:
        """Under ``unique``: incidents two permitted rules with different responses match."""
        compiled = self.compiled
        live = [rule for rule in self.ruleset.rules if rule.id not in self.dead]
        for first, second in itertools.combinations(live, 2):
            if first.response == second.response or _disjoint(first, second):
                continue
            model = self.session.model(
                compiled.scope, compiled.permitted[first.id], compiled.permitted[second.id]
            )
            if model is not None:
                self.findings.append(
                    Finding(
                        "conflict",
                        f"{first.id}/{second.id}",
                        f"rules {first.id} ({first.response.label}) and {second.id} "
                        f"({second.response.label}) both match this incident",
                        incident=self.incident(model),
                        rules=(first.id, second.id),
                        line=second.line,
                    )
                )

    def invariants(self, checks: tuple[str, ...]) -> None:
        """Each invariant over every incident (or within its declared limitation)."""
        ruleset, enc, compiled = self.ruleset, self.enc, self.compiled
        for invariant in ruleset.invariants:
            within = enc.expr(invariant.within) if invariant.within is not None else True
            broken = z3.And(
                within,
                enc.expr(invariant.when, compiled.response),
                z3.Not(enc.expr(invariant.require, compiled.response)),
            )
            # a limited invariant is proven over its whole limitation, scope or not
            region = compiled.scope if invariant.within is None else z3.BoolVal(True)
            model = self.session.model(region, broken) if "invariant" in checks else None
            if model is not None:
                incident = self.incident(model)
                decision = decide(ruleset, incident)
                self.findings.append(
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
                continue
            if "scope" not in checks or not ruleset.scope or invariant.within is not None:
                continue
            model = self.session.model(z3.Not(compiled.scope), broken)
            if model is not None:
                incident = self.incident(model)
                outside = "; ".join(describe(item) for item in ruleset.scope)
                self.findings.append(
                    Finding(
                        "scope",
                        invariant.id,
                        f"invariant {invariant.id} ({invariant.text}) holds only inside the "
                        f"rule set's scope ({outside}): outside it this incident gets the "
                        f"default, {ruleset.default.label}. Cover it with rules, or limit the "
                        "invariant with 'within'",
                        incident=incident,
                        line=invariant.line,
                    )
                )

    def monotone(self) -> None:
        """Pairs where the more threatening incident gets the weaker response, over every incident.

        Per field of the threat lattice, then jointly.
        """
        ruleset, enc = self.ruleset, self.enc
        more = Encoding("y", ruleset.fields)
        other = Compiled(ruleset, more)
        base = more.domain()

        def worse(name: str) -> Any:
            low, high = enc.vars[name], more.vars[name]
            if ruleset.fields[name].kind is FieldKind.FLAG:
                if ruleset.monotone[name] is Direction.DECREASING:
                    return z3.Or(low, z3.Not(high))
                return z3.Or(z3.Not(low), high)
            if ruleset.monotone[name] is Direction.DECREASING:
                return high <= low
            return high >= low

        found: list[Finding] = []
        fields = list(ruleset.monotone)
        weaker = other.response < self.compiled.response
        for name in fields:
            same = [enc.vars[n] == more.vars[n] for n in ruleset.fields if n != name]
            model = self.session.model(*base, *same, worse(name), weaker)
            if model is not None:
                found.append(self._monotone_finding(more, model, name))
        if not found and len(fields) > 1:
            same = [enc.vars[n] == more.vars[n] for n in ruleset.fields if n not in fields]
            model = self.session.model(*base, *same, *(worse(n) for n in fields), weaker)
            if model is not None:
                found.append(self._monotone_finding(more, model, "+".join(fields)))
        self.findings.extend(found)

    def _monotone_finding(self, more: Encoding, model: Any, name: str) -> Finding:
        ruleset = self.ruleset
        lower, higher = self.incident(model), self.incident(model, more)
        low_decision, high_decision = decide(ruleset, lower), decide(ruleset, higher)
        low_data, high_data = lower.as_data(), higher.as_data()
        changes = ", ".join(
            f"{field} {low_data[field]} → {high_data[field]}"
            for field in low_data
            if low_data[field] != high_data[field]
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


def verify(
    ruleset: Ruleset, *, checks: tuple[str, ...] = CHECKS, max_gaps: int = 8
) -> VerificationReport:
    """Prove or refute every property of a rule set; each failure carries a counter-example.

    Checks: ``completeness`` (every incident in scope is permitted by a rule, or allowed to fall
    to the default), ``conflict`` (under ``unique``, no incident is permitted by rules with
    different responses), ``dead`` (a rule's conditions contradict each other), ``shadowed`` (a
    rule can match but never fires: the hit policy or a prohibition always takes over),
    ``monotone`` (over every incident, a more threatening one never gets a weaker response, along
    each field of ``monotone`` and jointly), ``invariant`` (each invariant holds in scope, or
    within its declared limitation) and ``scope`` (an invariant without a limitation also holds
    outside the scope, where the default applies).
    """
    start = time.perf_counter()
    verifier = _Verifier(ruleset)
    if "dead" in checks:
        verifier.dead_rules()
    if "shadowed" in checks and ruleset.hit_policy is not HitPolicy.UNIQUE:
        verifier.shadowed()
    if "completeness" in checks:
        verifier.gaps(max_gaps)
    if "conflict" in checks and ruleset.hit_policy is HitPolicy.UNIQUE:
        verifier.conflicts()
    if "monotone" in checks and ruleset.monotone:
        verifier.monotone()
    if "invariant" in checks or "scope" in checks:
        verifier.invariants(checks)
    limited = tuple((i.id, i.within_text) for i in ruleset.invariants if i.within is not None)
    return VerificationReport(
        ruleset=ruleset.name,
        revision=ruleset.revision,
        hit_policy=ruleset.hit_policy,
        rules=len(ruleset.rules),
        findings=tuple(verifier.findings),
        checks=checks,
        seconds=time.perf_counter() - start,
        solver_calls=verifier.session.calls,
        scope="; ".join(describe(item) for item in ruleset.scope) or "every incident",
        limited=limited,
        whole_space=tuple(i.id for i in ruleset.invariants if i.within is None),
    )
