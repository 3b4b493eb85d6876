"""Where bargaining takes the package: KTAB's SMP run from it at central codings.

The actors who accept the package start at its point, those who reject it at their own
positions (:func:`~guarantor.bargaining.smp.run_smp`); where the forecast moves away from the
package is the concession the dynamics produce.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.bargaining.actors import ActorSet
from guarantor.bargaining.evaluation import Evaluation
from guarantor.bargaining.smp import run_smp
from guarantor.bargaining.table import ActorTable
from guarantor.packages.schema import Package

BoolArray = NDArray[np.bool_]

CONCESSION = 0.05
"""A settlement this far from the package on a dimension counts as a concession."""


def settlement(
    actor_set: ActorSet, package: Package, accept: BoolArray | None = None
) -> dict[str, Any]:
    """KTAB's SMP run from the package at central codings: forecast and concessions.

    Actors that accept the package (``accept``, central by default) start at its point, the
    rest at their own positions. Returns the forecast and the package's point per dimension, the
    concessions (dimensions where the forecast moved at least :data:`CONCESSION` from the
    package, with the direction), the turns and why the run stopped.
    """
    central = Evaluation(actor_set, package, 1, None, np.ones(1))
    accepting = central.accept[0] if accept is None else np.asarray(accept, dtype=bool)
    arrays = central.arrays
    start = np.where(accepting[:, None], central.point[0][None, :], arrays["position"][0])
    table = ActorTable(
        name=actor_set.name,
        description=f"{actor_set.title}, from package {package.name}",
        actors=actor_set.actor_ids,
        dimensions=actor_set.dimension_ids,
        capability=arrays["capability"][0],
        position=start,
        salience=arrays["salience"][0],
    )
    run = run_smp(table)
    forecast = run.forecast()
    rows = []
    for k, dim in enumerate(actor_set.dimension_ids):
        move = float(forecast[k] - central.point[0, k])
        rows.append(
            {
                "dimension": dim,
                "package": float(central.point[0, k]),
                "status_quo": float(central.status_quo[0, k]),
                "settlement": float(forecast[k]),
                "concession": move,
                "towards": (
                    "Russia's end"
                    if move >= CONCESSION
                    else "Ukraine's end"
                    if move <= -CONCESSION
                    else "holds"
                ),
            }
        )
    return {
        "rows": rows,
        "turns": len(run.turns),
        "stop_reason": run.stop_reason,
        "starting_at_package": [a for a, yes in zip(table.actors, accepting, strict=True) if yes],
    }
