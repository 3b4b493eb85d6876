"""Results the Python API returns beyond assessments and sections, each able to show itself.

Each wraps what the engine returns (a simulation, a ROE decision or verification, a results
store, a discovery, a sensitivity analysis, a Pareto set) with the same three faces: ``__repr__``
as text, ``_repr_html_`` for Jupyter (drawn offline) and ``to_pandas()`` as tidy frames. The
views themselves live in :mod:`guarantor.display`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from guarantor.display import (
    View,
    discovery_view,
    frontier_view,
    sensitivity_view,
    simulation_view,
    store_view,
    verdict_view,
    verification_view,
    view_html,
    view_text,
)

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

    from guarantor.durability import SimulationResult
    from guarantor.explore.optimize import SearchResult
    from guarantor.explore.store import Store
    from guarantor.roe import Decision, DecisionRecord, Incident, Ruleset, VerificationReport


class _Shows(ABC):
    """``__repr__`` and ``_repr_html_`` from one view (``_view()``)."""

    @abstractmethod
    def _view(self) -> View:
        """What the result shows."""

    def __repr__(self) -> str:
        return str(view_text(self._view()))

    def _repr_html_(self) -> str:
        return str(view_html(self._view()))


@dataclass(frozen=True, repr=False)
class Simulation(_Shows):
    """One package simulated over the years after a ceasefire, in many worlds."""

    result: SimulationResult
    seed: int
    worlds: Mapping[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """P(peace holds) at 1/3/5/10 years with 95 % intervals, probes, clashes and cost."""
        return {**self.result.summary(), "seed": self.seed}

    def to_pandas(self, kind: str = "worlds") -> pd.DataFrame:
        """``worlds``: one row per world, its outcomes and parameters; ``survival``: per month."""
        import pandas as pd

        from guarantor.durability import wilson_band

        if kind == "worlds":
            columns: dict[str, Any] = {
                name: np.asarray(values) for name, values in self.result.outcomes.items()
            }
            columns.update(
                {name: np.asarray(v, dtype=np.float64) for name, v in self.worlds.items()}
            )
            size = len(next(iter(columns.values()))) if columns else 0
            return pd.DataFrame({"world": np.arange(size), **columns})
        if kind == "survival":
            low, high = wilson_band(self.result.survival, self.result.n_worlds)
            return pd.DataFrame(
                {
                    "month": np.arange(self.result.months + 1, dtype=np.float64),
                    "share": self.result.survival,
                    "low": low,
                    "high": high,
                    "smooth": self.result.expected_survival,
                }
            )
        raise ValueError(f"unknown frame {kind!r}: expected 'worlds' or 'survival'")

    def _view(self) -> View:
        return simulation_view(self)


@dataclass(frozen=True, repr=False)
class Verdict(_Shows):
    """A rules-of-engagement decision on one incident: the response, the rule, the reasons."""

    ruleset: Ruleset
    incident: Incident
    decision: Decision
    record: DecisionRecord

    @property
    def response(self) -> str:
        """The response's label (``monitor``, ``intercept``, ``engage``...)."""
        return str(self.decision.response.label)

    def to_pandas(self) -> pd.DataFrame:
        """One row per rule: its response, whether it matched, the conditions met and failed."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "rule": item.rule,
                    "response": item.response.label,
                    "matched": item.matched,
                    "met": list(item.met),
                    "failed": list(item.failed),
                    "chosen": item.rule == self.decision.rule,
                }
                for item in self.decision.trace
            ],
            columns=["rule", "response", "matched", "met", "failed", "chosen"],
        )

    def _view(self) -> View:
        return verdict_view(self)


@dataclass(frozen=True, repr=False)
class Verification(_Shows):
    """A rule set proved (or not) complete, conflict-free, live, monotone and within invariants."""

    ruleset: Ruleset
    report: VerificationReport

    @property
    def ok(self) -> bool:
        """Whether every property holds."""
        return bool(self.report.ok)

    def to_pandas(self) -> pd.DataFrame:
        """One row per finding: the check, its subject, line, message and counter-example."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "check": finding.check,
                    "subject": finding.subject,
                    "line": finding.line,
                    "message": finding.message,
                    "incident": None if finding.incident is None else finding.incident.as_data(),
                }
                for finding in self.report.findings
            ],
            columns=["check", "subject", "line", "message", "incident"],
        )

    def _view(self) -> View:
        return verification_view(self)


class ResultsStore(_Shows):
    """A sweep's results on disk (Parquet chunks and a manifest), queried with DuckDB."""

    def __init__(self, store: Store) -> None:
        """Wrap an opened :class:`~guarantor.explore.store.Store`."""
        self.store = store

    @property
    def root(self) -> Path:
        """The store's directory."""
        return self.store.root

    @cached_property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """A DuckDB connection over the store, opened on first use.

        Its views: ``results``, ``experiments``, ``worlds``, ``packages``, ``chunks`` and
        ``failures`` (see :meth:`guarantor.explore.store.Store.connect`).
        """
        return self.store.connect()

    def sql(self, query: str) -> pd.DataFrame:
        """Run SQL on the store's views and return the rows as a frame."""
        frame: pd.DataFrame = self.connection.sql(query).df()
        return frame

    def summary(self) -> dict[str, Any]:
        """Progress, per-package outcome summaries and the stored analyses."""
        from guarantor.report.sweeps import sweep_summary

        return sweep_summary(self.store)

    def to_pandas(self) -> pd.DataFrame:
        """Every result: one row per experiment × outcome, with package and world parameters."""
        return self.sql("SELECT * FROM results ORDER BY experiment, outcome")

    def close(self) -> None:
        """Close the DuckDB connection (a later query opens a new one)."""
        if "connection" in self.__dict__:
            self.__dict__.pop("connection").close()

    def _view(self) -> View:
        return store_view(self)


@dataclass(frozen=True, repr=False)
class Discovery(_Shows):
    """Scenario discovery: for each case of interest, the boxes of worlds where it happens."""

    data: dict[str, Any]

    def to_pandas(self) -> pd.DataFrame:
        """One row per PRIM box: the case, the box's text, coverage, density and limits."""
        import pandas as pd

        rows = [
            {
                "case": case["case"],
                "box": number,
                "text": box["text"],
                "coverage": box["coverage"],
                "density": box["density"],
                "limits": box["limits"],
            }
            for case in self.data["cases"]
            for number, box in enumerate((case.get("prim") or {}).get("boxes", []), start=1)
        ]
        return pd.DataFrame(rows, columns=["case", "box", "text", "coverage", "density", "limits"])

    def _view(self) -> View:
        return discovery_view(self)


@dataclass(frozen=True, repr=False)
class Sensitivity(_Shows):
    """Sobol indices (with confidence intervals) and a tornado of one package's outcomes."""

    sobol: dict[str, Any]
    tornado: dict[str, Any]

    def to_pandas(self) -> pd.DataFrame:
        """One row per outcome × uncertainty: ``S1``, ``ST`` and their confidence half-widths."""
        import pandas as pd

        rows = [
            {"outcome": outcome, "uncertainty": name, **values}
            for outcome, table in (self.sobol.get("indices") or {}).items()
            if "note" not in table
            for name, values in table.items()
        ]
        return pd.DataFrame(
            rows, columns=["outcome", "uncertainty", "S1", "S1_conf", "ST", "ST_conf"]
        )

    def _view(self) -> View:
        return sensitivity_view(self)


@dataclass(frozen=True, repr=False)
class Frontier(_Shows):
    """The Pareto set of a robust search over a package's levers."""

    package: str
    objectives: tuple[str, ...]
    result: SearchResult

    def to_pandas(self) -> pd.DataFrame:
        """One row per Pareto candidate: its levers, objectives, consent share and feasibility."""
        import pandas as pd

        rows = []
        for row in self.result.pareto:
            entry: dict[str, Any] = dict(row["levers"])
            entry.update(row["objectives"])
            for key in ("acceptance", "feasible"):
                if key in row:
                    entry[key] = row[key]
            rows.append(entry)
        return pd.DataFrame(rows)

    def _view(self) -> View:
        return frontier_view(self)
