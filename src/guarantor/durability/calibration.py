"""The simulation's parameters: literature hazard ratios, credibility priors, fitted hazard.

``data/calibration.yaml`` holds every parameter of the kernel with its source or its flagged
range. :func:`load_calibration` validates it; :meth:`Calibration.behaviour` turns it into the
kernel's :class:`~guarantor.durability.kernel.Behaviour`. The two fitted parameters are
re-estimated by :func:`guarantor.durability.backtest.fit` (maximum likelihood on the case
library); :meth:`Calibration.with_values` returns a copy with any parameter changed, which is how
the fit, the tests and sweeps vary them.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from guarantor.durability.kernel import Behaviour
from guarantor.errors import DataError
from guarantor.sourcing import Quantity, Source, Strict, check_source_refs, validate_as
from guarantor.yamlio import load_yaml

DEFAULT_CALIBRATION = Path(__file__).parent / "data" / "calibration.yaml"


class HazardRatios(Strict):
    """Hazard ratios of the mechanisms that keep a ceasefire (1 = no effect)."""

    peacekeeping: Quantity
    settlement_agreement: Quantity
    settlement_decisive: Quantity
    separation_zone: Quantity
    joint_commission: Quantity
    monitoring: Quantity
    credible_guarantee: Quantity


class Credibility(Strict):
    """Prior belief that a commitment of each form is backed by force."""

    political_assurance: Quantity
    security_agreement: Quantity
    ratified_treaty: Quantity
    article5_like: Quantity
    nato_membership: Quantity
    tripwire_force: Quantity
    backstop_political: Quantity
    backstop_monitoring: Quantity
    backstop_enablers: Quantity
    backstop_air_support: Quantity
    backstop_article5_like: Quantity


class BehaviourParameters(Strict):
    """Russia's choice and escalation."""

    probe_log_odds: Quantity
    limited_log_odds: Quantity
    response_weight: Quantity
    risk_weight: Quantity
    sanctions_weight: Quantity
    prior_strength: Quantity
    clash_after_answered_probe: Quantity
    clash_after_answered_attack: Quantity
    us_lapse_resolve: Quantity
    probe_share_air: Quantity
    probe_share_sea: Quantity
    probe_share_ground: Quantity


class Capacity(Strict):
    """What it takes to answer every probe of a class, or to field a robust force."""

    aircraft_for_full_air_cover: Quantity
    ships_for_full_escort: Quantity
    troops_for_robust_force: Quantity
    monitors_for_full_line: Quantity
    reassurance_share_of_robust: Quantity
    neighbouring_share_of_robust: Quantity
    ground_answer_per_robust_force: Quantity
    ukraine_reference_troops: Quantity


class Costs(Strict):
    """Running costs of commitments."""

    troop_usd_m_per_year: Quantity
    aircraft_usd_m_per_year: Quantity
    ship_usd_m_per_year: Quantity
    monitor_usd_m_per_year: Quantity


class SanctionsShares(Strict):
    """Share of Russia's oil revenue lost on a violation, by the package's sanctions level."""

    relief: Quantity
    status_quo: Quantity
    tighter: Quantity
    full_snapback: Quantity


class CaseLevels(Strict):
    """How the case library's coded levels map onto the kernel's shares."""

    peacekeeping_light: Quantity
    peacekeeping_robust: Quantity
    monitoring_observers: Quantity
    monitoring_full: Quantity
    aims_satisfied: Quantity
    aims_limited: Quantity
    aims_unmet: Quantity


class Fitted(Strict):
    """The parameters fitted on the case library, and the method that fitted them."""

    method: Literal["mle", "bayes"] = "mle"
    baseline_log_odds: Quantity
    weibull_shape: Quantity
    early_log_hr: Quantity | None = None  # the early-fragility step (None: no step)
    early_months: Quantity | None = None  # how long the early hazard lasts


class Priors(Strict):
    """Weakly informative priors of the Bayesian fit (see docs/durability.md)."""

    bare_truce_failure_share: Quantity  # Fortna: "almost half" of wars were renewed
    bare_truce_horizon_months: Quantity  # ... within about this many months
    baseline_sd: Quantity
    shape_mean: Quantity
    shape_sd: Quantity
    early_log_hr_mean: Quantity
    early_log_hr_sd: Quantity


class Calibration(Strict):
    """Every parameter of the durability simulation."""

    sources: dict[str, Source] = Field(default_factory=dict)
    hazard_ratios: HazardRatios
    credibility: Credibility
    behaviour: BehaviourParameters
    capacity: Capacity
    costs: Costs
    sanctions_share_lost: SanctionsShares
    case_levels: CaseLevels
    fitted: Fitted
    priors: Priors | None = None

    def value(self, dotted: str) -> float:
        """The value of a parameter named ``group.name``."""
        group, name = dotted.split(".")
        quantity: Quantity = getattr(getattr(self, group), name)
        return quantity.value

    def with_values(self, **changes: float) -> Calibration:
        """A copy with parameters changed, named ``group__name=value`` (ranges widened to fit)."""
        data = self.model_dump()
        for key, number in changes.items():
            group, name = key.split("__")
            entry = data[group][name]
            if entry is None:
                raise KeyError(f"{group}.{name} is not in this calibration")
            entry["value"] = float(number)
            if entry.get("low") is not None:
                entry["low"] = min(entry["low"], float(number))
                entry["high"] = max(entry["high"], float(number))
        return Calibration.model_validate(data)

    def log_hr(self, name: str) -> float:
        """Natural log of a hazard ratio."""
        return math.log(max(getattr(self.hazard_ratios, name).value, 1e-12))

    def static_log_hr(
        self,
        *,
        settlement: str = "truce",
        separation_zone: float = 0.0,
        joint_commission: float = 0.0,
        monitoring: float = 0.0,
    ) -> float:
        """Sum of the log hazard ratios of a settlement's fixed mechanisms.

        ``settlement`` is ``truce`` (the reference), ``agreement`` or ``decisive``; the other
        mechanisms are shares in [0, 1] (a share ``s`` of a mechanism counts ``s · ln HR``).
        """
        total = {
            "truce": 0.0,
            "agreement": self.log_hr("settlement_agreement"),
            "decisive": self.log_hr("settlement_decisive"),
        }[settlement]
        total += separation_zone * self.log_hr("separation_zone")
        total += joint_commission * self.log_hr("joint_commission")
        return total + monitoring * self.log_hr("monitoring")

    def form_credibility(self, form: str) -> float:
        """Prior credibility of a guarantee form (``none`` gives 0)."""
        if form == "none":
            return 0.0
        quantity: Quantity = getattr(self.credibility, form)
        return quantity.value

    def backstop_credibility(self, level: str) -> float:
        """Prior credibility of a US backstop level at full US resolve (``none`` gives 0)."""
        if level == "none":
            return 0.0
        quantity: Quantity = getattr(self.credibility, f"backstop_{level}")
        return quantity.value

    def early_months(self) -> int:
        """Months of the early-fragility step (0 when the calibration has none)."""
        if self.fitted.early_months is None:
            return 0
        return round(self.fitted.early_months.value)

    def behaviour_for_kernel(self) -> Behaviour:
        """The kernel's scalar parameters."""
        b = self.behaviour
        return Behaviour(
            baseline_log_odds=self.fitted.baseline_log_odds.value,
            weibull_shape=self.fitted.weibull_shape.value,
            early_log_hr=self.fitted.early_log_hr.value if self.fitted.early_log_hr else 0.0,
            early_months=self.early_months(),
            probe_log_odds=b.probe_log_odds.value,
            limited_log_odds=b.limited_log_odds.value,
            response_weight=b.response_weight.value,
            risk_weight=b.risk_weight.value,
            sanctions_weight=b.sanctions_weight.value,
            log_hr_peacekeeping=self.log_hr("peacekeeping"),
            log_hr_guarantee=self.log_hr("credible_guarantee"),
            prior_strength=b.prior_strength.value,
            clash_after_answered_probe=b.clash_after_answered_probe.value,
            clash_after_answered_attack=b.clash_after_answered_attack.value,
            us_lapse_resolve=b.us_lapse_resolve.value,
            probe_class_shares=(
                b.probe_share_air.value,
                b.probe_share_sea.value,
                b.probe_share_ground.value,
            ),
        )


def parse_calibration(raw: Any, lines: Any) -> Calibration:
    """Validate parsed YAML as a calibration file (every problem located)."""
    problems = []
    calibration: Calibration | None = None
    try:
        calibration = validate_as(Calibration, raw, lines)
    except DataError as error:
        problems.extend(error.problems)
    if isinstance(raw, dict):
        known: dict[str, Any] = raw["sources"] if isinstance(raw.get("sources"), dict) else {}
        problems.extend(check_source_refs(raw, set(known), lines))
    if problems:
        raise DataError(problems)
    assert calibration is not None
    return calibration


def load_calibration(path: str | Path | None = None) -> Calibration:
    """Load the calibration file (default: the shipped one)."""
    if path is None:
        return _shipped()
    raw, lines = load_yaml(Path(path))
    return parse_calibration(raw, lines)


@lru_cache(maxsize=1)
def _shipped() -> Calibration:
    raw, lines = load_yaml(DEFAULT_CALIBRATION)
    return parse_calibration(raw, lines)
