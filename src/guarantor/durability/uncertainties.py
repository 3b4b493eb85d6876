"""Uncertainties and worlds: ranges in a YAML file, sampled into arrays of world parameters.

A world is one draw of every uncertainty. :func:`sample_worlds` draws ``n`` worlds by Latin
hypercube, scrambled Sobol or plain Monte Carlo (``scipy.stats.qmc``) in the unit cube and maps
each column onto its uncertainty's range (uniform, triangular around ``value``, or log-uniform).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Self

import numpy as np
from numpy.typing import NDArray
from pydantic import Field, model_validator
from scipy.stats import qmc

from guarantor.errors import DataError, Problem
from guarantor.sourcing import Quantity, Source, Strict, check_source_refs, validate_as
from guarantor.yamlio import load_yaml

DATA = Path(__file__).parent / "data"
DEFAULT_UNCERTAINTIES = DATA / "uncertainties.yaml"
Method = Literal["lhs", "sobol", "mc"]


class Uncertainty(Quantity):
    """An uncertain world parameter: a quantity with a range and a distribution over it."""

    distribution: Literal["uniform", "triangular", "loguniform"] = "uniform"
    description: str = ""

    @model_validator(mode="after")
    def _sampleable(self) -> Self:
        if self.low is None or self.high is None:
            raise ValueError("an uncertainty needs 'low' and 'high' to be sampled")
        if self.distribution == "loguniform" and self.low <= 0:
            raise ValueError(f"a log-uniform range must be positive, got low {self.low}")
        return self

    @property
    def bounds(self) -> tuple[float, float]:
        """The sampled range."""
        return self.range

    def from_unit(self, unit: NDArray[np.float64]) -> NDArray[np.float64]:
        """Map points of [0, 1) onto this uncertainty's distribution (inverse CDF)."""
        low, high = self.range
        if high == low:
            return np.full(unit.shape, low)
        if self.distribution == "loguniform":
            return np.asarray(np.exp(np.log(low) + unit * (np.log(high) - np.log(low))))
        if self.distribution == "triangular":
            mode = (self.value - low) / (high - low)
            left = unit < mode
            out = np.empty_like(unit)
            out[left] = np.sqrt(unit[left] * mode)
            out[~left] = 1.0 - np.sqrt((1.0 - unit[~left]) * (1.0 - mode))
            return low + out * (high - low)
        return low + unit * (high - low)


DOMAINS: dict[str, tuple[float, float, str]] = {
    # name: (lowest, highest, what bounds it); the durability model reads exactly these names
    "russia_war_aims": (1.0, 3.0, "an ordinal scale: 1 limited aims to 3 maximal"),
    "russia_risk_tolerance": (0.0, 1.0, "a share"),
    "russia_capacity_at_ceasefire": (0.0, 2.0, "a multiple of the pre-ceasefire capacity"),
    "russia_rebuild_months": (1.0, 240.0, "months: at most the 20 years a run simulates"),
    "ukraine_force_strength": (0.0, 3.0, "a multiple of Ukraine's 2025 strength"),
    "us_resolve": (0.0, 1.0, "a share"),
    "us_election_swing": (0.0, 1.0, "a probability"),
    "coalition_cohesion": (0.0, 1.0, "a share"),
    "coalition_fatigue_per_year": (0.0, 1.0, "a share lost per year"),
    "snapback_enforcement_probability": (0.0, 1.0, "a probability"),
    "brent_usd_per_bbl": (1.0, 500.0, "USD per barrel: Brent has ranged about 10 to 147"),
    "russia_consent_probability": (0.0, 1.0, "a probability"),
    "parliament_approval_probability": (0.0, 1.0, "a probability"),
    "nato_unanimity_probability": (0.0, 1.0, "a probability"),
}
"""The uncertainties the models know, each with the domain its value and range must lie in.

An uncertainty file may give any subset (the rest take the shipped file's values); a name the
models do not read is refused, so a typo cannot silently leave a parameter at its default.
"""


class _UncertaintyFile(Strict):
    sources: dict[str, Source] = Field(default_factory=dict)
    uncertainties: dict[str, Uncertainty] = Field(min_length=1)


@dataclass(frozen=True)
class Uncertainties:
    """The uncertainties by name, with the sources they cite and the file they came from."""

    uncertainties: dict[str, Uncertainty]
    sources: dict[str, Source]
    file: str

    @property
    def names(self) -> list[str]:
        """Names of the uncertainties, in file order."""
        return list(self.uncertainties)

    def nominal(self, n: int = 1) -> dict[str, NDArray[np.float64]]:
        """``n`` worlds with every uncertainty at its central value."""
        return {name: np.full(n, item.value) for name, item in self.uncertainties.items()}


def _path(path_or_name: str | Path | None) -> Path:
    if path_or_name is None:
        return DEFAULT_UNCERTAINTIES
    path = Path(path_or_name)
    if path.suffix in {".yaml", ".yml"}:
        return path
    shipped = DATA / f"{path_or_name}.yaml"
    if shipped.exists():
        return shipped
    raise DataError.single(
        "no such uncertainties file",
        field="uncertainties",
        expected="a YAML file path or 'uncertainties'",
        received=str(path_or_name),
    )


def load_uncertainties(
    path_or_name: str | Path | None = None, *, durability: bool = True
) -> Uncertainties:
    """Load and check an uncertainties file (default: the shipped one).

    ``durability``: the file is for the durability model, so every name must be one it reads
    and every number must lie in its domain (:data:`DOMAINS`); ``False`` for another model
    (a sweep's ``--model``), which names its own parameters.

    Raises:
        DataError: with every problem located (file:line, field, expected, received).
    """
    path = _path(path_or_name)
    try:
        modified_ns = path.stat().st_mtime_ns
    except OSError as error:
        raise DataError.single(f"cannot read file: {error.strerror}", file=str(path)) from None
    return _load_file(str(path.resolve()), modified_ns, durability)


@lru_cache(maxsize=16)
def _load_file(path: str, modified_ns: int, durability: bool) -> Uncertainties:
    # every simulation run asks for the same file; read each version of it (path and
    # modification time) once
    raw, lines = load_yaml(Path(path))
    return parse_uncertainties(raw, lines, durability=durability)


def parse_uncertainties(raw: Any, lines: Any, *, durability: bool = True) -> Uncertainties:
    """Validate parsed YAML as an uncertainties file (for the durability model by default)."""
    if not isinstance(raw, dict):
        raise DataError(
            [lines.problem([], "an uncertainties file is a mapping", received=type(raw).__name__)]
        )
    problems: list[Problem] = []
    parsed: _UncertaintyFile | None = None
    try:
        parsed = validate_as(_UncertaintyFile, raw, lines)
    except DataError as error:
        problems.extend(error.problems)
    known: dict[str, Any] = raw["sources"] if isinstance(raw.get("sources"), dict) else {}
    problems.extend(check_source_refs(raw, set(known), lines))
    if durability:
        problems.extend(_domain_problems(raw.get("uncertainties"), lines))
    if problems:
        raise DataError(problems)
    assert parsed is not None
    return Uncertainties(dict(parsed.uncertainties), dict(parsed.sources), lines.file)


def _as_number(value: Any) -> float | None:
    """A number as the schema reads it (``1e3`` is text to YAML 1.1 but a number to pydantic)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        return float(value)
    except (ValueError, OverflowError):
        return None


def _domain_problems(items: Any, lines: Any) -> list[Problem]:
    """Names the models do not read, and values or ranges outside their domain.

    Works on the raw data, so that these are reported with the schema's problems.
    """
    problems: list[Problem] = []
    if not isinstance(items, dict):
        return problems
    for name, item in items.items():
        where = ["uncertainties", name]
        if name not in DOMAINS:
            problems.append(
                lines.problem(
                    where,
                    "unknown uncertainty: no model reads it",
                    expected=f"one of {sorted(DOMAINS)}",
                    received=name,
                )
            )
            continue
        lowest, highest, meaning = DOMAINS[name]
        for field in ("value", "low", "high"):
            number = _as_number(item.get(field) if isinstance(item, dict) else None)
            if number is not None and math.isfinite(number) and not lowest <= number <= highest:
                problems.append(
                    lines.problem(
                        [*where, field],
                        f"outside the domain of {name} ({meaning})",
                        expected=f"{lowest:g} to {highest:g}",
                        received=f"{number:g}",
                    )
                )
    return problems


def unit_sample(
    dimensions: int, n: int, *, seed: int | np.random.SeedSequence | None, method: Method = "lhs"
) -> NDArray[np.float64]:
    """``n`` points of the unit cube in ``dimensions`` dimensions."""
    if n < 1:
        raise ValueError(f"the number of worlds must be ≥ 1, got {n}")
    rng = np.random.default_rng(seed)
    if method == "lhs":
        return np.asarray(qmc.LatinHypercube(d=dimensions, seed=rng).random(n))
    if method == "sobol":
        with warnings.catch_warnings():
            # balance needs n = 2**m; other n are still a valid (less balanced) Sobol' sample
            warnings.simplefilter("ignore", UserWarning)
            return np.asarray(qmc.Sobol(d=dimensions, scramble=True, seed=rng).random(n))
    if method == "mc":
        return rng.random((n, dimensions))
    raise ValueError(f"method must be 'lhs', 'sobol' or 'mc', got {method!r}")


def sample_worlds(
    uncertainties: Uncertainties,
    n: int,
    *,
    seed: int | np.random.SeedSequence | None,
    method: Method = "lhs",
) -> dict[str, NDArray[np.float64]]:
    """Sample ``n`` worlds: one float array of length ``n`` per uncertainty."""
    items = uncertainties.uncertainties
    cube = unit_sample(len(items), n, seed=seed, method=method)
    return {
        name: item.from_unit(cube[:, column]) for column, (name, item) in enumerate(items.items())
    }
