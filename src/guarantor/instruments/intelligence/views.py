"""What the intelligence section shows: the verdict and the with/without-US and provider tables."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from guarantor.instruments.intelligence.data import SUSPENDING_PROVIDER
from guarantor.packages.schema import IntelligenceSharing

if TYPE_CHECKING:
    from guarantor.instruments.intelligence.model import Orbit, Picture

FloatArray = NDArray[np.float64]


def _q(values: FloatArray) -> float:
    return round(float(np.median(values)), 3)


def with_without_rows(everyone: Picture, without: Picture, nobody: Picture) -> list[dict[str, Any]]:
    """Warning, attribution and targeting with every provider, without the US, with none."""
    rows = []
    for name, label, unit in (
        ("warning_min", "warning against a low-level cruise missile", "min"),
        ("attribution", "probes attributed within days", "share"),
        ("targeting_factor", "Ukraine's strength factor from targeting support", "×"),
    ):
        all_value = _q(getattr(everyone, name))
        rest = _q(getattr(without, name))
        rows.append(
            {
                "measure": label,
                "unit": unit,
                "all_providers": all_value,
                "without_us": rest,
                "lost_without_us": round(all_value - rest, 3),
                "no_sharing": _q(getattr(nobody, name)),
            }
        )
    return rows


def provider_rows(
    chosen: list[IntelligenceSharing],
    *,
    found: list[Orbit],
    held: FloatArray,
    alone: list[Picture],
    nobody: Picture,
) -> list[dict[str, Any]]:
    """What each commitment brings alone (``alone``, in the order of ``chosen``)."""
    rows = []
    for c, own in zip(chosen, alone, strict=True):
        mine = [i for i, orbit in enumerate(found) if orbit.commitment == c.id]
        rows.append(
            {
                "commitment": c.id,
                "provider": c.actor,
                "level": c.level.value,
                "use": c.use.value,
                "imagery": c.imagery,
                "signals": c.signals,
                "aew_orbits_asked": sum(found[i].asked for i in mine),
                "aew_orbits_held": _q(held[mine].sum(axis=0)) if mine else 0.0,
                "warning_gain_min": _q(own.gain_min),
                "attribution_gain": round(_q(own.attribution) - _q(nobody.attribution), 3),
                "targeting_factor": _q(own.targeting_factor),
                "suspendable": c.actor == SUSPENDING_PROVIDER,
            }
        )
    return rows


def verdict(
    chosen: list[IntelligenceSharing],
    everyone: Picture,
    without: Picture,
    found: list[Orbit],
    held: FloatArray,
) -> str:
    """One paragraph: orbits held, warning, attribution and targeting (and without the US)."""
    if not chosen:
        return (
            f"No intelligence sharing: {_q(everyone.warning_min):.1f} min of warning against a "
            f"low-level cruise missile (ground radar); {_q(everyone.attribution):.0%} of probes "
            "attributed by national means."
        )
    orbits_text = (
        f"{_q(held.sum(axis=0)):.1f} of {sum(o.asked for o in found):g} AEW orbits held; "
        if found
        else "no AEW orbits; "
    )
    return (
        f"{orbits_text}{_q(everyone.warning_min):.1f} min of warning against a low-level cruise "
        f"missile; {_q(everyone.attribution):.0%} of probes attributed "
        f"({_q(without.attribution):.0%} without the US feed); targeting ×"
        f"{_q(everyone.targeting_factor):.3f} (×{_q(without.targeting_factor):.3f} without the US)."
    )
