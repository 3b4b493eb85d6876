"""Rule sets as z3 formulas: incident variables, conditions, the hit policy as an if-then-else.

Each incident field becomes a solver variable (categories and ordinals as integers indexing
their list of values, flags as booleans, measures as non-negative reals), the rule set's
declared fields included. A rule matches when its conditions and its authority condition hold;
it is *permitted* when, besides, no matching prohibition forbids its response (deny-overrides).
The hit policy is a chain of if-then-else over the permitted rules in precedence order, and
outside the scope the default applies:

    R(x) = if S(x) then ite(p_π1(x), r_π1, ite(p_π2(x), r_π2, … d)) else d
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import z3

from guarantor.errors import DataError, Problem
from guarantor.roe.rules import All, AnyOf, Expr, Not, Rule, Ruleset, Test
from guarantor.roe.schema import (
    INCIDENT_FIELDS,
    PLATFORM_DOMAINS,
    RESPONSE_FIELD,
    FieldKind,
    FieldSpec,
    HitPolicy,
    Incident,
    Platform,
)


def real(value: float) -> Any:
    """An exact z3 rational for a float."""
    fraction = Fraction(value)
    return z3.RealVal(f"{fraction.numerator}/{fraction.denominator}")


def shared_fields(*rulesets: Ruleset) -> dict[str, FieldSpec]:
    """The fields of several rule sets together (for a diff).

    Raises:
        DataError: two rule sets declare the same field differently.
    """
    fields: dict[str, FieldSpec] = dict(INCIDENT_FIELDS)
    for ruleset in rulesets:
        for name, spec in ruleset.declared.items():
            known = fields.setdefault(name, spec)
            if (known.kind, known.values, known.unit) != (spec.kind, spec.values, spec.unit):
                raise DataError(
                    [
                        Problem(
                            f"field {name} is declared differently by the two rule sets",
                            file=ruleset.file,
                            field=f"fields.{name}",
                            expected=f"{known.kind.value} {list(known.values)}",
                            received=f"{spec.kind.value} {list(spec.values)}",
                        )
                    ]
                )
    return fields


class Encoding:
    """Solver variables for one incident, and the translation of conditions into formulas."""

    def __init__(self, tag: str, fields: dict[str, FieldSpec] | None = None) -> None:
        self.fields = dict(INCIDENT_FIELDS) if fields is None else fields
        self.vars: dict[str, Any] = {}
        for name, spec in self.fields.items():
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
        for name, spec in self.fields.items():
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
        spec = RESPONSE_FIELD if test.field == "response" else self.fields[test.field]
        var = response if test.field == "response" else self.vars[test.field]
        if spec.kind is FieldKind.FLAG:
            return var if test.flag else z3.Not(var)
        if spec.kind is FieldKind.MEASURE:
            assert test.threshold is not None
            limit = real(test.threshold.value)
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

    def conjunction(self, items: tuple[Expr, ...]) -> Any:
        """The formula under which every item holds."""
        return z3.And([self.expr(item) for item in items])

    def rule(self, rule: Rule) -> Any:
        """The formula under which a rule matches (prohibitions aside)."""
        return self.conjunction(rule.all_conditions)

    def fix(self, incident: Incident, ruleset: Ruleset | None = None) -> list[Any]:
        """Constraints pinning every variable to an incident's values."""
        values = ruleset.values(incident) if ruleset is not None else incident.as_data()
        return [self.equals(name, values[name]) for name in self.fields if name in values]

    def equals(self, name: str, value: Any) -> Any:
        """The constraint that field ``name`` has ``value``."""
        spec, var = self.fields[name], self.vars[name]
        if spec.kind is FieldKind.FLAG:
            return var == z3.BoolVal(bool(value))
        if spec.kind is FieldKind.MEASURE:
            return var == real(float(value))
        return var == spec.index(str(value))

    def value(self, model: Any, name: str) -> str | bool | float:
        """The value a model gives field ``name``."""
        spec = self.fields[name]
        value = model.eval(self.vars[name], model_completion=True)
        if spec.kind is FieldKind.FLAG:
            return bool(z3.is_true(value))
        if spec.kind is FieldKind.MEASURE:
            return float(value.as_fraction())
        return spec.values[int(value.as_long())]

    def incident(self, model: Any, declared: dict[str, FieldSpec] | None = None) -> Incident:
        """The incident a model describes (``declared``: the extra fields to keep)."""
        data = {name: self.value(model, name) for name in INCIDENT_FIELDS}
        extra = {name: self.value(model, name) for name in declared or {}}
        return Incident.model_validate({**data, "extra": extra} if extra else data)


class Compiled:
    """A rule set's formulas over one encoding."""

    def __init__(self, ruleset: Ruleset, enc: Encoding) -> None:
        self.ruleset = ruleset
        self.enc = enc
        self.match = {rule.id: enc.rule(rule) for rule in ruleset.rules}
        self.scope = enc.conjunction(ruleset.scope)
        prohibited = {p.id: enc.conjunction(p.conditions) for p in ruleset.prohibitions}
        self.prohibited = prohibited
        # deny-overrides: a rule is permitted where it matches and nothing forbids its response
        self.permitted = {
            rule.id: z3.And(
                self.match[rule.id],
                *(z3.Not(prohibited[p.id]) for p in ruleset.prohibitions if p.denies(rule)),
            )
            for rule in ruleset.rules
        }
        response: Any = z3.IntVal(int(ruleset.default))
        fired: Any = z3.IntVal(-1)
        for rule in reversed(ruleset.precedence()):
            response = z3.If(self.permitted[rule.id], z3.IntVal(int(rule.response)), response)
            fired = z3.If(self.permitted[rule.id], z3.IntVal(rule.index), fired)
        # outside the scope the default applies
        self.response = z3.If(self.scope, response, z3.IntVal(int(ruleset.default)))
        self.fired = z3.If(self.scope, fired, z3.IntVal(-1))

    def gap(self) -> Any:
        """In scope, no rule permitted, and the default not allowed."""
        return z3.And(
            self.scope,
            z3.Not(z3.Or(list(self.permitted.values()) or [z3.BoolVal(False)])),
            z3.Not(self.enc.expr(self.ruleset.default_allowed)),
        )

    def conflict(self) -> Any:
        """In scope, two permitted rules with different responses (``unique`` only)."""
        if self.ruleset.hit_policy is not HitPolicy.UNIQUE:
            return z3.BoolVal(False)
        rules = self.ruleset.rules
        pairs = [
            z3.And(self.permitted[a.id], self.permitted[b.id])
            for i, a in enumerate(rules)
            for b in rules[i + 1 :]
            if a.response != b.response
        ]
        return z3.And(self.scope, z3.Or(pairs)) if pairs else z3.BoolVal(False)


class Session:
    """A solver with a count of the questions asked."""

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
