"""Guarantees on paper: the US backstop, the NATO track and bilateral treaties.

The model lives in :mod:`.model`, the instrument contract in :mod:`.instrument`.
"""

from guarantor.instruments.guarantees.instrument import INSTRUMENT
from guarantor.instruments.guarantees.model import (
    NATO_FORM,
    assess,
    expires_month,
    prior_credibility,
)

__all__ = ["INSTRUMENT", "NATO_FORM", "assess", "expires_month", "prior_credibility"]
