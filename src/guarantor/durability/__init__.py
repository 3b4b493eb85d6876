"""Durability: the post-ceasefire Monte Carlo, its calibration, the case library and backtest.

Public API (re-exported here; each lives in its own module):

* :func:`load_uncertainties`, :func:`sample_worlds`: the uncertainties and worlds
  (:mod:`.uncertainties`; every command samples through :mod:`guarantor.worlds`);
* :func:`run`: one package in many worlds, month by month → :class:`SimulationResult`, and
  :func:`assess`: the same as a :class:`~guarantor.section.Section` named ``durability`` with a
  ``survival`` table (:mod:`.simulation`);
* :data:`OUTCOMES`: outcome names with units and whether more is better;
* :func:`load_cases`, :func:`backtest`, :func:`fit`: the case library and the calibration
  (:mod:`.cases`, :mod:`.backtest`, :mod:`.calibration`).
"""

from guarantor.durability.backtest import Backtest, Fit, backtest, fit
from guarantor.durability.calibration import Calibration, load_calibration
from guarantor.durability.cases import Case, CaseLibrary, load_cases
from guarantor.durability.chunked import CHUNK_WORLDS
from guarantor.durability.chunked import simulate as simulate_chunked
from guarantor.durability.simulation import (
    HOLD_MONTHS,
    OUTCOMES,
    Outcome,
    SimulationResult,
    assess,
    run,
    wilson_band,
    wilson_interval,
)
from guarantor.durability.uncertainties import (
    Uncertainties,
    Uncertainty,
    load_uncertainties,
    sample_worlds,
)

__all__ = [
    "CHUNK_WORLDS",
    "HOLD_MONTHS",
    "OUTCOMES",
    "Backtest",
    "Calibration",
    "Case",
    "CaseLibrary",
    "Fit",
    "Outcome",
    "SimulationResult",
    "Uncertainties",
    "Uncertainty",
    "assess",
    "backtest",
    "fit",
    "load_calibration",
    "load_cases",
    "load_uncertainties",
    "run",
    "sample_worlds",
    "simulate_chunked",
    "wilson_band",
    "wilson_interval",
]
