"""Bargaining: actors on issue dimensions, KTAB's SMP and the BDM model, acceptability."""

from guarantor.bargaining.acceptability import (
    WORLD_PARAMETERS,
    acceptability,
    package_point,
)
from guarantor.bargaining.actors import ActorSet, load_actors, shipped_actor_sets
from guarantor.bargaining.bdm import BdmOptions, BdmRun, run_bdm, run_bdm_table
from guarantor.bargaining.smp import SmpOptions, SmpRun, run_smp
from guarantor.bargaining.table import ActorTable, read_bdm_csv, read_ktab_csv

__all__ = [
    "WORLD_PARAMETERS",
    "ActorSet",
    "ActorTable",
    "BdmOptions",
    "BdmRun",
    "SmpOptions",
    "SmpRun",
    "acceptability",
    "load_actors",
    "package_point",
    "read_bdm_csv",
    "read_ktab_csv",
    "run_bdm",
    "run_bdm_table",
    "run_smp",
    "shipped_actor_sets",
]
