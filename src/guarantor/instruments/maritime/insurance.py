"""War-risk insurance: the channel from the risk to ships to the traffic that calls.

Owners call at Ukrainian ports only with hull war-risk cover, bought per voyage in the London
market as a share of the hull's value. The model (``docs/sea.md``):

- the market premium is a floor (the rate of ordinary war-risk cover) plus a loading times the
  chance of damage per call: ``premium = base + loading × damage_per_call``; the package's
  protection lowers the premium through the damage rate;
- Ukraine's state-backed facility (Marsh and Lloyd's insurers, November 2023) covers the hull up
  to a cap per voyage at a fraction of the market price; a hull worth more than the cap insures
  the excess in the market: ``effective = premium × (1 - facility × min(1, cap / hull) ×
  (1 - price_ratio))``;
- owners' participation falls linearly from 1 at the floor to 0 at the premium at which they
  stop calling: ``participation = clip((stop - effective) / (stop - base), 0, 1)``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


def market_premium(p: Mapping[str, FloatArray], risk: FloatArray) -> FloatArray:
    """Hull war-risk premium per voyage, as a share of hull value, for a chance of damage."""
    return np.asarray(
        p["war_risk_base_premium"] + p["premium_per_damage_chance"] * risk, dtype=np.float64
    )


def facility_share(p: Mapping[str, FloatArray]) -> FloatArray:
    """Share of a hull's value the state facility covers (0 when the facility is off)."""
    on = (p["insurance_facility"] > 0.5).astype(np.float64)
    covered = np.clip(p["facility_cap_usd_m"] / np.maximum(p["hull_value_usd_m"], 1e-9), 0.0, 1.0)
    return np.asarray(on * covered, dtype=np.float64)


def effective_premium(p: Mapping[str, FloatArray], premium: FloatArray) -> FloatArray:
    """What an owner pays, as a share of hull value, with the facility's part at its price."""
    saving = facility_share(p) * (1.0 - np.clip(p["facility_price_ratio"], 0.0, 1.0))
    return np.asarray(premium * (1.0 - saving), dtype=np.float64)


def participation(p: Mapping[str, FloatArray], effective: FloatArray) -> FloatArray:
    """Share of the cargo offered that owners carry at a premium: 1 at the floor, 0 at the stop."""
    base = p["war_risk_base_premium"]
    span = np.maximum(p["premium_owners_stop"] - base, 1e-12)
    return np.asarray(np.clip((p["premium_owners_stop"] - effective) / span, 0.0, 1.0))
