"""The test runner: incident fixtures with expected responses, and coverage.

Per-rule and per-condition coverage with a threshold, after ``opa test --coverage``, and
coverage by *region*: the (domain, zone) cells of the incident space inside the rule set's scope,
each a place the rules must be right about, and which of them no fixture visits.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import z3

from guarantor.errors import DataError, Problem
from guarantor.roe.documents import Fixture, Fixtures
from guarantor.roe.encoding import Compiled, Encoding, real
from guarantor.roe.engine import Decision, decide
from guarantor.roe.rules import Expr, Ruleset, describe, holds, tests_in
from guarantor.roe.schema import INCIDENT_FIELDS, PLATFORM_DOMAINS, Domain, Incident, Response

REGION_FIELDS = ("domain", "zone")


@dataclass(frozen=True)
class FixtureResult:
    """One fixture run: what was expected, what was decided, and whether its band holds."""

    id: str
    expect: Response
    expect_rule: str | None
    decision: Decision
    band_counterexample: Incident | None
    line: int | None

    @property
    def passed(self) -> bool:
        """Whether the response (and the rule, when named) are as expected over the band."""
        rule_ok = self.expect_rule is None or self.decision.rule == self.expect_rule
        return (
            self.decision.response == self.expect and rule_ok and self.band_counterexample is None
        )

    def as_data(self) -> dict[str, Any]:
        """The result as JSON-ready data."""
        data: dict[str, Any] = {
            "id": self.id,
            "passed": self.passed,
            "expect": self.expect.label,
            "got": self.decision.response.label,
            "rule": self.decision.rule,
            "line": self.line,
        }
        if self.expect_rule is not None:
            data["expect_rule"] = self.expect_rule
        if self.band_counterexample is not None:
            data["band_counterexample"] = self.band_counterexample.as_data()
        return data


@dataclass(frozen=True)
class TestReport:
    """Results of a fixtures file against a rule set, with coverage."""

    ruleset: str
    revision: str
    results: tuple[FixtureResult, ...]
    rule_hits: dict[str, int]
    condition_coverage: float
    uncovered_conditions: tuple[str, ...]
    min_coverage: float
    region_hits: dict[str, int] = field(default_factory=dict)

    @property
    def passed(self) -> int:
        """Number of fixtures passed."""
        return sum(result.passed for result in self.results)

    @property
    def failed(self) -> int:
        """Number of fixtures failed."""
        return len(self.results) - self.passed

    @property
    def rule_coverage(self) -> float:
        """Share of rules fired by at least one fixture."""
        return sum(hits > 0 for hits in self.rule_hits.values()) / max(len(self.rule_hits), 1)

    @property
    def uncovered_rules(self) -> tuple[str, ...]:
        """Rules no fixture fired."""
        return tuple(rule for rule, hits in self.rule_hits.items() if hits == 0)

    @property
    def region_coverage(self) -> float:
        """Share of the regions in scope (domain and zone) some fixture visits."""
        return sum(hits > 0 for hits in self.region_hits.values()) / max(len(self.region_hits), 1)

    @property
    def uncovered_regions(self) -> tuple[str, ...]:
        """Regions in scope no fixture visits."""
        return tuple(region for region, hits in self.region_hits.items() if hits == 0)

    @property
    def ok(self) -> bool:
        """Every fixture passes and rule coverage reaches the threshold."""
        return self.failed == 0 and self.rule_coverage >= self.min_coverage

    def as_data(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {
            "ruleset": self.ruleset,
            "revision": self.revision,
            "ok": self.ok,
            "passed": self.passed,
            "failed": self.failed,
            "rule_coverage": round(self.rule_coverage, 4),
            "condition_coverage": round(self.condition_coverage, 4),
            "min_coverage": self.min_coverage,
            "rule_hits": dict(self.rule_hits),
            "region_coverage": round(self.region_coverage, 4),
            "region_hits": dict(self.region_hits),
            "uncovered_regions": list(self.uncovered_regions),
            "uncovered_rules": list(self.uncovered_rules),
            "uncovered_conditions": list(self.uncovered_conditions),
            "results": [result.as_data() for result in self.results],
        }


def run_fixtures(ruleset: Ruleset, fixtures: Fixtures, *, min_coverage: float = 1.0) -> TestReport:
    """Decide every fixture and measure coverage.

    Rule coverage counts the rules fired; condition coverage, the analogue of branch coverage,
    the conditions seen both met and failed.
    """
    results = []
    hits = {rule.id: 0 for rule in ruleset.rules}
    seen: dict[tuple[str, str], set[bool]] = {
        (rule.id, describe(item)): set() for rule in ruleset.rules for item in rule.all_conditions
    }
    regions = dict.fromkeys(regions_in_scope(ruleset), 0)
    for fixture in fixtures.fixtures:
        try:
            decision = decide(ruleset, fixture.incident)
        except DataError as error:
            raise DataError(
                [
                    Problem(
                        problem.message,
                        file=fixtures.file,
                        line=fixture.line,
                        field=f"fixtures.{fixture.id}.{problem.field}",
                        expected=problem.expected,
                        received=problem.received,
                    )
                    for problem in error.problems
                ]
            ) from None
        region = _region(fixture.incident)
        if region in regions:
            regions[region] += 1
        if decision.rule is not None:
            hits[decision.rule] += 1
        for item in decision.trace:
            for text in item.met:
                seen[(item.rule, text)].add(True)
            for text in item.failed:
                seen[(item.rule, text)].add(False)
        results.append(
            FixtureResult(
                id=fixture.id,
                expect=fixture.expect,
                expect_rule=fixture.expect_rule,
                decision=decision,
                band_counterexample=band_counterexample(ruleset, fixture),
                line=fixture.line,
            )
        )
    covered = [key for key, outcomes in seen.items() if len(outcomes) == 2]
    return TestReport(
        ruleset=ruleset.name,
        revision=ruleset.revision,
        results=tuple(results),
        rule_hits=hits,
        condition_coverage=len(covered) / max(len(seen), 1),
        uncovered_conditions=tuple(
            f"{rule}: {text}" for (rule, text), outcomes in seen.items() if len(outcomes) < 2
        ),
        min_coverage=min_coverage,
        region_hits=regions,
    )


def _region(incident: Incident) -> str:
    return " / ".join(str(incident.value(name)) for name in REGION_FIELDS)


def regions_in_scope(ruleset: Ruleset) -> list[str]:
    """The (domain, zone) cells an incident in the rule set's scope can fall in.

    A cell counts when some platform can move in its domain and the scope's conditions on
    domain and zone alone admit it.
    """
    cells = []
    for domain, zone in itertools.product(
        INCIDENT_FIELDS["domain"].values, INCIDENT_FIELDS["zone"].values
    ):
        if not any(Domain(domain) in domains for domains in PLATFORM_DOMAINS.values()):
            continue
        values = {"domain": domain, "zone": zone}
        if all(
            holds(item, values) for item in ruleset.scope if _fields(item) <= set(REGION_FIELDS)
        ):
            cells.append(f"{domain} / {zone}")
    return cells


def _fields(item: Expr) -> set[str]:
    return {test.field for test in tests_in(item)}


def band_counterexample(ruleset: Ruleset, fixture: Fixture) -> Incident | None:
    """An incident inside the fixture's bands that does not get the expected response.

    The fixture's other fields stay fixed; each measured field with a band ranges over it.
    None means the expectation is proven for the whole band.
    """
    if not fixture.bands:
        return None
    enc = Encoding("x", ruleset.fields)
    compiled = Compiled(ruleset, enc)
    solver = z3.Solver()
    solver.add(*enc.domain())
    values = ruleset.values(fixture.incident)
    for name in ruleset.fields:
        if name in fixture.bands:
            low, high = fixture.bands[name]
            solver.add(enc.vars[name] >= real(low), enc.vars[name] <= real(high))
        else:
            solver.add(enc.equals(name, values[name]))
    solver.add(compiled.response != int(fixture.expect))
    if solver.check() == z3.sat:
        return enc.incident(solver.model(), ruleset.declared)
    return None
