"""Packages: the levers, as named sets of commitments with conditions and triggers."""

from guarantor.packages.loader import (
    DEFAULT_PACKAGE,
    load_package,
    package_path,
    parse_package,
    shipped_packages,
)
from guarantor.packages.schema import (
    BackstopLevel,
    Commitment,
    Condition,
    Instrument,
    Package,
    SanctionsLevel,
    Trigger,
    magnitude,
)

__all__ = [
    "DEFAULT_PACKAGE",
    "BackstopLevel",
    "Commitment",
    "Condition",
    "Instrument",
    "Package",
    "SanctionsLevel",
    "Trigger",
    "load_package",
    "magnitude",
    "package_path",
    "parse_package",
    "shipped_packages",
]
