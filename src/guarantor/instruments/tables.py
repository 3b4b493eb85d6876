"""One world table for the instrument models that read their world parameters by name.

The air and intelligence models each take a table of world parameters (``worlds``, which may
also hold other models' parameters) and want every one of their own as an array over worlds: the
sampled values where the table has them, checked against the parameter's physical bounds, and the
data file's nominal value elsewhere. :func:`world_table` does that once for both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from guarantor.errors import DataError, Problem
from guarantor.section import n_worlds, out_of_bounds

if TYPE_CHECKING:
    from collections.abc import Mapping

    from guarantor.section import Worlds
    from guarantor.sourcing import Quantity

FloatArray = NDArray[np.float64]


def world_table(
    worlds: Worlds | None,
    defaults: Mapping[str, Quantity],
    bounds: Mapping[str, tuple[float, float]],
) -> dict[str, FloatArray]:
    """Every parameter of ``defaults`` as an array over worlds (its nominal value where not given).

    ``defaults`` names the model's parameters, in order, with the quantities whose values fill in
    for a parameter ``worlds`` lacks; ``bounds`` gives each parameter's physical bounds, which
    the sampled values must respect. Parameters of other models in ``worlds`` are ignored.

    Raises:
        DataError: a sampled value is not finite or lies outside its parameter's bounds (one
            located problem per parameter), or the table's arrays differ in length.
    """
    size = n_worlds(worlds)
    table: dict[str, FloatArray] = {}
    problems: list[Problem] = []
    for name, default in defaults.items():
        if worlds and name in worlds:
            values = np.asarray(worlds[name], dtype=np.float64).reshape(-1)
            problem = out_of_bounds(name, values, *bounds[name])
            if problem is not None:
                problems.append(problem)
            table[name] = values
        else:
            table[name] = np.full(size, default.value)
    if problems:
        raise DataError(problems)
    return table
