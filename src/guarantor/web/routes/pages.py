"""Pages that only show: the theatre map, the API description, and the static files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from guarantor.errors import Problem
from guarantor.report import assets
from guarantor.report.maps import theatre_map_spec
from guarantor.web.models import ERRORS
from guarantor.web.service import State
from guarantor.web.views import error_response, page, state

router = APIRouter()
_WEB = Path(__file__).parent.parent
_STATIC: dict[str, tuple[Callable[[], str], str]] = {
    "leaflet.js": (assets.leaflet_js, "text/javascript"),
    "leaflet.css": (assets.leaflet_css, "text/css"),
    "plotly.min.js": (assets.plotly_js, "text/javascript"),
    "guarantor.js": (lambda: assets.own_file("guarantor.js"), "text/javascript"),
    "guarantor.css": (lambda: assets.own_file("guarantor.css"), "text/css"),
    "app.js": (lambda: (_WEB / "static" / "app.js").read_text(encoding="utf-8"), "text/javascript"),
}
AppState = Annotated[State, Depends(state)]


@router.get("/static/{name}", include_in_schema=False)
def static(name: str) -> Response:
    """A script or style sheet from the installed packages (never a path)."""
    if name not in _STATIC:
        return error_response(404, [Problem("no such file", field="static").as_dict()])
    read, media = _STATIC[name]
    return Response(read(), media_type=media, headers={"Cache-Control": "max-age=3600"})


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def theatre_page(request: Request, app_state: AppState) -> HTMLResponse:
    """The theatre map."""
    theatre = app_state.theatre
    return page("theatre.html.j2", request, theatre=theatre.data, map=theatre_map_spec(theatre))


@router.get("/index.html", include_in_schema=False)
def index() -> RedirectResponse:
    """The theatre map's old address."""
    return RedirectResponse("/")


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
def api_docs(request: Request) -> HTMLResponse:
    """The JSON API, rendered from the OpenAPI description (Swagger UI needs a CDN)."""
    spec = request.app.openapi()
    operations = [
        {
            "method": method.upper(),
            "path": path,
            "summary": operation.get("summary", ""),
            "description": operation.get("description", ""),
            "body": _schema_name(operation.get("requestBody")),
            "responses": sorted(operation.get("responses", {})),
        }
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
    ]
    return page("docs.html.j2", request, operations=operations, schemas=spec["components"])


@router.get("/api/theatre", tags=["theatre"], responses=ERRORS)
def api_theatre(app_state: AppState) -> dict[str, Any]:
    """The theatre map: countries, sea, occupied areas, contact line, places, bounds."""
    theatre = app_state.theatre
    return {"name": theatre.name, **theatre_map_spec(theatre)}


@router.get("/coalition", response_class=HTMLResponse, include_in_schema=False)
def coalition_page(request: Request, app_state: AppState) -> HTMLResponse:
    """The Coalition of the Willing: a table of its states and a map of those in the theatre."""
    from guarantor.coalition.views import map_layers, summary
    from guarantor.report.maps import base_map, style_layers

    theatre = app_state.theatre
    spec = {"base": base_map(theatre), "layers": style_layers(map_layers(theatre))}
    return page("coalition.html.j2", request, coalition=summary(), map=spec)


@router.get("/api/coalition", tags=["theatre"], responses=ERRORS)
def api_coalition() -> dict[str, Any]:
    """The coalition's states: inventories, what each can sustain abroad, offers, mandates."""
    from guarantor.coalition.views import summary

    return summary()


def _schema_name(body: Any) -> str:
    if not isinstance(body, dict):
        return ""
    schema = body.get("content", {}).get("application/json", {}).get("schema", {})
    return str(schema.get("$ref", "")).rsplit("/", 1)[-1]
