"""The levers a robust search moves, as integer decision variables.

An amount is a number of steps above its low end (aircraft in sixes, troops in 2,500s), a level
is its position on its ladder (sanctions relief → full snapback; NATO track renounced →
membership). The ladders are ordered, so integer encoding keeps "one step more" meaningful for
crossover and mutation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.errors import DataError, Problem
from guarantor.explore.variants import LEVERS, Lever, LeverValue, apply_levers, lever_values
from guarantor.packages import Package


@dataclass(frozen=True)
class LeverSpace:
    """The levers searched, as integer variables ``0..steps``."""

    levers: tuple[Lever, ...]

    @property
    def upper(self) -> NDArray[np.int64]:
        """The largest index of each variable."""
        return np.array(
            [
                len(lever.choices) - 1
                if lever.is_choice
                else round((lever.high - lever.low) / lever.step)
                for lever in self.levers
            ],
            dtype=np.int64,
        )

    def decode(self, x: Sequence[float] | NDArray[Any]) -> dict[str, LeverValue]:
        """Lever settings of one decision vector."""
        settings: dict[str, LeverValue] = {}
        for lever, value in zip(self.levers, np.rint(np.asarray(x)).astype(int), strict=True):
            settings[lever.name] = (
                lever.choices[int(value)]
                if lever.is_choice
                else lever.low + int(value) * lever.step
            )
        return settings

    def encode(self, settings: Mapping[str, LeverValue]) -> list[int]:
        """The decision vector nearest to ``settings`` (amounts snapped to the grid, clipped).

        A lever ``settings`` leaves out, or reads as a level off its ladder, takes index 0.
        """
        row = []
        for lever, upper in zip(self.levers, self.upper.tolist(), strict=True):
            value = settings.get(lever.name)
            if lever.is_choice:
                index = lever.choices.index(str(value)) if str(value) in lever.choices else 0
            elif isinstance(value, (int, float)):
                index = round((float(value) - lever.low) / lever.step)
            else:
                index = 0
            row.append(int(min(max(index, 0), upper)))
        return row


def lever_space(base: Package, names: Sequence[str] | None = None) -> LeverSpace:
    """The levers to search: ``names``, or every lever the package can move.

    Raises:
        DataError: a named lever is unknown or the package has nothing it could move.
    """
    problems: list[Problem] = []
    chosen: list[Lever] = []
    for name in names or list(LEVERS):
        lever = LEVERS.get(name)
        if lever is None:
            problems.append(
                Problem(
                    "unknown lever", field="levers", expected=str(sorted(LEVERS)), received=name
                )
            )
            continue
        try:
            apply_levers(base, {name: lever.choices[0] if lever.is_choice else lever.low})
        except DataError as error:
            if names:
                problems.extend(error.problems)
            continue
        chosen.append(lever)
    if problems:
        raise DataError(problems)
    if not chosen:
        raise DataError.single("no lever to search", field="levers", received=base.name)
    return LeverSpace(tuple(chosen))


def lever_order(value: LeverValue, lever: Lever) -> float:
    """A lever value's position: its amount, or its rung on the ladder.

    ``"none"`` (the package has no commitment of the lever's kind, which a level lever reads
    when it is not on its ladder) ranks below the lowest rung.
    """
    if lever.is_choice:
        text = str(value)
        if text == "none" and text not in lever.choices:
            return -1.0
        return float(lever.choices.index(text))
    return float(value)


def lever_table(package: Package) -> dict[str, LeverValue]:
    """The package's current lever settings (for reports next to a Pareto set)."""
    return lever_values(package)
