"""Sweep stores under the stores folder: the list, one store's summary, as pages and JSON.

A store is named by its folder's name; :func:`guarantor.report.sweeps.resolve_store` refuses
anything that would leave the stores folder. Sweeps are started through the jobs API.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from guarantor.errors import DataError
from guarantor.report.charts import sweep_charts
from guarantor.report.sweeps import list_stores, resolve_store, sweep_summary
from guarantor.web.models import ERRORS
from guarantor.web.service import State
from guarantor.web.views import page, problems_of, state

router = APIRouter()
AppState = Annotated[State, Depends(state)]


@router.get("/sweeps", response_class=HTMLResponse, include_in_schema=False)
def sweeps_page(request: Request, app_state: AppState) -> HTMLResponse:
    """Every store with its progress."""
    summaries = []
    for name in list_stores(app_state.stores):
        try:
            summaries.append(sweep_summary(resolve_store(app_state.stores, name)))
        except DataError as error:
            summaries.append({"name": name, "problems": problems_of(error)})
    return page("sweeps.html.j2", request, stores=summaries, root=app_state.stores.name)


@router.get("/sweeps/{name}", response_class=HTMLResponse, include_in_schema=False)
def sweep_page(request: Request, name: str, app_state: AppState) -> HTMLResponse:
    """One store: progress, outcomes, discovery boxes and sensitivity charts."""
    summary = sweep_summary(resolve_store(app_state.stores, name))
    return page("sweep.html.j2", request, sweep=summary, sweep_charts=sweep_charts(summary))


@router.get("/api/sweeps", tags=["sweeps"], responses=ERRORS)
def api_sweeps(app_state: AppState) -> dict[str, Any]:
    """The stores in the stores folder."""
    return {"stores": list_stores(app_state.stores)}


@router.get("/api/sweeps/{name}", tags=["sweeps"], responses=ERRORS)
def api_sweep(name: str, app_state: AppState) -> dict[str, Any]:
    """A store: progress, outcome summaries, discovery boxes and sensitivity indices."""
    summary: dict[str, Any] = json.loads(
        json.dumps(sweep_summary(resolve_store(app_state.stores, name)), default=str)
    )
    return summary
