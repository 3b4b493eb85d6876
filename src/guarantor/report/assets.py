"""The JavaScript and CSS the views need, read from installed packages (never a CDN).

Leaflet 1.9.4 comes from the ``django-js-lib-leaflet`` wheel (static files only) and plotly.js
from plotly's wheel; guarantor's own map and chart code lives next to this module. The report
inlines them all so that it opens offline; the web app serves the same bytes.
"""

from __future__ import annotations

import base64
import re
from functools import cache
from importlib import resources

_LEAFLET = ("js_lib_leaflet", "static/js_lib_leaflet")
_IMAGE = re.compile(r"url\((images/[A-Za-z0-9_.-]+\.png)\)")


def _leaflet_file(name: str) -> bytes:
    package, folder = _LEAFLET
    return (resources.files(package) / folder / name).read_bytes()


@cache
def leaflet_js() -> str:
    """Leaflet's minified script."""
    return _leaflet_file("leaflet.js").decode("utf-8")


@cache
def leaflet_css() -> str:
    """Leaflet's style sheet, its images inlined as data URIs (so it asks for no file)."""
    css = _leaflet_file("leaflet.css").decode("utf-8")

    def inline(match: re.Match[str]) -> str:
        data = base64.b64encode(_leaflet_file(match.group(1))).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    return _IMAGE.sub(inline, css)


@cache
def plotly_js() -> str:
    """plotly.js, minified, as shipped in plotly's wheel."""
    from plotly.offline import get_plotlyjs

    return str(get_plotlyjs())


@cache
def own_file(name: str) -> str:
    """One of guarantor's own static files (``guarantor.js``, ``guarantor.css``)."""
    return (resources.files("guarantor.report") / "static" / name).read_text(encoding="utf-8")


_SCRIPT_END = re.compile(r"</(script)", re.IGNORECASE)


def inline_script(text: str) -> str:
    """Make script text safe inside an inline ``<script>`` element."""
    return _SCRIPT_END.sub(r"<\\/\1", text).replace("<!--", "<\\!--")
