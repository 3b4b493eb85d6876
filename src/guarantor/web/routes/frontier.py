"""The dilemma, deter or be signed: the frontier over the shipped packages' levers.

``GET /api/frontier`` answers :meth:`guarantor.explore.frontier.DeterSignFrontier.to_dict`;
``GET /frontier`` draws it (the report's chart and tables). Both run
:func:`guarantor.explore.frontier.deter_sign_frontier` within the app's limits, and the app
keeps its last few answers, so a page and its JSON asked with the same settings compute once.
"""

from __future__ import annotations

import threading
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from guarantor.errors import DataError
from guarantor.explore.frontier import (
    FRONTIER_GENERATIONS,
    FRONTIER_POPULATION,
    FRONTIER_WORLDS,
    deter_sign_frontier,
)
from guarantor.report.charts import frontier_chart
from guarantor.web.models import MAX_SEED, MAX_WORLDS, WORK_ERRORS
from guarantor.web.service import State
from guarantor.web.views import page, state
from guarantor.worlds import DEFAULT_SEED

router = APIRouter()
AppState = Annotated[State, Depends(state)]
Packages = Annotated[list[str] | None, Query(max_length=5)]
Worlds = Annotated[int, Query(ge=1, le=MAX_WORLDS)]
Seed = Annotated[int, Query(ge=0, le=MAX_SEED)]
Population = Annotated[int, Query(ge=4, le=40)]
Generations = Annotated[int, Query(ge=0, le=10)]
KEPT = 4
"""Frontiers an app keeps in memory (the newest)."""
_lock = threading.Lock()


def _kept(request: Request) -> dict[tuple[Any, ...], dict[str, Any]]:
    """This app's kept frontiers (made on first use)."""
    with _lock:
        if not hasattr(request.app.state, "frontiers"):
            request.app.state.frontiers = {}
        kept: dict[tuple[Any, ...], dict[str, Any]] = request.app.state.frontiers
        return kept


async def _frontier(
    request: Request,
    app_state: State,
    names: list[str],
    *,
    worlds: int,
    seed: int,
    population: int,
    generations: int,
) -> dict[str, Any]:
    loaded = [app_state.shipped(name) for name in names]
    key = (tuple(names), worlds, seed, population, generations)
    kept = _kept(request)
    with _lock:
        if key in kept:
            return kept[key]

    def work() -> dict[str, Any]:
        return deter_sign_frontier(
            loaded, worlds=worlds, seed=seed, population=population, generations=generations
        ).to_dict()

    data = await app_state.limiter.run(work, large=True)
    with _lock:
        kept[key] = data
        while len(kept) > KEPT:
            del kept[next(iter(kept))]
    return data


@router.get("/api/frontier", tags=["explore"], responses=WORK_ERRORS)
async def api_frontier(
    request: Request,
    app_state: AppState,
    *,
    package: Packages = None,
    worlds: Worlds = FRONTIER_WORLDS,
    seed: Seed = DEFAULT_SEED,
    population: Population = FRONTIER_POPULATION,
    generations: Generations = FRONTIER_GENERATIONS,
) -> dict[str, Any]:
    """The deter-vs-sign frontier, starting from the shipped packages named (one to five).

    Each point: the package it started from, its lever settings, P(hold 10 y) and P(all sign),
    each from one assessment over the same worlds. A big search takes minutes: ask for fewer
    worlds, candidates or generations when the answer is 504.
    """
    if not package:
        raise DataError.single(
            "name the shipped packages to start from",
            file="<request>",
            field="package",
            expected="package=NAME, one to five times",
            received="none",
        )
    return await _frontier(
        request,
        app_state,
        package,
        worlds=worlds,
        seed=seed,
        population=population,
        generations=generations,
    )


@router.get("/frontier", response_class=HTMLResponse, include_in_schema=False)
async def frontier_page(
    request: Request,
    app_state: AppState,
    *,
    package: Packages = None,
    worlds: Worlds = FRONTIER_WORLDS,
    seed: Seed = DEFAULT_SEED,
    population: Population = FRONTIER_POPULATION,
    generations: Generations = FRONTIER_GENERATIONS,
) -> HTMLResponse:
    """The frontier of the ticked packages, drawn; nothing computed until one is ticked."""
    chosen = package or []
    frontier = None
    if chosen:
        frontier = await _frontier(
            request,
            app_state,
            chosen,
            worlds=worlds,
            seed=seed,
            population=population,
            generations=generations,
        )
    return page(
        "frontier.html.j2",
        request,
        chosen=chosen,
        worlds=worlds,
        seed=seed,
        population=population,
        generations=generations,
        frontier=frontier,
        frontier_charts=[frontier_chart(frontier)] if frontier else [],
    )
