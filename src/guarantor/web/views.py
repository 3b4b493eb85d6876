"""What every router shares: the app's state, page rendering and the JSON error form."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse

from guarantor.errors import DataError
from guarantor.packages import shipped_packages
from guarantor.web.jobs import Jobs
from guarantor.web.service import State


def state(request: Request) -> State:
    """The app's :class:`State` (a FastAPI dependency)."""
    found: State = request.app.state.guarantor
    return found


def jobs(request: Request) -> Jobs:
    """The app's :class:`Jobs` (a FastAPI dependency)."""
    found: Jobs = request.app.state.jobs
    return found


def page(template: str, request: Request, status: int = 200, **context: Any) -> HTMLResponse:
    """Render a page of the app."""
    html = request.app.state.templates.get_template(template).render(
        request_path=request.url.path, shipped=shipped_packages(), **context
    )
    return HTMLResponse(html, status_code=status)


def problems_of(error: DataError) -> list[dict[str, Any]]:
    """The problems of an error as JSON-ready mappings."""
    return [problem.as_dict() for problem in error.problems]


def error_response(
    status: int, problems: list[dict[str, Any]], headers: dict[str, str] | None = None
) -> JSONResponse:
    """The JSON error form ``{"ok": false, "problems": [...]}``."""
    return JSONResponse({"ok": False, "problems": problems}, status_code=status, headers=headers)
