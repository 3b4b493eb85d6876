"""One assessment of a package: every model's section over one table of worlds.

* :func:`assess` (:mod:`.engine`): each model once, worlds from :mod:`guarantor.worlds`;
* :class:`Assessment` (:mod:`.result`): what every view renders;
* :func:`compare` (:mod:`.compare`): several packages over the same worlds;
* :func:`package_layers` (:mod:`.layers`): what the package itself puts on the map.
"""

from guarantor.assessment.compare import Comparison, compare, comparison_rows
from guarantor.assessment.engine import (
    DEFAULT_SEED,
    DEFAULT_WORLDS,
    MAX_ASSESS_WORLDS,
    SECTION_ORDER,
    assess,
    describe_parameters,
    survival_curve,
)
from guarantor.assessment.layers import package_layers, place_feature
from guarantor.assessment.result import (
    Assessment,
    Unavailable,
    WorldParameter,
    section_dict,
)

MAX_WORLDS = MAX_ASSESS_WORLDS

__all__ = [
    "DEFAULT_SEED",
    "DEFAULT_WORLDS",
    "MAX_ASSESS_WORLDS",
    "MAX_WORLDS",
    "SECTION_ORDER",
    "Assessment",
    "Comparison",
    "Unavailable",
    "WorldParameter",
    "assess",
    "compare",
    "comparison_rows",
    "describe_parameters",
    "package_layers",
    "place_feature",
    "section_dict",
    "survival_curve",
]
