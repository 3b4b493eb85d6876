"""One package's acceptance per actor in every world: utilities, reservation values, red lines.

Actor i's utility of a point p is KTAB's risk-neutral ``u_i(p) = 1 − d_i(p)`` with
``d_i(p) = sqrt(Σ_d (s_id (x_id − p_d))² / Σ_d s_id²)``; its reservation utility is the war
going on, ``r_i = u_i(q) − war_cost_i × war_cost_scale``. Actor i accepts when ``u_i(p) ≥ r_i``
and the package crosses none of its red lines. :class:`Evaluation` computes all of it at once for
every world; :mod:`~guarantor.bargaining.acceptability` turns it into the section.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from guarantor.bargaining.actors import ActorSet
from guarantor.bargaining.codings import codings, red_line_name
from guarantor.bargaining.package_point import package_point, utility_of_point
from guarantor.packages.schema import Package

FloatArray = NDArray[np.float64]


class Evaluation:
    """Acceptance of one package in ``size`` worlds, given every coding's draw (or centrals)."""

    def __init__(
        self,
        actor_set: ActorSet,
        package: Package,
        size: int,
        values: dict[str, FloatArray] | None,
        scale: FloatArray,
    ) -> None:
        coded = codings(actor_set)
        self.coded = coded
        self.columns: dict[str, FloatArray] = (
            values if values is not None else {c.name: np.full(size, c.central) for c in coded}
        )
        arrays = actor_set.sample(size, None, values=values)
        mapping = None if values is None else {k: v for k, v in values.items() if "mapping." in k}
        self.point, self.how = package_point(actor_set, package, size, mapping)
        self.status_quo, _ = package_point(actor_set, None, size, mapping)
        self.arrays = arrays
        self.u_package = utility_of_point(arrays["position"], arrays["salience"], self.point)
        self.u_status_quo = utility_of_point(
            arrays["position"], arrays["salience"], self.status_quo
        )
        self.reserve = self.u_status_quo - arrays["war_cost"] * scale[:, None]
        ids = actor_set.actor_ids
        dims = actor_set.dimension_ids
        n = len(ids)
        self.breached = np.zeros((size, n), dtype=bool)
        slack = np.full((size, n), np.inf)
        self.breach_text: dict[str, list[str]] = {a: [] for a in ids}
        for index, actor in enumerate(actor_set.actors):
            for number, line in enumerate(actor.red_lines):
                name = red_line_name(actor, number)
                value = self.point[:, dims.index(line.dimension)]
                threshold = self.columns[name]
                side = threshold - value if line.veto_if == "below" else value - threshold
                crossed = side > 0
                self.breached[:, index] |= crossed
                slack[:, index] = np.minimum(slack[:, index], -side)
                if crossed.any():
                    self.breach_text[actor.id].append(line.statement)
        self.margin = np.minimum(self.u_package - self.reserve, slack)
        self.accept = (self.u_package >= self.reserve) & ~self.breached
