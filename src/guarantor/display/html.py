"""Views as HTML for Jupyter: a self-contained page shown in an ``<iframe srcdoc>``.

The page carries the report's style sheet, Leaflet, plotly.js and guarantor's drawing script
inline (read from installed packages, as the report does), so it asks the network for nothing.
It sits in an iframe so that its scripts and styles neither meet the notebook's (classic
Jupyter's require.js would otherwise swallow plotly.js) nor need a notebook extension, and the
notebook's own styles cannot reflow the map.
"""

from __future__ import annotations

import html
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from guarantor.display.views import View

if TYPE_CHECKING:
    from guarantor.assessment import Assessment

FRAME_HEIGHT_PX = 760
"""Height of the notebook frame; the page scrolls inside it."""


def page(view: View) -> str:
    """The view as one HTML document with every asset inlined."""
    from guarantor.report import assets
    from guarantor.report.render import environment

    folder = Path(str(resources.files("guarantor.display") / "templates"))
    template = environment(folder).get_template("view.html.j2")
    return template.render(
        view=view,
        leaflet_css=Markup(assets.leaflet_css()),
        own_css=Markup(assets.own_file("guarantor.css")),
        leaflet_js=Markup(assets.inline_script(assets.leaflet_js())),
        plotly_js=Markup(assets.inline_script(assets.plotly_js())),
        own_js=Markup(assets.inline_script(assets.own_file("guarantor.js"))),
    )


def frame(document: str, *, title: str, height: int = FRAME_HEIGHT_PX) -> str:
    """A document inside an iframe (``srcdoc``); its scripts run, sandboxed from the notebook."""
    return (
        f'<iframe class="guarantor-view" title="{html.escape(title)}" '
        f'sandbox="allow-scripts" style="width:100%;height:{height}px;border:1px solid #d9d9d9" '
        f'srcdoc="{html.escape(document, quote=True)}"></iframe>'
    )


def view_html(view: View) -> str:
    """A view as the notebook shows it."""
    return frame(page(view), title=view.title)


def assessment_html(assessment: Assessment) -> str:
    """An assessment as the notebook shows it: the HTML report itself, in a frame."""
    from guarantor.report.render import render_report

    return frame(render_report(assessment), title=assessment.package.title)
