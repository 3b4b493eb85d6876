"""What the durability simulation asks of the rules: the answer authorised per class of probe.

The simulation draws probes in three classes (``air``, ``sea``, ``ground``: see
``guarantor.durability.kernel.PROBE_CLASSES``). A package carries one rule set per domain (air,
sea, land); each kernel class is answered under the rule set of its domain, and a domain with no
rule set has **no** authority there. The answer is *graded*: the strongest response the rule set
authorises against the class's representative probes (:class:`ProbeClass`), on the scale
``none < warn < shadow < intercept < disable < engage``; each grade's effect on Russia's belief
that probes are answered (``credibility``, a share of a full answer) and on the chance that an
answer becomes a clash (``clash``, a factor on the simulation's calibrated chance) are flagged
assumptions with ranges in ``roe/data/answers/graded-answers.yaml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import Field

from guarantor.errors import DataError
from guarantor.roe.engine import decide
from guarantor.roe.loader import load_ruleset
from guarantor.roe.rules import Ruleset
from guarantor.roe.schema import (
    Act,
    Actor,
    Authority,
    Domain,
    Incident,
    Platform,
    Response,
    Target,
    Weapon,
    Zone,
)
from guarantor.sourcing import Quantity, Source, Strict, validate_as
from guarantor.yamlio import load_yaml


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
        return Incident.from_data(data)


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


# ---------------------------------------------------------------------------------------------
# Graded answers per class of the simulation's probes


KERNEL_CLASSES = ("air", "sea", "ground")
"""The simulation's probe classes, in the order of ``guarantor.durability.kernel.PROBE_CLASSES``."""
DOMAIN_OF_CLASS = {"air": Domain.AIR, "sea": Domain.SEA, "ground": Domain.LAND}
# the grey-zone probes each class stands for (a missile strike or an attack on the coalition is
# not a probe; the ground class also answers limited attacks, hence the battalion push)
PROBES_OF_CLASS: dict[str, tuple[ProbeClass, ...]] = {
    "air": (ProbeClass.AIRSPACE_VIOLATION_DRONE, ProbeClass.AIRSPACE_VIOLATION_MANNED),
    "sea": (ProbeClass.ATTACK_ON_SHIPPING,),
    "ground": (ProbeClass.SABOTAGE, ProbeClass.LIMITED_GROUND_ATTACK),
}


class Answer(IntEnum):
    """The graded answer to a probe, weakest first; ``NONE``: no authority to answer."""

    NONE = 0
    WARN = 1
    SHADOW = 2
    INTERCEPT = 3
    DISABLE = 4
    ENGAGE = 5

    @property
    def label(self) -> str:
        """The name as written in data files (``intercept``)."""
        return self.name.lower()

    @classmethod
    def of(cls, response: Response) -> Answer:
        """The grade of a response on the ladder (escorting out is an interception)."""
        return _GRADE[response]


_GRADE = {
    Response.MONITOR: Answer.NONE,
    Response.WARN: Answer.WARN,
    Response.SHADOW: Answer.SHADOW,
    Response.INTERCEPT: Answer.INTERCEPT,
    Response.ESCORT_OUT: Answer.INTERCEPT,
    Response.DISABLE: Answer.DISABLE,
    Response.ENGAGE: Answer.ENGAGE,
}


class GradeDoc(Strict):
    """One grade's effects as written."""

    credibility: Quantity
    clash: Quantity


class GradesDoc(Strict):
    """The graded-answers file as written."""

    description: str = ""
    sources: dict[str, Source] = Field(default_factory=dict)
    grades: dict[str, GradeDoc]


@dataclass(frozen=True)
class GradeEffects:
    """Per grade (index: :class:`Answer`), the credibility share and the clash factor."""

    credibility: tuple[float, ...]
    clash: tuple[float, ...]

    @classmethod
    def at(cls, doc: GradesDoc, end: str = "value") -> GradeEffects:
        """The effects at each assumption's ``value``, ``low`` or ``high``."""

        def pick(quantity: Quantity) -> float:
            low, high = quantity.range
            return {"value": quantity.value, "low": low, "high": high}[end]

        grades = [doc.grades[answer.label] for answer in Answer if answer is not Answer.NONE]
        return cls(
            credibility=(0.0, *(pick(g.credibility) for g in grades)),
            clash=(0.0, *(pick(g.clash) for g in grades)),
        )


def grades_path() -> Path:
    """The shipped graded-answers file."""
    return Path(str(resources.files("guarantor.roe") / "data" / "answers" / "graded-answers.yaml"))


@lru_cache(maxsize=1)
def load_grades() -> GradesDoc:
    """The shipped graded answers, checked (every grade present, values in [0, 1] or ≥ 0).

    Raises:
        DataError: the file is malformed, located by file, line and field.
    """
    raw, lines = load_yaml(grades_path())
    doc = validate_as(GradesDoc, raw, lines)
    missing = [a.label for a in Answer if a is not Answer.NONE and a.label not in doc.grades]
    if missing:
        raise DataError([lines.problem(["grades"], f"grades missing: {', '.join(missing)}")])
    return doc


@dataclass(frozen=True)
class ProbeAnswers:
    """Per simulation probe class: the rule set used, the graded answer and its effects."""

    rulesets: dict[str, str | None]
    answers: dict[str, Answer]
    credibility: dict[str, float]
    clash: dict[str, float]

    def as_data(self) -> dict[str, Any]:
        """The answers as JSON-ready data."""
        return {
            kind: {
                "ruleset": self.rulesets[kind],
                "answer": self.answers[kind].label,
                "credibility": self.credibility[kind],
                "clash_factor": self.clash[kind],
            }
            for kind in KERNEL_CLASSES
        }


def probe_answers(
    rulesets_by_domain: Mapping[str, Ruleset | None], effects: GradeEffects | None = None
) -> ProbeAnswers:
    """The strongest answer each simulation probe class gets under the rule set of its domain.

    ``rulesets_by_domain`` maps ``air``, ``sea`` and ``land`` to a rule set or None; a domain
    missing or None has no authority, so its class gets :attr:`Answer.NONE` (no credibility, no
    clash). ``effects`` defaults to the shipped graded answers at their central values (pass
    :meth:`GradeEffects.at` ``low``/``high`` to sweep them). A pure function of its arguments.
    """
    effects = effects or GradeEffects.at(load_grades())
    rulesets: dict[str, str | None] = {}
    answers: dict[str, Answer] = {}
    for kind in KERNEL_CLASSES:
        ruleset = rulesets_by_domain.get(DOMAIN_OF_CLASS[kind].value)
        rulesets[kind] = ruleset.name if ruleset is not None else None
        answers[kind] = (
            max(Answer.of(authorised_response(ruleset, p)) for p in PROBES_OF_CLASS[kind])
            if ruleset is not None
            else Answer.NONE
        )
    return ProbeAnswers(
        rulesets=rulesets,
        answers=answers,
        credibility={kind: effects.credibility[answers[kind]] for kind in KERNEL_CLASSES},
        clash={kind: effects.clash[answers[kind]] for kind in KERNEL_CLASSES},
    )


def rulesets_by_domain(roe: str | Mapping[Any, str] | None) -> dict[str, Ruleset | None]:
    """A package's ``roe`` as one rule set per domain.

    One name (as packages wrote it before) serves every domain, each answer then limited by the
    rule set's own scope; a mapping names one per domain; a domain not named has none.

    Raises:
        DataError: a named rule set cannot be loaded.
    """
    domains = [domain.value for domain in Domain]
    if roe is None:
        return dict.fromkeys(domains)
    if isinstance(roe, str):
        shared = load_ruleset(roe)
        return dict.fromkeys(domains, shared)
    return {domain: load_ruleset(roe[domain]) if roe.get(domain) else None for domain in domains}
