"""The Coalition of the Willing as it is: members, inventories, offers, how each state decides.

:mod:`.model` reads ``data/coalition.yaml`` (the project's one inventory of fleets, navies and
armies); :mod:`.deployable` says what a nation can deploy and sustain of what it has, checks
pledges against it, and lists who could fill a package's shortfall; :mod:`.views` renders the
table and map. Methodology in ``docs/coalition.md``.
"""

from guarantor.coalition.deployable import (
    Deployable,
    aircraft,
    deployable,
    ships,
    troops,
    who_could_give,
)
from guarantor.coalition.model import (
    DATA_FILE,
    CoalitionData,
    Mandate,
    Nation,
    load_data,
    shipped_data,
)

__all__ = [
    "DATA_FILE",
    "CoalitionData",
    "Deployable",
    "Mandate",
    "Nation",
    "aircraft",
    "deployable",
    "load_data",
    "shipped_data",
    "ships",
    "troops",
    "who_could_give",
]
