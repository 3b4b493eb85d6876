"""The web app's request and response bodies, as the OpenAPI description shows them."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from guarantor.assessment import DEFAULT_SEED, DEFAULT_WORLDS
from guarantor.web.jobs import JobState
from guarantor.worlds import WEB_WORLDS

MAX_BODY_BYTES = 256 * 1024
"""Largest request body accepted (a package is a few kilobytes)."""
MAX_WORLDS = 2000
"""Most worlds one web request may ask for (keeps a request within seconds)."""
MAX_JOB_WORLDS = 100_000
"""Most worlds a background job may ask for (it runs in its own process)."""
MAX_TEXT = 200_000
MAX_SEED = 2**63 - 1
Name = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]


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
    """Bad input (or a refused request): every problem found."""

    ok: Literal[False] = False
    problems: list[ProblemOut]


class AssessIn(_Body):
    """A package to assess: a shipped name or YAML text (not both)."""

    package: Name | None = Field(None, description="a shipped package's name")
    text: str | None = Field(None, max_length=MAX_TEXT, description="package YAML")
    worlds: int = Field(WEB_WORLDS, ge=1, le=MAX_WORLDS)
    seed: int = Field(DEFAULT_SEED, ge=0, le=MAX_SEED)


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
    worlds: int = Field(WEB_WORLDS, ge=1, le=MAX_WORLDS)
    seed: int = Field(DEFAULT_SEED, ge=0, le=MAX_SEED)


class DecideIn(_Body):
    """An incident for a shipped rule set."""

    ruleset: Name
    incident: dict[str, str | float | bool] = Field(max_length=20)


class JobIn(_Body):
    """A long-running job: a big assessment or a sweep into the stores folder."""

    kind: Literal["assess", "sweep"]
    packages: list[Name] = Field(
        default_factory=list,
        max_length=5,
        description="shipped package names (one for 'assess' unless 'text' is given)",
    )
    text: str | None = Field(None, max_length=MAX_TEXT, description="package YAML ('assess')")
    worlds: int = Field(DEFAULT_WORLDS, ge=1, le=MAX_JOB_WORLDS)
    seed: int = Field(DEFAULT_SEED, ge=0, le=MAX_SEED)
    store: Name | None = Field(None, description="the new store's name ('sweep')")


class JobOut(BaseModel):
    """A job's state: queued, running, done, failed or timed out, with its progress."""

    id: str
    kind: str
    state: JobState
    progress: float = Field(ge=0, le=1, description="share of the work done")
    detail: str = ""
    seconds: float = 0.0
    store: str | None = None
    problems: list[ProblemOut] = Field(default_factory=list)


class JobsOut(BaseModel):
    """The jobs the app knows, newest first."""

    jobs: list[JobOut]


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI response entries for the error codes an operation returns."""
    described = {
        400: "the body is not JSON text (e.g. not UTF-8)",
        403: "refused: cross-site request",
        404: "unknown name",
        413: "request body too large",
        422: "bad input, every problem located",
        429: "too many requests at once; retry after the seconds in Retry-After",
        504: "the request took longer than the time limit",
    }
    return {code: {"model": ErrorOut, "description": described[code]} for code in codes}


ERRORS = errors(413, 422)
"""What every JSON operation may return besides its answer."""
BODY_ERRORS = errors(400, 403, 413, 422)
"""What an operation that reads a JSON body may return besides its answer."""
WORK_ERRORS = errors(400, 403, 413, 422, 429, 504)
"""What an operation that runs an assessment may return besides its answer."""
