"""The one list of instruments.

The assessment, the durability inputs, ``guarantor validate``, the explorer's levers, the web
editor and the contract tests all iterate over it.

Adding an instrument is one folder ``instruments/<name>/`` whose ``__init__`` exposes
``INSTRUMENT`` (an :class:`~guarantor.instruments.contract.InstrumentModel`), plus one line in
:data:`NAMES`. Modules are imported on first use, so that ``guarantor --help`` stays fast.
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    import numpy as np

    from guarantor.instruments.contract import InstrumentModel
    from guarantor.packages.schema import Instrument, Package
    from guarantor.section import Section, Worlds
    from guarantor.theatre import Theatre

NAMES: tuple[str, ...] = ("air", "maritime", "land", "sanctions", "guarantees", "intelligence")
"""Instruments in the order their sections appear (and their seeds are spawned)."""


@cache
def load(name: str) -> InstrumentModel:
    """The instrument called ``name`` (imported on first use)."""
    if name not in NAMES:
        raise KeyError(f"no instrument {name!r}; the instruments are {', '.join(NAMES)}")
    module = importlib.import_module(f"guarantor.instruments.{name}")
    instrument: InstrumentModel = module.INSTRUMENT
    return instrument


def instruments() -> tuple[InstrumentModel, ...]:
    """Every instrument, in :data:`NAMES` order."""
    return tuple(load(name) for name in NAMES)


def needs(instrument: InstrumentModel) -> tuple[str, ...]:
    """The sections of other instruments ``instrument``'s model takes (its ``needs``, if any)."""
    return tuple(getattr(instrument, "needs", ()))


def in_run_order() -> tuple[InstrumentModel, ...]:
    """Every instrument, each after the instruments whose sections it needs (else NAMES order)."""
    everyone = instruments()
    known = {instrument.name for instrument in everyone}
    ordered: list[InstrumentModel] = []
    pending = list(everyone)
    while pending:
        done = {instrument.name for instrument in ordered}
        ready = next(
            (i for i in pending if all(n in done or n not in known for n in needs(i))), None
        )
        if ready is None:
            raise ValueError(f"instruments need each other's sections: {[i.name for i in pending]}")
        ordered.append(ready)
        pending.remove(ready)
    return tuple(ordered)


def assess_one(
    instrument: InstrumentModel,
    theatre: Theatre,
    package: Package,
    worlds: Worlds | None,
    *,
    rng: np.random.Generator | None = None,
    sections: Mapping[str, Section] | None = None,
) -> Section:
    """Run one instrument's model, passing it the sections it needs that are at hand.

    A model that needs a section it is not given computes it itself over the same worlds.
    """
    wanted = needs(instrument)
    given = {name: sections[name] for name in wanted if sections and name in sections}
    if given:
        section: Section = instrument.assess(  # type: ignore[call-arg]
            theatre, package, worlds, rng=rng, inputs=given
        )
        return section
    return instrument.assess(theatre, package, worlds, rng=rng)


def section_name(name: str) -> str:
    """The name of the section an instrument produces (``maritime`` → ``sea``)."""
    return load(name).name


def owner(kind: Instrument) -> InstrumentModel | None:
    """The instrument that reads commitments of ``kind`` (None when no model reads them)."""
    for instrument in instruments():
        if kind in instrument.reads:
            return instrument
    return None


def unread(package: Package) -> list[str]:
    """Warnings for commitments that no instrument reads: they change no number."""
    warnings = []
    for commitment in package.commitments:
        if owner(commitment.instrument) is None and commitment.instrument not in _READ_ELSEWHERE:
            warnings.append(
                f"commitment {commitment.id!r} ({commitment.instrument.value}) is read by no "
                "model yet: it changes no number"
            )
    return warnings


# Commitments read by the acceptability model rather than an instrument (settlement terms).
_READ_ELSEWHERE = frozenset({"territorial_recognition"})
