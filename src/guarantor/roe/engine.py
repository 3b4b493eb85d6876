"""The engine: decide on an incident, with a trace and reasons; decision logs and replay.

A decision answers what OPA users keep asking for (open-policy-agent/opa#729, #2755): not just
"engage" but which rule fired, every condition of every rule met or failed, the authority
needed, the next step up the ladder and what it would take, and a plain-language reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from guarantor.errors import DataError, Problem
from guarantor.roe.rules import Prohibition, Rule, Ruleset, describe, holds
from guarantor.roe.schema import Authority, HitPolicy, Incident, Response


@dataclass(frozen=True)
class RuleTrace:
    """How one rule fared on an incident (``denied_by``: the prohibitions overriding it)."""

    rule: str
    response: Response
    matched: bool
    met: tuple[str, ...]
    failed: tuple[str, ...]
    denied_by: tuple[str, ...] = ()

    @property
    def permitted(self) -> bool:
        """Whether the rule matched and no prohibition overrides it."""
        return self.matched and not self.denied_by

    def as_data(self) -> dict[str, Any]:
        """The trace as JSON-ready data."""
        return {
            "rule": self.rule,
            "response": self.response.label,
            "matched": self.matched,
            "met": list(self.met),
            "failed": list(self.failed),
            "denied_by": list(self.denied_by),
        }


@dataclass(frozen=True)
class Step:
    """A stronger response some rule authorises, and the conditions still missing for it."""

    response: Response
    rule: str
    missing: tuple[str, ...]


@dataclass(frozen=True)
class NextStep:
    """The nearest more threatening incident that gets a stronger response, found by the solver.

    ``changes`` are the fields moved up the threat lattice (``(field, from, to)``), as few as
    possible and each by as few steps as possible.
    """

    response: Response
    rule: str | None
    changes: tuple[tuple[str, Any, Any], ...]
    incident: Incident

    @property
    def text(self) -> str:
        """The step in words."""
        moves = ", ".join(f"{name} {old} → {new}" for name, old, new in self.changes)
        return f"{self.response.label} under {self.rule or 'the default'} if {moves}"

    def as_data(self) -> dict[str, Any]:
        """The step as JSON-ready data."""
        return {
            "response": self.response.label,
            "rule": self.rule,
            "changes": [{"field": n, "from": old, "to": new} for n, old, new in self.changes],
            "incident": self.incident.as_data(),
        }


@dataclass(frozen=True)
class Decision:
    """The response to an incident and why."""

    response: Response
    rule: str | None
    authority: Authority
    reason: str
    met: tuple[str, ...]
    matched: tuple[str, ...]
    conflict: bool
    in_scope: bool
    trace: tuple[RuleTrace, ...]
    escalation: tuple[Step, ...]
    prohibitions: tuple[str, ...] = ()
    next_step: NextStep | None = None

    def as_data(self) -> dict[str, Any]:
        """The decision as JSON-ready data."""
        return {
            "response": self.response.label,
            "rule": self.rule,
            "authority": self.authority.value,
            "reason": self.reason,
            "met": list(self.met),
            "matched": list(self.matched),
            "conflict": self.conflict,
            "in_scope": self.in_scope,
            "prohibitions": list(self.prohibitions),
            "trace": [item.as_data() for item in self.trace],
            "escalation": [
                {"response": step.response.label, "rule": step.rule, "missing": list(step.missing)}
                for step in self.escalation
            ],
            "next_step": self.next_step.as_data() if self.next_step else None,
        }


def _trace(rule: Rule, values: dict[str, Any], active: list[Prohibition]) -> RuleTrace:
    met = tuple(describe(item) for item in rule.all_conditions if holds(item, values))
    failed = tuple(describe(item) for item in rule.all_conditions if not holds(item, values))
    denied = tuple(p.id for p in active if p.denies(rule)) if not failed else ()
    return RuleTrace(rule.id, rule.response, not failed, met, failed, denied)


def decide(ruleset: Ruleset, incident: Incident, *, next_step: bool = False) -> Decision:
    """Decide the response to ``incident`` under ``ruleset``, with the full trace.

    Prohibitions override permissions (deny-overrides): a rule whose response a matching
    prohibition forbids does not fire. With ``next_step``, the solver also finds the nearest
    more threatening incident that gets a stronger response (see :mod:`guarantor.roe.nextstep`).

    Raises:
        DataError: the incident carries a field the rule set does not declare, or a bad value.
    """
    values = ruleset.values(incident)
    in_scope = all(holds(item, values) for item in ruleset.scope)
    active = [
        p for p in ruleset.prohibitions if in_scope and all(holds(c, values) for c in p.conditions)
    ]
    traces = {rule.id: _trace(rule, values, active) for rule in ruleset.rules}
    trace = tuple(traces[rule.id] for rule in ruleset.rules)
    matched = tuple(item.rule for item in trace if item.permitted) if in_scope else ()
    fired: Rule | None = None
    if in_scope:
        fired = next((rule for rule in ruleset.precedence() if traces[rule.id].permitted), None)
    conflict = (
        ruleset.hit_policy is HitPolicy.UNIQUE
        and len({ruleset.rule(ident).response for ident in matched}) > 1
    )
    response = fired.response if fired is not None else ruleset.default
    forbidden = {r for p in active for r in p.forbidden}
    escalation = tuple(
        sorted(
            (
                Step(item.response, item.rule, item.failed)
                for item in trace
                if item.response > response and in_scope and item.response not in forbidden
            ),
            key=lambda step: (len(step.missing), step.response),
        )
    )
    denied = [item for item in trace if item.matched and item.denied_by and in_scope]
    if fired is None:
        authority = Authority.ON_SCENE
        met: tuple[str, ...] = ()
        if not in_scope:
            outside = [describe(item) for item in ruleset.scope if not holds(item, values)]
            reason = (
                f"{response.label}: outside the scope of {ruleset.name} "
                f"({'; '.join(outside)}), so the default applies"
            )
        else:
            reason = f"{response.label}: no rule of {ruleset.name} applies, so the default applies"
    else:
        authority = fired.authority
        met = traces[fired.id].met
        reason = (
            f"{response.label} under rule {fired.id}: {fired.reason} "
            f"(because {', '.join(met)}; authority needed: {authority.value})"
        )
        if conflict:
            others = ", ".join(ident for ident in matched if ident != fired.id)
            reason += f"; conflict with {others}: the weakest response was taken"
    if denied:
        reason += "; prohibited: " + "; ".join(
            f"{item.rule} ({item.response.label}) by {', '.join(item.denied_by)}" for item in denied
        )
    step: NextStep | None = None
    if next_step:
        from guarantor.roe.nextstep import nearest_stronger  # the solver, only when asked

        step = nearest_stronger(ruleset, incident, response)
        reason += (
            f". Next step up: {step.text}" if step else ". No more threatening incident gets more"
        )
    return Decision(
        response=response,
        rule=fired.id if fired is not None else None,
        authority=authority,
        reason=reason,
        met=met,
        matched=matched,
        conflict=conflict,
        in_scope=in_scope,
        trace=trace,
        escalation=escalation,
        prohibitions=tuple(p.id for p in active),
        next_step=step,
    )


# ---------------------------------------------------------------------------------------------
# Decision logs


def input_hash(incident: Incident) -> str:
    """Content hash of an incident (every field, canonical JSON)."""
    text = json.dumps(incident.as_data(), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class DecisionRecord:
    """One decision log entry (after OPA's decision logs): enough to replay the decision."""

    decision_id: str
    timestamp: str
    ruleset: str
    revision: str
    input_hash: str
    incident: dict[str, Any]
    response: str
    rule: str | None
    reason: str
    trace: list[dict[str, Any]] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)
    prohibitions: list[str] = field(default_factory=list)
    in_scope: bool = True

    def as_data(self) -> dict[str, Any]:
        """The record as JSON-ready data."""
        return asdict(self)


def log_decision(
    ruleset: Ruleset,
    incident: Incident,
    decision: Decision | None = None,
    *,
    decision_id: str | None = None,
    timestamp: str | None = None,
) -> DecisionRecord:
    """Build the log record of a decision (deciding it if not given)."""
    decision = decision or decide(ruleset, incident)
    return DecisionRecord(
        decision_id=decision_id or str(uuid.uuid4()),
        timestamp=timestamp or dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        ruleset=ruleset.name,
        revision=ruleset.revision,
        input_hash=input_hash(incident),
        incident=incident.as_data(),
        response=decision.response.label,
        rule=decision.rule,
        reason=decision.reason,
        trace=[item.as_data() for item in decision.trace],
        matched=list(decision.matched),
        prohibitions=list(decision.prohibitions),
        in_scope=decision.in_scope,
    )


@dataclass(frozen=True)
class Replay:
    """A logged decision decided again."""

    record: DecisionRecord
    decision: Decision
    same_revision: bool
    same_response: bool
    same_rule: bool


def replay(record: DecisionRecord | dict[str, Any], ruleset: Ruleset) -> Replay:
    """Decide a logged incident again under ``ruleset`` and compare with the log.

    Raises:
        DataError: the record is malformed, or its incident does not match its input hash.
    """
    if isinstance(record, dict):
        try:
            record = DecisionRecord(**record)
        except TypeError as error:
            raise DataError([Problem(f"not a decision record: {error}")]) from None
    try:
        incident = Incident.from_data(record.incident)
    except ValueError as error:
        raise DataError([Problem(f"the logged incident is invalid: {error}")]) from None
    if input_hash(incident) != record.input_hash:
        raise DataError(
            [
                Problem(
                    "the logged incident does not match its input hash",
                    field="input_hash",
                    expected=input_hash(incident),
                    received=record.input_hash,
                )
            ]
        )
    decision = decide(ruleset, incident)
    return Replay(
        record=record,
        decision=decision,
        same_revision=ruleset.revision == record.revision,
        same_response=decision.response.label == record.response,
        same_rule=decision.rule == record.rule,
    )
