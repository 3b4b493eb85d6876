"""Background jobs: start a big assessment or a sweep, follow its progress, fetch its result.

``POST /api/jobs`` answers 202 with the job (``state`` queued); ``GET /api/jobs/{id}`` gives its
state and progress; ``GET /api/jobs/{id}/result`` its result once done. A sweep writes a new store
under the stores folder, so the sweeps pages show it while it runs.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from guarantor.errors import DataError
from guarantor.packages import parse_package
from guarantor.web.jobs import Job, Jobs
from guarantor.web.models import ERRORS, JobIn, JobOut, JobsOut, ProblemOut, errors
from guarantor.web.service import State
from guarantor.web.views import jobs, state

router = APIRouter()
AppState = Annotated[State, Depends(state)]
AppJobs = Annotated[Jobs, Depends(jobs)]


def _out(job: Job, runner: Jobs) -> JobOut:
    return JobOut(
        id=job.id,
        kind=job.kind,
        state=job.state,
        progress=runner.progress(job),
        detail=job.detail,
        seconds=round(job.seconds(), 3),
        store=job.store.name if job.store is not None else None,
        problems=[ProblemOut(**problem.as_dict()) for problem in job.problems],
    )


@router.post("/api/jobs", tags=["jobs"], status_code=202, responses=errors(400, 403, 413, 422, 429))
def start_job(body: JobIn, app_state: AppState, runner: AppJobs) -> JobOut:
    """Start an assessment (a shipped package or text) or a sweep (shipped packages).

    Names only: packages are shipped names, text may name shipped rule sets only, and a sweep's
    store is a new folder name under the stores folder.
    """
    if body.kind == "assess":
        if (len(body.packages) == 1) == (body.text is not None) or len(body.packages) > 1:
            raise DataError.single(
                "an assessment job takes one shipped package or package text",
                file="<request>",
                field="packages",
                expected="exactly one of 'packages' (one name) and 'text'",
                received=f"{len(body.packages)} names, {'text' if body.text else 'no text'}",
            )
        if body.text is not None:
            parse_package(body.text, "package.yaml", app_state.theatre, names_only=True)
            job = runner.assess(None, body.text, body.worlds, body.seed)
        else:
            app_state.shipped(body.packages[0])
            job = runner.assess(body.packages[0], None, body.worlds, body.seed)
        return _out(job, runner)
    if not body.packages or body.store is None or body.text is not None:
        raise DataError.single(
            "a sweep job takes shipped packages and a new store's name (no text)",
            file="<request>",
            field="packages" if not body.packages else "store",
            expected="'packages' (1 to 5 names) and 'store'",
            received=f"{len(body.packages)} names, store {body.store!r}",
        )
    for name in body.packages:
        app_state.shipped(name)
    app_state.stores.mkdir(parents=True, exist_ok=True)
    job = runner.sweep(body.packages, app_state.stores / body.store, body.worlds, body.seed)
    return _out(job, runner)


@router.get("/api/jobs", tags=["jobs"], responses=ERRORS)
def list_jobs(runner: AppJobs) -> JobsOut:
    """The jobs kept, newest first."""
    return JobsOut(jobs=[_out(job, runner) for job in runner.all()])


@router.get("/api/jobs/{ident}", tags=["jobs"], responses=ERRORS)
def job_state(ident: str, runner: AppJobs) -> JobOut:
    """A job's state and progress (422 for an unknown id)."""
    return _out(runner.get(ident), runner)


@router.get("/api/jobs/{ident}/result", tags=["jobs"], responses=ERRORS)
def job_result(ident: str, runner: AppJobs) -> dict[str, Any]:
    """A finished job's result: the assessment's JSON, or the sweep's run and store summary."""
    return runner.result(runner.get(ident))
