"""One package in many worlds, month by month: :func:`run`, and its section, :func:`assess`.

The simulation reads the package only through the instruments' sections (their hand-over
columns, :mod:`guarantor.durability.inputs`): pass the sections the assessment computed, or
let :func:`run` compute each instrument once over the worlds given.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from scipy.stats import norm

from guarantor.durability.calibration import Calibration, load_calibration
from guarantor.durability.inputs import package_inputs
from guarantor.durability.kernel import simulate
from guarantor.durability.uncertainties import Uncertainties, load_uncertainties
from guarantor.packages import Package
from guarantor.randomness import as_index, seed_entropy, world_keys
from guarantor.section import Metric, Section, n_worlds
from guarantor.theatre import Theatre
from guarantor.worlds import DEFAULT_SEED

FloatArray = NDArray[np.float64]
HOLD_MONTHS = (12, 36, 60, 120)


@dataclass(frozen=True)
class Outcome:
    """An outcome's unit and which way is better."""

    unit: str
    kind: Literal["maximize", "minimize", "info"]
    description: str


OUTCOMES: dict[str, Outcome] = {
    "breakdown_month": Outcome(
        "month", "info", "month of renewed offensive (NaN if the peace held)"
    ),
    "held_12m": Outcome("1", "maximize", "peace held 1 year"),
    "held_36m": Outcome("1", "maximize", "peace held 3 years"),
    "held_60m": Outcome("1", "maximize", "peace held 5 years"),
    "held_120m": Outcome("1", "maximize", "peace held 10 years"),
    "p_hold_horizon": Outcome(
        "1", "maximize", "probability (smooth estimate) of no offensive over the horizon"
    ),
    "probes": Outcome("probes", "minimize", "grey-zone probes while at peace"),
    "probes_answered": Outcome("probes", "maximize", "probes answered"),
    "limited_attacks": Outcome("attacks", "minimize", "limited attacks while at peace"),
    "clashes": Outcome("clashes", "minimize", "direct coalition-Russia clashes"),
    "cost_usd_bn": Outcome("USD bn", "minimize", "running cost of the commitments while at peace"),
    "credibility_end": Outcome(
        "1", "maximize", "Russia's belief that guarantors answer, at the end"
    ),
    "snapped_back": Outcome("1", "info", "sanctions snapped back"),
}


def wilson_band(
    share: FloatArray, trials: int, confidence: float = 0.95
) -> tuple[FloatArray, FloatArray]:
    """Wilson score intervals for proportions ``share`` observed in ``trials``, clipped to [0, 1].

    ``centre = (p + z²/2n) / (1 + z²/n)``, ``half = z √(p(1 − p)/n + z²/4n²) / (1 + z²/n)``.
    """
    p = np.asarray(share, dtype=np.float64)
    if trials == 0:
        return np.full(p.shape, np.nan), np.full(p.shape, np.nan)
    z = float(norm.ppf(0.5 + confidence / 2))
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * np.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / (1 + z * z / trials)
    # the interval always contains p: min/max only absorb rounding (at p = 0 or 1)
    low = np.clip(np.minimum(centre - half, p), 0.0, 1.0)
    high = np.clip(np.maximum(centre + half, p), 0.0, 1.0)
    return low, high


def wilson_interval(successes: float, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion."""
    if trials == 0:
        return (float("nan"), float("nan"))
    low, high = wilson_band(np.array([successes / trials]), trials, confidence)
    return (float(low[0]), float(high[0]))


@dataclass
class SimulationResult:
    """Outcomes per world, survival curves and how the inputs were obtained."""

    outcomes: dict[str, FloatArray]
    survival: FloatArray
    expected_survival: FloatArray
    months: int
    notes: list[str] = field(default_factory=list)
    package: str = ""

    @property
    def n_worlds(self) -> int:
        """Number of worlds."""
        return int(self.outcomes["breakdown_month"].size)

    def summary(self) -> dict[str, Any]:
        """P(peace holds) at 1/3/5/10 years with Wilson 95 % intervals, probes, clashes, cost."""
        n = self.n_worlds
        holds = {}
        for months in HOLD_MONTHS:
            if months > self.months:
                continue
            held = float(self.outcomes[f"held_{months}m"].sum())
            low, high = wilson_interval(held, n)
            holds[f"{months // 12}y"] = {
                "p": held / n,
                "low": low,
                "high": high,
                "smooth": float(self.expected_survival[months]),
            }
        probes = self.outcomes["probes"]
        answered = self.outcomes["probes_answered"]
        clash_worlds = float((self.outcomes["clashes"] > 0).sum())
        clash_low, clash_high = wilson_interval(clash_worlds, n)
        return {
            "package": self.package,
            "n_worlds": n,
            "months": self.months,
            "p_hold": holds,
            "expected_probes": float(probes.mean()),
            "answered_share": float(answered.sum() / probes.sum())
            if probes.sum()
            else float("nan"),
            "expected_limited_attacks": float(self.outcomes["limited_attacks"].mean()),
            "p_direct_clash": {"p": clash_worlds / n, "low": clash_low, "high": clash_high},
            "mean_cost_usd_bn": float(self.outcomes["cost_usd_bn"].mean()),
            "notes": list(self.notes),
        }


def _complete_worlds(
    worlds: Mapping[str, Any] | None, uncertainties: Uncertainties
) -> tuple[dict[str, FloatArray], int]:
    size = n_worlds(worlds) if worlds else 1
    table = {name: np.asarray(values, dtype=np.float64) for name, values in (worlds or {}).items()}
    for name, item in uncertainties.uncertainties.items():
        table.setdefault(name, np.full(size, item.value))
    return table, size


def run(
    theatre: Theatre,
    package: Package,
    worlds: Mapping[str, Any] | None,
    *,
    seed: int | np.random.SeedSequence | None,
    months: int = 120,
    world_index: Sequence[int] | NDArray[np.int64] | None = None,
    design: int = 0,
    replicate: int = 0,
    calibration: Calibration | None = None,
    uncertainties: Uncertainties | None = None,
    on_month: Callable[[int], None] | None = None,
    sections: Mapping[str, Section] | None = None,
) -> SimulationResult:
    """Simulate ``package`` in every world for ``months`` months.

    Args:
        theatre: the theatre.
        package: the package.
        worlds: world parameters by name (arrays of one length); missing uncertainties take
            their central values.
        seed: the run's entropy; world ``i`` draws from ``SeedSequence(seed, spawn_key=(design,
            world_index[i], replicate))``, so chunking never changes a world's outcome.
        months: the horizon.
        world_index: each world's global index (default ``arange(n)``).
        design: the design point (package variant) index.
        replicate: the replicate index.
        calibration: parameters (default: the shipped calibration).
        uncertainties: the uncertainty file giving defaults (default: the shipped one).
        on_month: called after each simulated month (progress bars).
        sections: the instruments' sections over these worlds (and ``acceptability`` when a
            condition needs Russia's consent); those missing are computed once here.
    """
    uncertainties = uncertainties or load_uncertainties()
    calibration = calibration or load_calibration()
    table, size = _complete_worlds(worlds, uncertainties)
    index = as_index(world_index, size)
    keys = world_keys(seed_entropy(seed), index, design=int(design), replicate=int(replicate))
    prepared = package_inputs(
        theatre,
        package,
        table,
        calibration=calibration,
        uncertainties=uncertainties,
        keys=keys,
        months=months,
        sections=sections,
    )
    out = simulate(
        prepared.kernel, calibration.behaviour_for_kernel(), keys, months, on_month=on_month
    )
    breakdown = out.breakdown_month
    outcomes: dict[str, FloatArray] = {"breakdown_month": breakdown}
    for hold in HOLD_MONTHS:
        # beyond the horizon nothing is known: NaN rather than "held"
        held = (~(breakdown <= hold)).astype(np.float64)
        outcomes[f"held_{hold}m"] = held if hold <= months else np.full(held.size, np.nan)
    outcomes.update(
        p_hold_horizon=out.world_expected_survival,
        probes=out.probes,
        probes_answered=out.probes_answered,
        limited_attacks=out.limited_attacks,
        clashes=out.clashes,
        cost_usd_bn=out.cost_usd_bn,
        credibility_end=out.credibility_end,
        snapped_back=out.snapped_back,
    )
    return SimulationResult(
        outcomes, out.survival, out.expected_survival, months, prepared.notes, package.name
    )


def assess(
    theatre: Theatre,
    package: Package,
    worlds: Mapping[str, Any] | None = None,
    *,
    seed: int = DEFAULT_SEED,
    sections: Mapping[str, Section] | None = None,
    months: int = 120,
) -> Section:
    """The durability section: P(peace holds), probes, clashes and cost, over ``worlds``.

    ``sections`` are the other models' sections over the same worlds (the assessment passes
    them, so no model runs twice); ``seed`` keys each world's history.
    """
    uncertainties = load_uncertainties()
    result = run(
        theatre,
        package,
        worlds,
        seed=seed,
        uncertainties=uncertainties,
        sections=sections,
        months=months,
    )
    summary = result.summary()
    names = (
        "held_12m",
        "held_36m",
        "held_60m",
        "held_120m",
        "p_hold_horizon",
        "probes",
        "probes_answered",
        "limited_attacks",
        "clashes",
        "cost_usd_bn",
        "credibility_end",
    )
    calibration = load_calibration()
    sources = tuple(calibration.sources)
    metrics = tuple(
        Metric.of(
            name,
            result.outcomes[name],
            OUTCOMES[name].unit,
            OUTCOMES[name].description,
            sources=sources,
            assumptions=("see durability/data/calibration.yaml and uncertainties.yaml",),
        )
        for name in names
    )
    ten = summary["p_hold"].get(
        "10y", {"p": float("nan"), "low": float("nan"), "high": float("nan")}
    )
    verdict = (
        f"peace holds 10 years in {ten['p']:.0%} of {result.n_worlds} worlds "
        f"(95% CI {ten['low']:.0%}-{ten['high']:.0%}); "
        f"{summary['expected_probes']:.1f} probes expected, "
        f"P(direct clash) {summary['p_direct_clash']['p']:.0%}"
    )
    # the survival curve month by month with its 95 % Wilson band: the assessment draws it from
    # here rather than simulating again
    low, high = wilson_band(result.survival, result.n_worlds)
    survival_rows = [
        {
            "month": month,
            "share": float(result.survival[month]),
            "low": float(low[month]),
            "high": float(high[month]),
        }
        for month in range(result.months + 1)
    ]
    return Section(
        name="durability",
        title="Does it deter? The years after the ceasefire",
        verdict=verdict,
        metrics=metrics,
        tables={"survival": survival_rows},
        notes=tuple(result.notes),
    )


__all__ = [
    "HOLD_MONTHS",
    "OUTCOMES",
    "Outcome",
    "SimulationResult",
    "assess",
    "run",
    "wilson_band",
    "wilson_interval",
]
