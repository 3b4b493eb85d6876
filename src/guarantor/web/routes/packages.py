"""Packages: the shipped list and texts, validation, and the package editor (form and YAML).

Text from the web may name shipped rule sets only (``parse_package(..., names_only=True)``): a
path in ``roe:`` is refused with the same problem whether or not the file exists. The editor's
forms carry a CSRF token (double submit: hidden field and ``SameSite=Strict`` cookie).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from guarantor.assessment import DEFAULT_SEED, Assessment
from guarantor.errors import DataError, Problem
from guarantor.packages import DEFAULT_PACKAGE, parse_package, shipped_packages
from guarantor.packages.loader import package_path
from guarantor.report.render import assessment_view
from guarantor.web.editor import apply_form, package_form
from guarantor.web.models import (
    BODY_ERRORS,
    ERRORS,
    MAX_SEED,
    MAX_TEXT,
    MAX_WORLDS,
    ProblemOut,
    ValidateIn,
    ValidateOut,
)
from guarantor.web.security import CSRF_COOKIE, CSRF_FIELD, csrf_ok, csrf_token
from guarantor.web.service import State
from guarantor.web.views import page, problems_of, state
from guarantor.worlds import WEB_WORLDS

router = APIRouter()
AppState = Annotated[State, Depends(state)]


@router.get("/packages/edit", response_class=HTMLResponse, include_in_schema=False)
def editor_page(
    request: Request, app_state: AppState, package: str = DEFAULT_PACKAGE
) -> HTMLResponse:
    """The editor, starting from a shipped package."""
    app_state.shipped(package)
    text = package_path(package).read_text(encoding="utf-8")
    return _editor(request, package, text, WEB_WORLDS, DEFAULT_SEED)


@router.post("/packages/edit", response_class=HTMLResponse, include_in_schema=False)
async def editor_submit(request: Request, app_state: AppState) -> HTMLResponse:
    """Apply the form or take the YAML, then validate or assess (within the limits)."""
    form = await request.form()
    values = {key: str(value) for key, value in form.multi_items()}
    if not csrf_ok(request.cookies.get(CSRF_COOKIE), values.pop(CSRF_FIELD, None)):
        problem = Problem(
            "the form's token is missing or stale: reload the editor and submit again",
            field=CSRF_FIELD,
        )
        return page("error.html.j2", request, 403, problems=[problem.as_dict()])
    name = values.pop("name", "package")
    if not name or any(ch in name for ch in "/\\") or len(name) > 100:
        name = "package"
    text = values.pop("text", "")[:MAX_TEXT]
    action = values.pop("action", "assess")
    worlds = _bounded(values.pop("worlds", ""), WEB_WORLDS, 1, MAX_WORLDS)
    seed = _bounded(values.pop("seed", ""), DEFAULT_SEED, 0, MAX_SEED)
    file = f"{name}.yaml"
    problems: list[dict[str, Any]] | None = None
    result: Assessment | None = None
    try:
        if action == "form":
            text = apply_form(text, file, values)
        package = parse_package(text, file, app_state.theatre, names_only=True)
        problems = []
        if action != "validate":
            result = await app_state.assess(package, worlds, seed)
    except DataError as error:
        problems = problems_of(error)
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
        commitments, roe_field, form_error = [], None, problems_of(error)
    token = csrf_token(request.cookies.get(CSRF_COOKIE))
    response = page(
        "editor.html.j2",
        request,
        name=name,
        text=text,
        worlds=worlds,
        seed=seed,
        csrf=token,
        problems=problems,
        form_problems=form_error,
        commitments=commitments,
        roe_field=roe_field,
        view=assessment_view(result, "edit") if result is not None else None,
    )
    response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", path="/packages/edit")
    return response


def _bounded(text: str, default: int, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        return default
    return min(max(value, low), high)


@router.get("/api/packages", tags=["packages"], responses=ERRORS)
def api_packages() -> dict[str, Any]:
    """The shipped packages and the default."""
    return {"packages": shipped_packages(), "default": DEFAULT_PACKAGE}


@router.get("/api/packages/{name}", tags=["packages"], responses=ERRORS)
def api_package(name: str, app_state: AppState) -> dict[str, Any]:
    """A shipped package's YAML text (422 for a name that is not shipped)."""
    app_state.shipped(name)
    return {"name": name, "text": package_path(name).read_text(encoding="utf-8")}


@router.post("/api/packages/validate", tags=["packages"], responses=BODY_ERRORS)
def api_validate(body: ValidateIn, app_state: AppState) -> ValidateOut:
    """Check package text: every problem with file:line and field, or the package's name.

    The text may name shipped rule sets only; a path is a problem whether or not it exists.
    """
    try:
        package = parse_package(body.text, f"{body.name}.yaml", app_state.theatre, names_only=True)
    except DataError as error:
        return ValidateOut(ok=False, problems=[ProblemOut(**p) for p in problems_of(error)])
    return ValidateOut(
        ok=True,
        problems=[],
        name=package.name,
        title=package.title,
        commitments=len(package.commitments),
    )
