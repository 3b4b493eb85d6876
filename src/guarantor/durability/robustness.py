"""How robust the backtest is: the two calibration methods, and the two codings of the cases.

:func:`compare_methods` scores maximum likelihood against the Bayesian fit by leave-one-out and
k-fold cross-validation on the same traces; :func:`coding_sensitivity` refits and cross-validates
under the first and the second (independent) coding of the cases and measures how far the codings
agree (share identical, Cohen's kappa). Both produce tables the docs quote through
``scripts/docs_figures.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from guarantor.durability.calibration import Calibration, load_calibration
from guarantor.durability.cases import JUDGEMENT_FIELDS, CaseLibrary, load_cases
from guarantor.durability.crossval import K_FOLDS, cross_validate, k_folds
from guarantor.durability.fitting import (
    DEFAULT_SEED,
    PARAMETERS,
    Fit,
    FloatArray,
    Method,
    fit_traces,
    literature_prior,
    predict,
    trace_cases,
)
from guarantor.durability.scoring import Scores, cohen_kappa, score
from guarantor.durability.uncertainties import Uncertainties, load_uncertainties


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


def method_table_rows(comparison: MethodComparison) -> list[dict[str, Any]]:
    """Rows of the docs' calibration-method table (for the docs generator)."""
    return comparison.rows()


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
        agreement[name] = (share, cohen_kappa(one, two))
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
