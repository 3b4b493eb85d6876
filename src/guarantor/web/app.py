"""The web app: server-rendered pages with light JavaScript, and JSON endpoints (OpenAPI).

Every page and endpoint calls :func:`guarantor.assessment.assess`, the engine behind the CLI
and the report, so the numbers are the same. The theatre is loaded once per app; assessments are
kept in a small cache keyed by the package's content, the worlds and the seed.

Safety: users name packages, rule sets and stores, or send package text; a name never becomes a
path outside the project's data folders (shipped packages and rule sets, and the stores folder
given at start). Request bodies are limited in size. Errors are JSON with the same located
problems as the command line (file, line, field, expected, received).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from guarantor import __version__
from guarantor.assessment import DEFAULT_SEED, DEFAULT_WORLDS, Assessment, assess, compare
from guarantor.errors import DataError, Problem
from guarantor.packages import (
    DEFAULT_PACKAGE,
    Package,
    load_package,
    parse_package,
    shipped_packages,
)
from guarantor.packages.loader import package_path
from guarantor.report import assets
from guarantor.report.charts import sweep_charts
from guarantor.report.maps import theatre_map_spec
from guarantor.report.render import assessment_view, environment
from guarantor.report.sweeps import list_stores, resolve_store, sweep_summary
from guarantor.theatre import DEFAULT_THEATRE, Theatre, load_theatre
from guarantor.web.editor import apply_form, package_form

MAX_BODY_BYTES = 256 * 1024
"""Largest request body accepted (a package is a few kilobytes)."""
MAX_WORLDS = 2000
"""Most worlds one web request may ask for (keeps a request within seconds)."""
MAX_TEXT = 200_000
CACHE_SIZE = 16
Name = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]

_WEB = Path(__file__).parent
_STATIC: dict[str, tuple[Callable[[], str], str]] = {
    "leaflet.js": (assets.leaflet_js, "text/javascript"),
    "leaflet.css": (assets.leaflet_css, "text/css"),
    "plotly.min.js": (assets.plotly_js, "text/javascript"),
    "guarantor.js": (lambda: assets.own_file("guarantor.js"), "text/javascript"),
    "guarantor.css": (lambda: assets.own_file("guarantor.css"), "text/css"),
    "app.js": (lambda: (_WEB / "static" / "app.js").read_text(encoding="utf-8"), "text/javascript"),
}


# -- request and response bodies ---------------------------------------------------------------


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProblemOut(BaseModel):
    """One located problem, as the command line prints it."""

    file: str | None = None
    line: int | None = None
    field: str = ""
    message: str
    expected: str | None = None
    received: str | None = None


class ErrorOut(BaseModel):
    """Bad input: every problem found."""

    ok: Literal[False] = False
    problems: list[ProblemOut]


class AssessIn(_Body):
    """A package to assess: a shipped name or YAML text (not both)."""

    package: Name | None = Field(None, description="a shipped package's name")
    text: str | None = Field(None, max_length=MAX_TEXT, description="package YAML")
    worlds: int = Field(DEFAULT_WORLDS, ge=1, le=MAX_WORLDS)
    seed: int = Field(DEFAULT_SEED, ge=0, le=2**63 - 1)


class ValidateIn(_Body):
    """Package text to check."""

    text: str = Field(max_length=MAX_TEXT)
    name: Name = Field("package", description="file name used in problem locations")


class ValidateOut(BaseModel):
    """Whether the package is valid, and its problems."""

    ok: bool
    problems: list[ProblemOut]
    name: str | None = None
    title: str | None = None
    commitments: int = 0


class CompareIn(_Body):
    """Shipped packages to compare over the same worlds."""

    packages: list[Name] = Field(min_length=2, max_length=5)
    worlds: int = Field(DEFAULT_WORLDS, ge=1, le=MAX_WORLDS)
    seed: int = Field(DEFAULT_SEED, ge=0, le=2**63 - 1)


class DecideIn(_Body):
    """An incident for a shipped rule set."""

    ruleset: Name
    incident: dict[str, str | float | bool] = Field(max_length=20)


ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "unknown name"},
    413: {"model": ErrorOut, "description": "request body too large"},
    422: {"model": ErrorOut, "description": "bad input, every problem located"},
}


# -- state -------------------------------------------------------------------------------------


class _State:
    """What the app keeps between requests: the theatre and recent assessments."""

    def __init__(self, theatre: str, stores: Path) -> None:
        self.theatre_name = theatre
        self.stores = stores
        self._theatre: Theatre | None = None
        self._cache: OrderedDict[tuple[str, int, int], Assessment] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def theatre(self) -> Theatre:
        with self._lock:
            if self._theatre is None:
                self._theatre = load_theatre(self.theatre_name)
            return self._theatre

    def assessment(self, package: Package, worlds: int, seed: int) -> Assessment:
        digest = hashlib.sha256(package.model_dump_json().encode()).hexdigest()
        key = (digest, worlds, seed)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        result = assess(package, theatre=self.theatre, worlds=worlds, seed=seed)
        with self._lock:
            self._cache[key] = result
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return result

    def shipped(self, name: str) -> Package:
        """A shipped package by name (never a path)."""
        if name not in shipped_packages():
            raise DataError.single(
                "no such package",
                field="package",
                expected=f"one of {shipped_packages()}",
                received=name,
            )
        return load_package(name, self.theatre)


def _problems(error: DataError) -> list[dict[str, Any]]:
    return [problem.as_dict() for problem in error.problems]


def _error(status: int, problems: list[dict[str, Any]]) -> JSONResponse:
    return JSONResponse({"ok": False, "problems": problems}, status_code=status)


class BodyLimit:
    """ASGI middleware: refuse request bodies above ``limit`` bytes with a JSON 413."""

    def __init__(self, app: Any, limit: int) -> None:
        """Wrap ``app``."""
        self.app = app
        self.limit = limit

    async def __call__(
        self,
        scope: MutableMapping[str, Any],
        receive: Callable[[], Awaitable[MutableMapping[str, Any]]],
        send: Callable[[MutableMapping[str, Any]], Awaitable[None]],
    ) -> None:
        """Pass the request on unless its body is too large."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        too_large = _error(
            413,
            [
                Problem(
                    "request body too large",
                    field="body",
                    expected=f"at most {self.limit} bytes",
                    received=declared.decode() if declared else "more",
                ).as_dict()
            ],
        )
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await too_large(scope, receive, send)
            return
        seen = 0

        async def limited() -> MutableMapping[str, Any]:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _BodyTooLargeError
            return message

        try:
            await self.app(scope, limited, send)
        except _BodyTooLargeError:
            await too_large(scope, receive, send)


class _BodyTooLargeError(Exception):
    """Raised inside the app when the streamed body passes the limit."""


# -- the app -----------------------------------------------------------------------------------


def create_app(*, theatre: str = DEFAULT_THEATRE, stores: str | Path = "stores") -> FastAPI:
    """Build the web app for a theatre, reading sweep stores from the folder ``stores``."""
    state = _State(theatre, Path(stores))
    templates = environment(_WEB / "templates")
    app = FastAPI(
        title="guarantor",
        version=__version__,
        description="Assess security guarantees for Ukraine: packages, assessments, comparisons, "
        "sweeps and rules of engagement. Every number comes from guarantor.assessment.assess.",
        docs_url=None,  # Swagger UI and ReDoc load from a CDN; /docs is rendered here instead
        redoc_url=None,
    )
    app.state.guarantor = state

    def page(template: str, request: Request, status: int = 200, **context: Any) -> HTMLResponse:
        html = templates.get_template(template).render(
            request_path=request.url.path, shipped=shipped_packages(), **context
        )
        return HTMLResponse(html, status_code=status)

    # errors: JSON for the API, a page for people
    @app.exception_handler(DataError)
    async def _data_error(request: Request, error: DataError) -> Response:
        if request.url.path.startswith("/api/"):
            return _error(422, _problems(error))
        return page("error.html.j2", request, 422, problems=_problems(error))

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
        if request.url.path.startswith("/api/"):
            return _error(422, problems)
        return page("error.html.j2", request, 422, problems=problems)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, error: StarletteHTTPException) -> Response:
        problem = Problem(str(error.detail), field=request.url.path).as_dict()
        if request.url.path.startswith("/api/") or error.status_code != 404:
            return _error(error.status_code, [problem])
        return page("error.html.j2", request, 404, problems=[problem])

    # -- static files from installed packages --------------------------------------------------

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        if name not in _STATIC:
            return _error(404, [Problem("no such file", field="static", received=name).as_dict()])
        read, media = _STATIC[name]
        return Response(read(), media_type=media, headers={"Cache-Control": "max-age=3600"})

    # -- pages ---------------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def theatre_page(request: Request) -> HTMLResponse:
        theatre_data = state.theatre
        return page(
            "theatre.html.j2",
            request,
            theatre=theatre_data.data,
            map=theatre_map_spec(theatre_data),
        )

    @app.get("/assess", response_class=HTMLResponse, include_in_schema=False)
    def assess_page(
        request: Request,
        package: str = DEFAULT_PACKAGE,
        worlds: Annotated[int, Query(ge=1, le=MAX_WORLDS)] = DEFAULT_WORLDS,
        seed: Annotated[int, Query(ge=0, le=2**63 - 1)] = DEFAULT_SEED,
    ) -> HTMLResponse:
        result = state.assessment(state.shipped(package), worlds, seed)
        return page("assess.html.j2", request, view=assessment_view(result), package=package)

    @app.get("/packages/edit", response_class=HTMLResponse, include_in_schema=False)
    def editor_page(request: Request, package: str = DEFAULT_PACKAGE) -> HTMLResponse:
        state.shipped(package)
        text = package_path(package).read_text(encoding="utf-8")
        return _editor(request, package, text, DEFAULT_WORLDS, DEFAULT_SEED)

    @app.post("/packages/edit", response_class=HTMLResponse, include_in_schema=False)
    async def editor_submit(request: Request) -> HTMLResponse:
        form = await request.form()
        values = {key: str(value) for key, value in form.multi_items()}
        name = values.pop("name", "package")
        if not name or any(ch in name for ch in "/\\") or len(name) > 100:
            name = "package"
        text = values.pop("text", "")[:MAX_TEXT]
        action = values.pop("action", "assess")
        worlds = _bounded(values.pop("worlds", ""), DEFAULT_WORLDS, 1, MAX_WORLDS)
        seed = _bounded(values.pop("seed", ""), DEFAULT_SEED, 0, 2**63 - 1)
        file = f"{name}.yaml"
        problems: list[dict[str, Any]] | None = None
        result: Assessment | None = None
        try:
            if action == "form":
                text = apply_form(text, file, values)
            package = parse_package(text, file, state.theatre)
            problems = []
            if action != "validate":
                result = state.assessment(package, worlds, seed)
        except DataError as error:
            problems = _problems(error)
        return _editor(request, name, text, worlds, seed, problems=problems, result=result)

    def _editor(
        request: Request,
        name: str,
        text: str,
        worlds: int,
        seed: int,
        *,
        problems: list[dict[str, Any]] | None = None,
        result: Assessment | None = None,
    ) -> HTMLResponse:
        from guarantor.roe import shipped_rulesets

        form_error: list[dict[str, Any]] = []
        try:
            commitments, roe_field = package_form(text, f"{name}.yaml", shipped_rulesets())
        except DataError as error:
            commitments, roe_field, form_error = [], None, _problems(error)
        return page(
            "editor.html.j2",
            request,
            name=name,
            text=text,
            worlds=worlds,
            seed=seed,
            problems=problems,
            form_problems=form_error,
            commitments=commitments,
            roe_field=roe_field,
            view=assessment_view(result, "edit") if result is not None else None,
        )

    @app.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    def compare_page(
        request: Request,
        package: Annotated[list[str] | None, Query(max_length=5)] = None,
        worlds: Annotated[int, Query(ge=1, le=MAX_WORLDS)] = DEFAULT_WORLDS,
        seed: Annotated[int, Query(ge=0, le=2**63 - 1)] = DEFAULT_SEED,
    ) -> HTMLResponse:
        chosen = package or []
        comparison = None
        if len(chosen) >= 2:
            loaded = [state.shipped(name) for name in chosen]
            comparison = compare(loaded, theatre=state.theatre, worlds=worlds, seed=seed)
        return page(
            "compare.html.j2",
            request,
            chosen=chosen,
            worlds=worlds,
            seed=seed,
            comparison=comparison.to_dict() if comparison else None,
        )

    @app.get("/sweeps", response_class=HTMLResponse, include_in_schema=False)
    def sweeps_page(request: Request) -> HTMLResponse:
        summaries = []
        for name in list_stores(state.stores):
            try:
                summaries.append(sweep_summary(resolve_store(state.stores, name)))
            except DataError as error:
                summaries.append({"name": name, "problems": _problems(error)})
        return page("sweeps.html.j2", request, stores=summaries, root=str(state.stores))

    @app.get("/sweeps/{name}", response_class=HTMLResponse, include_in_schema=False)
    def sweep_page(request: Request, name: str) -> HTMLResponse:
        summary = sweep_summary(resolve_store(state.stores, name))
        return page("sweep.html.j2", request, sweep=summary, sweep_charts=sweep_charts(summary))

    @app.get("/roe", response_class=HTMLResponse, include_in_schema=False)
    def roe_page(request: Request) -> HTMLResponse:
        from guarantor.roe import shipped_rulesets
        from guarantor.roe.schema import INCIDENT_FIELDS

        query = dict(request.query_params)
        ruleset = query.pop("ruleset", "air-policing")
        decision = None
        problems: list[dict[str, Any]] = []
        incident = {k: v for k, v in query.items() if k in INCIDENT_FIELDS and v != ""}
        if "domain" in incident:
            try:
                decision = _decide(ruleset, incident)
            except DataError as error:
                problems = _problems(error)
        return page(
            "roe.html.j2",
            request,
            rulesets=shipped_rulesets(),
            ruleset=ruleset,
            fields=list(INCIDENT_FIELDS.values()),
            incident=incident,
            decision=decision,
            problems=problems,
        )

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def api_docs(request: Request) -> HTMLResponse:
        spec = app.openapi()
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

    # -- JSON ----------------------------------------------------------------------------------

    @app.get("/api/theatre", tags=["theatre"], responses=ERRORS)
    def api_theatre() -> dict[str, Any]:
        """The theatre map: countries, sea, occupied areas, contact line, places, bounds."""
        theatre_data = state.theatre
        return {"name": theatre_data.name, **theatre_map_spec(theatre_data)}

    @app.get("/api/packages", tags=["packages"], responses=ERRORS)
    def api_packages() -> dict[str, Any]:
        """The shipped packages and the default."""
        return {"packages": shipped_packages(), "default": DEFAULT_PACKAGE}

    @app.get("/api/packages/{name}", tags=["packages"], responses=ERRORS)
    def api_package(name: str) -> dict[str, Any]:
        """A shipped package's YAML text."""
        state.shipped(name)
        return {"name": name, "text": package_path(name).read_text(encoding="utf-8")}

    @app.post("/api/packages/validate", tags=["packages"], responses=ERRORS)
    def api_validate(body: ValidateIn) -> ValidateOut:
        """Check package text: every problem with file:line and field, or the package's name."""
        try:
            package = parse_package(body.text, f"{body.name}.yaml", state.theatre)
        except DataError as error:
            return ValidateOut(ok=False, problems=[ProblemOut(**p) for p in _problems(error)])
        return ValidateOut(
            ok=True,
            problems=[],
            name=package.name,
            title=package.title,
            commitments=len(package.commitments),
        )

    @app.post("/api/assess", tags=["assessment"], responses=ERRORS)
    def api_assess(body: AssessIn) -> dict[str, Any]:
        """Assess a shipped package or package text over ``worlds`` worlds from ``seed``."""
        if (body.package is None) == (body.text is None):
            raise DataError.single(
                "give a shipped package's name or package text",
                file="<request>",
                field="package",
                expected="exactly one of 'package' and 'text'",
                received="both" if body.package else "neither",
            )
        if body.package is not None:
            package = state.shipped(body.package)
        else:
            package = parse_package(body.text or "", "package.yaml", state.theatre)
        return state.assessment(package, body.worlds, body.seed).to_dict(layers=True)

    @app.get("/api/assess/{name}", tags=["assessment"], responses=ERRORS)
    def api_assess_shipped(
        name: str,
        worlds: Annotated[int, Query(ge=1, le=MAX_WORLDS)] = DEFAULT_WORLDS,
        seed: Annotated[int, Query(ge=0, le=2**63 - 1)] = DEFAULT_SEED,
        layers: bool = False,
    ) -> dict[str, Any]:
        """Assess a shipped package (the same numbers as ``guarantor assess NAME --json``)."""
        return state.assessment(state.shipped(name), worlds, seed).to_dict(layers=layers)

    @app.post("/api/compare", tags=["assessment"], responses=ERRORS)
    def api_compare(body: CompareIn) -> dict[str, Any]:
        """Compare shipped packages over the same worlds, marking the metrics that differ."""
        loaded = [state.shipped(name) for name in body.packages]
        return compare(loaded, theatre=state.theatre, worlds=body.worlds, seed=body.seed).to_dict()

    @app.get("/api/sweeps", tags=["sweeps"], responses=ERRORS)
    def api_sweeps() -> dict[str, Any]:
        """The stores in the stores folder."""
        return {"stores": list_stores(state.stores)}

    @app.get("/api/sweeps/{name}", tags=["sweeps"], responses=ERRORS)
    def api_sweep(name: str) -> dict[str, Any]:
        """A store: progress, outcome summaries, discovery boxes and sensitivity indices."""
        summary: dict[str, Any] = json.loads(
            json.dumps(sweep_summary(resolve_store(state.stores, name)), default=str)
        )
        return summary

    @app.get("/api/roe/rulesets", tags=["roe"], responses=ERRORS)
    def api_rulesets() -> dict[str, Any]:
        """The shipped rule sets and the incident fields they decide on."""
        from guarantor.roe import shipped_rulesets
        from guarantor.roe.schema import INCIDENT_FIELDS

        return {
            "rulesets": shipped_rulesets(),
            "fields": [
                {
                    "name": spec.name,
                    "kind": spec.kind.value,
                    "values": list(spec.values),
                    "unit": spec.unit,
                    "description": spec.description,
                }
                for spec in INCIDENT_FIELDS.values()
            ],
        }

    @app.post("/api/roe/decide", tags=["roe"], responses=ERRORS)
    def api_decide(body: DecideIn) -> dict[str, Any]:
        """The response a shipped rule set decides for an incident, with its reasons."""
        return _decide(body.ruleset, body.incident)

    app.add_middleware(BodyLimit, limit=MAX_BODY_BYTES)
    app.add_api_route("/index.html", lambda: RedirectResponse("/"), include_in_schema=False)
    return app


def _schema_name(body: Any) -> str:
    if not isinstance(body, dict):
        return ""
    schema = body.get("content", {}).get("application/json", {}).get("schema", {})
    return str(schema.get("$ref", "")).rsplit("/", 1)[-1]


def _bounded(text: str, default: int, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        return default
    return min(max(value, low), high)


def _decide(ruleset_name: str, incident: dict[str, Any]) -> dict[str, Any]:
    """Decide an incident under a shipped rule set.

    Raises:
        DataError: unknown rule set, or the incident is malformed (every problem located).
    """
    import yaml

    from guarantor.roe import decide, load_ruleset, shipped_rulesets
    from guarantor.roe.incidents import parse_incident
    from guarantor.yamlio import load_yaml_text

    if ruleset_name not in shipped_rulesets():
        raise DataError.single(
            "no such rule set",
            field="ruleset",
            expected=f"one of {shipped_rulesets()}",
            received=ruleset_name,
        )
    raw, lines = load_yaml_text(yaml.safe_dump(incident, sort_keys=False), "<incident>")
    parsed, _, problems = parse_incident(raw, lines)
    if problems or parsed is None:
        raise DataError(problems)
    decision = decide(load_ruleset(ruleset_name), parsed, next_step=True)
    return {"ruleset": ruleset_name, "incident": parsed.as_data(), **decision.as_data()}
