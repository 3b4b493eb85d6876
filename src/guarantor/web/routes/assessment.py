"""Assessments and comparisons, as pages and as JSON; every one runs within the app's limits."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse

from guarantor.assessment import DEFAULT_SEED, compare
from guarantor.errors import DataError
from guarantor.packages import DEFAULT_PACKAGE, parse_package
from guarantor.report.render import assessment_view
from guarantor.web.models import MAX_SEED, MAX_WORLDS, WORK_ERRORS, AssessIn, CompareIn
from guarantor.web.service import LARGE_WORLDS, State
from guarantor.web.views import page, state
from guarantor.worlds import WEB_WORLDS

router = APIRouter()
AppState = Annotated[State, Depends(state)]
Worlds = Annotated[int, Query(ge=1, le=MAX_WORLDS)]
Seed = Annotated[int, Query(ge=0, le=MAX_SEED)]


@router.get("/assess", response_class=HTMLResponse, include_in_schema=False)
async def assess_page(
    request: Request,
    app_state: AppState,
    package: str = DEFAULT_PACKAGE,
    worlds: Worlds = WEB_WORLDS,
    seed: Seed = DEFAULT_SEED,
) -> HTMLResponse:
    """A shipped package's assessment."""
    result = await app_state.assess(app_state.shipped(package), worlds, seed)
    return page("assess.html.j2", request, view=assessment_view(result), package=package)


@router.get("/compare", response_class=HTMLResponse, include_in_schema=False)
async def compare_page(
    request: Request,
    app_state: AppState,
    package: Annotated[list[str] | None, Query(max_length=5)] = None,
    worlds: Worlds = WEB_WORLDS,
    seed: Seed = DEFAULT_SEED,
) -> HTMLResponse:
    """Shipped packages side by side over the same worlds."""
    chosen = package or []
    comparison = None
    if len(chosen) >= 2:
        comparison = await _compare(app_state, chosen, worlds, seed)
    return page(
        "compare.html.j2",
        request,
        chosen=chosen,
        worlds=worlds,
        seed=seed,
        comparison=comparison,
    )


@router.post(
    "/api/assess", tags=["assessment"], responses=WORK_ERRORS, response_model=dict[str, Any]
)
async def api_assess(body: AssessIn, app_state: AppState) -> Any:
    """Assess a shipped package or package text over ``worlds`` worlds from ``seed``.

    Package text may name shipped rule sets only (never a path). At most a few assessments run
    at once; beyond the queue the answer is 429 with ``Retry-After``.
    """
    if (body.package is None) == (body.text is None):
        raise DataError.single(
            "give a shipped package's name or package text",
            file="<request>",
            field="package",
            expected="exactly one of 'package' and 'text'",
            received="both" if body.package else "neither",
        )
    if body.package is not None:
        package = app_state.shipped(body.package)
    else:
        package = parse_package(body.text or "", "package.yaml", app_state.theatre, names_only=True)
    result = await app_state.assess(package, body.worlds, body.seed)
    return _json(result.to_dict(layers=True))


@router.get(
    "/api/assess/{name}", tags=["assessment"], responses=WORK_ERRORS, response_model=dict[str, Any]
)
async def api_assess_shipped(
    name: str,
    app_state: AppState,
    worlds: Worlds = WEB_WORLDS,
    seed: Seed = DEFAULT_SEED,
    layers: bool = False,
) -> Any:
    """Assess a shipped package (the same numbers as ``guarantor assess NAME --json``)."""
    result = await app_state.assess(app_state.shipped(name), worlds, seed)
    return _json(result.to_dict(layers=layers))


def _json(data: dict[str, Any]) -> JSONResponse:
    """An assessment's JSON, encoded once by the standard encoder.

    ``to_dict`` already gives plain JSON data (megabytes of it with the tables); FastAPI's own
    encoder would walk it again, costing more than the HTTP round trip.
    """
    return JSONResponse(content=data)


@router.post("/api/compare", tags=["assessment"], responses=WORK_ERRORS)
async def api_compare(body: CompareIn, app_state: AppState) -> dict[str, Any]:
    """Compare shipped packages over the same worlds, marking the metrics that differ."""
    return await _compare(app_state, body.packages, body.worlds, body.seed)


async def _compare(app_state: State, names: list[str], worlds: int, seed: int) -> dict[str, Any]:
    loaded = [app_state.shipped(name) for name in names]
    theatre = app_state.theatre
    return await app_state.limiter.run(
        lambda: compare(loaded, theatre=theatre, worlds=worlds, seed=seed).to_dict(),
        large=worlds * len(loaded) >= LARGE_WORLDS,
    )
