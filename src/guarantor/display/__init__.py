"""How results show themselves: HTML in Jupyter, text in a terminal, tidy frames for pandas.

The result classes (``Assessment``, ``Section``, ``Comparison`` and those of
:mod:`guarantor.results`) keep only thin ``_repr_html_``/``__repr__``/``to_pandas`` methods that
call in here, so the views live apart from the data (as the report and the web app do).
"""

from guarantor.display.analyses import (
    discovery_view,
    frontier_view,
    sensitivity_view,
    simulation_view,
    verdict_view,
    verification_view,
)
from guarantor.display.frames import (
    assessment_frame,
    comparison_frame,
    metrics_frame,
    section_frame,
    survival_frame,
    worlds_frame,
)
from guarantor.display.html import FRAME_HEIGHT_PX, assessment_html, frame, page, view_html
from guarantor.display.text import view_text
from guarantor.display.views import (
    Block,
    View,
    assessment_view,
    comparison_view,
    section_view,
    store_view,
)

__all__ = [
    "FRAME_HEIGHT_PX",
    "Block",
    "View",
    "assessment_frame",
    "assessment_html",
    "assessment_view",
    "comparison_frame",
    "comparison_view",
    "discovery_view",
    "frame",
    "frontier_view",
    "metrics_frame",
    "page",
    "section_frame",
    "section_view",
    "sensitivity_view",
    "simulation_view",
    "store_view",
    "survival_frame",
    "verdict_view",
    "verification_view",
    "view_html",
    "view_text",
    "worlds_frame",
]
