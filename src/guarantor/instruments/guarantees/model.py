"""Guarantees on paper: the US backstop, the NATO track and bilateral treaties.

What such a guarantee brings is belief, not forces: the prior credibility its *form* carries
(a political assurance < a security agreement < a ratified treaty < NATO membership), taken from
the durability calibration (``durability/data/calibration.yaml``, each value a flagged assumption
with a range), and how long it lasts. Two fields refine the form:

* a US backstop that is **ratified** (a treaty through the Senate rather than an executive
  commitment) carries the premium a ratified treaty has over a security agreement:
  ``credibility = backstop(level) · ratified_treaty / security_agreement`` (capped at 1);
* a bilateral treaty with a term of **years** lapses after ``12 · years`` months of peace.

The model is deterministic and does not depend on the worlds.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from guarantor.durability.calibration import Calibration, load_calibration
from guarantor.packages.schema import (
    BilateralTreaty,
    Commitment,
    NatoMembership,
    Package,
    UsBackstop,
    magnitude,
)
from guarantor.section import Metric, Section, Worlds, n_worlds

NATO_FORM = {
    "membership": "nato_membership",
    "invitation": "security_agreement",
    "open_door": "political_assurance",
    "renounced": "none",
}
"""The guarantee form each step of the NATO track amounts to."""


def prior_credibility(commitment: Commitment, calibration: Calibration) -> float | None:
    """The prior credibility a guarantee's form carries (None for other commitments)."""
    if isinstance(commitment, UsBackstop):
        value = calibration.backstop_credibility(commitment.level.value)
        if commitment.ratified:
            premium = calibration.form_credibility("ratified_treaty") / max(
                calibration.form_credibility("security_agreement"), 1e-9
            )
            value *= premium
        return min(1.0, value)
    if isinstance(commitment, NatoMembership):
        return calibration.form_credibility(NATO_FORM[commitment.track.value])
    if isinstance(commitment, BilateralTreaty):
        return calibration.form_credibility(commitment.form.value)
    return None


def expires_month(commitment: Commitment) -> float:
    """The month a guarantee lapses by its own terms (``inf``: never)."""
    if isinstance(commitment, BilateralTreaty) and commitment.years is not None:
        return 12.0 * magnitude(commitment.years)
    return float("inf")


def assess(
    theatre: Any,
    package: Package,
    worlds: Worlds | None = None,
    *,
    rng: np.random.Generator | None = None,
    calibration: Calibration | None = None,
) -> Section:
    """Each guarantee's form, its prior credibility and its term."""
    del theatre, rng
    calibration = calibration or load_calibration()
    n = n_worlds(worlds)
    rows: list[dict[str, Any]] = []
    strongest = 0.0
    terms: list[float] = []
    for c in package.commitments:
        credibility = prior_credibility(c, calibration)
        if credibility is None:
            continue
        strongest = max(strongest, credibility)
        if np.isfinite(expires_month(c)):
            terms.append(expires_month(c))
        rows.append(
            {
                "id": c.id,
                "actor": c.actor,
                "instrument": c.instrument.value,
                "form": _form(c),
                "prior_credibility": credibility,
                "expires_month": _finite_or_none(expires_month(c)),
                "conditions": [condition.describe() for condition in c.conditions],
            }
        )
    shortest_years = min(terms) / 12.0 if terms else float("nan")
    sources = tuple(source.cite() for source in calibration.sources.values())
    assumption = "prior credibility of each guarantee form: durability/data/calibration.yaml"
    metrics = (
        Metric.of(
            "strongest_prior_credibility",
            np.full(n, strongest),
            "1",
            "Russia's prior belief that the strongest guarantee on paper is backed by force",
            sources=sources,
            assumptions=(assumption,),
        ),
        Metric.of(
            "guarantees",
            np.full(n, float(len(rows))),
            "commitments",
            "guarantees on paper: US backstop, NATO track, bilateral treaties",
        ),
        Metric.of(
            "shortest_term_years",
            np.full(n, shortest_years),
            "years",
            "the term of the shortest time-limited treaty (NaN: none lapses by its terms)",
        ),
    )
    if rows:
        verdict = (
            f"{len(rows)} guarantees on paper; the strongest carries a prior credibility of "
            f"{strongest:.2f}"
        )
    else:
        verdict = "no guarantee on paper: no US backstop, NATO track or bilateral treaty"
    return Section(
        name="guarantees",
        title="Guarantees on paper",
        verdict=verdict,
        metrics=metrics,
        tables={"guarantees": rows},
    )


def _form(commitment: Commitment) -> str:
    if isinstance(commitment, UsBackstop):
        return f"US backstop: {commitment.level.value}" + (
            " (ratified)" if commitment.ratified else ""
        )
    if isinstance(commitment, NatoMembership):
        return f"NATO track: {commitment.track.value}"
    assert isinstance(commitment, BilateralTreaty)
    return f"bilateral: {commitment.form.value}"


def _finite_or_none(value: float) -> float | None:
    return value if np.isfinite(value) else None
