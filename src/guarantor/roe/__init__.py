"""Rules of engagement: a rules language, an engine with reasons, a z3 verifier, a test runner.

Public API: :func:`load_ruleset`, :func:`load_fixtures`, :func:`decide` (with the solver's
:class:`NextStep` on request), :func:`verify`, :func:`diff`, :func:`authorised_response` (per
:class:`ProbeClass`, on the ordered :class:`Response` ladder), :func:`probe_answers` (graded
answers per probe class of the durability simulation, one rule set per domain),
:func:`run_fixtures`, decision logs (:func:`log_decision`, :func:`replay`).
"""

from guarantor.roe.diff import Change, DiffReport, FaultChange, diff
from guarantor.roe.documents import Fixture, Fixtures
from guarantor.roe.engine import (
    Decision,
    DecisionRecord,
    NextStep,
    Replay,
    decide,
    input_hash,
    log_decision,
    replay,
)
from guarantor.roe.findings import Finding, VerificationReport
from guarantor.roe.incidents import load_fixtures, load_incident, parse_fixtures
from guarantor.roe.loader import load_ruleset, parse_ruleset, shipped_fixtures, shipped_rulesets
from guarantor.roe.nextstep import nearest_stronger
from guarantor.roe.probes import (
    Answer,
    GradeEffects,
    ProbeAnswers,
    ProbeClass,
    authorised_response,
    authorised_response_table,
    authorised_responses,
    load_grades,
    probe_answers,
    rulesets_by_domain,
)
from guarantor.roe.rules import Invariant, Prohibition, Rule, Ruleset
from guarantor.roe.runner import FixtureResult, TestReport, band_counterexample, run_fixtures
from guarantor.roe.schema import (
    Act,
    Actor,
    Authority,
    Domain,
    HitPolicy,
    Incident,
    Platform,
    Response,
    Target,
    Weapon,
    Zone,
)
from guarantor.roe.verify import verify

__all__ = [
    "Act",
    "Actor",
    "Answer",
    "Authority",
    "Change",
    "Decision",
    "DecisionRecord",
    "DiffReport",
    "Domain",
    "FaultChange",
    "Finding",
    "Fixture",
    "FixtureResult",
    "Fixtures",
    "GradeEffects",
    "HitPolicy",
    "Incident",
    "Invariant",
    "NextStep",
    "Platform",
    "ProbeAnswers",
    "ProbeClass",
    "Prohibition",
    "Replay",
    "Response",
    "Rule",
    "Ruleset",
    "Target",
    "TestReport",
    "VerificationReport",
    "Weapon",
    "Zone",
    "authorised_response",
    "authorised_response_table",
    "authorised_responses",
    "band_counterexample",
    "decide",
    "diff",
    "input_hash",
    "load_fixtures",
    "load_grades",
    "load_incident",
    "load_ruleset",
    "log_decision",
    "nearest_stronger",
    "parse_fixtures",
    "parse_ruleset",
    "probe_answers",
    "replay",
    "rulesets_by_domain",
    "run_fixtures",
    "shipped_fixtures",
    "shipped_rulesets",
    "verify",
]
