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
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from guarantor.errors import DataError, Problem
from guarantor.roe.schema import (
    Act,
    Actor,
    Authority,
    Domain,
    HitPolicy,
    Incident,
    Platform,
    Response,
    Rule,
    Ruleset,
    Target,
    Weapon,
    Zone,
)


@dataclass(frozen=True)
class RuleTrace:
    """How one rule fared on an incident."""

    rule: str
    response: Response
    matched: bool
    met: tuple[str, ...]
    failed: tuple[str, ...]


@dataclass(frozen=True)
class Step:
    """A stronger response some rule authorises, and the conditions still missing for it."""

    response: Response
    rule: str
    missing: tuple[str, ...]


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
            "trace": [
                {
                    "rule": item.rule,
                    "response": item.response.label,
                    "matched": item.matched,
                    "met": list(item.met),
                    "failed": list(item.failed),
                }
                for item in self.trace
            ],
            "escalation": [
                {"response": step.response.label, "rule": step.rule, "missing": list(step.missing)}
                for step in self.escalation
            ],
        }


def _trace(rule: Rule, values: dict[str, Any]) -> RuleTrace:
    met = tuple(test.text for test in rule.all_conditions if test.holds(values))
    failed = tuple(test.text for test in rule.all_conditions if not test.holds(values))
    return RuleTrace(rule.id, rule.response, not failed, met, failed)


def decide(ruleset: Ruleset, incident: Incident) -> Decision:
    """Decide the response to ``incident`` under ``ruleset``, with the full trace."""
    values = incident.as_data()
    in_scope = all(test.holds(values) for test in ruleset.scope)
    traces = {rule.id: _trace(rule, values) for rule in ruleset.rules}
    trace = tuple(traces[rule.id] for rule in ruleset.rules)
    matched = tuple(item.rule for item in trace if item.matched) if in_scope else ()
    fired: Rule | None = None
    if in_scope:
        fired = next((rule for rule in ruleset.precedence() if traces[rule.id].matched), None)
    conflict = (
        ruleset.hit_policy is HitPolicy.UNIQUE
        and len({ruleset.rule(ident).response for ident in matched}) > 1
    )
    response = fired.response if fired is not None else ruleset.default
    escalation = tuple(
        sorted(
            (
                Step(item.response, item.rule, item.failed)
                for item in trace
                if item.response > response and in_scope
            ),
            key=lambda step: (step.response, len(step.missing)),
        )
    )
    if fired is None:
        authority = Authority.ON_SCENE
        met: tuple[str, ...] = ()
        if not in_scope:
            outside = [test.text for test in ruleset.scope if not test.holds(values)]
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
    if escalation:
        step = escalation[0]
        reason += (
            f". Next step up: {step.response.label} under {step.rule} "
            f"would need {', '.join(step.missing)}"
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
        incident = Incident.model_validate(record.incident)
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


# ---------------------------------------------------------------------------------------------
# What the durability simulation asks: per class of Russian probe, the response authorised


class ProbeClass(StrEnum):
    """Classes of Russian probe the durability simulation draws."""

    AIRSPACE_VIOLATION_DRONE = "airspace_violation_drone"
    AIRSPACE_VIOLATION_MANNED = "airspace_violation_manned"
    MISSILE_OVERFLIGHT = "missile_overflight"
    ATTACK_ON_SHIPPING = "attack_on_shipping"
    SABOTAGE = "sabotage"
    ATTACK_ON_COALITION_FORCES = "attack_on_coalition_forces"
    LIMITED_GROUND_ATTACK = "limited_ground_attack"

    def incident(self, **overrides: Any) -> Incident:
        """The representative incident of this class (fields can be overridden).

        The altitudes and distances are illustrative positions inside each class, chosen on
        the near side of the shipped thresholds' ranges; docs/roe.md lists them, and
        :func:`authorised_response` takes overrides so that callers can sweep them.
        """
        data: dict[str, Any] = {**_PROBES[self], **overrides}
        return Incident.model_validate(data)


_PROBES: dict[ProbeClass, dict[str, Any]] = {
    # Geran/Shahed-type drone entering western Ukraine, as over Poland on 9-10 Sep 2025
    ProbeClass.AIRSPACE_VIOLATION_DRONE: {
        "domain": Domain.AIR,
        "actor": Actor.RUSSIA,
        "platform": Platform.DRONE,
        "act": Act.AIRSPACE_VIOLATION,
        "target": Target.NONE,
        "zone": Zone.UKRAINE_WEST_OF_LINE,
        "pid": True,
        "weapon": Weapon.UNKNOWN,
        "authority": Authority.MISSION_COMMANDER,
        "altitude_m": 500.0,
        "distance_km": 60.0,
    },
    # a Russian fighter crossing the line without a flight plan
    ProbeClass.AIRSPACE_VIOLATION_MANNED: {
        "domain": Domain.AIR,
        "actor": Actor.RUSSIA,
        "platform": Platform.MANNED_AIRCRAFT,
        "act": Act.AIRSPACE_VIOLATION,
        "target": Target.NONE,
        "zone": Zone.UKRAINE_WEST_OF_LINE,
        "pid": True,
        "weapon": Weapon.MISSILE,
        "authority": Authority.MISSION_COMMANDER,
        "altitude_m": 8000.0,
        "distance_km": 100.0,
    },
    # a cruise missile flying west over Ukraine towards a target
    ProbeClass.MISSILE_OVERFLIGHT: {
        "domain": Domain.AIR,
        "actor": Actor.RUSSIA,
        "platform": Platform.MISSILE,
        "act": Act.HOSTILE_ACT,
        "target": Target.UKRAINIAN_TERRITORY,
        "zone": Zone.UKRAINE_WEST_OF_LINE,
        "pid": True,
        "weapon": Weapon.MISSILE,
        "authority": Authority.MISSION_COMMANDER,
        "altitude_m": 100.0,
        "distance_km": 50.0,
    },
    # an attack drone diving on a merchant ship in the corridor
    ProbeClass.ATTACK_ON_SHIPPING: {
        "domain": Domain.AIR,
        "actor": Actor.RUSSIA,
        "platform": Platform.DRONE,
        "act": Act.ATTACK_ON_SHIPPING,
        "target": Target.SHIPPING,
        "zone": Zone.BLACK_SEA_CORRIDOR,
        "pid": True,
        "weapon": Weapon.HEAVY,
        "authority": Authority.MISSION_COMMANDER,
        "altitude_m": 50.0,
        "distance_km": 5.0,
    },
    # saboteurs against infrastructure, not attributed at once
    ProbeClass.SABOTAGE: {
        "domain": Domain.LAND,
        "actor": Actor.UNIDENTIFIED,
        "platform": Platform.SABOTEURS,
        "act": Act.HOSTILE_ACT,
        "target": Target.CIVILIAN_INFRASTRUCTURE,
        "zone": Zone.UKRAINE_WEST_OF_LINE,
        "pid": False,
        "weapon": Weapon.LIGHT,
        "authority": Authority.MISSION_COMMANDER,
        "altitude_m": 0.0,
        "distance_km": 1.0,
    },
    # a missile or drone strike on a coalition base
    ProbeClass.ATTACK_ON_COALITION_FORCES: {
        "domain": Domain.AIR,
        "actor": Actor.RUSSIA,
        "platform": Platform.MISSILE,
        "act": Act.ATTACK_ON_COALITION_FORCES,
        "target": Target.COALITION_FORCES,
        "zone": Zone.UKRAINE_WEST_OF_LINE,
        "pid": True,
        "weapon": Weapon.MISSILE,
        "authority": Authority.ON_SCENE,
        "altitude_m": 100.0,
        "distance_km": 10.0,
    },
    # a battalion-sized push across the line
    ProbeClass.LIMITED_GROUND_ATTACK: {
        "domain": Domain.LAND,
        "actor": Actor.RUSSIA,
        "platform": Platform.GROUND_UNIT,
        "act": Act.HOSTILE_ACT,
        "target": Target.UKRAINIAN_FORCES,
        "zone": Zone.UKRAINE_EAST_OF_LINE,
        "pid": True,
        "weapon": Weapon.HEAVY,
        "authority": Authority.MISSION_COMMANDER,
        "altitude_m": 0.0,
        "distance_km": 30.0,
    },
}


def authorised_response(ruleset: Ruleset, probe_class: ProbeClass, **overrides: Any) -> Response:
    """The response ``ruleset`` authorises against a probe of this class.

    ``overrides`` change fields of the class's representative incident (e.g.
    ``authority="on_scene"``).
    """
    return decide(ruleset, probe_class.incident(**overrides)).response


def authorised_response_table(ruleset: Ruleset) -> npt.NDArray[np.int8]:
    """Responses authorised per probe class and reachable authority, as a lookup table.

    ``table[p, a]`` is the response (its rank on the ladder) against probe class
    ``list(ProbeClass)[p]`` when authority ``list(Authority)[a]`` is the most senior reachable,
    so that a simulation can look up every world at once:
    ``table[probe_index, authority_index]`` with integer arrays.
    """
    authorities = list(Authority)
    table = np.empty((len(ProbeClass), len(authorities)), dtype=np.int8)
    for row, probe in enumerate(ProbeClass):
        for column, authority in enumerate(authorities):
            table[row, column] = authorised_response(ruleset, probe, authority=authority)
    return table


def authorised_responses(ruleset: Ruleset) -> dict[ProbeClass, Response]:
    """The response authorised against every probe class."""
    return {probe: authorised_response(ruleset, probe) for probe in ProbeClass}
