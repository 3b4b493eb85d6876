"""The intelligence instrument: AEW orbits, shared imagery and signals, targeting support.

The model lives in :mod:`.model`, the data in :mod:`.data`, the instrument contract in
:mod:`.instrument`.
"""

from guarantor.instruments.intelligence.instrument import INSTRUMENT
from guarantor.instruments.intelligence.model import assess, radar_horizon_km

__all__ = ["INSTRUMENT", "assess", "radar_horizon_km"]
