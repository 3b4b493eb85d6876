"""Robustness objectives: an outcome reduced over the same worlds for every candidate.

Common random numbers: every candidate meets the same draws, so differences are the levers'
doing.

- ``mean:OUTCOME:max|min``: the expected outcome;
- ``p10:OUTCOME:max`` (any ``pNN``): a percentile, e.g. the worst decile of months of peace;
- ``regret:OUTCOME:max|min``: the 90th percentile over worlds of the shortfall against the
  package as written (``max(0, base − candidate)`` for an outcome to maximise), minimised;
- ``satisficing:OUTCOME>=36``: the share of worlds where the outcome meets the threshold,
  maximised.

An outcome is a kernel outcome (``held_36m``) or, when candidates are evaluated with one
assessment each (:class:`~guarantor.explore.assessed.AssessedBatch`), any metric of the
assessment as ``section.metric`` (``acceptability.package_signed``, ``durability.held_120m``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from guarantor.errors import DataError, Problem
from guarantor.explore.discovery import _OPERATORS

FloatArray = NDArray[np.float64]

_OBJECTIVE = re.compile(
    r"^(?P<reduce>mean|p\d{1,2}|regret|satisficing):"
    r"(?P<outcome>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)"
    r"(?:(?P<op><=|>=|<|>)(?P<threshold>[-+]?\d+\.?\d*))?(?::(?P<sense>max|min))?$"
)


@dataclass(frozen=True)
class Objective:
    """A robustness objective: an outcome reduced over worlds, maximised or minimised."""

    reduce: str
    outcome: str
    sense: str = "max"
    op: str | None = None
    threshold: float | None = None

    @property
    def text(self) -> str:
        """The objective as written."""
        if self.reduce == "satisficing":
            return f"satisficing:{self.outcome}{self.op}{self.threshold:g}"
        return f"{self.reduce}:{self.outcome}:{self.sense}"

    @property
    def maximise(self) -> bool:
        """Whether a larger reduced value is better (regret is always minimised)."""
        return self.reduce == "satisficing" or (self.reduce != "regret" and self.sense == "max")

    def reduce_over_worlds(self, values: FloatArray, baseline: FloatArray | None) -> FloatArray:
        """Reduce a (candidates × worlds) table to one value per candidate (vectorised)."""
        if self.reduce == "mean":
            return np.nanmean(values, axis=1)  # type: ignore[no-any-return]
        if self.reduce.startswith("p"):
            return np.nanpercentile(values, float(self.reduce[1:]), axis=1)
        if self.reduce == "satisficing":
            assert self.op is not None
            assert self.threshold is not None
            met = _OPERATORS[self.op](values, self.threshold) & np.isfinite(values)
            return met.mean(axis=1)  # type: ignore[no-any-return]
        assert baseline is not None
        shortfall = baseline[None, :] - values if self.sense == "max" else values - baseline
        return np.nanpercentile(np.maximum(shortfall, 0.0), 90, axis=1)


def parse_objective(text: str) -> Objective:
    """Parse ``mean:held_36m:max``, ``p10:breakdown_month:max``, ``satisficing:held_36m>=1``.

    An outcome may name an assessment metric as ``section.metric``
    (``mean:acceptability.package_signed:max``).

    Raises:
        DataError: the text does not follow the pattern.
    """
    match = _OBJECTIVE.match(text.strip())
    bad = match is None or (
        (match["reduce"] == "satisficing") != (match["op"] is not None)  # threshold iff satisficing
    )
    if bad or match is None:
        raise DataError.single(
            "bad objective",
            field="objective",
            expected="mean|pNN|regret:OUTCOME:max|min, or satisficing:OUTCOME>=NUMBER "
            "(OUTCOME: a name, or section.metric)",
            received=text,
        )
    return Objective(
        match["reduce"],
        match["outcome"],
        match["sense"] or "max",
        match["op"],
        float(match["threshold"]) if match["threshold"] is not None else None,
    )


def check_defined(objectives: Sequence[Objective], outcomes: Mapping[str, FloatArray]) -> None:
    """Refuse objectives on unknown outcomes or on outcomes undefined (NaN) in every world.

    Raises:
        DataError: naming each such objective.
    """
    problems = []
    for objective in objectives:
        values = outcomes.get(objective.outcome)
        if values is None:
            problems.append(
                Problem(
                    "unknown outcome in objective",
                    field="objective",
                    expected=f"one of {sorted(outcomes)}",
                    received=objective.text,
                )
            )
        elif not np.isfinite(values).any():
            problems.append(
                Problem(
                    "the objective's outcome is undefined (NaN) in every world",
                    field="objective",
                    expected="an outcome the horizon defines, e.g. held_Xm with X ≤ --months",
                    received=objective.text,
                )
            )
    if problems:
        raise DataError(problems)
