"""The instrument contract: what every folder under ``guarantor/instruments/`` provides.

An *instrument* is one kind of guarantee (air policing, maritime security, land forces, sanctions,
treaty guarantees, ...). Its folder holds its schema, its data (YAML), its model and its checks,
and exposes one object implementing :class:`InstrumentModel`:

* ``name`` and ``title``: the section it produces (``air``, ``Air``);
* ``reads``: the package instruments (commitment kinds) it reads — nothing else reads them;
* ``world_parameters``: the uncertain parameters it accepts, with nominal values and ranges (the
  one world sampler, :mod:`guarantor.worlds`, draws them);
* ``assess(theatre, package, worlds, *, rng) -> Section``: the model, pure and vectorised;
* ``handover(section, package, calibration) -> Handover``: what the durability simulation needs,
  per world, read from the section (never by re-running the model);
* ``levers``: the coarse knobs sweeps and the optimiser turn (``aircraft=60,90,120``);
* ``effects``: for every field a package can set on the commitments it reads, which outcome the
  field moves and in which direction (the lever contract test holds each to it);
* ``editor_fields``: the fields the web editor shows for a new commitment of each kind;
* ``data_kinds``: the data files it ships, for ``guarantor validate``;
* ``positions(package)``: where the commitments it reads put the package on the bargaining
  model's issue dimensions (:data:`ISSUE_DIMENSIONS`), so that the actors see them;
* optionally ``needs``: the sections of other instruments its model takes (``assess(...,
  inputs={name: section})``); the registry runs those first (:func:`registry.assess_one`).

A package's lever travels once: package → model → section → hand-over → kernel → outcome.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from pathlib import Path

    from guarantor.durability.calibration import Calibration
    from guarantor.packages.schema import Commitment, Instrument, Package
    from guarantor.section import Section, Worlds
    from guarantor.sourcing import Quantity
    from guarantor.theatre import Theatre

FloatArray = NDArray[np.float64]

PROBE_CLASSES = ("air", "sea", "ground")
"""Classes of Russian probe the durability simulation distinguishes (its ``coverage`` columns)."""


@dataclass(frozen=True)
class CommitmentColumns:
    """What one commitment brings to the durability simulation, per world (arrays of length n).

    ``answer`` is the share of each probe class (air, sea, ground; shape n × 3) the commitment's
    forces can answer before rules of engagement; ``force`` its share of a robust peacekeeping
    force; ``credibility`` the prior credibility its form carries (a tripwire, a treaty);
    ``cost_usd_bn_per_month`` its running cost; ``expires_month`` the month it lapses by its own
    terms (``inf``: never).
    """

    answer: FloatArray
    force: FloatArray
    credibility: FloatArray
    cost_usd_bn_per_month: FloatArray
    expires_month: float = float("inf")

    @classmethod
    def zeros(cls, n: int) -> CommitmentColumns:
        """A commitment that brings nothing (yet)."""
        return cls(np.zeros((n, len(PROBE_CLASSES))), np.zeros(n), np.zeros(n), np.zeros(n))


WORLD_COLUMNS = {
    "sanctions_threat": "expected share of oil revenue lost after a violation, if enforced",
    "monitoring_share": "share of the contact line under ceasefire monitoring (0-1)",
    "defender_strength_factor": "Ukraine's strength relative to its unconstrained army (0-1)",
    "attribution": "chance a probe is attributed within days; only then can it be answered (0-1)",
    "attribution_suspended": "the same while the suspendable provider's feed is suspended (0-1)",
    "suspension_per_year": "rate at which that provider suspends its feed (per year)",
    "suspension_months": "how long a suspension lasts (months)",
}
"""Package-level columns an instrument may hand over (per world), and what each means."""


@dataclass(frozen=True)
class Handover:
    """What an instrument hands the durability simulation: per commitment and per world."""

    commitments: Mapping[str, CommitmentColumns] = field(default_factory=dict)
    world: Mapping[str, FloatArray] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = set(self.world) - set(WORLD_COLUMNS)
        if unknown:
            raise ValueError(f"unknown hand-over world columns {sorted(unknown)}")


ISSUE_DIMENSIONS = {
    "nato": "Ukraine's NATO path (0 membership, 1 membership renounced)",
    "foreign_troops": "foreign troops inside Ukraine (0 a full deterrence force, 1 none)",
    "foreign_aircraft": "foreign fighters guarding Ukraine's sky (0 a full air shield, 1 none)",
    "black_sea_warships": "Western warships in the Black Sea (0 a full escort force, 1 none)",
    "monitors": "ceasefire monitors (0 a large armed mission with technical means, 1 none)",
    "us_commitment": "the US role (0 an Article-5-like guarantee, 1 none)",
    "sanctions": "sanctions on Russia (0 full automatic snapback, 1 lifted)",
    "army_cap": "a cap on Ukraine's army (0 none below 800,000, 1 Istanbul 2022's 85,000)",
    "territory": "recognition of occupied territory (0 none, 1 de jure)",
}
"""The bargaining model's issue dimensions: 0 is the pro-Ukraine, pro-guarantee end, 1 the
pro-Russian end. An instrument places a package on those its commitments touch."""


@dataclass(frozen=True)
class IssuePosition:
    """Where an instrument's commitments put a package on one issue dimension.

    ``position`` is a quantity on the dimension's 0-1 scale whose range is the coding's
    uncertainty (a ladder's spacing, the force at which the scale ends): the acceptability model
    draws it per world with the same draw for the package and the status quo. ``commitments``
    are the ids that set it, ``why`` says how (and which statement anchors it).
    """

    dimension: str
    position: Quantity
    commitments: tuple[str, ...]
    why: str

    def __post_init__(self) -> None:
        if self.dimension not in ISSUE_DIMENSIONS:
            raise ValueError(f"unknown issue dimension {self.dimension!r}")
        low, high = self.position.range
        if not 0.0 <= low <= self.position.value <= high <= 1.0:
            raise ValueError(f"{self.dimension}: a position lies in [0, 1], got {self.position}")


LeverValue = float | str


@dataclass(frozen=True)
class Lever:
    """A coarse knob on a package for sweeps: an amount scaled across pledges, or a level.

    ``apply`` returns the package's commitments with the lever set (raising a located
    :class:`~guarantor.errors.DataError` when the package lacks the instrument); ``read`` reads
    the lever's current setting off a package.
    """

    name: str
    description: str
    unit: str
    apply: Callable[[Package, LeverValue], tuple[Commitment, ...]] = field(
        compare=False, repr=False
    )
    read: Callable[[Package], LeverValue] = field(compare=False, repr=False)
    low: float = 0.0
    high: float = 0.0
    step: float = 1.0
    choices: tuple[str, ...] = ()

    @property
    def is_choice(self) -> bool:
        """Whether the lever picks a level from a ladder rather than an amount."""
        return bool(self.choices)

    def parse(self, text: str) -> LeverValue:
        """Turn the text of one setting into a value, or raise a located ``DataError``."""
        from guarantor.errors import DataError

        if self.is_choice:
            if text not in self.choices:
                raise DataError.single(
                    f"unknown level for lever {self.name!r}",
                    field=f"levers.{self.name}",
                    expected=f"one of {list(self.choices)}",
                    received=text,
                )
            return text
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        if not np.isfinite(value) or value < 0:
            raise DataError.single(
                f"lever {self.name!r} takes a non-negative number",
                field=f"levers.{self.name}",
                expected=f"a number of {self.unit} ≥ 0",
                received=text,
            )
        return value


Direction = Literal[1, -1]


@dataclass(frozen=True)
class Effect:
    """What one settable field does: changing it as ``change`` says moves ``outcome`` by ``sign``.

    ``name`` is ``<instrument value>.<field>`` (``air_policing.readiness_min``); ``change``
    returns a copy of the commitment (given the theatre) with the field changed in the
    declared direction (or None when it cannot be changed that way); ``outcome`` is
    ``(section, metric)`` and ``sign`` is +1 when the change raises the metric, -1 when it
    lowers it.
    """

    name: str
    change: Callable[[Commitment, Theatre], Commitment | None] = field(compare=False, repr=False)
    outcome: tuple[str, str]
    sign: Direction
    why: str


@dataclass(frozen=True)
class EditorField:
    """One field of a new commitment in the web editor."""

    name: str
    label: str
    kind: Literal["number", "pledges", "choice", "flag"]
    default: Any = None
    choices: tuple[str, ...] = ()
    unit: str = ""


@dataclass(frozen=True)
class DataKind:
    """A data file an instrument ships: its kind, its identifying top-level field, a loader."""

    kind: str
    identifying_field: str
    load: Callable[[Path], Any] = field(compare=False, repr=False)


class InstrumentModel(Protocol):
    """The contract every instrument implements (see the module docstring)."""

    @property
    def name(self) -> str:
        """The section it produces (``air``)."""
        ...

    @property
    def title(self) -> str:
        """The section's title (``Air``)."""
        ...

    @property
    def reads(self) -> tuple[Instrument, ...]:
        """The package instruments (commitment kinds) it reads."""
        ...

    @property
    def world_parameters(self) -> Mapping[str, Quantity]:
        """Uncertain parameters the model accepts, with nominal values and ranges."""
        ...

    def assess(
        self,
        theatre: Theatre,
        package: Package,
        worlds: Worlds | None = None,
        *,
        rng: np.random.Generator | None = None,
    ) -> Section:
        """The instrument's section over the worlds."""
        ...

    def handover(self, section: Section, package: Package, calibration: Calibration) -> Handover:
        """The per-world columns the durability simulation reads, from the section."""
        ...

    @property
    def levers(self) -> tuple[Lever, ...]:
        """Knobs for sweeps and the optimiser."""
        ...

    @property
    def effects(self) -> tuple[Effect, ...]:
        """Each settable field's declared effect on an outcome."""
        ...

    @property
    def editor_fields(self) -> Mapping[str, tuple[EditorField, ...]]:
        """Editor fields by commitment kind (package instrument value)."""
        ...

    @property
    def data_kinds(self) -> tuple[DataKind, ...]:
        """Data files the instrument ships, for ``guarantor validate``."""
        ...

    def positions(self, package: Package) -> tuple[IssuePosition, ...]:
        """Where the package's commitments of the kinds it reads sit on the issue dimensions.

        One position per dimension it touches (none when the package has no such commitment):
        the acceptability model reads these, never the commitments themselves.
        """
        ...


def spread(total: FloatArray, weights: Mapping[str, float]) -> dict[str, FloatArray]:
    """Split a package-level share over commitments in proportion to ``weights``.

    A model that gives one share for the whole package (the population the fighters protect)
    hands each commitment the part it contributes by ``weights`` (its aircraft).
    """
    values = np.asarray(list(weights.values()), dtype=np.float64)
    shares = values / values.sum() if values.sum() > 0 else np.full(values.size, 1 / values.size)
    clipped = np.clip(np.asarray(total, dtype=np.float64), 0.0, 1.0)
    return {key: clipped * share for key, share in zip(weights, shares, strict=True)}


def per_year_to_per_month_bn(usd_m_per_year: float) -> float:
    """USD m a year to USD bn a month."""
    return usd_m_per_year / 12.0 / 1000.0
