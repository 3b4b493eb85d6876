"""The backtest on the historical case library, scored out of sample.

What is scored and with which parameters (:func:`backtest`):

* ``shipped`` (default): the cases with the shipped calibration, fitted on the shipped library;
  out of sample for every case not in that library (each forecast says whether it is);
* ``refit``: the parameters refitted on the cases themselves (in sample);
* ``holdout``: refitted on the library without the held-out cases, which are then scored.

And always, on the library the parameters came from: k-fold and leave-one-out
cross-validation (every fold refits). Reported: the Brier score at 1, 5 and 10 years and the base
rate's (the training share that held), with case-bootstrap 95 % intervals, Harrell's C on the
durations, and a reliability table (predicted against observed by decile). The fit itself is in
:mod:`guarantor.durability.fitting`, the scores in :mod:`guarantor.durability.scoring`;
:mod:`guarantor.durability.robustness` compares the calibration methods and the two codings of
the cases; the ``*_table_rows`` functions give the docs' tables. The folds and out-of-fold
forecasts are in :mod:`guarantor.durability.crossval` (re-exported here).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from guarantor.durability.calibration import Calibration, load_calibration
from guarantor.durability.cases import CaseLibrary, load_cases
from guarantor.durability.crossval import K_FOLDS, cross_validate, k_folds
from guarantor.durability.fitting import (
    BOUNDS,
    DEFAULT_SEED,
    FIT_HORIZON_MONTHS,
    HORIZONS_MONTHS,
    PARAMETERS,
    CaseTrace,
    Fit,
    Method,
    Prior,
    bare_truce_baseline,
    case_log_likelihood,
    fit_traces,
    literature_prior,
    predict,
    survival_curve,
    trace_cases,
)
from guarantor.durability.scoring import (
    Scores,
    base_rates,
    cohen_kappa,
    harrell_c,
    observed_outcomes,
    reliability_svg,
    reliability_table,
    score,
)
from guarantor.durability.uncertainties import Uncertainties, load_uncertainties

__all__ = [
    "BOUNDS",
    "DEFAULT_SEED",
    "FIT_HORIZON_MONTHS",
    "HORIZONS_MONTHS",
    "K_FOLDS",
    "PARAMETERS",
    "STRONG_CASES",
    "WEAK_CASES",
    "Backtest",
    "CaseForecast",
    "CaseTrace",
    "Fit",
    "Prior",
    "Scores",
    "backtest",
    "bare_truce_baseline",
    "base_rates",
    "case_log_likelihood",
    "case_table_rows",
    "cohen_kappa",
    "cross_validate",
    "fit",
    "fit_traces",
    "harrell_c",
    "k_folds",
    "literature_prior",
    "observed_outcomes",
    "predict",
    "reliability_svg",
    "reliability_table",
    "score",
    "score_table_rows",
    "shipped_fit",
    "survival_curve",
    "trace_cases",
]

Mode = Literal["shipped", "refit", "holdout"]
STRONG_CASES = ("korea-1953", "sinai-1974", "dayton-1995")
WEAK_CASES = ("budapest-1994", "minsk-1-2014", "minsk-2-2015")


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
