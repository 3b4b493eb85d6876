"""The guarantees instrument: the US backstop, the NATO track and bilateral treaties."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from guarantor.instruments.base import InstrumentBase, step_up
from guarantor.instruments.contract import (
    CommitmentColumns,
    EditorField,
    Effect,
    Handover,
    InstrumentModel,
    Lever,
)
from guarantor.instruments.guarantees.issues import positions as _positions
from guarantor.instruments.guarantees.model import assess as _assess
from guarantor.instruments.guarantees.model import expires_month, prior_credibility
from guarantor.instruments.levers import level_lever, replaced
from guarantor.packages.schema import (
    BackstopLevel,
    BilateralTreaty,
    Commitment,
    Instrument,
    NatoMembership,
    NatoTrack,
    Package,
    TreatyForm,
    UsBackstop,
    magnitude,
)

if TYPE_CHECKING:
    from guarantor.durability.calibration import Calibration
    from guarantor.section import Section
    from guarantor.theatre import Theatre


def _ratified(commitment: Commitment, _: Theatre) -> Commitment | None:
    assert isinstance(commitment, UsBackstop)
    if commitment.ratified or commitment.level is BackstopLevel.NONE:
        return None
    return replaced(commitment, ratified=True)


def _shorter(commitment: Commitment, _: Theatre) -> Commitment | None:
    assert isinstance(commitment, BilateralTreaty)
    if commitment.years is None:  # no term: nothing lapses, nothing to shorten
        return None
    return replaced(commitment, years=max(1.0, magnitude(commitment.years) / 5.0))


class GuaranteesInstrument(InstrumentBase):
    """Guarantees on paper: what their form makes Russia believe, and how long they last."""

    def handover(self, section: Section, package: Package, calibration: Calibration) -> Handover:
        """Each guarantee's prior credibility (with this calibration) and its term."""
        n = section.metric("guarantees").value.size
        columns = {}
        for c in package.commitments:
            credibility = prior_credibility(c, calibration)
            if credibility is None:
                continue
            zeros = np.zeros(n)
            columns[c.id] = CommitmentColumns(
                np.zeros((n, 3)), zeros, np.full(n, credibility), zeros, expires_month(c)
            )
        return Handover(columns)

    @property
    def levers(self) -> tuple[Lever, ...]:
        """The NATO track and the US backstop level."""
        return (
            level_lever(
                "nato_track",
                "Ukraine's track towards NATO",
                kind=NatoMembership,
                field="track",
                levels=NatoTrack,
                choices=tuple(NatoTrack),
                added=lambda level: NatoMembership(
                    id="lever-nato-track",
                    actor="NATO",
                    instrument=Instrument.NATO_MEMBERSHIP,
                    track=level,
                ),
            ),
            level_lever(
                "backstop",
                "the United States' backing",
                kind=UsBackstop,
                field="level",
                levels=BackstopLevel,
                choices=tuple(BackstopLevel),
                added=lambda level: UsBackstop(
                    id="lever-us-backstop",
                    actor="USA",
                    instrument=Instrument.US_BACKSTOP,
                    level=level,
                ),
            ),
        )

    @property
    def effects(self) -> tuple[Effect, ...]:
        """Each settable field of a guarantee and what it moves."""
        us, nato = Instrument.US_BACKSTOP.value, Instrument.NATO_MEMBERSHIP.value
        treaty = Instrument.BILATERAL_TREATY.value
        credibility = ("guarantees", "strongest_prior_credibility")
        return (
            Effect(
                f"{us}.level",
                step_up("level", tuple(BackstopLevel)),
                ("durability", "credibility_end"),
                1,
                "a stronger US backstop carries more prior credibility",
            ),
            Effect(
                f"{us}.ratified",
                _ratified,
                ("durability", "credibility_end"),
                1,
                "a ratified treaty is believed more than an executive promise",
            ),
            Effect(
                f"{nato}.track",
                step_up("track", tuple(NatoTrack)),
                credibility,
                1,
                "a track closer to membership is a firmer guarantee",
            ),
            Effect(
                f"{treaty}.form",
                step_up("form", tuple(TreatyForm)),
                credibility,
                1,
                "a more binding form is a firmer guarantee",
            ),
            Effect(
                f"{treaty}.years",
                _shorter,
                ("guarantees", "shortest_term_years"),
                -1,
                "a shorter term lapses sooner (the durability kernel ends it that month)",
            ),
        )


INSTRUMENT: InstrumentModel = GuaranteesInstrument(
    name="guarantees",
    title="Guarantees",
    reads=(Instrument.US_BACKSTOP, Instrument.NATO_MEMBERSHIP, Instrument.BILATERAL_TREATY),
    model=_assess,
    issues=_positions,
    editor_fields={
        Instrument.US_BACKSTOP.value: (
            EditorField("level", "level", "choice", choices=tuple(BackstopLevel)),
            EditorField("ratified", "ratified by the Senate", "flag"),
        ),
        Instrument.NATO_MEMBERSHIP.value: (
            EditorField("track", "track", "choice", choices=tuple(NatoTrack)),
        ),
        Instrument.BILATERAL_TREATY.value: (
            EditorField("form", "form", "choice", choices=tuple(TreatyForm)),
            EditorField("years", "term", "number", unit="years"),
        ),
    },
)
"""The guarantees section from ``guarantees/model.py``. It has no world parameters and no data
file of its own: the forms' credibilities are calibration parameters (the durability
calibration), not world draws."""
