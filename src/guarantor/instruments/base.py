"""What the instrument contract objects share: one base, the effects' common changes, one hand-over.

Every ``instruments/<name>/instrument.py`` exposes an object that implements
:class:`~guarantor.instruments.contract.InstrumentModel`. Most of that contract is the same in
every instrument: ``assess`` runs the instrument's model function, ``world_parameters`` lists the
model's parameters, ``data_kinds`` the files it ships, ``editor_fields`` the web editor's form,
``positions`` asks its issue coding and ``needs`` names the sections it takes.
:class:`InstrumentBase` holds those once, as fields an instrument is built with; the
subclass in each ``instrument.py`` keeps only what is its own logic: ``handover``, ``levers``
and ``effects``.

The module also holds the pieces several instruments' effects and hand-overs were each writing
again: a step up an ordered ladder (:func:`step_up`), a flag switched on (:func:`switched_on`),
and the columns of commitments that answer one class of probe in proportion to what they pledge
(:func:`pledged_columns`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from guarantor.instruments.contract import (
    PROBE_CLASSES,
    CommitmentColumns,
    DataKind,
    EditorField,
    FloatArray,
    IssuePosition,
    spread,
)
from guarantor.instruments.levers import replaced

if TYPE_CHECKING:
    from guarantor.packages.schema import Commitment, Instrument, Package
    from guarantor.section import Section, Worlds
    from guarantor.sourcing import Quantity
    from guarantor.theatre import Theatre

Change = Callable[["Commitment", "Theatre"], "Commitment | None"]
"""An effect's change: a copy of the commitment with one field moved, or None when it cannot be."""

WorldParameters = Mapping[str, "Quantity"] | Callable[[], Mapping[str, "Quantity"]]
"""A model's world parameters, or a function that reads them (when they come from a data file
that should only be loaded on first use)."""


def _no_positions(package: Package) -> tuple[IssuePosition, ...]:
    del package
    return ()


@dataclass(frozen=True)
class InstrumentBase:
    """The common part of an instrument's contract object, built from its model and its data.

    ``model`` is the instrument's model function, called as ``model(theatre, package, worlds,
    rng=rng)``: without ``rng`` when ``takes_rng`` is False (a deterministic model whose
    signature has none), and with ``inputs=`` (the sections named in ``needs``) when the
    registry has them at hand. ``world`` gives the world parameters (a mapping, or a function
    returning one); ``data_kinds`` the data files; ``editor_fields`` the web editor's form for a
    new commitment of each kind it reads; ``issues`` where a package's commitments put it on the
    bargaining model's issue dimensions (none when not given).
    """

    name: str
    title: str
    reads: tuple[Instrument, ...]
    model: Callable[..., Section] = field(repr=False, compare=False)
    world: WorldParameters = field(default_factory=dict, repr=False, compare=False)
    data_kinds: tuple[DataKind, ...] = ()
    editor_fields: Mapping[str, tuple[EditorField, ...]] = field(
        default_factory=dict, compare=False
    )
    issues: Callable[[Package], tuple[IssuePosition, ...]] = field(
        default=_no_positions, repr=False, compare=False
    )
    needs: tuple[str, ...] = ()
    takes_rng: bool = True

    @property
    def world_parameters(self) -> Mapping[str, Quantity]:
        """The model's world parameters, with nominal values and ranges."""
        return self.world() if callable(self.world) else self.world

    def assess(
        self,
        theatre: Theatre,
        package: Package,
        worlds: Worlds | None = None,
        *,
        rng: np.random.Generator | None = None,
        inputs: Mapping[str, Section] | None = None,
    ) -> Section:
        """The instrument's section: its model over ``worlds``.

        ``inputs`` are other instruments' sections over the same worlds; only an instrument that
        ``needs`` sections takes them (the model computes any it is not given).

        Raises:
            ValueError: ``inputs`` given to an instrument that needs no section.
        """
        options: dict[str, object] = {"rng": rng} if self.takes_rng else {}
        if self.needs:
            options["inputs"] = inputs
        elif inputs:
            raise ValueError(f"instrument {self.name!r} takes no sections, got {sorted(inputs)}")
        return self.model(theatre, package, worlds, **options)

    def positions(self, package: Package) -> tuple[IssuePosition, ...]:
        """Where the package's commitments of the kinds it reads sit on the issue dimensions."""
        return self.issues(package)


def step_up(name: str, ladder: Sequence[object]) -> Change:
    """The change that moves field ``name`` one rung up ``ladder`` (None at the top)."""

    def change(commitment: Commitment, _: Theatre) -> Commitment | None:
        index = ladder.index(getattr(commitment, name))
        if index + 1 >= len(ladder):
            return None
        return replaced(commitment, **{name: ladder[index + 1]})

    return change


def switched_on(name: str) -> Change:
    """The change that sets flag ``name`` (None when it is already set)."""

    def change(commitment: Commitment, _: Theatre) -> Commitment | None:
        if getattr(commitment, name):
            return None
        return replaced(commitment, **{name: True})

    return change


def pledged_columns(
    answered: FloatArray, units: Mapping[str, float], probe: str, cost_per_unit: float
) -> dict[str, CommitmentColumns]:
    """Columns of commitments that answer one probe class in proportion to what they pledge.

    ``answered`` is the package's share of ``probe`` probes answered per world; ``units`` each
    commitment's pledged units (aircraft, ships), by which the share is split
    (:func:`~guarantor.instruments.contract.spread`) and the cost counted at ``cost_per_unit``
    (USD bn a month). The commitments bring no force and no credibility of their own.
    """
    n = answered.size
    shares = spread(answered, units)
    column = PROBE_CLASSES.index(probe)
    columns = {}
    for key, count in units.items():
        answer = np.zeros((n, len(PROBE_CLASSES)))
        answer[:, column] = shares[key]
        columns[key] = CommitmentColumns(
            answer, np.zeros(n), np.zeros(n), np.full(n, count * cost_per_unit)
        )
    return columns
