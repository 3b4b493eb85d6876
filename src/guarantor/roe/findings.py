"""What the verifier reports: findings with counter-examples, and the claims proven."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from guarantor.roe.engine import decide
from guarantor.roe.rules import Ruleset
from guarantor.roe.schema import HitPolicy, Incident


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
    """Every finding of a verification, what was checked, and over which incidents.

    ``limited`` lists the invariants whose claim is limited (``(id, to what)``); every other
    invariant is proven over the whole incident space.
    """

    ruleset: str
    revision: str
    hit_policy: HitPolicy
    rules: int
    findings: tuple[Finding, ...]
    checks: tuple[str, ...]
    seconds: float
    solver_calls: int
    scope: str = "every incident"
    limited: tuple[tuple[str, str], ...] = ()
    whole_space: tuple[str, ...] = ()

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
            "scope": self.scope,
            "invariants_whole_space": list(self.whole_space),
            "invariants_limited": [{"id": i, "within": text} for i, text in self.limited],
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
