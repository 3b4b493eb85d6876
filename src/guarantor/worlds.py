"""One world sampler and one seed convention for every command, the web app, the report and the API.

A *world* is one draw of every uncertain parameter of every model: the instruments' world
parameters (in registry order), the acceptability model's, then the durability simulation's
uncertainties. :func:`space` lists them once (the first definition of a name wins); :func:`sample`
draws ``n`` worlds from a seed. The same ``--worlds N --seed S`` therefore gives the same worlds
in ``assess``, ``simulate``, ``air``, ``sea``, ``land``, ``accept``, ``sweep`` and the web app:
each takes the columns it needs from the same table.

Seed convention (``docs/architecture.md``): from the root ``SeedSequence(S)``

* the worlds come from the child with spawn key ``(0,)``: a Latin hypercube over the unit cube,
  one column per parameter in :func:`space` order, mapped through each parameter's inverse CDF
  (uniform over a quantity's range unless the uncertainty names another distribution);
* a model that draws random numbers of its own gets the child ``(1, crc32(model name))``
  (:func:`model_rng`), so adding a model never changes another's numbers;
* the durability simulation keys world ``i`` as ``SeedSequence(S, spawn_key=(design, i,
  replicate))`` (:mod:`guarantor.randomness`), so chunking never changes a world's history.

One world (``n = 1``) is the nominal world: every parameter at its central value.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from guarantor.sourcing import Quantity

FloatArray = NDArray[np.float64]

DEFAULT_WORLDS = 1000
"""Worlds a command samples unless told otherwise."""
DEFAULT_SEED = 1
"""The seed a command uses unless told otherwise."""
WEB_WORLDS = 100
"""Worlds the web app's pages assess unless asked otherwise: an answer within about a second.

The same number and seed still give the same worlds as every command; a page asks for more
with ``?worlds=``, and long runs go through the jobs API."""
MAX_WORLDS = 1_000_000
WORLDS_KEY = 0
MODELS_KEY = 1


@dataclass(frozen=True)
class Parameter:
    """One uncertain world parameter: its quantity (range, distribution) and who reads it."""

    name: str
    quantity: Quantity
    models: tuple[str, ...] = ()
    distribution: str = "uniform"
    carrier: Any = field(default=None, compare=False, repr=False)

    @property
    def low(self) -> float:
        """Low end of the range."""
        return float(self.quantity.range[0])

    @property
    def high(self) -> float:
        """High end of the range."""
        return float(self.quantity.range[1])

    @property
    def nominal(self) -> float:
        """The central value."""
        return float(self.quantity.value)

    def from_unit(self, unit: FloatArray) -> FloatArray:
        """Map points of [0, 1) onto the parameter's distribution (its inverse CDF)."""
        if self.carrier is not None:
            return np.asarray(self.carrier.from_unit(unit), dtype=np.float64)
        return np.asarray(self.low + unit * (self.high - self.low), dtype=np.float64)


def space(
    uncertainties: str | Path | None = None,
    *,
    models: Sequence[str] | None = None,
    check_names: bool = True,
) -> tuple[Parameter, ...]:
    """Every uncertain parameter: instruments (registry order), acceptability, durability.

    The durability uncertainties come from ``uncertainties`` (a file; default the shipped one);
    ``check_names`` holds its names to those the durability model reads (False for a sweep's
    other ``--model``, which names its own).

    ``models`` limits the space to the parameters those models read (instrument section names,
    ``acceptability``, ``durability``); the order, and so the sample, does not change otherwise.
    """
    from guarantor.bargaining.acceptability import WORLD_PARAMETERS as ACCEPTABILITY
    from guarantor.durability.uncertainties import load_uncertainties
    from guarantor.instruments import registry

    declared: list[tuple[str, Mapping[str, Any]]] = [
        (instrument.name, instrument.world_parameters) for instrument in registry.instruments()
    ]
    declared.append(("acceptability", ACCEPTABILITY))
    durability = load_uncertainties(uncertainties, durability=check_names)
    declared.append(("durability", durability.uncertainties))
    found: dict[str, Parameter] = {}
    for model, parameters in declared:
        for name, quantity in parameters.items():
            known = found.get(name)
            if known is not None:
                found[name] = Parameter(
                    name, known.quantity, (*known.models, model), known.distribution, known.carrier
                )
                continue
            carrier = quantity if callable(getattr(quantity, "from_unit", None)) else None
            distribution = str(getattr(quantity, "distribution", "uniform"))
            found[name] = Parameter(name, quantity, (model,), distribution, carrier)
    chosen = tuple(found.values())
    if models is not None:
        wanted = set(models)
        chosen = tuple(p for p in chosen if wanted & set(p.models))
    return chosen


def root(seed: int | np.random.SeedSequence) -> np.random.SeedSequence:
    """The root of all randomness for ``seed``."""
    if isinstance(seed, np.random.SeedSequence):
        return seed
    return np.random.SeedSequence(int(seed))


def world_seed(seed: int | np.random.SeedSequence) -> np.random.SeedSequence:
    """The seed the worlds are drawn from: the root's child with spawn key ``(0,)``."""
    base = root(seed)
    return np.random.SeedSequence(base.entropy, spawn_key=(*base.spawn_key, WORLDS_KEY))


def model_rng(seed: int | np.random.SeedSequence, model: str) -> np.random.Generator:
    """The generator a model draws its own random numbers from (stable per model name)."""
    base = root(seed)
    key = (*base.spawn_key, MODELS_KEY, zlib.crc32(model.encode()))
    return np.random.default_rng(np.random.SeedSequence(base.entropy, spawn_key=key))


def sample(
    n: int,
    seed: int | np.random.SeedSequence = DEFAULT_SEED,
    *,
    parameters: Sequence[Parameter] | None = None,
    method: str = "lhs",
) -> dict[str, FloatArray]:
    """``n`` worlds drawn from ``seed``: one float array of length ``n`` per parameter.

    The unit cube always spans the whole :func:`space` (or ``parameters``), so a command that
    reads a few columns sees exactly the values another command sees for them.
    """
    from guarantor.durability.uncertainties import unit_sample

    chosen = tuple(parameters) if parameters is not None else space()
    if n < 1:
        raise ValueError(f"the number of worlds must be >= 1, got {n}")
    if n == 1:
        return {p.name: np.array([p.nominal]) for p in chosen}
    cube = unit_sample(len(chosen), n, seed=world_seed(seed), method=method)  # type: ignore[arg-type]
    return {p.name: p.from_unit(cube[:, column]) for column, p in enumerate(chosen)}


def digest(worlds: Mapping[str, FloatArray]) -> str:
    """A short fingerprint of a world table (names and values): equal tables, equal digests.

    Commands print it in their JSON (``worlds.digest``) so that a reader can check that two
    commands saw the same worlds.
    """
    import hashlib

    hasher = hashlib.sha256()
    for name in sorted(worlds):
        hasher.update(name.encode())
        hasher.update(np.ascontiguousarray(worlds[name], dtype=np.float64).tobytes())
    return hasher.hexdigest()[:16]


def describe(worlds: Mapping[str, FloatArray], seed: int) -> dict[str, Any]:
    """What a command's JSON says of its worlds: how many, the seed and the digest."""
    sizes = {int(np.shape(values)[0]) for values in worlds.values()} or {1}
    return {"n": max(sizes), "seed": int(seed), "digest": digest(worlds)}


def columns(worlds: Mapping[str, FloatArray], names: Sequence[str]) -> dict[str, FloatArray]:
    """The columns of ``worlds`` a model reads (those it declares and the table has)."""
    return {name: worlds[name] for name in names if name in worlds}
