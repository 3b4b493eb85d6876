"""Which of a package's commitments stand in each world, and which unanimity bodies it needs.

A commitment stands only where the package is signed, its own actor (or every member of its
body) accepts, and its conditions hold in that world: Russia's consent, a parliament, NATO
unanimity, another commitment, a US backstop at some level. Conditions on other commitments are
resolved to a fixed point. A body that decides by unanimity (NATO, the EU) is needed when the
package holds a commitment it must approve (NATO accession, tighter EU sanctions).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from guarantor.bargaining.actors import ActorSet
from guarantor.packages.schema import (
    BackstopLevel,
    NatoMembership,
    NatoTrack,
    Package,
    SanctionsLevel,
    SanctionsSnapback,
    UsBackstop,
)

BoolArray = NDArray[np.bool_]


def needing_approval(package: Package, approves: tuple[str, ...]) -> list[str]:
    """Ids of the commitments of ``package`` that a body approving ``approves`` must ratify."""
    needing = []
    for commitment in package.commitments:
        if commitment.instrument.value not in approves:
            continue
        if isinstance(commitment, NatoMembership) and commitment.track in {
            NatoTrack.INVITATION,
            NatoTrack.MEMBERSHIP,
        }:
            needing.append(commitment.id)
        if isinstance(commitment, SanctionsSnapback) and commitment.level in {
            SanctionsLevel.TIGHTER,
            SanctionsLevel.FULL_SNAPBACK,
        }:
            needing.append(commitment.id)
    return needing


def commitments_standing(
    actor_set: ActorSet,
    package: Package,
    accept: BoolArray,
    signed: BoolArray,
) -> tuple[dict[str, BoolArray], dict[str, list[str]]]:
    """Per commitment, the worlds in which it stands, and why."""
    ids = actor_set.actor_ids
    bodies = {b.id: [ids.index(m) for m in b.members if m in ids] for b in actor_set.bodies}
    russia = accept[:, ids.index("RUS")] if "RUS" in ids else np.ones(signed.size, dtype=bool)
    base: dict[str, BoolArray] = {}
    reasons: dict[str, list[str]] = {}
    for c in package.commitments:
        here = signed.copy()
        why = ["stands only where the package is signed and the ceasefire holds"]
        if c.actor in ids:
            here &= accept[:, ids.index(c.actor)]
            why.append(f"and where {c.actor} itself accepts the package")
        elif c.actor in bodies:
            here &= accept[:, bodies[c.actor]].all(axis=1)
            why.append(f"and where every member of {c.actor} accepts")
        else:
            why.append(f"{c.actor} is not in the actor file: its own acceptance is not modelled")
        for condition in c.conditions:
            if condition.russia_consents is not None:
                here &= russia if condition.russia_consents else ~russia
                why.append("needs Russia's consent")
            if condition.parliament_approves is not None:
                who = condition.parliament_approves
                if who in ids:
                    here &= accept[:, ids.index(who)]
                    why.append(f"needs {who}'s parliament (taken to follow its government)")
                else:
                    why.append(f"the parliament of {who} is not modelled")
            if condition.nato_unanimity and "NATO" in bodies:
                here &= accept[:, bodies["NATO"]].all(axis=1)
                why.append("needs every NATO ally")
        base[c.id] = here
        reasons[c.id] = why
    stands = dict(base)
    for _ in range(len(package.commitments) + 1):  # commitments that depend on others
        backstop = np.zeros(signed.size, dtype=np.int64)
        for c in package.commitments:
            if isinstance(c, UsBackstop):
                backstop = np.maximum(backstop, np.where(stands[c.id], c.level.rank, 0))
        updated = {}
        for c in package.commitments:
            value = base[c.id].copy()
            for condition in c.conditions:
                if condition.commitment_active is not None:
                    other = stands.get(condition.commitment_active)
                    if other is not None:
                        value &= other
                if condition.us_backstop_at_least is not None:
                    value &= backstop >= BackstopLevel(condition.us_backstop_at_least).rank
            updated[c.id] = value
        if all(np.array_equal(updated[k], stands[k]) for k in stands):
            break
        stands = updated
    for c in package.commitments:
        for condition in c.conditions:
            if condition.commitment_active is not None:
                reasons[c.id].append(f"needs commitment {condition.commitment_active}")
            if condition.us_backstop_at_least is not None:
                reasons[c.id].append(
                    f"needs a US backstop of at least {condition.us_backstop_at_least}"
                )
    return stands, reasons
