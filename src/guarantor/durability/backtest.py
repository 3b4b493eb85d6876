"""Calibration and backtest on the historical case library, scored out of sample.

**The fit** (:func:`fit_traces`). Each case is simulated once with the kernel's ``trace``; the
three fitted parameters (θ: the baseline log odds of an offensive, the Weibull shape of its
hazard over time and the log hazard ratio of the truce's first months, the early-fragility step)
enter only the offensive's utility, and the logit's other choices do not depend on it, so the
traced paths hold for any θ and the likelihood is re-evaluated without re-simulating. A failure
in month k contributes P(fail in month k), a peace still holding contributes P(at peace when
observation ends), censored at :data:`FIT_HORIZON_MONTHS`. Worlds whose traces are identical
(cases without guarantees or peacekeepers: nothing is learnt along the path) are merged, with
weights. The likelihood's gradient is analytic; L-BFGS-B maximises it.

Two methods: ``mle`` (maximum likelihood) and ``bayes`` (the posterior with weakly informative
normal priors from the literature, :class:`Prior`: Fortna's "almost half" of wars renewed sets
the baseline's prior mean). Standard errors (posterior SDs for ``bayes``) come from the Hessian
of the objective, differentiated from the analytic gradient. ``bayes`` forecasts are posterior
predictive: the mean survival over draws from the Laplace approximation of the posterior.

**The backtest** (:func:`backtest`). What is scored and with which parameters:

* ``shipped`` (default): the cases with the shipped calibration, fitted on the shipped library;
  out of sample for every case not in that library (each forecast says whether it is);
* ``refit``: the parameters refitted on the cases themselves (in sample);
* ``holdout``: refitted on the library without the held-out cases, which are then scored.

And always, on the library the parameters came from: k-fold and leave-one-out
cross-validation (every fold refits). Reported: the Brier score at 1, 5 and 10 years and the base
rate's (the training share that held), with case-bootstrap 95 % intervals, Harrell's C on the
durations, and a reliability table (predicted against observed by decile).
"""

from __future__ import annotations

import contextlib
import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize

from guarantor.durability.calibration import Calibration, load_calibration
from guarantor.durability.cases import Case, CaseLibrary, case_inputs, load_cases
from guarantor.durability.kernel import simulate
from guarantor.durability.uncertainties import Uncertainties, load_uncertainties
from guarantor.randomness import world_keys

FloatArray = NDArray[np.float64]
Method = Literal["mle", "bayes"]
Mode = Literal["shipped", "refit", "holdout"]
FIT_HORIZON_MONTHS = 360
HORIZONS_MONTHS = (12, 60, 120)
PARAMETERS = ("baseline_log_odds", "weibull_shape", "early_log_hr")
BOUNDS = ((-15.0, 5.0), (0.05, 3.0), (-6.0, 6.0))
STRONG_CASES = ("korea-1953", "sinai-1974", "dayton-1995")
WEAK_CASES = ("budapest-1994", "minsk-1-2014", "minsk-2-2015")
DEFAULT_SEED = 20260106
K_FOLDS = 5
BOOTSTRAP = 2000
POSTERIOR_DRAWS = 32


@dataclass(frozen=True)
class CaseTrace:
    """One case simulated once: what the likelihood needs, per distinct world and month."""

    case: Case
    offensive: FloatArray  # (w, months) offensive log odds less the fitted terms
    log_rest: FloatArray  # (w, months)
    weight: FloatArray = field(default_factory=lambda: np.ones(0))  # (w,) worlds merged

    def __post_init__(self) -> None:
        if self.weight.size != self.offensive.shape[0]:
            object.__setattr__(
                self, "weight", np.full(self.offensive.shape[0], 1.0 / self.offensive.shape[0])
            )

    @cached_property
    def logit(self) -> FloatArray:
        """The offensive's logit less θ's terms, over the months the fit sees."""
        last, _ = _observed_months(self)
        return np.ascontiguousarray(self.offensive[:, :last] - self.log_rest[:, :last])


def _merged(offensive: FloatArray, log_rest: FloatArray) -> tuple[FloatArray, ...]:
    """Identical world rows merged into one, weighted by their share."""
    stacked = np.concatenate([offensive, log_rest], axis=1)
    rows, inverse = np.unique(stacked, axis=0, return_inverse=True)
    counts = np.bincount(inverse.ravel(), minlength=rows.shape[0]).astype(np.float64)
    months = offensive.shape[1]
    return rows[:, :months], rows[:, months:], counts / counts.sum()


def trace_cases(
    library: CaseLibrary,
    calibration: Calibration,
    uncertainties: Uncertainties,
    *,
    n_worlds: int = 200,
    seed: int = DEFAULT_SEED,
    months: int = FIT_HORIZON_MONTHS,
) -> list[CaseTrace]:
    """Simulate every case once over ``months`` months, keeping the (merged) trace."""
    behaviour = calibration.behaviour_for_kernel()
    traces = []
    for case in library.cases:
        # each case's worlds are keyed by its id, so a case's trace is the same in any library
        design = int.from_bytes(hashlib.blake2b(case.id.encode(), digest_size=4).digest(), "big")
        keys = world_keys(seed, np.arange(n_worlds), design=design)
        out = simulate(
            case_inputs(case, calibration, uncertainties, n_worlds),
            behaviour,
            keys,
            months,
            trace=True,
        )
        offensive, log_rest, weight = _merged(out.trace_offensive, out.trace_log_rest)
        traces.append(CaseTrace(case, offensive, log_rest, weight))
    return traces


@cache
def _design(months: int, early_months: int) -> FloatArray:
    """Per month t = 1..months the columns of θ's terms: 1, ln t, [t ≤ early months]."""
    t = np.arange(1, months + 1, dtype=np.float64)
    x = np.stack([np.ones_like(t), np.log(t), (t <= early_months).astype(np.float64)], 1)
    x.flags.writeable = False
    return x


def _theta_terms(theta: Sequence[float] | FloatArray, months: int, early_months: int) -> FloatArray:
    """β0 + (γ − 1) ln t + ln HR_early · [t ≤ E], for t = 1..months."""
    x = _design(months, early_months)
    return x[:, 0] * theta[0] + x[:, 1] * (theta[1] - 1.0) + x[:, 2] * theta[2]


def survival_curve(
    trace: CaseTrace,
    theta: Sequence[float] | FloatArray,
    early_months: int,
    months: int | None = None,
) -> FloatArray:
    """Mean over worlds of P(no offensive by the end of month t), t = 0 .. months."""
    horizon = trace.offensive.shape[1] if months is None else min(months, trace.offensive.shape[1])
    logit = trace.offensive[:, :horizon] - trace.log_rest[:, :horizon]
    logit = logit + _theta_terms(theta, horizon, early_months)
    log_keep = -np.logaddexp(0.0, logit)
    cumulative = np.concatenate([np.zeros((logit.shape[0], 1)), np.cumsum(log_keep, axis=1)], 1)
    return np.asarray(trace.weight @ np.exp(cumulative), dtype=np.float64)


def _observed_months(trace: CaseTrace) -> tuple[int, bool]:
    """Months of the case seen by the fit, and whether it ends in a failure."""
    horizon = trace.offensive.shape[1]
    month = trace.case.breakdown_month
    if month is not None and month <= horizon:
        return month, True
    return max(1, min(horizon, int(trace.case.months.value))), False


def case_log_likelihood(
    trace: CaseTrace, theta: Sequence[float] | FloatArray, early_months: int
) -> tuple[float, FloatArray]:
    """Log P(what happened) and its gradient in θ."""
    last, fails = _observed_months(trace)
    x = _design(last, early_months)
    logit = trace.logit + x @ np.array([theta[0], theta[1] - 1.0, theta[2]])
    log_keep = np.logaddexp(0.0, logit)
    np.negative(log_keep, out=log_keep)  # log(1 - p)
    p = -np.expm1(log_keep)  # p = sigmoid(logit)
    if fails:
        # survive months 1..last-1, fail in month last: log p = logit + log(1 - p)
        log_world = log_keep[:, :-1].sum(axis=1) + logit[:, -1] + log_keep[:, -1]
        grad_world = -(p[:, :-1] @ x[:-1]) + np.outer(1.0 - p[:, -1], x[-1])
    else:
        log_world = log_keep.sum(axis=1)
        grad_world = -(p @ x)
    top = log_world.max()
    share = trace.weight * np.exp(log_world - top)
    total = share.sum()
    log_likelihood = float(top + math.log(max(total, 1e-300)))
    gradient = (share / max(total, 1e-300)) @ grad_world
    # θ enters as (γ − 1) ln t, so d/dγ is the ln t column as it stands
    return log_likelihood, np.asarray(gradient, dtype=np.float64)


@dataclass(frozen=True)
class Prior:
    """Independent normal priors on θ = (β0, γ, ln HR_early)."""

    mean: tuple[float, float, float]
    sd: tuple[float, float, float]

    def log_density(self, theta: FloatArray) -> tuple[float, FloatArray]:
        """Log prior density (up to a constant) and its gradient."""
        mean, sd = np.asarray(self.mean), np.asarray(self.sd)
        z = (theta - mean) / sd
        return float(-0.5 * z @ z), -z / sd

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {
            name: {"mean": m, "sd": s}
            for name, m, s in zip(PARAMETERS, self.mean, self.sd, strict=True)
        }


def bare_truce_baseline(
    calibration: Calibration, uncertainties: Uncertainties, *, share: float, months: int
) -> float:
    """β0 at which a bare truce against limited aims fails within ``months`` with ``share``.

    At the prior's mean shape and no early step: the anchor of the baseline's prior (Fortna:
    "almost half" of the wars since 1945 were followed by renewed fighting).
    """
    priors = calibration.priors
    shape = 1.0 if priors is None else priors.shape_mean.value
    bare = Case.model_validate(
        {
            "id": "bare-truce",
            "title": "a bare truce against limited aims",
            "start": "2000-01-01",
            "settlement": "truce",
            "victor_aims": "limited",
            "loser_aims": "limited",
            "reattacker": "loser",
            "guarantee": "none",
            "backstop": "none",
            "guarantor_is_party": False,
            "peacekeeping": "none",
            "monitoring": "none",
            "separation_zone": False,
            "joint_commission": False,
            "held": True,
            "months": {
                "value": months,
                "unit": "months",
                "assumption": "anchor",
                "low": 1,
                "high": 1000,
            },
        }
    )
    library = CaseLibrary((bare,), {}, "prior")
    trace = trace_cases(library, calibration, uncertainties, n_worlds=1, months=months)[0]

    def held(baseline: float) -> float:
        return float(survival_curve(trace, (baseline, shape, 0.0), 0)[-1])

    low, high = -15.0, 5.0
    for _ in range(60):  # bisection: survival falls as the baseline rises
        middle = 0.5 * (low + high)
        if held(middle) > 1.0 - share:
            low = middle
        else:
            high = middle
    return 0.5 * (low + high)


def literature_prior(calibration: Calibration, uncertainties: Uncertainties) -> Prior:
    """The Bayesian fit's prior, from the calibration's ``priors`` group."""
    priors = calibration.priors
    if priors is None:
        raise ValueError("the calibration has no 'priors' group")
    anchor = bare_truce_baseline(
        calibration,
        uncertainties,
        share=priors.bare_truce_failure_share.value,
        months=round(priors.bare_truce_horizon_months.value),
    )
    return Prior(
        mean=(anchor, priors.shape_mean.value, priors.early_log_hr_mean.value),
        sd=(priors.baseline_sd.value, priors.shape_sd.value, priors.early_log_hr_sd.value),
    )


@dataclass(frozen=True)
class Fit:
    """Fitted θ, its standard errors (posterior SDs for ``bayes``) and where it came from."""

    method: Method
    theta: tuple[float, float, float]
    standard_errors: tuple[float, float, float]
    covariance: tuple[tuple[float, ...], ...]
    objective: float  # − log likelihood (− log posterior for bayes) at the optimum
    n_cases: int
    n_failures: int
    early_months: int
    prior: Prior | None = None

    @property
    def baseline_log_odds(self) -> float:
        """β0."""
        return self.theta[0]

    @property
    def weibull_shape(self) -> float:
        """γ."""
        return self.theta[1]

    @property
    def early_log_hr(self) -> float:
        """The log hazard ratio of the early months."""
        return self.theta[2]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {
            "method": self.method,
            "parameters": dict(zip(PARAMETERS, self.theta, strict=True)),
            "standard_errors": dict(zip(PARAMETERS, self.standard_errors, strict=True)),
            "early_months": self.early_months,
            "objective": self.objective if math.isfinite(self.objective) else None,
            "n_cases": self.n_cases,
            "n_failures": self.n_failures,
            "prior": None if self.prior is None else self.prior.to_dict(),
        }


def _objective(
    traces: Sequence[CaseTrace], early_months: int, prior: Prior | None
) -> Callable[[FloatArray], tuple[float, FloatArray]]:
    def value(theta: FloatArray) -> tuple[float, FloatArray]:
        total, gradient = 0.0, np.zeros(3)
        for trace in traces:
            ll, g = case_log_likelihood(trace, theta, early_months)
            total += ll
            gradient += g
        if prior is not None:
            lp, g = prior.log_density(theta)
            total += lp
            gradient += g
        return -total, -gradient

    return value


def fit_traces(
    traces: Sequence[CaseTrace],
    *,
    early_months: int,
    method: Method = "mle",
    prior: Prior | None = None,
    start: Sequence[float] = (-4.5, 0.9, 0.0),
    errors: bool = True,
) -> Fit:
    """θ by maximum likelihood (``mle``) or posterior mode (``bayes``: needs ``prior``)."""
    if method == "bayes" and prior is None:
        raise ValueError("the Bayesian fit needs a prior")
    used = prior if method == "bayes" else None
    objective = _objective(traces, early_months, used)
    best = minimize(
        objective,
        np.clip(np.asarray(start, dtype=np.float64), *np.array(BOUNDS).T),
        jac=True,
        method="L-BFGS-B",
        bounds=BOUNDS,
        options={"maxiter": 200, "gtol": 1e-6},
    )
    theta = np.asarray(best.x, dtype=np.float64)
    covariance = np.full((3, 3), np.nan)
    if errors:
        step = 1e-4
        hessian = np.zeros((3, 3))
        for i in range(3):
            shift = np.zeros(3)
            shift[i] = step
            hessian[i] = (objective(theta + shift)[1] - objective(theta - shift)[1]) / (2 * step)
        hessian = 0.5 * (hessian + hessian.T)
        with contextlib.suppress(np.linalg.LinAlgError):
            covariance = np.linalg.inv(hessian)
    spread = tuple(float(math.sqrt(v)) if v > 0 else math.nan for v in np.diag(covariance))
    return Fit(
        method=method,
        theta=(float(theta[0]), float(theta[1]), float(theta[2])),
        standard_errors=(spread[0], spread[1], spread[2]),
        covariance=tuple(tuple(float(v) for v in row) for row in covariance),
        objective=float(best.fun),
        n_cases=len(traces),
        n_failures=sum(trace.case.breakdown_month is not None for trace in traces),
        early_months=early_months,
        prior=used,
    )


def predict(traces: Sequence[CaseTrace], fitted: Fit) -> FloatArray:
    """P(peace holds) at each of :data:`HORIZONS_MONTHS` for each case, ``(cases, horizons)``.

    ``mle``: at the estimate. ``bayes``: posterior predictive, the mean over draws from the
    Laplace approximation of the posterior (fixed draws: the forecast is deterministic).
    """
    horizon = max(HORIZONS_MONTHS)
    thetas = [np.asarray(fitted.theta)]
    covariance = np.asarray(fitted.covariance)
    if fitted.method == "bayes" and np.all(np.isfinite(covariance)):
        try:
            lower = np.linalg.cholesky(covariance)
            normal = np.random.default_rng(0).standard_normal((POSTERIOR_DRAWS, 3))
            drawn = np.asarray(fitted.theta) + normal @ lower.T
            low, high = np.array(BOUNDS).T
            thetas = list(np.clip(drawn, low, high))
        except np.linalg.LinAlgError:
            pass
    columns = list(HORIZONS_MONTHS)
    out = np.empty((len(traces), len(columns)))
    for i, trace in enumerate(traces):
        curves = [survival_curve(trace, theta, fitted.early_months, horizon) for theta in thetas]
        out[i] = np.mean(curves, axis=0)[columns]
    return out


def observed_outcomes(cases: Sequence[Case]) -> tuple[FloatArray, NDArray[np.bool_]]:
    """Held (1) or not (0) at each horizon, and whether that outcome is known yet."""
    held = np.array([[float(case.held_for(h)) for h in HORIZONS_MONTHS] for case in cases])
    known = np.array([[case.known_at(h) for h in HORIZONS_MONTHS] for case in cases], dtype=bool)
    return held.reshape(len(cases), len(HORIZONS_MONTHS)), known.reshape(held.shape[0], -1)


def base_rates(cases: Sequence[Case]) -> FloatArray:
    """Share of ``cases`` that held at each horizon, among those whose outcome is known."""
    held, known = observed_outcomes(cases)
    counts = np.maximum(known.sum(axis=0), 1)
    return np.asarray((held * known).sum(axis=0) / counts, dtype=np.float64)


def harrell_c(risk: FloatArray, months: FloatArray, failed: NDArray[np.bool_]) -> float:
    """Harrell's concordance: of usable pairs, the share where the earlier failure had more risk.

    A pair is usable when the case with the shorter time failed (the other outlasted it); ties in
    risk count a half. 0.5 is chance, 1 a perfect ordering.
    """
    concordant = usable = 0.0
    for i in range(risk.size):
        if not failed[i]:
            continue
        later = months > months[i]
        usable += later.sum()
        concordant += (risk[i] > risk[later]).sum() + 0.5 * (risk[i] == risk[later]).sum()
    return float(concordant / usable) if usable else math.nan


@dataclass(frozen=True)
class Scores:
    """Brier scores of a set of forecasts and of the base rate, with bootstrap intervals."""

    brier: float
    brier_base_rate: float
    brier_interval: tuple[float, float]
    base_rate_interval: tuple[float, float]
    skill: float  # 1 − Brier / base rate's Brier
    skill_interval: tuple[float, float]
    difference_interval: tuple[float, float]  # base rate's Brier − Brier (> 0: better)
    by_horizon: tuple[tuple[float, float], ...]  # (Brier, base rate's Brier) per horizon
    harrell_c: float
    reliability: tuple[dict[str, float], ...]
    n_cases: int
    n_forecasts: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        years = [h // 12 for h in HORIZONS_MONTHS]
        return {
            "brier": self.brier,
            "brier_95": list(self.brier_interval),
            "brier_base_rate": self.brier_base_rate,
            "brier_base_rate_95": list(self.base_rate_interval),
            "skill": self.skill,
            "skill_95": list(self.skill_interval),
            "base_rate_minus_brier_95": list(self.difference_interval),
            "by_horizon": [
                {"years": y, "brier": b, "brier_base_rate": r}
                for y, (b, r) in zip(years, self.by_horizon, strict=True)
            ],
            "harrell_c": self.harrell_c,
            "reliability": list(self.reliability),
            "n_cases": self.n_cases,
            "n_forecasts": self.n_forecasts,
        }


def reliability_table(
    predicted: FloatArray, observed: FloatArray, *, bins: int = 10
) -> tuple[dict[str, float], ...]:
    """Predicted against observed by decile of the prediction (equal-count bins)."""
    order = np.argsort(predicted, kind="stable")
    rows = []
    for index, chunk in enumerate(np.array_split(order, min(bins, predicted.size))):
        if chunk.size == 0:
            continue
        rows.append(
            {
                "bin": float(index + 1),
                "n": float(chunk.size),
                "predicted_low": float(predicted[chunk].min()),
                "predicted_high": float(predicted[chunk].max()),
                "mean_predicted": float(predicted[chunk].mean()),
                "observed_share": float(observed[chunk].mean()),
            }
        )
    return tuple(rows)


def score(
    cases: Sequence[Case], predicted: FloatArray, base: FloatArray, *, seed: int = 0
) -> Scores:
    """Brier (known outcomes only), base rate, case-bootstrap intervals, C and reliability."""
    held, known = observed_outcomes(cases)
    error = np.where(known, (predicted - held) ** 2, 0.0)
    error_base = np.where(known, (base - held) ** 2, 0.0)
    counts = known.sum(axis=1).astype(np.float64)

    def briers(rows: NDArray[np.intp]) -> tuple[float, float]:
        n = max(counts[rows].sum(), 1.0)
        return float(error[rows].sum() / n), float(error_base[rows].sum() / n)

    everyone = np.arange(len(cases))
    brier, brier_base = briers(everyone)
    rng = np.random.default_rng(seed)
    draws = np.array([briers(rng.integers(0, len(cases), len(cases))) for _ in range(BOOTSTRAP)])
    skill_draws = 1.0 - draws[:, 0] / np.maximum(draws[:, 1], 1e-12)

    def interval(values: FloatArray) -> tuple[float, float]:
        low, high = np.percentile(values, [2.5, 97.5])
        return float(low), float(high)

    per_horizon = tuple(
        (
            float(error[:, j].sum() / max(known[:, j].sum(), 1)),
            float(error_base[:, j].sum() / max(known[:, j].sum(), 1)),
        )
        for j in range(len(HORIZONS_MONTHS))
    )
    months = np.array([case.months.value for case in cases])
    failed = np.array([not case.held for case in cases], dtype=bool)
    return Scores(
        brier=brier,
        brier_base_rate=brier_base,
        brier_interval=interval(draws[:, 0]),
        base_rate_interval=interval(draws[:, 1]),
        skill=1.0 - brier / brier_base if brier_base > 0 else math.nan,
        skill_interval=interval(skill_draws),
        difference_interval=interval(draws[:, 1] - draws[:, 0]),
        by_horizon=per_horizon,
        harrell_c=harrell_c(1.0 - predicted[:, -1], months, failed),
        reliability=reliability_table(predicted[known], held[known]),
        n_cases=len(cases),
        n_forecasts=int(known.sum()),
    )


def k_folds(n: int, k: int = K_FOLDS, seed: int = 0) -> list[list[int]]:
    """``k`` folds of ``range(n)``, shuffled once with ``seed`` (deterministic)."""
    order = np.random.default_rng(seed).permutation(n)
    return [sorted(int(i) for i in chunk) for chunk in np.array_split(order, min(k, n))]


def cross_validate(
    traces: Sequence[CaseTrace],
    folds: Sequence[Sequence[int]],
    *,
    method: Method,
    prior: Prior | None,
    early_months: int,
    start: Sequence[float],
) -> tuple[FloatArray, FloatArray]:
    """Out-of-fold forecasts and base rates: every fold refitted without its cases."""
    n = len(traces)
    predicted = np.empty((n, len(HORIZONS_MONTHS)))
    base = np.empty_like(predicted)
    for fold in folds:
        held_out = set(fold)
        training = [trace for i, trace in enumerate(traces) if i not in held_out]
        fitted = fit_traces(
            training,
            early_months=early_months,
            method=method,
            prior=prior,
            start=start,
            errors=method == "bayes",
        )
        rows = sorted(held_out)
        predicted[rows] = predict([traces[i] for i in rows], fitted)
        base[rows] = base_rates([trace.case for trace in training])
    return predicted, base


@dataclass(frozen=True)
class CaseForecast:
    """One case's predicted P(hold) at each horizon against what happened."""

    case_id: str
    title: str
    predicted: tuple[float, ...]
    predicted_loo: tuple[float, ...] | None
    observed: tuple[int | None, ...]  # None: not yet known (observation too short)
    in_sample: bool  # the parameters were fitted on a library containing this case

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        years = [h // 12 for h in HORIZONS_MONTHS]
        row: dict[str, Any] = {"case": self.case_id, "title": self.title}
        row.update({f"p_hold_{y}y": p for y, p in zip(years, self.predicted, strict=True)})
        if self.predicted_loo is not None:
            row.update(
                {f"p_hold_{y}y_loo": p for y, p in zip(years, self.predicted_loo, strict=True)}
            )
        row.update({f"held_{y}y": o for y, o in zip(years, self.observed, strict=True)})
        row["in_sample"] = self.in_sample
        return row


@dataclass(frozen=True)
class Backtest:
    """Forecasts of the scored cases, their scores, and cross-validation on the training library."""

    mode: Mode
    statement: str  # what was scored with which parameters, in a sentence
    forecasts: tuple[CaseForecast, ...]
    scored: Scores
    fit: Fit
    training_cases: tuple[str, ...]
    loo: Scores | None
    kfold: Scores | None
    base_rates: tuple[float, ...]

    @property
    def brier(self) -> float:
        """Brier score of the scored forecasts."""
        return self.scored.brier

    @property
    def brier_base_rate(self) -> float:
        """Brier score of the training base rate on the scored cases."""
        return self.scored.brier_base_rate

    @property
    def skill(self) -> float:
        """Brier skill of the scored forecasts (1 perfect, 0 no better than the base rate)."""
        return self.scored.skill

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
            "mode": self.mode,
            "statement": self.statement,
            "horizons_years": [h // 12 for h in HORIZONS_MONTHS],
            "cases": [forecast.to_dict() for forecast in self.forecasts],
            "scored": self.scored.to_dict(),
            "brier": self.brier,
            "brier_base_rate": self.brier_base_rate,
            "skill": self.skill,
            "cross_validation": {
                "library": list(self.training_cases),
                "leave_one_out": None if self.loo is None else self.loo.to_dict(),
                "k_fold": None if self.kfold is None else {"k": K_FOLDS, **self.kfold.to_dict()},
            },
            "base_rates": list(self.base_rates),
            "rank_order": self.rank_order(),
            "fit": self.fit.to_dict(),
        }


def shipped_fit(calibration: Calibration, library: CaseLibrary) -> Fit:
    """The calibration's stored parameters as a :class:`Fit` (errors from its ±2 SE ranges)."""
    fitted = calibration.fitted
    quantities = (fitted.baseline_log_odds, fitted.weibull_shape, fitted.early_log_hr)
    theta = tuple(0.0 if q is None else q.value for q in quantities)
    spread = tuple(
        math.nan if q is None or q.low is None or q.high is None else (q.high - q.low) / 4
        for q in quantities
    )
    covariance = np.diag([s * s if math.isfinite(s) else math.nan for s in spread])
    return Fit(
        method=fitted.method,
        theta=(theta[0], theta[1], theta[2]),
        standard_errors=(spread[0], spread[1], spread[2]),
        covariance=tuple(tuple(float(v) for v in row) for row in covariance),
        objective=math.nan,
        n_cases=len(library.cases),
        n_failures=sum(not case.held for case in library.cases),
        early_months=calibration.early_months(),
    )


def backtest(
    cases: CaseLibrary | None = None,
    calibration: Calibration | None = None,
    uncertainties: Uncertainties | None = None,
    *,
    mode: Mode = "shipped",
    holdout: Sequence[str] = (),
    library: CaseLibrary | None = None,
    method: Method | None = None,
    n_worlds: int = 200,
    seed: int = DEFAULT_SEED,
    cross_validation: bool = True,
) -> Backtest:
    """Score ``cases`` (default: the library) as ``mode`` says; see the module docstring.

    ``library`` is where parameters are fitted (default: the shipped library; with ``refit``,
    the cases themselves). ``method`` defaults to the calibration's. Cross-validation runs on
    the training library.
    """
    calibration = calibration or load_calibration()
    uncertainties = uncertainties or load_uncertainties()
    shipped_library = load_cases()
    method = method or calibration.fitted.method
    early_months = calibration.early_months()
    prior = literature_prior(calibration, uncertainties) if calibration.priors else None

    def traced(lib: CaseLibrary) -> list[CaseTrace]:
        return trace_cases(lib, calibration, uncertainties, n_worlds=n_worlds, seed=seed)

    if mode == "holdout":
        training_library = (library or cases or shipped_library).without(list(holdout))
        scored_library = (library or cases or shipped_library).select(list(holdout))
    elif mode == "refit":
        training_library = cases or library or shipped_library
        scored_library = training_library
    else:
        training_library = library or shipped_library
        scored_library = cases or training_library
    # the training library is simulated only when something is fitted on it
    needs_training = mode != "shipped" or cross_validation
    training = traced(training_library) if needs_training else []
    scored_traces = traced(scored_library)
    stored = shipped_fit(calibration, shipped_library)
    if mode == "shipped":
        used = stored
        statement = (
            f"scored with the shipped calibration ({stored.method}, fitted on the shipped "
            f"library of {len(shipped_library.cases)} cases)"
        )
    else:
        used = fit_traces(
            training, early_months=early_months, method=method, prior=prior, start=stored.theta
        )
        statement = (
            f"refitted ({method}) on the {len(training)} cases scored"
            if mode == "refit"
            else f"refitted ({method}) on the library without {', '.join(holdout)}, "
            "which are scored out of sample"
        )
    fitted_on = {
        case.id for case in (shipped_library if mode == "shipped" else training_library).cases
    }
    inside = [trace.case.id in fitted_on for trace in scored_traces]
    if mode == "shipped":
        statement += (
            f"; {sum(inside)} of the {len(inside)} scored cases are in that library (in sample), "
            f"{len(inside) - sum(inside)} are out of sample"
        )
    predicted = predict(scored_traces, used)
    training_base = base_rates(training_library.cases)
    scored_cases = [trace.case for trace in scored_traces]
    scored = score(scored_cases, predicted, np.broadcast_to(training_base, predicted.shape))

    loo = kfold = None
    loo_rows: dict[str, tuple[float, ...]] = {}
    if cross_validation and len(training) >= 3:
        start = used.theta
        loo_predicted, loo_base = cross_validate(
            training,
            [[i] for i in range(len(training))],
            method=method,
            prior=prior,
            early_months=early_months,
            start=start,
        )
        training_cases = [trace.case for trace in training]
        loo = score(training_cases, loo_predicted, loo_base)
        k_predicted, k_base = cross_validate(
            training,
            k_folds(len(training), K_FOLDS, seed),
            method=method,
            prior=prior,
            early_months=early_months,
            start=start,
        )
        kfold = score(training_cases, k_predicted, k_base)
        loo_rows = {
            trace.case.id: tuple(float(p) for p in loo_predicted[i])
            for i, trace in enumerate(training)
        }
    held, known = observed_outcomes(scored_cases)
    forecasts = tuple(
        CaseForecast(
            trace.case.id,
            trace.case.title,
            tuple(float(p) for p in predicted[i]),
            loo_rows.get(trace.case.id),
            tuple(int(h) if k else None for h, k in zip(held[i], known[i], strict=True)),
            inside[i],
        )
        for i, trace in enumerate(scored_traces)
    )
    return Backtest(
        mode=mode,
        statement=statement,
        forecasts=forecasts,
        scored=scored,
        fit=used,
        training_cases=tuple(case.id for case in training_library.cases),
        loo=loo,
        kfold=kfold,
        base_rates=tuple(float(r) for r in training_base),
    )


def fit(
    library: CaseLibrary | None = None,
    calibration: Calibration | None = None,
    uncertainties: Uncertainties | None = None,
    *,
    method: Method | None = None,
    n_worlds: int = 200,
    seed: int = DEFAULT_SEED,
) -> Fit:
    """The calibration procedure: trace the cases, then fit θ by the calibration's method."""
    calibration = calibration or load_calibration()
    uncertainties = uncertainties or load_uncertainties()
    method = method or calibration.fitted.method
    traces = trace_cases(
        library or load_cases(), calibration, uncertainties, n_worlds=n_worlds, seed=seed
    )
    prior = literature_prior(calibration, uncertainties) if calibration.priors else None
    return fit_traces(traces, early_months=calibration.early_months(), method=method, prior=prior)


@dataclass(frozen=True)
class MethodComparison:
    """Cross-validated scores of the two calibration methods on one library."""

    loo: dict[str, Scores]
    kfold: dict[str, Scores]
    fits: dict[str, Fit]

    def preferred(self) -> Method:
        """The method with the lower leave-one-out Brier score."""
        return "bayes" if self.loo["bayes"].brier < self.loo["mle"].brier else "mle"

    def rows(self) -> list[dict[str, Any]]:
        """One row per method: the table the docs show."""
        return [
            {
                "method": name,
                "loo_brier": self.loo[name].brier,
                "loo_brier_95": list(self.loo[name].brier_interval),
                "kfold_brier": self.kfold[name].brier,
                "base_rate_brier_loo": self.loo[name].brier_base_rate,
                "harrell_c_loo": self.loo[name].harrell_c,
                **{f"{p}": v for p, v in zip(PARAMETERS, self.fits[name].theta, strict=True)},
            }
            for name in ("mle", "bayes")
        ]


def compare_methods(
    library: CaseLibrary | None = None,
    calibration: Calibration | None = None,
    uncertainties: Uncertainties | None = None,
    *,
    n_worlds: int = 200,
    seed: int = DEFAULT_SEED,
) -> MethodComparison:
    """Leave-one-out and k-fold scores of ``mle`` and ``bayes`` on the same traces."""
    calibration = calibration or load_calibration()
    uncertainties = uncertainties or load_uncertainties()
    traces = trace_cases(
        library or load_cases(), calibration, uncertainties, n_worlds=n_worlds, seed=seed
    )
    prior = literature_prior(calibration, uncertainties)
    early = calibration.early_months()
    cases = [trace.case for trace in traces]
    loo: dict[str, Scores] = {}
    kfold: dict[str, Scores] = {}
    fits: dict[str, Fit] = {}
    for name in ("mle", "bayes"):
        method: Method = "bayes" if name == "bayes" else "mle"
        fits[name] = fit_traces(traces, early_months=early, method=method, prior=prior)
        start = fits[name].theta
        p, b = cross_validate(
            traces,
            [[i] for i in range(len(traces))],
            method=method,
            prior=prior,
            early_months=early,
            start=start,
        )
        loo[name] = score(cases, p, b)
        p, b = cross_validate(
            traces,
            k_folds(len(traces), K_FOLDS, seed),
            method=method,
            prior=prior,
            early_months=early,
            start=start,
        )
        kfold[name] = score(cases, p, b)
    return MethodComparison(loo, kfold, fits)


def reliability_svg(rows: Sequence[dict[str, float]], *, title: str = "Reliability") -> str:
    """A reliability diagram as a small standalone SVG (no script, no external resources).

    Each decile of the forecasts is a dot at (mean predicted, observed share), its area scaled
    by the number of forecasts; the diagonal is perfect calibration.
    """
    size, pad = 320, 40
    span = size - 2 * pad

    def x(p: float) -> float:
        return pad + p * span

    def y(p: float) -> float:
        return size - pad - p * span

    largest = max((row["n"] for row in rows), default=1.0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 {size} {size}" role="img" aria-label="{title}">',
        f'<text x="{size / 2}" y="20" text-anchor="middle" font-size="13">{title}</text>',
        f'<rect x="{pad}" y="{pad}" width="{span}" height="{span}" fill="none" stroke="#888"/>',
        f'<line x1="{x(0)}" y1="{y(0)}" x2="{x(1)}" y2="{y(1)}" stroke="#bbb" '
        'stroke-dasharray="4 3"/>',
    ]
    for tick in (0.0, 0.5, 1.0):
        parts.append(
            f'<text x="{x(tick)}" y="{size - pad + 14}" text-anchor="middle" '
            f'font-size="10">{tick:.1f}</text>'
        )
        parts.append(
            f'<text x="{pad - 6}" y="{y(tick) + 3}" text-anchor="end" font-size="10">'
            f"{tick:.1f}</text>"
        )
    parts.append(
        f'<text x="{size / 2}" y="{size - 6}" text-anchor="middle" font-size="11">'
        "predicted P(peace holds)</text>"
    )
    parts.append(
        f'<text x="12" y="{size / 2}" text-anchor="middle" font-size="11" '
        f'transform="rotate(-90 12 {size / 2})">observed share held</text>'
    )
    points = " ".join(f"{x(r['mean_predicted']):.1f},{y(r['observed_share']):.1f}" for r in rows)
    if points:
        parts.append(f'<polyline points="{points}" fill="none" stroke="#1f5fa8"/>')
    for row in rows:
        radius = 3.0 + 6.0 * math.sqrt(row["n"] / largest)
        parts.append(
            f'<circle cx="{x(row["mean_predicted"]):.1f}" cy="{y(row["observed_share"]):.1f}" '
            f'r="{radius:.1f}" fill="#1f5fa8" fill-opacity="0.7"><title>decile '
            f"{int(row['bin'])}: predicted {row['mean_predicted']:.2f}, observed "
            f"{row['observed_share']:.2f}, n={int(row['n'])}</title></circle>"
        )
    parts.append("</svg>")
    return "\n".join(parts)


def method_table_rows(comparison: MethodComparison) -> list[dict[str, Any]]:
    """Rows of the docs' calibration-method table (for the docs generator)."""
    return comparison.rows()


def case_table_rows(result: Backtest) -> list[dict[str, Any]]:
    """Rows of the docs' case table: one per case, forecasts and what happened."""
    return [forecast.to_dict() for forecast in result.forecasts]


def score_table_rows(result: Backtest) -> list[dict[str, Any]]:
    """Rows of the docs' score table: in-sample or scored, leave-one-out and k-fold."""
    rows = [{"scoring": result.mode, **result.scored.to_dict()}]
    if result.loo is not None:
        rows.append({"scoring": "leave-one-out", **result.loo.to_dict()})
    if result.kfold is not None:
        rows.append({"scoring": f"{K_FOLDS}-fold", **result.kfold.to_dict()})
    for row in rows:
        row.pop("reliability", None)
    return rows


def _kappa(first: Sequence[str], second: Sequence[str]) -> float:
    """Cohen's kappa of two codings of one field (1 full agreement, 0 chance)."""
    n = len(first)
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    labels = set(first) | set(second)
    chance = sum((first.count(v) / n) * (second.count(v) / n) for v in labels)
    return 1.0 if chance >= 1.0 else float((observed - chance) / (1.0 - chance))


@dataclass(frozen=True)
class CodingSensitivity:
    """How far the results move between the first and the second coding of the cases."""

    agreement: dict[str, tuple[float, float]]  # field: (share identical, Cohen's kappa)
    loo: dict[str, Scores]  # coding: leave-one-out scores (every fold refitted)
    fits: dict[str, Fit]
    forecasts: dict[str, FloatArray]  # coding: in-sample P(hold) (cases, horizons)
    case_ids: tuple[str, ...]

    def rows(self) -> list[dict[str, Any]]:
        """One row per coding: the table the docs show."""
        rows = []
        for coding in ("first", "second"):
            fitted = self.fits[coding]
            rows.append(
                {
                    "coding": coding,
                    "loo_brier": self.loo[coding].brier,
                    "loo_brier_95": list(self.loo[coding].brier_interval),
                    "loo_base_rate": self.loo[coding].brier_base_rate,
                    "harrell_c_loo": self.loo[coding].harrell_c,
                    **dict(zip(PARAMETERS, fitted.theta, strict=True)),
                }
            )
        return rows

    def agreement_rows(self) -> list[dict[str, Any]]:
        """One row per judgement field: share of cases coded alike, and Cohen's kappa."""
        return [
            {"field": name, "agreement": share, "kappa": kappa}
            for name, (share, kappa) in self.agreement.items()
        ]

    def largest_moves(self, count: int = 5) -> list[tuple[str, float]]:
        """The cases whose P(hold 10 years) moves most between the codings."""
        moves = self.forecasts["second"][:, -1] - self.forecasts["first"][:, -1]
        order = np.argsort(-np.abs(moves), kind="stable")[:count]
        return [(self.case_ids[i], float(moves[i])) for i in order]


def coding_sensitivity(
    library: CaseLibrary | None = None,
    calibration: Calibration | None = None,
    uncertainties: Uncertainties | None = None,
    *,
    n_worlds: int = 100,
    seed: int = DEFAULT_SEED,
) -> CodingSensitivity:
    """Refit and cross-validate under each coding; measure how much the codings agree."""
    from guarantor.durability.cases import JUDGEMENT_FIELDS

    calibration = calibration or load_calibration()
    uncertainties = uncertainties or load_uncertainties()
    first = library or load_cases()
    codings = {"first": first, "second": first.second_coding()}
    method = calibration.fitted.method
    prior = literature_prior(calibration, uncertainties) if calibration.priors else None
    early = calibration.early_months()
    agreement = {}
    for name in JUDGEMENT_FIELDS:
        one = [str(getattr(case, name)) for case in codings["first"].cases]
        two = [str(getattr(case, name)) for case in codings["second"].cases]
        share = sum(x == y for x, y in zip(one, two, strict=True)) / len(one)
        agreement[name] = (share, _kappa(one, two))
    loo: dict[str, Scores] = {}
    fits: dict[str, Fit] = {}
    forecasts: dict[str, FloatArray] = {}
    for coding, lib in codings.items():
        traces = trace_cases(lib, calibration, uncertainties, n_worlds=n_worlds, seed=seed)
        fits[coding] = fit_traces(traces, early_months=early, method=method, prior=prior)
        forecasts[coding] = predict(traces, fits[coding])
        out_of_fold, base = cross_validate(
            traces,
            [[i] for i in range(len(traces))],
            method=method,
            prior=prior,
            early_months=early,
            start=fits[coding].theta,
        )
        loo[coding] = score([trace.case for trace in traces], out_of_fold, base)
    return CodingSensitivity(
        agreement, loo, fits, forecasts, tuple(case.id for case in first.cases)
    )
