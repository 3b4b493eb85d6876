"""Robust search: NSGA-II over package levers, with objectives reduced over worlds.

**Levers** (see :mod:`~guarantor.explore.variants`) become integer decision variables: an amount
is a number of steps above its low end (aircraft in sixes, troops in 2,500s), a level is its
position on its ladder (sanctions relief → full snapback; NATO track renounced → membership).
The ladders are ordered, so integer encoding keeps "one step more" meaningful for crossover and
mutation (pymoo's SBX and polynomial mutation with rounding repair).

**Robustness objectives** reduce an outcome over the same worlds for every candidate (common
random numbers: every candidate meets the same draws, so differences are the levers' doing):

- ``mean:OUTCOME:max|min``: the expected outcome;
- ``p10:OUTCOME:max`` (any ``pNN``): a percentile, e.g. the worst decile of months of peace;
- ``regret:OUTCOME:max|min``: the 90th percentile over worlds of the shortfall against the
  package as written (``max(0, base − candidate)`` for an outcome to maximise), minimised;
- ``satisficing:OUTCOME>=36``: the share of worlds where the outcome meets the threshold,
  maximised.

Bargaining acceptability is a constraint when ``min_acceptance`` is set: the share of worlds in
which Russia consents to the package (the metric ``russia_consents`` of
:func:`guarantor.bargaining.acceptability`, each world drawing the actors' positions, saliences
and red lines within their ranges) must reach it.

**Batches and checkpoints.** Each generation is one batch: every candidate package is one task
(a vectorised kernel call over all worlds), all submitted to the executor together. After each
generation the population, every evaluation so far (the archive) and the algorithm's random
generator state are written atomically; ``resume=True`` restores them and continues exactly as
the uninterrupted search would have. The Pareto set is written as it improves.

**Worst case.** :func:`worst_case` turns the search around: for a fixed package it searches the
uncertainties for the worlds where an outcome is worst ("what breaks this package?"), each
generation a single vectorised kernel call over ``population × replicates`` worlds. The search
runs in quantile space (each variable is a point of [0, 1] mapped through its uncertainty's
inverse CDF), so a log-uniform uncertainty is searched on its log scale and the GA's first
generation samples the uncertainties' own distributions.

The pieces live in their own modules and are re-exported here, where callers import them:
:mod:`~guarantor.explore.objectives` (robustness objectives),
:mod:`~guarantor.explore.search_space` (levers as integer variables),
:mod:`~guarantor.explore.candidates` (evaluating candidates), :mod:`~guarantor.explore.nsga`
(the NSGA-II driver), :mod:`~guarantor.explore.pareto` (Pareto rows and checkpoints) and
:mod:`~guarantor.explore.worst_case`.
"""

from __future__ import annotations

from guarantor.explore.candidates import Batch, consent_share
from guarantor.explore.nsga import SearchResult, robust_search
from guarantor.explore.objectives import Objective, check_defined, parse_objective
from guarantor.explore.pareto import pareto_rows, write_checkpoint
from guarantor.explore.search_space import LeverSpace, lever_order, lever_space, lever_table
from guarantor.explore.worst_case import WorstCase, worst_case

__all__ = [
    "Batch",
    "LeverSpace",
    "Objective",
    "SearchResult",
    "WorstCase",
    "check_defined",
    "consent_share",
    "lever_order",
    "lever_space",
    "lever_table",
    "pareto_rows",
    "parse_objective",
    "robust_search",
    "worst_case",
    "write_checkpoint",
]
