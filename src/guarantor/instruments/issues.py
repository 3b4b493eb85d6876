"""Building blocks for an instrument's place on the bargaining model's issue dimensions.

An instrument's ``positions(package)`` (:class:`~guarantor.instruments.contract.IssuePosition`)
says where the commitments it reads put the package on each issue dimension it touches. Two
kinds of mapping cover every instrument:

* a *ladder*: named levels (the NATO track, the US backstop, the sanctions level), each a
  quantity on the 0-1 scale; where several commitments set the dimension the strongest
  guarantee counts (the lowest position);
* a *scale*: an amount (troops inside Ukraine, fighters, warships, monitors) placed linearly
  between the amount at which the position is 1 (none) and the amount at which it is 0; the
  range of that end amount carries into the position's range.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from guarantor.instruments.contract import IssuePosition
from guarantor.sourcing import Quantity

__all__ = ["ladder", "scale"]


def _flagged(value: float, low: float, high: float, assumption: str) -> Quantity:
    return Quantity(value=value, low=low, high=high, unit="1", assumption=assumption)


def ladder(
    dimension: str,
    levels: Mapping[str, Quantity],
    chosen: Sequence[tuple[str, str]],
    why: str,
) -> tuple[IssuePosition, ...]:
    """The strongest level among ``chosen`` (pairs of commitment id and level) on a ladder."""
    known = [(cid, level) for cid, level in chosen if level in levels]
    if not known:
        return ()
    cid, level = min(known, key=lambda pair: levels[pair[1]].value)
    return (
        IssuePosition(
            dimension,
            levels[level],
            tuple(c for c, _ in known),
            f"{level} ({cid}): {why}",
        ),
    )


def scale(
    dimension: str,
    amount: float,
    full_at: Quantity,
    commitments: Sequence[str],
    why: str,
) -> tuple[IssuePosition, ...]:
    """``amount`` on a scale that is 1 at nothing and 0 at ``full_at`` (clipped to [0, 1]).

    The position's range spans ``full_at``'s range: a larger full amount leaves the package
    further from the 0 end.
    """
    if not commitments:
        return ()

    def at(full: float) -> float:
        return min(1.0, max(0.0, 1.0 - amount / full)) if full > 0 else 0.0

    low_full, high_full = full_at.range
    position = _flagged(
        at(full_at.value),
        at(low_full),
        at(high_full),
        f"{amount:g} against a full {dimension} of {full_at.value:g} "
        f"({low_full:g}-{high_full:g}): {full_at.assumption or 'sourced'}",
    )
    return (IssuePosition(dimension, position, tuple(commitments), why),)
