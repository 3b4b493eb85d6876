"""The rules language once compiled: conditions, rules, prohibitions, invariants, rule sets.

A *rule* authorises one response on the ladder when all its conditions hold and the authority it
needs is available; a condition may be a range (``distance_km: {above: 5, below: 20}``) or a
disjunction (``any: [...]``). A *prohibition* forbids responses (``never: {at_least:
disable}``) wherever its conditions hold, and no permission outranks it (deny-overrides, as in
XACML and Cedar's ``forbid``). A *hit policy* says which permitted rule fires when several
match; *invariants* state what must always hold, over every incident unless the invariant says
``within`` which incidents it is limited to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from guarantor.errors import DataError, Problem
from guarantor.roe.schema import (
    INCIDENT_FIELDS,
    RESPONSE_FIELD,
    Authority,
    Direction,
    FieldKind,
    FieldSpec,
    HitPolicy,
    Incident,
    Response,
)
from guarantor.sourcing import Quantity, Source

Path = tuple[str | int, ...]
AUTHORITIES = tuple(str(member.value) for member in Authority)


@dataclass(frozen=True)
class Test:
    """One condition on one field.

    Category and ordinal tests hold when the value is in ``allowed`` (``at_least``, ``not_in``
    and friends are compiled to that set); flag tests hold when the value equals ``flag``;
    measure tests compare with ``threshold`` by ``op`` (``<``, ``<=``, ``>``, ``>=``).
    """

    field: str
    text: str
    kind: FieldKind = FieldKind.CATEGORY
    allowed: frozenset[str] = frozenset()
    flag: bool | None = None
    op: str = ""
    threshold: Quantity | None = None
    where: Path = ()

    def holds(self, values: dict[str, Any]) -> bool:
        """Whether the test holds for a mapping of field values (plain data)."""
        value = values[self.field]
        if self.kind is FieldKind.FLAG:
            return bool(value) is self.flag
        if self.kind is FieldKind.MEASURE:
            assert self.threshold is not None
            limit = self.threshold.value
            return bool(
                {
                    "<": value < limit,
                    "<=": value <= limit,
                    ">": value > limit,
                    ">=": value >= limit,
                }[self.op]
            )
        return str(value) in self.allowed


@dataclass(frozen=True)
class All:
    """Every part holds (an empty ``All`` always holds)."""

    parts: tuple[Expr, ...]


@dataclass(frozen=True)
class AnyOf:
    """At least one part holds."""

    parts: tuple[Expr, ...]


@dataclass(frozen=True)
class Not:
    """The part does not hold."""

    part: Expr


Expr = Test | All | AnyOf | Not
TRUE = All(())


def holds(expr: Expr, values: dict[str, Any]) -> bool:
    """Evaluate an expression on plain field values."""
    if isinstance(expr, Test):
        return expr.holds(values)
    if isinstance(expr, All):
        return all(holds(part, values) for part in expr.parts)
    if isinstance(expr, AnyOf):
        return any(holds(part, values) for part in expr.parts)
    return not holds(expr.part, values)


def describe(expr: Expr) -> str:
    """The expression in words."""
    if isinstance(expr, Test):
        return expr.text
    if isinstance(expr, All):
        return " and ".join(_wrapped(part) for part in expr.parts) if expr.parts else "always"
    if isinstance(expr, AnyOf):
        return " or ".join(_wrapped(part) for part in expr.parts) if expr.parts else "never"
    return f"not {_wrapped(expr.part)}"


def _wrapped(expr: Expr) -> str:
    text = describe(expr)
    return f"({text})" if isinstance(expr, (All, AnyOf)) and len(expr.parts) > 1 else text


def tests_in(expr: Expr) -> list[Test]:
    """Every test inside an expression."""
    if isinstance(expr, Test):
        return [expr]
    if isinstance(expr, Not):
        return tests_in(expr.part)
    return [test for part in expr.parts for test in tests_in(part)]


def authority_test(authority: Authority, where: Path) -> Test:
    """The condition that ``authority`` (or a more senior one) can be reached."""
    reachable = AUTHORITIES[AUTHORITIES.index(authority.value) :]
    return Test(
        "authority",
        f"authority ≥ {authority.value}",
        kind=FieldKind.ORDINAL,
        allowed=frozenset(reachable),
        where=where,
    )


@dataclass(frozen=True)
class Rule:
    """One rule: it authorises a response when its conditions hold and authority is reachable.

    Each condition is one line of the rule's ``when`` (a test, a range, or an ``any``/``all``/
    ``not`` combination); the trace reports each as met or failed.
    """

    id: str
    index: int
    conditions: tuple[Expr, ...]
    response: Response
    authority: Authority
    reason: str
    sources: tuple[str, ...] = ()
    line: int | None = None

    @property
    def authority_test(self) -> Test:
        """The implicit condition that the rule's authority can be reached."""
        return authority_test(self.authority, ("rules", self.index, "authority"))

    @property
    def all_conditions(self) -> tuple[Expr, ...]:
        """The written conditions plus the authority condition."""
        return (*self.conditions, self.authority_test)


@dataclass(frozen=True)
class Prohibition:
    """Responses no rule may give where the conditions hold (deny-overrides)."""

    id: str
    conditions: tuple[Expr, ...]
    forbidden: frozenset[Response]
    reason: str
    sources: tuple[str, ...] = ()
    line: int | None = None

    def denies(self, rule: Rule) -> bool:
        """Whether this prohibition forbids the rule's response."""
        return rule.response in self.forbidden

    @property
    def text(self) -> str:
        """What is forbidden, in words."""
        return "never " + ", ".join(r.label for r in sorted(self.forbidden))


@dataclass(frozen=True)
class Invariant:
    """Something that must hold: ``when`` implies ``require``.

    Over every incident, unless ``within`` limits the claim (``within_text`` says to what); the
    verifier proves the claim as stated and the report lists the limitation.
    """

    id: str
    text: str
    when: Expr
    require: Expr
    line: int | None = None
    within: Expr | None = None
    within_text: str = ""


@dataclass(frozen=True)
class Ruleset:
    """A loaded, checked rule set."""

    name: str
    title: str
    hit_policy: HitPolicy
    rules: tuple[Rule, ...]
    default: Response
    default_allowed: Expr
    scope: tuple[Expr, ...]
    invariants: tuple[Invariant, ...]
    monotone: dict[str, Direction]
    revision: str
    file: str
    description: str = ""
    sources: dict[str, Source] = field(default_factory=dict)
    parameters: dict[str, Quantity] = field(default_factory=dict)
    prohibitions: tuple[Prohibition, ...] = ()
    declared: dict[str, FieldSpec] = field(default_factory=dict)

    @property
    def fields(self) -> dict[str, FieldSpec]:
        """Every field an incident has under this rule set: the built-in and the declared."""
        return {**INCIDENT_FIELDS, **self.declared}

    @property
    def invariant_fields(self) -> dict[str, FieldSpec]:
        """The fields an invariant may test: the incident's and the response decided."""
        return {**self.fields, "response": RESPONSE_FIELD}

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id.

        Raises:
            KeyError: no such rule.
        """
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(f"rule set {self.name!r} has no rule {rule_id!r}")

    def precedence(self) -> list[Rule]:
        """Rules in the order the hit policy tries them (the first match fires)."""
        if self.hit_policy is HitPolicy.PRIORITY:
            return sorted(self.rules, key=lambda rule: (-rule.response, rule.index))
        if self.hit_policy is HitPolicy.UNIQUE:
            # a conflict resolves to the weakest response matched
            return sorted(self.rules, key=lambda rule: (rule.response, rule.index))
        return list(self.rules)

    def values(self, incident: Incident) -> dict[str, Any]:
        """The incident's value of every field, declared defaults filled in.

        Raises:
            DataError: the incident carries a field this rule set does not declare, or a value
                its declaration does not allow.
        """
        problems: list[Problem] = []
        values = incident.as_data()
        for name, value in incident.extra.items():
            spec = self.declared.get(name)
            if spec is None:
                problems.append(
                    Problem(
                        f"field not declared by rule set {self.name}",
                        field=f"incident.{name}",
                        expected=f"one of {sorted(self.fields)}",
                        received=name,
                    )
                )
            elif not _fits(spec, value):
                problems.append(
                    Problem(
                        f"bad value for {name}",
                        field=f"incident.{name}",
                        expected=_expected(spec),
                        received=repr(value),
                    )
                )
        if problems:
            raise DataError(problems)
        for name, spec in self.declared.items():
            values.setdefault(name, spec.default)
        return values


def _fits(spec: FieldSpec, value: Any) -> bool:
    if spec.kind is FieldKind.FLAG:
        return isinstance(value, bool)
    if spec.kind is FieldKind.MEASURE:
        return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0
    return isinstance(value, str) and value in spec.values


def _expected(spec: FieldSpec) -> str:
    if spec.kind is FieldKind.FLAG:
        return "true or false"
    if spec.kind is FieldKind.MEASURE:
        return f"a number ≥ 0 ({spec.unit})"
    return f"one of {list(spec.values)}"
