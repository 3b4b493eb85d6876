"""Package levers and generated variants: "Sky Shield with 60/90/120 aircraft".

A *lever* is one knob on a package: the total number of fighters it pledges, the ships, the
troops, the sanctions level, the NATO track... A *variant* is a copy of a package with some levers
set, made with pydantic's ``model_copy(update=...)`` so that the shipped package is never touched.

Amounts are scaled proportionally across a package's pledges and rounded with the largest
remainder method, so that "60 aircraft" means exactly 60 aircraft spread over the same bases in
the same proportions as the original plan. Choice levers (sanctions level, NATO track, US
backstop) set the level of every commitment of that instrument, adding one when the package has
none.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from guarantor.errors import DataError, Problem
from guarantor.packages.schema import (
    AirPolicing,
    ArmsSupply,
    BackstopLevel,
    Commitment,
    Instrument,
    MaritimeSecurity,
    MonitoringMission,
    NatoMembership,
    NatoTrack,
    Package,
    ReassuranceForce,
    SanctionsLevel,
    SanctionsSnapback,
    TrainingMission,
    UsBackstop,
    magnitude,
)

LeverValue = float | str


@dataclass(frozen=True)
class Lever:
    """One knob on a package: a number scaled across pledges, or a level chosen from a ladder."""

    name: str
    description: str
    unit: str
    low: float = 0.0
    high: float = 0.0
    step: float = 1.0
    choices: tuple[str, ...] = ()

    @property
    def is_choice(self) -> bool:
        """Whether the lever picks a level from a ladder rather than an amount."""
        return bool(self.choices)

    def parse(self, text: str) -> LeverValue:
        """Turn the text of one setting into a value, or raise a located :class:`DataError`."""
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


LEVERS: dict[str, Lever] = {
    lever.name: lever
    for lever in (
        Lever("aircraft", "fighters pledged for air policing", "aircraft", 0, 240, 6),
        Lever("tankers", "tankers pledged for air policing", "aircraft", 0, 16, 1),
        Lever("ships", "warships and mine hunters for the Black Sea", "ships", 0, 24, 1),
        Lever("troops", "reassurance-force troops", "troops", 0, 60000, 2500),
        Lever("monitors", "ceasefire monitors", "people", 0, 10000, 500),
        Lever("instructors", "instructors training Ukraine's forces", "people", 0, 6000, 500),
        Lever("arms_usd_bn", "arms and money for arms", "USD bn/yr", 0, 80, 5),
        Lever("sanctions", "sanctions on Russian oil", "level", choices=tuple(SanctionsLevel)),
        Lever("nato_track", "Ukraine's track towards NATO", "level", choices=tuple(NatoTrack)),
        Lever("backstop", "the United States' backing", "level", choices=tuple(BackstopLevel)),
    )
}


def _apportion(weights: Sequence[float], total: float, integer: bool) -> list[float]:
    """Split ``total`` in proportion to ``weights`` (largest remainder when ``integer``)."""
    share = np.asarray(weights, dtype=np.float64)
    share = share / share.sum() if share.sum() > 0 else np.full(share.size, 1.0 / share.size)
    exact = share * total
    if not integer:
        return [float(value) for value in exact]
    whole = np.floor(exact)
    missing = round(total) - int(whole.sum())
    order = np.argsort(-(exact - whole), kind="stable")
    whole[order[:missing]] += 1
    return [float(value) for value in whole]


def _missing(package: Package, lever: str, instrument: Instrument) -> DataError:
    return DataError(
        [
            Problem(
                f"package {package.name!r} has no {instrument.value} commitment "
                f"for lever {lever!r}",
                field=f"levers.{lever}",
                expected=f"a package with a {instrument.value} commitment",
                received=package.name,
            )
        ]
    )


def _scale_pledges(
    package: Package, lever: str, field: str, total: float
) -> tuple[Commitment, ...]:
    """Scale every aircraft/tanker/ship pledge of the package to sum to ``total``."""
    kind, instrument = {
        "aircraft": (AirPolicing, Instrument.AIR_POLICING),
        "tankers": (AirPolicing, Instrument.AIR_POLICING),
        "ships": (MaritimeSecurity, Instrument.MARITIME_SECURITY),
    }[lever]
    slots = [
        (index, number, magnitude(pledge.count))
        for index, commitment in enumerate(package.commitments)
        if isinstance(commitment, kind)
        for number, pledge in enumerate(getattr(commitment, field))
    ]
    if not slots:
        raise _missing(package, lever, instrument)
    counts = _apportion([weight for *_, weight in slots], total, integer=True)
    commitments = list(package.commitments)
    for (index, number, _), count in zip(slots, counts, strict=True):
        commitment = commitments[index]
        pledges = list(getattr(commitment, field))
        pledges[number] = pledges[number].model_copy(update={"count": count})
        commitments[index] = commitment.model_copy(update={field: tuple(pledges)})
    return tuple(commitments)


_AMOUNT_FIELDS: dict[str, tuple[type[Any], str, Instrument, bool]] = {
    "troops": (ReassuranceForce, "troops", Instrument.REASSURANCE_FORCE, True),
    "monitors": (MonitoringMission, "monitors", Instrument.MONITORING_MISSION, True),
    "instructors": (TrainingMission, "instructors", Instrument.TRAINING_MISSION, True),
    "arms_usd_bn": (ArmsSupply, "usd_bn_per_year", Instrument.ARMS_SUPPLY, False),
}


def _scale_amounts(package: Package, lever: str, total: float) -> tuple[Commitment, ...]:
    kind, field, instrument, integer = _AMOUNT_FIELDS[lever]
    slots = [
        (index, magnitude(getattr(commitment, field)))
        for index, commitment in enumerate(package.commitments)
        if isinstance(commitment, kind) and getattr(commitment, field) is not None
    ]
    if not slots:
        raise _missing(package, lever, instrument)
    amounts = _apportion([weight for _, weight in slots], total, integer=integer)
    commitments = list(package.commitments)
    for (index, _), amount in zip(slots, amounts, strict=True):
        commitments[index] = commitments[index].model_copy(update={field: amount})
    return tuple(commitments)


_LEVEL_FIELDS: dict[str, tuple[type[Any], str, Callable[[str], Any]]] = {
    "sanctions": (SanctionsSnapback, "level", SanctionsLevel),
    "nato_track": (NatoMembership, "track", NatoTrack),
    "backstop": (UsBackstop, "level", BackstopLevel),
}


def _added(lever: str, level: Any) -> Commitment:
    """A commitment of the lever's instrument for a package that has none."""
    if lever == "sanctions":
        return SanctionsSnapback(
            id="lever-sanctions", actor="EU", instrument=Instrument.SANCTIONS_SNAPBACK, level=level
        )
    if lever == "nato_track":
        return NatoMembership(
            id="lever-nato-track", actor="NATO", instrument=Instrument.NATO_MEMBERSHIP, track=level
        )
    return UsBackstop(
        id="lever-us-backstop", actor="USA", instrument=Instrument.US_BACKSTOP, level=level
    )


def _set_level(package: Package, lever: str, text: str) -> tuple[Commitment, ...]:
    kind, field, enum = _LEVEL_FIELDS[lever]
    level = enum(text)
    commitments = [
        commitment.model_copy(update={field: level}) if isinstance(commitment, kind) else commitment
        for commitment in package.commitments
    ]
    if not any(isinstance(commitment, kind) for commitment in package.commitments):
        commitments.append(_added(lever, level))
    return tuple(commitments)


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
            if lever.is_choice:
                commitments = _set_level(result, name, str(parsed))
            elif name in {"aircraft", "tankers", "ships"}:
                field = "aircraft" if name == "aircraft" else name
                commitments = _scale_pledges(result, name, field, float(parsed))
            else:
                commitments = _scale_amounts(result, name, float(parsed))
        except DataError as error:
            problems.extend(error.problems)
            continue
        result = result.model_copy(update={"commitments": commitments})
    if problems:
        raise DataError(problems)
    return result


def lever_values(package: Package) -> dict[str, LeverValue]:
    """Read every lever's current setting off a package (absent instruments read as 0/none)."""
    values: dict[str, LeverValue] = {}
    for name in ("aircraft", "tankers"):
        values[name] = sum(
            magnitude(pledge.count)
            for commitment in package.commitments
            if isinstance(commitment, AirPolicing)
            for pledge in getattr(commitment, name)
        )
    values["ships"] = sum(
        magnitude(pledge.count)
        for commitment in package.commitments
        if isinstance(commitment, MaritimeSecurity)
        for pledge in commitment.ships
    )
    for name, (kind, field, _, _) in _AMOUNT_FIELDS.items():
        values[name] = sum(
            magnitude(getattr(commitment, field))
            for commitment in package.commitments
            if isinstance(commitment, kind)
        )
    for name, (kind, field, _) in _LEVEL_FIELDS.items():
        levels = [str(getattr(c, field)) for c in package.commitments if isinstance(c, kind)]
        values[name] = levels[0] if levels else "none"
    return values


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
