"""Package levers and generated variants: "Sky Shield with 60/90/120 aircraft".

A *lever* is one knob on a package: the total number of fighters it pledges, the ships, the
troops, the sanctions level, the NATO track... Each instrument declares its own levers (the
instrument contract, :mod:`guarantor.instruments.contract`); :data:`LEVERS` is their union over
the registry, in registry order. A *variant* is a copy of a package with some levers set, made
with pydantic's ``model_copy(update=...)`` so that the shipped package is never touched.

Amounts are scaled proportionally across a package's pledges and rounded with the largest
remainder method (:mod:`guarantor.instruments.levers`), so that "60 aircraft" means exactly 60
aircraft spread over the same bases in the same proportions as the original plan. Choice levers
(sanctions level, NATO track, US backstop) set the level of every commitment of that instrument,
adding one when the package has none.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache

from guarantor.errors import DataError, Problem
from guarantor.instruments import registry
from guarantor.instruments.contract import Lever, LeverValue
from guarantor.packages.schema import Package

__all__ = [
    "LEVERS",
    "Lever",
    "LeverValue",
    "VariantSpec",
    "apply_levers",
    "lever_values",
    "parse_variant_spec",
    "variant_label",
]


@cache
def _levers() -> dict[str, Lever]:
    return {lever.name: lever for i in registry.instruments() for lever in i.levers}


class _Levers(Mapping[str, Lever]):
    """Every instrument's levers by name, read from the registry on first use."""

    def __getitem__(self, name: str) -> Lever:
        return _levers()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(_levers())

    def __len__(self) -> int:
        return len(_levers())


LEVERS: Mapping[str, Lever] = _Levers()
"""Every lever of every instrument, by name."""


def apply_levers(package: Package, settings: Mapping[str, LeverValue]) -> Package:
    """Return a copy of ``package`` with each lever in ``settings`` set.

    Raises:
        DataError: a lever is unknown, its value is invalid, or the package lacks the instrument.
    """
    problems: list[Problem] = []
    result = package
    for name, value in settings.items():
        lever = LEVERS.get(name)
        if lever is None:
            problems.append(
                Problem(
                    "unknown lever",
                    field=f"levers.{name}",
                    expected=f"one of {sorted(LEVERS)}",
                    received=name,
                )
            )
            continue
        try:
            parsed = lever.parse(str(value) if not isinstance(value, str) else value)
            commitments = lever.apply(result, parsed)
        except DataError as error:
            problems.extend(error.problems)
            continue
        result = result.model_copy(update={"commitments": commitments})
    if problems:
        raise DataError(problems)
    return result


def lever_values(package: Package) -> dict[str, LeverValue]:
    """Read every lever's current setting off a package (absent instruments read as 0/none)."""
    return {name: lever.read(package) for name, lever in LEVERS.items()}


_SPEC = re.compile(r"^(?P<lever>[a-z_]+)=(?P<values>[^=:]+)$")


@dataclass(frozen=True)
class VariantSpec:
    """A package reference plus the lever settings to sweep, parsed from the command line."""

    package: str
    settings: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def combinations(self) -> list[dict[str, str]]:
        """Every combination of the settings (one empty combination when there are none)."""
        names = [name for name, _ in self.settings]
        return [
            dict(zip(names, values, strict=True))
            for values in itertools.product(*(values for _, values in self.settings))
        ]


def parse_variant_spec(text: str) -> VariantSpec:
    """Parse ``sky-shield-2025:aircraft=60,90,120:sanctions=tighter,full_snapback``.

    The part before the first ``:lever=`` is the package (a shipped name or a path); each later
    part sets one lever to a comma-separated list of values, and the variants are their product.

    Raises:
        DataError: a part is not ``lever=v1,v2`` or names an unknown lever.
    """
    parts = text.split(":")
    first_setting = next(
        (index for index, part in enumerate(parts) if index > 0 and "=" in part), len(parts)
    )
    package = ":".join(parts[:first_setting])
    settings: list[tuple[str, tuple[str, ...]]] = []
    problems: list[Problem] = []
    for part in parts[first_setting:]:
        match = _SPEC.match(part)
        if match is None or match["lever"] not in LEVERS:
            problems.append(
                Problem(
                    "bad variant setting",
                    field="packages",
                    expected=f"lever=v1,v2 with a lever in {sorted(LEVERS)}",
                    received=part,
                )
            )
            continue
        values = tuple(value.strip() for value in match["values"].split(",") if value.strip())
        lever = LEVERS[match["lever"]]
        for value in values:
            try:
                lever.parse(value)
            except DataError as error:
                problems.extend(error.problems)
        settings.append((match["lever"], values))
    if not package:
        problems.append(Problem("missing package", field="packages", received=text))
    if problems:
        raise DataError(problems)
    return VariantSpec(package, tuple(settings))


def variant_label(package: Package, settings: Mapping[str, LeverValue]) -> str:
    """A readable name for a variant: ``sky-shield-2025[aircraft=60]``."""
    if not settings:
        return package.name
    text = ",".join(f"{name}={_fmt(value)}" for name, value in settings.items())
    return f"{package.name}[{text}]"


def _fmt(value: LeverValue) -> str:
    if isinstance(value, str):
        return value
    return f"{value:g}"
