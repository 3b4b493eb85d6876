"""Version diffs: everything that changes between two versions of a rule set.

Not only the responses (every region of incidents whose response changes, each with an example)
but the faults too, after Zelkova's "more or less permissive" questions: incidents that become
(or stop being) a **conflict** or a **gap**, rules that become (or stop being) **dead**, and
**invariants** added, removed, rewritten, broken or restored. Under the ``unique`` hit policy a
conflicting rule changes no response (the weakest wins), so a diff of responses alone would call
such a change "equivalent"; this one does not.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import z3

from guarantor.roe.encoding import Compiled, Encoding, shared_fields
from guarantor.roe.rules import Invariant, Ruleset, describe
from guarantor.roe.schema import Incident, Response
from guarantor.roe.verify import verify


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
class FaultChange:
    """A fault that appears or disappears between two versions.

    ``kind``: ``conflict-added``, ``conflict-removed``, ``gap-opened``, ``gap-closed``,
    ``rule-dead``, ``rule-revived``, ``invariant-added``, ``invariant-removed``,
    ``invariant-changed``, ``invariant-broken``, ``invariant-restored``.
    """

    kind: str
    subject: str
    message: str
    incident: Incident | None = None

    @property
    def worse(self) -> bool:
        """Whether the new version is the faultier one."""
        return self.kind in {"conflict-added", "gap-opened", "rule-dead", "invariant-broken"}

    def as_data(self) -> dict[str, Any]:
        """The change as JSON-ready data."""
        data: dict[str, Any] = {"kind": self.kind, "subject": self.subject, "message": self.message}
        if self.incident is not None:
            data["incident"] = self.incident.as_data()
        return data


@dataclass(frozen=True)
class DiffReport:
    """What changes between two versions of a rule set."""

    old: str
    old_revision: str
    new: str
    new_revision: str
    changes: tuple[Change, ...]
    complete: bool
    seconds: float
    faults: tuple[FaultChange, ...] = ()

    @property
    def same_responses(self) -> bool:
        """Whether both versions decide every incident alike."""
        return self.complete and not self.changes

    @property
    def equivalent(self) -> bool:
        """Same responses, and no fault or invariant appears, disappears or changes."""
        return self.same_responses and not self.faults

    def as_data(self) -> dict[str, Any]:
        """The diff as JSON-ready data."""
        return {
            "old": self.old,
            "old_revision": self.old_revision,
            "new": self.new,
            "new_revision": self.new_revision,
            "equivalent": self.equivalent,
            "same_responses": self.same_responses,
            "complete": self.complete,
            "seconds": round(self.seconds, 4),
            "changes": [change.as_data() for change in self.changes],
            "faults": [fault.as_data() for fault in self.faults],
        }


def _responses(
    old: Ruleset, new: Ruleset, before: Compiled, after: Compiled, limit: int
) -> tuple[list[Change], bool]:
    """Every (rule before, rule after) region whose response changes, up to ``limit``."""
    enc = before.enc
    solver = z3.Solver()
    solver.add(*enc.domain(), before.response != after.response)
    changes: list[Change] = []
    by_index_old = {rule.index: rule.id for rule in old.rules}
    by_index_new = {rule.index: rule.id for rule in new.rules}
    declared = {**old.declared, **new.declared}
    while len(changes) < limit:
        if solver.check() != z3.sat:
            return changes, True
        model = solver.model()
        fired_old = model.eval(before.fired, model_completion=True).as_long()
        fired_new = model.eval(after.fired, model_completion=True).as_long()
        changes.append(
            Change(
                old_rule=by_index_old.get(fired_old),
                old_response=Response(model.eval(before.response).as_long()),
                new_rule=by_index_new.get(fired_new),
                new_response=Response(model.eval(after.response).as_long()),
                incident=enc.incident(model, declared),
            )
        )
        solver.add(z3.Not(z3.And(before.fired == fired_old, after.fired == fired_new)))
    return changes, False


def _regions(old: Ruleset, new: Ruleset, before: Compiled, after: Compiled) -> list[FaultChange]:
    """Incidents that become, or stop being, a conflict or a gap."""
    enc = before.enc
    solver = z3.Solver()
    solver.add(*enc.domain())
    declared = {**old.declared, **new.declared}
    found = []
    questions = (
        ("conflict-added", after.conflict(), before.conflict(), "two rules now conflict here"),
        ("conflict-removed", before.conflict(), after.conflict(), "a conflict here is resolved"),
        ("gap-opened", after.gap(), before.gap(), "no rule decides this incident any more"),
        ("gap-closed", before.gap(), after.gap(), "a rule now decides this former gap"),
    )
    for kind, now, then, message in questions:
        solver.push()
        solver.add(now, z3.Not(then))
        if solver.check() == z3.sat:
            incident = enc.incident(solver.model(), declared)
            found.append(FaultChange(kind, kind.split("-")[0], message, incident))
        solver.pop()
    return found


def _definition(invariant: Invariant) -> tuple[str, str, str]:
    return (describe(invariant.when), describe(invariant.require), invariant.within_text)


def _invariants_and_rules(old: Ruleset, new: Ruleset) -> list[FaultChange]:
    """Dead rules and invariants: added, removed, rewritten, broken, restored."""
    checks = ("dead", "invariant", "scope")
    report_old, report_new = verify(old, checks=checks), verify(new, checks=checks)
    found: list[FaultChange] = []
    dead_old = {f.subject for f in report_old.by_check("dead")}
    dead_new = {f.subject for f in report_new.by_check("dead")}
    for rule in sorted(dead_new - dead_old):
        found.append(FaultChange("rule-dead", rule, f"rule {rule} can no longer match"))
    for rule in sorted(dead_old - dead_new):
        if rule in {r.id for r in new.rules}:
            found.append(FaultChange("rule-revived", rule, f"rule {rule} can match again"))
    before = {i.id: i for i in old.invariants}
    after = {i.id: i for i in new.invariants}
    for ident in sorted(set(after) - set(before)):
        found.append(FaultChange("invariant-added", ident, f"new invariant: {after[ident].text}"))
    for ident in sorted(set(before) - set(after)):
        found.append(
            FaultChange("invariant-removed", ident, f"invariant dropped: {before[ident].text}")
        )
    for ident in sorted(set(before) & set(after)):
        if _definition(before[ident]) != _definition(after[ident]):
            was, now = _definition(before[ident]), _definition(after[ident])
            found.append(
                FaultChange(
                    "invariant-changed",
                    ident,
                    f"invariant {ident} rewritten: when {was[0]} require {was[1]}"
                    f"{' within ' + was[2] if was[2] else ''} → when {now[0]} require {now[1]}"
                    f"{' within ' + now[2] if now[2] else ''}",
                )
            )
    failing_old = {f.subject: f for f in report_old.findings if f.check in {"invariant", "scope"}}
    failing_new = {f.subject: f for f in report_new.findings if f.check in {"invariant", "scope"}}
    for ident in sorted(set(failing_new) - set(failing_old)):
        finding = failing_new[ident]
        found.append(FaultChange("invariant-broken", ident, finding.message, finding.incident))
    for ident in sorted(set(failing_old) - set(failing_new)):
        if ident in after:
            found.append(FaultChange("invariant-restored", ident, f"invariant {ident} holds again"))
    return found


def diff(old: Ruleset, new: Ruleset, *, max_changes: int = 200) -> DiffReport:
    """Everything that changes between two versions of a rule set.

    Responses: every region (rule fired before, rule fired after) whose response differs, each
    with an example incident, exhaustively up to ``max_changes`` regions. Faults: conflicts and
    gaps that appear or disappear (with an incident), dead rules, invariant changes.
    """
    start = time.perf_counter()
    enc = Encoding("x", shared_fields(old, new))
    before, after = Compiled(old, enc), Compiled(new, enc)
    changes, complete = _responses(old, new, before, after, max_changes)
    faults = [*_regions(old, new, before, after), *_invariants_and_rules(old, new)]
    return DiffReport(
        old=old.name,
        old_revision=old.revision,
        new=new.name,
        new_revision=new.revision,
        changes=tuple(changes),
        complete=complete,
        seconds=time.perf_counter() - start,
        faults=tuple(faults),
    )
