"""The historical case library: ceasefires and guarantees encoded as packages of mechanisms.

Each case (``data/cases.yaml``; the codebook is in docs/durability.md) codes how the war ended,
what each side still wanted (the victor's and the loser's aims) and which side is the likely
re-attacker, the strongest third-party guarantee and its great-power backstop, whether the
likely re-attacker was itself a guarantor, peacekeeping, monitoring, a separation zone and a
joint commission, and what happened: whether the peace held and for how many months. Every
case cites a source for its dates, its outcome, its mechanisms and its aims, and records a
second coding of the fields that need judgement. :func:`case_inputs` turns a case into the same
kernel inputs a package becomes, so the backtest runs the simulation that assesses packages.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field, model_validator

from guarantor.durability.calibration import Calibration
from guarantor.durability.kernel import KernelInputs
from guarantor.durability.uncertainties import Uncertainties
from guarantor.errors import DataError, Problem
from guarantor.sourcing import Quantity, Source, Strict, check_source_refs, validate_as
from guarantor.yamlio import LineMap, load_yaml

DEFAULT_CASES = Path(__file__).parent / "data" / "cases.yaml"

Form = Literal[
    "none",
    "political_assurance",
    "security_agreement",
    "ratified_treaty",
    "article5_like",
    "nato_membership",
]
Backstop = Literal["none", "political", "monitoring", "enablers", "air_support", "article5_like"]
Settlement = Literal["truce", "agreement", "decisive"]
Aims = Literal["satisfied", "limited", "unmet"]
Side = Literal["victor", "loser"]
Peacekeeping = Literal["none", "light", "robust"]
Monitoring = Literal["none", "observers", "full"]
CITED_FIELDS = ("dates", "outcome", "mechanisms", "aims")
"""What every case cites a source for (its ``cite`` mapping)."""
JUDGEMENT_FIELDS = ("settlement", "victor_aims", "loser_aims", "reattacker", "guarantee")
"""The fields that need judgement; each case records a second coding of them."""


class Cite(Strict):
    """The source (an id of the file's ``sources``) behind each group of a case's fields."""

    dates: str
    outcome: str
    mechanisms: str
    aims: str


class SecondCoding(Strict):
    """A second coding of the judgement fields (see the codebook)."""

    settlement: Settlement
    victor_aims: Aims
    loser_aims: Aims
    reattacker: Side
    guarantee: Form


class Case(Strict):
    """One historical ceasefire or guarantee, in the case format."""

    id: str = Field(min_length=1)
    title: str
    start: str
    end: str | None = None  # date the peace failed (None: held to the end of observation)
    settlement: Settlement
    victor_aims: Aims
    loser_aims: Aims
    reattacker: Side
    guarantee: Form
    backstop: Backstop
    guarantor_is_party: bool
    peacekeeping: Peacekeeping
    monitoring: Monitoring
    separation_zone: bool
    joint_commission: bool
    held: bool
    months: Quantity
    cite: Cite | None = None
    second_coding: SecondCoding | None = None
    universe: str | None = None  # the rule that chose the case (docs/durability.md)
    note: str | None = None

    @model_validator(mode="after")
    def _months(self) -> Case:
        if self.months.unit != "months":
            raise ValueError(f"'months' must be in months, got {self.months.unit!r}")
        if self.months.value <= 0:
            raise ValueError(f"'months' must be > 0, got {self.months.value}")
        if self.held and self.end is not None:
            raise ValueError(f"a peace that held has no 'end', got {self.end!r}")
        return self

    @property
    def reattacker_aims(self) -> Aims:
        """The aims of the side coded as the likely re-attacker."""
        return self.victor_aims if self.reattacker == "victor" else self.loser_aims

    @property
    def effective_settlement(self) -> Settlement:
        """The settlement as it bears on the re-attacker.

        A decisive outcome is stabilising because the loser cannot fight again soon; when the
        likely re-attacker is a victor that still wants more (aims not satisfied), it is not,
        and the case counts as a truce.
        """
        if (
            self.settlement == "decisive"
            and self.reattacker == "victor"
            and self.victor_aims != "satisfied"
        ):
            return "truce"
        return self.settlement

    @property
    def bare_truce(self) -> bool:
        """No agreement or victory, no guarantee, no mechanism: a truce that is only a truce."""
        return (
            self.effective_settlement == "truce"
            and self.guarantee == "none"
            and self.backstop == "none"
            and self.peacekeeping == "none"
            and self.monitoring == "none"
            and not self.separation_zone
            and not self.joint_commission
        )

    def second(self) -> Case:
        """The case under its second coding (itself when it has none)."""
        if self.second_coding is None:
            return self
        return self.model_copy(update=self.second_coding.model_dump())

    def known_at(self, months: int) -> bool:
        """Whether the outcome at ``months`` is observed (failed before, or watched that long)."""
        return not self.held or self.months.value >= months

    def held_for(self, months: int) -> bool:
        """Whether the peace held at least ``months`` months."""
        return self.held or self.months.value > months

    @property
    def breakdown_month(self) -> int | None:
        """Month of breakdown (1-based, rounded up), or None if the peace held."""
        return None if self.held else int(np.ceil(self.months.value))


class _CaseFile(Strict):
    sources: dict[str, Source] = Field(default_factory=dict)
    cases: tuple[Case, ...] = Field(min_length=1)


@dataclass(frozen=True)
class CaseLibrary:
    """The cases, by id, and the file they came from."""

    cases: tuple[Case, ...]
    sources: dict[str, Source]
    file: str

    def second_coding(self) -> CaseLibrary:
        """The library under its second coding of the judgement fields."""
        return replace(self, cases=tuple(case.second() for case in self.cases))

    def without(self, ids: list[str]) -> CaseLibrary:
        """The library less the cases named in ``ids`` (which must exist)."""
        self.select(ids)
        drop = set(ids)
        return replace(self, cases=tuple(case for case in self.cases if case.id not in drop))

    def select(self, ids: list[str] | None) -> CaseLibrary:
        """The cases named in ``ids`` (all when None).

        Raises:
            DataError: an id names no case.
        """
        if not ids:
            return self
        known = {case.id: case for case in self.cases}
        unknown = [ident for ident in ids if ident not in known]
        if unknown:
            raise DataError(
                [
                    Problem(
                        "no such case",
                        file=self.file,
                        field="cases",
                        expected=f"one of {sorted(known)}",
                        received=ident,
                    )
                    for ident in unknown
                ]
            )
        return CaseLibrary(tuple(known[i] for i in ids), self.sources, self.file)


def _duplicates(raw: Any, lines: LineMap) -> list[Problem]:
    seen: set[str] = set()
    problems = []
    items = raw.get("cases") if isinstance(raw, dict) else None
    for index, item in enumerate(items if isinstance(items, list) else []):
        ident = item.get("id") if isinstance(item, dict) else None
        if isinstance(ident, str):
            if ident in seen:
                problems.append(lines.problem(["cases", index, "id"], f"duplicate case {ident!r}"))
            seen.add(ident)
    return problems


def _citations(raw: Any, known: set[str], lines: LineMap) -> list[Problem]:
    problems = []
    items = raw.get("cases") if isinstance(raw, dict) else None
    for index, item in enumerate(items if isinstance(items, list) else []):
        cite = item.get("cite") if isinstance(item, dict) else None
        for field, ref in cite.items() if isinstance(cite, dict) else []:
            if isinstance(ref, str) and ref not in known:
                problems.append(
                    lines.problem(
                        ["cases", index, "cite", field],
                        "unknown source",
                        expected="a source id",
                        received=ref,
                    )
                )
    return problems


def parse_cases(raw: Any, lines: LineMap) -> CaseLibrary:
    """Validate parsed YAML as a case library (every problem located)."""
    if not isinstance(raw, dict):
        raise DataError(
            [lines.problem([], "a case library is a mapping", received=type(raw).__name__)]
        )
    problems: list[Problem] = []
    parsed: _CaseFile | None = None
    try:
        parsed = validate_as(_CaseFile, raw, lines)
    except DataError as error:
        problems.extend(error.problems)
    known: dict[str, Any] = raw["sources"] if isinstance(raw.get("sources"), dict) else {}
    problems.extend(check_source_refs(raw, set(known), lines))
    problems.extend(_citations(raw, set(known), lines))
    problems.extend(_duplicates(raw, lines))
    if problems:
        raise DataError(problems)
    assert parsed is not None
    return CaseLibrary(parsed.cases, dict(parsed.sources), lines.file)


def load_cases(path_or_name: str | Path | None = None) -> CaseLibrary:
    """Load the case library (default: the shipped ``data/cases.yaml``)."""
    path = DEFAULT_CASES if path_or_name in (None, "cases") else Path(str(path_or_name))
    raw, lines = load_yaml(path)
    return parse_cases(raw, lines)


def case_inputs(
    case: Case, calibration: Calibration, uncertainties: Uncertainties, n: int
) -> KernelInputs:
    """The kernel inputs of a case, for ``n`` worlds.

    The case's coded mechanisms set the package side; the generic behaviour (risk tolerance,
    cohesion, fatigue) takes the uncertainties' central values. The likely re-attacker's
    capacity is whole from the start, its aims are the case's, a decisive outcome counts only
    when the re-attacker is the loser (:attr:`Case.effective_settlement`), the backstop acts at
    full resolve (the case codes what was delivered), and there are no sanctions and no US
    elections.
    """
    levels = calibration.case_levels
    nominal = {name: float(item.value) for name, item in uncertainties.uncertainties.items()}
    aims = getattr(levels, f"aims_{case.reattacker_aims}").value
    peacekeeping = {
        "none": 0.0,
        "light": levels.peacekeeping_light.value,
        "robust": levels.peacekeeping_robust.value,
    }[case.peacekeeping]
    monitoring = {
        "none": 0.0,
        "observers": levels.monitoring_observers.value,
        "full": levels.monitoring_full.value,
    }[case.monitoring]
    static = calibration.static_log_hr(
        settlement=case.effective_settlement,
        separation_zone=float(case.separation_zone),
        joint_commission=float(case.joint_commission),
        monitoring=monitoring,
    )
    # a guarantee the aggressor can veto, or a force it commands, cannot be used against it
    usable = 0.0 if case.guarantor_is_party else 1.0
    credibility = usable * np.array(
        [
            calibration.form_credibility(case.guarantee),
            calibration.backstop_credibility(case.backstop),
            calibration.credibility.tripwire_force.value if peacekeeping > 0 else 0.0,
        ]
    )
    answer = usable * peacekeeping * calibration.capacity.ground_answer_per_robust_force.value
    force = np.array([0.0, 0.0, usable * peacekeeping])
    coverage = np.zeros((3, 3))
    coverage[2, :] = answer

    def full(value: float) -> np.ndarray:
        return np.full(n, float(value))

    return KernelInputs(
        war_aims=full(aims),
        risk_tolerance=full(nominal.get("russia_risk_tolerance", 0.5)),
        capacity_at_ceasefire=full(1.0),
        rebuild_months=full(1.0),
        defender_strength=full(1.0),
        static_log_hr=full(static),
        cohesion=full(nominal.get("coalition_cohesion", 1.0)),
        fatigue_per_year=full(nominal.get("coalition_fatigue_per_year", 0.0)),
        us_resolve=full(1.0),
        us_election_swing=full(0.0),
        sanctions_threat=full(0.0),
        active=np.ones((n, 3), dtype=bool),
        force=np.tile(force, (n, 1)),
        coverage=np.tile(coverage, (n, 1, 1)),
        credibility=np.tile(credibility, (n, 1)),
        cost_usd_bn_per_month=np.zeros((n, 3)),
        is_us=np.array([False, True, False]),
    )
