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
    from guarantor.instruments.contract import InstrumentModel
    from guarantor.packages.schema import Instrument, Package

NAMES: tuple[str, ...] = ("air", "maritime", "land", "sanctions", "guarantees")
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
