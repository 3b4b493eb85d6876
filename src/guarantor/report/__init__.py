"""Views of an assessment: the self-contained HTML report, its map and its charts."""

from guarantor.report.charts import assessment_charts, sweep_charts
from guarantor.report.maps import base_map, map_spec, theatre_map_spec
from guarantor.report.render import (
    assessment_view,
    embedded_assessment,
    environment,
    format_band,
    format_value,
    render_report,
    write_report,
)
from guarantor.report.sweeps import list_stores, resolve_store, sweep_summary

__all__ = [
    "assessment_charts",
    "assessment_view",
    "base_map",
    "embedded_assessment",
    "environment",
    "format_band",
    "format_value",
    "list_stores",
    "map_spec",
    "render_report",
    "resolve_store",
    "sweep_charts",
    "sweep_summary",
    "theatre_map_spec",
    "write_report",
]
