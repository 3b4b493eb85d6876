"""Long-running work started from the web: big assessments and sweeps, each in its own process.

A job runs ``guarantor assess ... --json`` or ``guarantor sweep ... --store STORES/NAME --json`` as
a child process, so its memory goes back to the system when it ends and a job past its time
limit can be killed. One job runs at a time (the machine's cores are the models'); a few more
wait in a queue and any beyond are refused with 429. A sweep's progress is its store's committed
chunks against the design's (the same figure the sweeps page shows); an assessment's is 0 until
it is done. Finished jobs are kept (the newest ``kept``) so their results can be fetched.
"""

from __future__ import annotations

import json
import os
import queue
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from guarantor.errors import DataError, Problem
from guarantor.web.service import BusyError

_STDERR_TAIL = 2000
JobState = Literal["queued", "running", "done", "failed", "timed out"]


@dataclass
class Job:
    """One piece of background work and what is known of it."""

    id: str
    kind: str
    command: list[str]
    store: Path | None = None
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    state: JobState = "queued"
    detail: str = ""
    output: Path | None = None
    problems: list[Problem] = field(default_factory=list)

    def seconds(self) -> float:
        """Time spent running so far (or in all)."""
        if self.started is None:
            return 0.0
        return (self.finished or time.time()) - self.started


class Jobs:
    """A queue of child processes: one runs, ``queued`` wait, the rest are refused."""

    def __init__(
        self, *, theatre: str, queued: int = 4, kept: int = 20, time_limit_s: float = 3600.0
    ) -> None:
        self.theatre = theatre
        self.queued = queued
        self.kept = kept
        self.time_limit_s = time_limit_s
        self._folder: Path | None = None
        self._jobs: dict[str, Job] = {}
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._worker = threading.Thread(target=self._work, name="guarantor-jobs", daemon=True)
        self._worker.start()

    @property
    def folder(self) -> Path:
        """A private folder for the jobs' files, made on first use."""
        with self._lock:
            if self._folder is None:
                self._folder = Path(tempfile.mkdtemp(prefix="guarantor-jobs-"))
            return self._folder

    # -- starting --------------------------------------------------------------------------

    def assess(self, package: str | None, text: str | None, worlds: int, seed: int) -> Job:
        """Queue an assessment of a shipped package (by name) or of checked package text."""
        ident = secrets.token_hex(8)
        if text is not None:
            path = self.folder / f"{ident}.yaml"
            path.write_text(text, encoding="utf-8")
            target = str(path)
        else:
            target = str(package)
        command = ["assess", target, "--worlds", str(worlds), "--seed", str(seed)]
        return self._start(ident, "assess", [*command, "--theatre", self.theatre, "--json"])

    def sweep(self, packages: list[str], store: Path, worlds: int, seed: int) -> Job:
        """Queue a sweep of shipped packages into a new store."""
        if store.exists():
            raise DataError.single(
                "a store of that name exists",
                file="<request>",
                field="store",
                expected="a new store name",
                received=store.name,
            )
        command = [
            "sweep",
            *packages,
            "--worlds",
            str(worlds),
            "--seed",
            str(seed),
            "--store",
            str(store),
            "--theatre",
            self.theatre,
            "--json",
        ]
        return self._start(secrets.token_hex(8), "sweep", command, store)

    def _start(self, ident: str, kind: str, command: list[str], store: Path | None = None) -> Job:
        output = self.folder / f"{ident}.json"
        with self._lock:
            waiting = sum(job.state == "queued" for job in self._jobs.values())
            if waiting >= self.queued:
                raise BusyError(retry_after_s=60)
            job = Job(ident, kind, [sys.executable, "-m", "guarantor", *command], store=store)
            job.output = output
            self._jobs[ident] = job
            self._forget_old()
        self._queue.put(job)
        return job

    def _forget_old(self) -> None:
        done = [job for job in self._jobs.values() if job.finished is not None]
        for job in sorted(done, key=lambda job: job.created)[: max(0, len(done) - self.kept)]:
            del self._jobs[job.id]
            if job.output is not None:
                job.output.unlink(missing_ok=True)

    # -- running ---------------------------------------------------------------------------

    def _work(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            self._run(job)

    def _run(self, job: Job) -> None:
        assert job.output is not None
        job.state, job.started = "running", time.time()
        errors = self.folder / f"{job.id}.err"
        with job.output.open("wb") as out, errors.open("wb") as err:
            process = subprocess.Popen(
                job.command, stdout=out, stderr=err, env={**os.environ, "NO_COLOR": "1"}
            )
            self._process = process
            try:
                code = process.wait(timeout=self.time_limit_s)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                code = None
            finally:
                self._process = None
        job.finished = time.time()
        tail = errors.read_text(encoding="utf-8", errors="replace")[-_STDERR_TAIL:]
        errors.unlink(missing_ok=True)
        if code is None:
            job.state = "timed out"
            job.detail = f"stopped after the time limit of {self.time_limit_s:g} s"
        elif code == 0:
            job.state = "done"
        else:
            job.state = "failed"
            job.problems = _problems_from(job.output, tail)
            job.detail = "; ".join(problem.message for problem in job.problems)[:500]

    def close(self) -> None:
        """Stop the worker: the running job is killed, queued jobs are dropped."""
        self._queue.put(None)
        process = self._process
        if process is not None and process.poll() is None:
            process.kill()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)

    # -- reading ---------------------------------------------------------------------------

    def get(self, ident: str) -> Job:
        """A job by id.

        Raises:
            DataError: no job has that id.
        """
        with self._lock:
            job = self._jobs.get(ident)
        if job is None:
            raise DataError.single(
                "no such job", field="job", expected="an id from POST /api/jobs", received=ident
            )
        return job

    def all(self) -> list[Job]:
        """Every job kept, newest first."""
        with self._lock:
            return sorted(self._jobs.values(), key=lambda job: job.created, reverse=True)

    def progress(self, job: Job) -> float:
        """Share of the job done: a sweep's committed chunks, else 0 or 1."""
        if job.state == "done":
            return 1.0
        if job.kind == "sweep" and job.store is not None and job.started is not None:
            return _sweep_share(job.store)
        return 0.0

    def result(self, job: Job) -> dict[str, Any]:
        """A finished job's result: the assessment, or the sweep's summary and run report.

        Raises:
            DataError: the job has not finished well.
        """
        if job.state != "done" or job.output is None:
            raise DataError.single(
                "the job has no result",
                field="job",
                expected="a job whose state is 'done'",
                received=job.state,
            )
        data: dict[str, Any] = json.loads(job.output.read_text(encoding="utf-8"))
        if job.kind == "sweep" and job.store is not None:
            from guarantor.report.sweeps import resolve_store, sweep_summary

            summary = sweep_summary(resolve_store(job.store.parent, job.store.name))
            return {"run": data, "summary": json.loads(json.dumps(summary, default=str))}
        return data


def _sweep_share(store: Path) -> float:
    manifest = store / "manifest.json"
    if not manifest.exists():
        return 0.0
    try:
        total = int(json.loads(manifest.read_text(encoding="utf-8")).get("n_chunks", 0))
    except (OSError, ValueError):
        return 0.0
    from guarantor.explore.store import Store

    done = sum(1 for _ in Store(store).iter_chunk_paths())
    return min(1.0, done / total) if total else 0.0


def _problems_from(output: Path, stderr_tail: str) -> list[Problem]:
    """The located problems a failed command printed (its JSON), or the end of its stderr."""
    try:
        data = json.loads(output.read_text(encoding="utf-8"))
        found = [Problem(**item) for item in data.get("problems", [])]
    except (OSError, ValueError, TypeError, AttributeError):
        found = []
    if found:
        return found
    last = [line for line in stderr_tail.splitlines() if line.strip()][-3:]
    return [Problem(" ".join(last) or "the job's process failed", field="job")]
