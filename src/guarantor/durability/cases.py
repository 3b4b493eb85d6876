"""The historical case library: ceasefires and guarantees encoded as packages of mechanisms.

Each case (``data/cases.yaml``) codes how the war ended, the strongest third-party guarantee and
its great-power backstop, what the side that might attack still wanted, whether it was itself a
guarantor, peacekeeping, monitoring, a separation zone and a joint commission, and what happened:
whether the peace held and for how many months. :func:`case_inputs` turns a case into the same
kernel inputs a package becomes, so the backtest runs the simulation that assesses packages.
"""

from __future__ import annotations

from dataclasses import dataclass
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


class Case(Strict):
    """One historical ceasefire or guarantee, in the case format."""

    id: str = Field(min_length=1)
    title: str
    start: str
    settlement: Literal["truce", "agreement", "decisive"]
    guarantee: Form
    backstop: Backstop
    aggressor_aims: Literal["satisfied", "limited", "unmet"]
    guarantor_is_party: bool
    peacekeeping: Literal["none", "light", "robust"]
    monitoring: Literal["none", "observers", "full"]
    separation_zone: bool
    joint_commission: bool
    held: bool
    months: Quantity
    source: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _months(self) -> Case:
        if self.months.unit != "months":
            raise ValueError(f"'months' must be in months, got {self.months.unit!r}")
        if self.months.value <= 0:
            raise ValueError(f"'months' must be > 0, got {self.months.value}")
        return self

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
    cohesion, fatigue) takes the uncertainties' central values. The aggressor's capacity is
    whole from the start, its aims are the case's, the backstop acts at full resolve (the case
    codes what was delivered), and there are no sanctions and no US elections.
    """
    levels = calibration.case_levels
    nominal = {name: float(item.value) for name, item in uncertainties.uncertainties.items()}
    aims = getattr(levels, f"aims_{case.aggressor_aims}").value
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
        settlement=case.settlement,
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
