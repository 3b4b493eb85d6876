"""Calibration and backtest on the historical case library.

The fit (:func:`fit`): each case is simulated once (the kernel's ``trace``), and the two fitted
parameters, the baseline log odds of an offensive and the Weibull shape of its hazard over time,
are estimated by maximum likelihood on the cases' observed durations (a failure in month k
contributes P(fail in month k), a peace still holding contributes P(survive to the end of
observation), censored at :data:`FIT_HORIZON_MONTHS`). Standard errors come from the numerical
Hessian. Because both parameters enter only the offensive's utility, and the logit's other
choices do not depend on it, the traced paths are valid for any value of them: the likelihood is
re-evaluated without re-simulating.

The backtest (:func:`backtest`): each case's predicted P(peace holds) at 1, 5 and 10 years
against what happened, the Brier score against the base rate (the share of cases that held at
each horizon), both in-sample and leave-one-out (the fit and the base rate recomputed without
the case), and the rank order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize

from guarantor.durability.calibration import Calibration, load_calibration
from guarantor.durability.cases import Case, CaseLibrary, case_inputs, load_cases
from guarantor.durability.kernel import simulate
from guarantor.durability.uncertainties import Uncertainties, load_uncertainties
from guarantor.randomness import world_keys

FloatArray = NDArray[np.float64]
FIT_HORIZON_MONTHS = 360
HORIZONS_MONTHS = (12, 60, 120)
STRONG_CASES = ("korea-1953", "sinai-1974", "dayton-1995")
WEAK_CASES = ("budapest-1994", "minsk-1-2014", "minsk-2-2015")


@dataclass(frozen=True)
class CaseTrace:
    """One case simulated once: what the likelihood needs, per world and month."""

    case: Case
    offensive: FloatArray  # (n, months) offensive log odds less the fitted terms
    log_rest: FloatArray  # (n, months)


def trace_cases(
    library: CaseLibrary,
    calibration: Calibration,
    uncertainties: Uncertainties,
    *,
    n_worlds: int = 200,
    seed: int = 20260106,
    months: int = FIT_HORIZON_MONTHS,
) -> list[CaseTrace]:
    """Simulate every case once over ``months`` months, keeping the trace."""
    behaviour = calibration.behaviour_for_kernel()
    traces = []
    for design, case in enumerate(library.cases):
        keys = world_keys(seed, np.arange(n_worlds), design=design)
        out = simulate(
            case_inputs(case, calibration, uncertainties, n_worlds),
            behaviour,
            keys,
            months,
            trace=True,
        )
        traces.append(CaseTrace(case, out.trace_offensive, out.trace_log_rest))
    return traces


def survival_curve(trace: CaseTrace, baseline_log_odds: float, weibull_shape: float) -> FloatArray:
    """Mean over worlds of P(no offensive by the end of month t), t = 0 .. months."""
    months = trace.offensive.shape[1]
    time_term = (weibull_shape - 1.0) * np.log(np.arange(1, months + 1))
    logit = baseline_log_odds + time_term + trace.offensive - trace.log_rest
    log_keep = -np.logaddexp(0.0, logit)  # log(1 - sigmoid(logit))
    cumulative = np.concatenate([np.zeros((logit.shape[0], 1)), np.cumsum(log_keep, axis=1)], 1)
    return np.exp(cumulative).mean(axis=0)  # type: ignore[no-any-return]


def _case_log_likelihood(trace: CaseTrace, baseline: float, shape: float) -> float:
    """Log P(what happened): failing in month k, or still at peace when observation ends."""
    horizon = trace.offensive.shape[1]
    month = trace.case.breakdown_month
    fails = month is not None and month <= horizon
    last = month if fails and month is not None else min(horizon, int(trace.case.months.value))
    time_term = (shape - 1.0) * np.log(np.arange(1, last + 1))
    logit = baseline + time_term + trace.offensive[:, :last] - trace.log_rest[:, :last]
    log_keep = -np.log1p(np.exp(logit))
    if not fails:
        return float(np.log(max(np.exp(log_keep.sum(axis=1)).mean(), 1e-300)))
    before = np.exp(log_keep[:, :-1].sum(axis=1))
    chance = before * (1.0 - np.exp(log_keep[:, -1]))
    return float(np.log(max(chance.mean(), 1e-300)))


def negative_log_likelihood(traces: list[CaseTrace], parameters: FloatArray) -> float:
    """Minus the log likelihood of the cases' durations at (baseline, shape)."""
    baseline, shape = float(parameters[0]), float(parameters[1])
    return -sum(_case_log_likelihood(trace, baseline, shape) for trace in traces)


@dataclass(frozen=True)
class Fit:
    """The fitted parameters, their standard errors and the likelihood at the optimum."""

    baseline_log_odds: float
    weibull_shape: float
    standard_errors: tuple[float, float]
    negative_log_likelihood: float
    n_cases: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {
            "baseline_log_odds": self.baseline_log_odds,
            "weibull_shape": self.weibull_shape,
            "standard_errors": list(self.standard_errors),
            "negative_log_likelihood": self.negative_log_likelihood,
            "n_cases": self.n_cases,
        }


def _hessian(function: Any, point: FloatArray, step: float = 1e-3) -> FloatArray:
    size = point.size
    hessian = np.zeros((size, size))
    for i in range(size):
        for j in range(size):
            ei = np.eye(size)[i] * step
            ej = np.eye(size)[j] * step
            hessian[i, j] = (
                function(point + ei + ej)
                - function(point + ei - ej)
                - function(point - ei + ej)
                + function(point - ei - ej)
            ) / (4 * step * step)
    return hessian


def fit_traces(
    traces: list[CaseTrace], start: tuple[float, float] = (-4.0, 0.8), *, errors: bool = True
) -> Fit:
    """Maximum-likelihood baseline and shape on traced cases (Nelder-Mead, then Hessian SEs)."""

    def objective(x: FloatArray) -> float:
        # the shape is kept positive; a shape near 0 means a hazard concentrated at the start
        return 1e9 if x[1] <= 0.05 else negative_log_likelihood(traces, x)

    best = minimize(
        objective,
        np.asarray(start, dtype=np.float64),
        method="Nelder-Mead",
        options={"xatol": 1e-3, "fatol": 1e-4, "maxiter": 400},
    )
    spread = (float("nan"), float("nan"))
    if errors:
        try:
            covariance = np.linalg.inv(_hessian(objective, best.x))
            low, high = (float(np.sqrt(max(v, 0.0))) for v in np.diag(covariance))
            spread = (low, high)
        except np.linalg.LinAlgError:
            pass
    return Fit(
        float(best.x[0]),
        float(best.x[1]),
        spread,
        float(best.fun),
        len(traces),
    )


def fit(
    library: CaseLibrary | None = None,
    calibration: Calibration | None = None,
    uncertainties: Uncertainties | None = None,
    *,
    n_worlds: int = 200,
    seed: int = 20260106,
) -> Fit:
    """The calibration procedure: trace the cases, then fit baseline and shape by ML."""
    traces = trace_cases(
        library or load_cases(),
        calibration or load_calibration(),
        uncertainties or load_uncertainties(),
        n_worlds=n_worlds,
        seed=seed,
    )
    return fit_traces(traces)


@dataclass(frozen=True)
class CaseForecast:
    """One case's predicted P(hold) at each horizon against what happened."""

    case_id: str
    title: str
    predicted: tuple[float, ...]
    predicted_loo: tuple[float, ...]
    observed: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        years = [h // 12 for h in HORIZONS_MONTHS]
        return {
            "case": self.case_id,
            "title": self.title,
            **{f"p_hold_{y}y": p for y, p in zip(years, self.predicted, strict=True)},
            **{f"p_hold_{y}y_loo": p for y, p in zip(years, self.predicted_loo, strict=True)},
            **{f"held_{y}y": o for y, o in zip(years, self.observed, strict=True)},
        }


@dataclass(frozen=True)
class Backtest:
    """Forecasts, Brier scores and the rank order."""

    forecasts: tuple[CaseForecast, ...]
    brier: float
    brier_base_rate: float
    brier_loo: float
    brier_base_rate_loo: float
    base_rates: tuple[float, ...]
    fit: Fit

    @property
    def skill(self) -> float:
        """Brier skill score against the base rate (1 perfect, 0 no better, < 0 worse)."""
        return 1.0 - self.brier / self.brier_base_rate

    @property
    def skill_loo(self) -> float:
        """Leave-one-out Brier skill score."""
        return 1.0 - self.brier_loo / self.brier_base_rate_loo

    def rank_order(self) -> list[str]:
        """Case ids from the highest predicted P(hold 10 years) to the lowest."""
        ordered = sorted(self.forecasts, key=lambda f: (-f.predicted[-1], f.case_id))
        return [forecast.case_id for forecast in ordered]

    def forecast(self, case_id: str) -> CaseForecast:
        """The forecast for one case."""
        return next(f for f in self.forecasts if f.case_id == case_id)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {
            "horizons_years": [h // 12 for h in HORIZONS_MONTHS],
            "cases": [forecast.to_dict() for forecast in self.forecasts],
            "brier": self.brier,
            "brier_base_rate": self.brier_base_rate,
            "skill": self.skill,
            "brier_loo": self.brier_loo,
            "brier_base_rate_loo": self.brier_base_rate_loo,
            "skill_loo": self.skill_loo,
            "base_rates": list(self.base_rates),
            "rank_order": self.rank_order(),
            "fit": self.fit.to_dict(),
        }


def _brier(predicted: FloatArray, observed: FloatArray) -> float:
    return float(np.mean((predicted - observed) ** 2))


def backtest(
    library: CaseLibrary | None = None,
    calibration: Calibration | None = None,
    uncertainties: Uncertainties | None = None,
    *,
    n_worlds: int = 200,
    seed: int = 20260106,
    refit: bool = True,
) -> Backtest:
    """Run the backtest (see the module docstring).

    With ``refit`` the in-sample forecasts use the parameters fitted on ``library``; otherwise
    they use the calibration's stored values. Leave-one-out forecasts always refit.
    """
    library = library or load_cases()
    calibration = calibration or load_calibration()
    traces = trace_cases(
        library, calibration, uncertainties or load_uncertainties(), n_worlds=n_worlds, seed=seed
    )
    stored = (calibration.fitted.baseline_log_odds.value, calibration.fitted.weibull_shape.value)
    full = fit_traces(traces, stored)
    used = (full.baseline_log_odds, full.weibull_shape) if refit else stored
    observed = np.array(
        [[int(trace.case.held_for(h)) for h in HORIZONS_MONTHS] for trace in traces], float
    )
    predicted = np.array([survival_curve(trace, *used)[list(HORIZONS_MONTHS)] for trace in traces])
    predicted_loo = np.empty_like(predicted)
    base_loo = np.empty_like(predicted)
    for index in range(len(traces)):
        others = traces[:index] + traces[index + 1 :]
        if others:
            held_out = fit_traces(
                others, (full.baseline_log_odds, full.weibull_shape), errors=False
            )
            curve = survival_curve(
                traces[index], held_out.baseline_log_odds, held_out.weibull_shape
            )
            predicted_loo[index] = curve[list(HORIZONS_MONTHS)]
            base_loo[index] = np.delete(observed, index, axis=0).mean(axis=0)
        else:
            predicted_loo[index] = predicted[index]
            base_loo[index] = observed[index]
    base_rates = observed.mean(axis=0)
    forecasts = tuple(
        CaseForecast(
            trace.case.id,
            trace.case.title,
            tuple(float(p) for p in predicted[i]),
            tuple(float(p) for p in predicted_loo[i]),
            tuple(int(o) for o in observed[i]),
        )
        for i, trace in enumerate(traces)
    )
    return Backtest(
        forecasts=forecasts,
        brier=_brier(predicted, observed),
        brier_base_rate=_brier(np.broadcast_to(base_rates, observed.shape), observed),
        brier_loo=_brier(predicted_loo, observed),
        brier_base_rate_loo=_brier(base_loo, observed),
        base_rates=tuple(float(r) for r in base_rates),
        fit=full,
    )
