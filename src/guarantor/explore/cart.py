"""CART (Breiman et al. 1984): a small classification tree in numpy, read as boxes.

scikit-learn is not a dependency, so this is a compact Gini tree. At each node the best split of
*every* dimension at *every* threshold is scored at once: the node's experiments are sorted along
each column, cumulative counts of cases give the left/right class counts at each cut, and the
weighted Gini impurity picks the cut. A leaf is a box (the path's conditions); leaves where cases
of interest are the majority are the scenarios, complementary to PRIM's boxes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from guarantor.explore.boxes import BoolArray, Box, FloatArray, box_of
from guarantor.explore.prim import check_inputs


@dataclass(frozen=True)
class Split:
    """The best cut of a node: dimension, threshold (left is ≤) and impurity decrease."""

    dimension: int
    threshold: float
    gain: float


def best_split(X: FloatArray, y: BoolArray, min_leaf: int) -> Split | None:
    """The Gini-best cut over all dimensions and thresholds, or ``None`` if none is allowed."""
    n = X.shape[0]
    if n < 2 * min_leaf:
        return None
    order = np.argsort(X, axis=0, kind="stable")
    values = np.take_along_axis(X, order, axis=0)
    positives = np.cumsum(y[order], axis=0)[:-1]  # cases left of each cut, per column
    left = np.arange(1, n, dtype=np.float64)[:, None]
    right = n - left
    total_positive = float(y.sum())
    p_left = positives / left
    p_right = (total_positive - positives) / right
    impurity = (left * 2 * p_left * (1 - p_left) + right * 2 * p_right * (1 - p_right)) / n
    valid = (values[1:] > values[:-1]) & (left >= min_leaf) & (right >= min_leaf)
    if not valid.any():
        return None
    impurity = np.where(valid, impurity, np.inf)
    cut, dimension = np.unravel_index(int(np.argmin(impurity)), impurity.shape)
    p = total_positive / n
    gain = 2 * p * (1 - p) - float(impurity[cut, dimension])
    threshold = 0.5 * (values[cut, dimension] + values[cut + 1, dimension])
    return Split(int(dimension), float(threshold), gain)


@dataclass(frozen=True)
class Leaf:
    """One leaf: its box and the depth at which it ended."""

    box: Box
    depth: int


@dataclass(frozen=True)
class CartResult:
    """Every leaf of the tree, and the leaves where cases of interest are the majority."""

    leaves: tuple[Leaf, ...]
    boxes: tuple[Box, ...]
    base_rate: float
    rules: tuple[str, ...]

    def to_dict(self, case: str = "cases of interest") -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "base_rate": self.base_rate,
            "boxes": [box.to_dict(case) for box in self.boxes],
            "leaves": len(self.leaves),
            "tree": list(self.rules),
        }


def cart(
    X: Any,
    y: Any,
    names: Sequence[str],
    *,
    max_depth: int = 4,
    min_leaf: int | None = None,
    min_gain: float = 1e-4,
) -> CartResult:
    """Grow a Gini tree and return its leaves as boxes.

    ``min_leaf`` defaults to 2 % of the experiments (at least 5) so that leaves stay readable.

    Raises:
        DataError: the inputs do not match.
    """
    X, y = check_inputs(X, y, names)
    n, d = X.shape
    min_leaf = max(5, int(0.02 * n)) if min_leaf is None else max(1, min_leaf)
    total_cases, leaves, rules = int(y.sum()), [], []
    stack = [(np.arange(n), np.full(d, -np.inf), np.full(d, np.inf), 0)]
    while stack:
        rows, lows, highs, depth = stack.pop()
        split = best_split(X[rows], y[rows], min_leaf) if depth < max_depth else None
        if split is None or split.gain < min_gain:
            box = box_of(X, y, names, lows, highs, total_cases=total_cases, total=n)
            leaves.append(Leaf(box, depth))
            rules.append(
                "  " * depth + f"leaf: {box.n_experiments} experiments, {box.density:.0%} cases"
            )
            continue
        j, threshold = split.dimension, split.threshold
        rules.append("  " * depth + f"{names[j]} ≤ {threshold:.3g}?")
        go_left = X[rows, j] <= threshold
        left_highs, right_lows = highs.copy(), lows.copy()
        left_highs[j] = threshold
        right_lows[j] = np.nextafter(threshold, np.inf)
        stack.append((rows[~go_left], right_lows, highs.copy(), depth + 1))
        stack.append((rows[go_left], lows.copy(), left_highs, depth + 1))
    boxes = sorted(
        (leaf.box for leaf in leaves if leaf.box.density > 0.5 and leaf.box.n_cases > 0),
        key=lambda box: -box.n_cases,
    )
    return CartResult(tuple(leaves), tuple(boxes), total_cases / n if n else 0.0, tuple(rules))
