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
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from guarantor.errors import DataError, Problem
from guarantor.explore.boxes import Box
from guarantor.explore.cart import cart
from guarantor.explore.outofcore import (
    DEFAULT_MEMORY_LIMIT,
    DEFAULT_SAMPLE,
    DiscoveryData,
    box_counts,
    discovery_sample,
)
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

    The in-memory reference (it loads the whole store): :func:`discover` reads the same table
    through DuckDB, out of core (:func:`~guarantor.explore.outofcore.discovery_sample`).

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
    sample: int | None = DEFAULT_SAMPLE,
    memory_limit: str | None = DEFAULT_MEMORY_LIMIT,
) -> dict[str, Any]:
    """Run PRIM and CART for each case of interest; store and return the boxes.

    The store is read through DuckDB under ``memory_limit``, never whole: PRIM and CART run on
    at most ``sample`` experiments (every one when the store holds no more, which gives exactly
    the in-memory :func:`discovery_table`'s boxes), a deterministic sample otherwise
    (:func:`~guarantor.explore.outofcore.discovery_sample`). Then every PRIM box and the base
    rate are measured over all experiments in SQL; the box's sample figures and their binomial
    standard errors are kept under ``sample``.

    Raises:
        DataError: a case is malformed or the store holds no matching experiments.
    """
    problems: list[Problem] = []
    parsed: list[Case] = []
    outcome_names = store.stored_outcomes()
    for text in cases:
        try:
            parsed.append(parse_case(text, outcome_names))
        except DataError as error:
            problems.extend(error.problems)
    if problems:
        raise DataError(problems)
    data = discovery_sample(
        store,
        package=package,
        outcomes=sorted({case.outcome for case in parsed}),
        sample=sample,
        seed=int(store.manifest()["seed"]),
        memory_limit=memory_limit,
    )
    X, names = data.X, data.names
    results: dict[str, Any] = {
        "store": str(store.root),
        "package": package,
        "dimensions": names,
        "n_experiments": data.n_experiments,
        "sample": {"n_sampled": data.n_sampled, "fraction": data.fraction},
        "cases": [],
    }
    for case in parsed:
        flags = case.flags(data.outcomes[case.outcome])
        entry: dict[str, Any] = {
            "case": case.text,
            "n_cases": int(flags.sum()),
            "base_rate": float(flags.mean()) if flags.size else 0.0,
        }
        if data.fraction < 1.0:
            total, total_cases, _, _ = box_counts(
                store, case, [], data, package=package, memory_limit=memory_limit
            )
            entry["n_cases"], entry["base_rate"] = total_cases, total_cases / max(total, 1)
        if 0 < flags.sum() < flags.size:
            found = prim(
                X,
                flags,
                names,
                min_coverage=min_coverage,
                max_restricted=max_restricted,
                max_boxes=max_boxes,
            )
            entry["prim"] = found.to_dict(case.text)
            if data.fraction < 1.0:
                entry["prim"]["boxes"] = [
                    _measured_over_all(
                        store, case, box, data, package=package, memory_limit=memory_limit
                    )
                    for box in found.boxes
                ]
            entry["cart"] = cart(X, flags, names, max_depth=max_depth).to_dict(case.text)
        else:
            entry["note"] = "every experiment or none is a case: nothing to discover"
        results["cases"].append(entry)
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", package or "all")
    store.write_json(f"discovery/{slug}.json", json.loads(json.dumps(results, default=float)))
    return results


def _measured_over_all(
    store: Store,
    case: Case,
    box: Box,
    data: DiscoveryData,
    *,
    package: str | None,
    memory_limit: str | None,
) -> dict[str, Any]:
    """A box found on the sample, with coverage, density and mass over every experiment.

    The sample's own figures stay under ``sample`` with their binomial standard errors
    (``sqrt(p(1 − p)/n)`` over the sampled experiments in the box, and the sampled cases).
    """
    limits = [(name, low, high) for name, (low, high) in box.limits().items()]
    total, total_cases, in_box, cases_in_box = box_counts(
        store, case, limits, data, package=package, memory_limit=memory_limit
    )
    whole = replace(
        box,
        coverage=cases_in_box / total_cases if total_cases else 0.0,
        density=cases_in_box / in_box if in_box else 0.0,
        mass=in_box / total if total else 0.0,
        n_experiments=in_box,
        n_cases=cases_in_box,
    )
    sampled_cases = round(box.n_cases / box.coverage) if box.coverage else 0
    return {
        **whole.to_dict(case.text),
        "sample": {
            "coverage": box.coverage,
            "coverage_se": _binomial_se(box.coverage, sampled_cases),
            "density": box.density,
            "density_se": _binomial_se(box.density, box.n_experiments),
            "mass": box.mass,
            "n_experiments": box.n_experiments,
            "n_cases": box.n_cases,
        },
    }


def _binomial_se(share: float, n: int) -> float:
    return float(np.sqrt(share * (1.0 - share) / n)) if n > 0 else float("nan")
