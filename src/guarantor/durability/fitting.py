"""The fit of the durability kernel's three free parameters on the historical cases.

Each case is simulated once with the kernel's ``trace`` (:func:`trace_cases`); the fitted
parameters (θ: the baseline log odds of an offensive, the Weibull shape of its hazard over time
and the log hazard ratio of the truce's first months, the early-fragility step) enter only the
offensive's utility, and the logit's other choices do not depend on it, so the traced paths hold
for any θ and the likelihood is re-evaluated without re-simulating. A failure in month k
contributes P(fail in month k), a peace still holding contributes P(at peace when observation
ends), censored at :data:`FIT_HORIZON_MONTHS`. Worlds whose traces are identical (cases without
guarantees or peacekeepers: nothing is learnt along the path) are merged, with weights. The
likelihood's gradient is analytic; L-BFGS-B maximises it (:func:`fit_traces`).

Two methods: ``mle`` (maximum likelihood) and ``bayes`` (the posterior with weakly informative
normal priors from the literature, :class:`Prior`: Fortna's "almost half" of wars renewed sets
the baseline's prior mean). Standard errors (posterior SDs for ``bayes``) come from the Hessian
of the objective, differentiated from the analytic gradient. ``bayes`` forecasts
(:func:`predict`) are posterior predictive: the mean survival over draws from the Laplace
approximation of the posterior.
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

from guarantor.durability.calibration import Calibration
from guarantor.durability.cases import Case, CaseLibrary, case_inputs
from guarantor.durability.kernel import simulate
from guarantor.durability.uncertainties import Uncertainties
from guarantor.randomness import world_keys

FloatArray = NDArray[np.float64]
Method = Literal["mle", "bayes"]
FIT_HORIZON_MONTHS = 360
HORIZONS_MONTHS = (12, 60, 120)
PARAMETERS = ("baseline_log_odds", "weibull_shape", "early_log_hr")
BOUNDS = ((-15.0, 5.0), (0.05, 3.0), (-6.0, 6.0))
DEFAULT_SEED = 20260106
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
