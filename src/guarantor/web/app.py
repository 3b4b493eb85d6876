"""The web app: server-rendered pages with light JavaScript, and JSON endpoints (OpenAPI).

Every page and endpoint calls :func:`guarantor.assessment.assess`, the engine behind the CLI
and the report, so the numbers are the same. The routers (``web/routes/``) hold the pages and
endpoints by area; this module builds the app around them: state, limits, guards and errors.

Safety: users name shipped packages, rule sets and stores, or send package text that may itself
name only shipped rule sets; a name never becomes a path outside the project's data folders.
Only allowed host names are served (localhost by default), unsafe requests from another origin
and editor forms without their token are refused, every response carries a content security
policy without inline script. Request bodies are limited in size; assessments run a few at a
time (429 with ``Retry-After`` beyond the queue, 504 past the time limit). Errors are JSON with
the same located problems as the command line (file, line, field, expected, received).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from guarantor import __version__
from guarantor.errors import DataError, Problem
from guarantor.report.render import environment
from guarantor.theatre import DEFAULT_THEATRE
from guarantor.web.jobs import Jobs
from guarantor.web.models import MAX_BODY_BYTES
from guarantor.web.routes import assessment, frontier, jobs, packages, pages, roe, sweeps
from guarantor.web.security import LOCAL_HOSTS, BodyLimit, Guard
from guarantor.web.service import BusyError, Limits, State, TimeLimitError
from guarantor.web.views import error_response, page, problems_of

__all__ = ["MAX_BODY_BYTES", "Limits", "create_app"]

_WEB = Path(__file__).parent


def create_app(
    *,
    theatre: str = DEFAULT_THEATRE,
    stores: str | Path = "stores",
    allowed_hosts: Iterable[str] = LOCAL_HOSTS,
    limits: Limits | None = None,
    job_time_limit_s: float = 3600.0,
) -> FastAPI:
    """Build the web app for a theatre, reading sweep stores from the folder ``stores``.

    Args:
        theatre: the theatre's name (or, from the command line, its path).
        stores: the folder whose sweep stores the app shows and where sweep jobs write.
        allowed_hosts: host names the app answers to (``Host`` header); ``*`` for any.
        limits: assessments at once, queued, and the time limit of a request.
        job_time_limit_s: a background job is stopped after this long.
    """
    state = State(theatre, Path(stores), limits or Limits())
    runner = Jobs(theatre=theatre, time_limit_s=job_time_limit_s)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        runner.close()
        state.limiter.shutdown()

    app = FastAPI(
        title="guarantor",
        version=__version__,
        description="Assess security guarantees for Ukraine: packages, assessments, comparisons, "
        "sweeps, jobs and rules of engagement. Every number comes from "
        "guarantor.assessment.assess.",
        docs_url=None,  # Swagger UI and ReDoc load from a CDN; /docs is rendered here instead
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.guarantor = state
    app.state.jobs = runner
    app.state.templates = environment(_WEB / "templates")
    _errors(app)
    for area in (pages, packages, assessment, sweeps, frontier, roe, jobs):
        app.include_router(area.router)
    app.add_middleware(BodyLimit, limit=MAX_BODY_BYTES)
    app.add_middleware(Guard, allowed_hosts=allowed_hosts)
    return app


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route of the app answers on the request's path."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches({**request.scope, "method": "GET"})
        if match is not Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods)


def _errors(app: FastAPI) -> None:
    """Errors: JSON for the API, a page for people."""

    def answer(
        request: Request, status: int, problems: list[dict[str, object]], **headers: str
    ) -> Response:
        if request.url.path.startswith("/api/"):
            return error_response(status, problems, headers or None)
        response = page("error.html.j2", request, status, problems=problems)
        response.headers.update(headers)
        return response

    @app.exception_handler(DataError)
    async def _data_error(request: Request, error: DataError) -> Response:
        return answer(request, 422, problems_of(error))

    @app.exception_handler(BusyError)
    async def _busy(request: Request, error: BusyError) -> Response:
        problem = Problem(
            "too many assessments at once",
            field="request",
            expected=f"a retry after {error.retry_after_s} s",
        )
        retry = {"Retry-After": str(error.retry_after_s)}
        return answer(request, 429, [problem.as_dict()], **retry)

    @app.exception_handler(TimeLimitError)
    async def _too_long(request: Request, error: TimeLimitError) -> Response:
        problem = Problem(
            "the request took longer than the time limit: ask for fewer worlds or start a job "
            "(POST /api/jobs)",
            field="worlds",
            expected=f"at most {error.limit_s:g} s",
        )
        return answer(request, 504, [problem.as_dict()])

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, error: RequestValidationError) -> Response:
        problems = [
            Problem(
                str(item.get("msg", "invalid")),
                file="<request>",
                field=".".join(str(part) for part in item.get("loc", ()) if part != "body"),
                received=json.dumps(item.get("input"), default=str)[:100]
                if "input" in item
                else None,
            ).as_dict()
            for item in error.errors()
        ]
        return answer(request, 422, problems)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, error: StarletteHTTPException) -> Response:
        problem = Problem(str(error.detail), field=request.url.path[:200]).as_dict()
        if request.url.path.startswith("/api/") or error.status_code != 404:
            # keep the exception's headers; a 405 lists every method the path allows
            headers = dict(error.headers or {})
            if error.status_code == 405:
                headers["Allow"] = ", ".join(_allowed_methods(request))
            return error_response(error.status_code, [problem], headers)
        return page("error.html.j2", request, 404, problems=[problem])
