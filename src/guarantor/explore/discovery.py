"""Scenario discovery over a results store: cases of interest → PRIM and CART boxes.

A *case of interest* is a condition on one outcome, written ``outcome OP number`` (``OP`` one of
``<``, ``<=``, ``>``, ``>=``, ``==``, ``!=``), e.g. ``breakdown_month<=24``: the peace broke down
within two years. The dimensions searched are the world parameters and every numeric lever that
varies across the design's packages.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from guarantor.errors import DataError, Problem
from guarantor.explore.cart import cart
from guarantor.explore.prim import prim
from guarantor.explore.store import Store

_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
}
_CASE = re.compile(
    r"^\s*(?P<outcome>[A-Za-z_][A-Za-z0-9_]*)\s*(?P<op><=|>=|==|!=|<|>)\s*"
    r"(?P<value>[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)\s*$"
)


@dataclass(frozen=True)
class Case:
    """A condition on one outcome that marks an experiment as a case of interest."""

    outcome: str
    op: str
    value: float

    @property
    def text(self) -> str:
        """The case as written."""
        return f"{self.outcome} {self.op} {self.value:g}"

    def flags(self, values: Any) -> Any:
        """Which experiments are cases (vectorised)."""
        return _OPERATORS[self.op](np.asarray(values, dtype=np.float64), self.value)


def parse_case(text: str, outcomes: Sequence[str] | None = None) -> Case:
    """Parse ``breakdown_month<=24``.

    Raises:
        DataError: the text is not ``outcome OP number`` or names an unknown outcome.
    """
    match = _CASE.match(text)
    if match is None:
        raise DataError.single(
            "bad case of interest",
            field="case",
            expected="outcome OP number, e.g. breakdown_month<=24",
            received=text,
        )
    if outcomes is not None and match["outcome"] not in outcomes:
        raise DataError.single(
            "unknown outcome in case of interest",
            field="case",
            expected=f"one of {sorted(outcomes)}",
            received=match["outcome"],
        )
    return Case(match["outcome"], match["op"], float(match["value"]))


def discovery_table(
    store: Store, package: str | None = None
) -> tuple[np.ndarray[Any, Any], list[str], dict[str, np.ndarray[Any, Any]]]:
    """Dimensions (varying worlds and levers) and outcomes of the store's good experiments.

    Raises:
        DataError: the store is empty, or ``package`` matches no stored package.
    """
    data = store.experiments()
    manifest = store.manifest()
    keep = np.array([error is None for error in data["error"]], dtype=bool)
    if package is not None:
        chosen = (data["label"] == package) | (data["package"] == package)
        if not chosen.any():
            labels = sorted({entry["label"] for entry in manifest["packages"]})
            raise DataError.single(
                "no such package in the store",
                field="package",
                expected=f"one of {labels}",
                received=package,
            )
        keep &= chosen
    names: list[str] = []
    columns: list[np.ndarray[Any, Any]] = []
    for name in store.world_parameters():
        column = np.asarray(data[name], dtype=np.float64)
        if np.ptp(column[keep]) > 0 if keep.any() else False:  # a constant explains nothing
            names.append(name)
            columns.append(column)
    levers = [entry["levers"] for entry in manifest["packages"]]
    lever_names = sorted({name for entry in levers for name in entry})
    point = np.asarray(data["point"], dtype=np.int64)
    for lever in lever_names:
        per_point = [entry.get(lever) for entry in levers]
        if all(isinstance(v, (int, float)) for v in per_point) and len(set(per_point)) > 1:
            names.append(lever)
            columns.append(np.asarray(per_point, dtype=np.float64)[point])
    X = np.column_stack(columns)[keep] if columns else np.empty((int(keep.sum()), 0))
    outcomes = {name: np.asarray(data[name], np.float64)[keep] for name in store.outcome_names()}
    return X, names, outcomes


def discover(
    store: Store,
    cases: Sequence[str],
    *,
    package: str | None = None,
    min_coverage: float = 0.5,
    max_restricted: int | None = 4,
    max_boxes: int = 2,
    max_depth: int = 3,
) -> dict[str, Any]:
    """Run PRIM and CART for each case of interest; store and return the boxes.

    Raises:
        DataError: a case is malformed or the store holds no matching experiments.
    """
    X, names, outcomes = discovery_table(store, package)
    problems: list[Problem] = []
    parsed: list[Case] = []
    for text in cases:
        try:
            parsed.append(parse_case(text, list(outcomes)))
        except DataError as error:
            problems.extend(error.problems)
    if problems:
        raise DataError(problems)
    results: dict[str, Any] = {
        "store": str(store.root),
        "package": package,
        "dimensions": names,
        "n_experiments": int(X.shape[0]),
        "cases": [],
    }
    for case in parsed:
        flags = case.flags(outcomes[case.outcome])
        entry: dict[str, Any] = {
            "case": case.text,
            "n_cases": int(flags.sum()),
            "base_rate": float(flags.mean()) if flags.size else 0.0,
        }
        if 0 < flags.sum() < flags.size:
            entry["prim"] = prim(
                X,
                flags,
                names,
                min_coverage=min_coverage,
                max_restricted=max_restricted,
                max_boxes=max_boxes,
            ).to_dict(case.text)
            entry["cart"] = cart(X, flags, names, max_depth=max_depth).to_dict(case.text)
        else:
            entry["note"] = "every experiment or none is a case: nothing to discover"
        results["cases"].append(entry)
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", package or "all")
    store.write_json(f"discovery/{slug}.json", json.loads(json.dumps(results, default=float)))
    return results
