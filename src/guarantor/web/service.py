"""The app's state and its bounds: the theatre, recent assessments and a limit on work at once.

An assessment of 2,000 worlds takes seconds and a few hundred megabytes, so the app runs at most
``concurrent`` of them at once (in its own threads) and lets ``queued`` more wait; any request
beyond that is answered at once with 429 and ``Retry-After``. A request that waits and runs longer
than ``time_limit_s`` is answered with 504 (its thread finishes in the background and keeps its
slot until then, so the limit on work at once stays true). After a large request the freed memory
is handed back to the operating system (``malloc_trim``), so the server's resident size falls back.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import gc
import hashlib
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from guarantor.assessment import Assessment, assess
from guarantor.errors import DataError
from guarantor.packages import Package, load_package, shipped_packages
from guarantor.theatre import Theatre, load_theatre

T = TypeVar("T")
CACHE_SIZE = 16
LARGE_WORLDS = 500
"""Requests of at least this many worlds hand their memory back to the system afterwards."""


@dataclass(frozen=True)
class Limits:
    """How much work the app takes on at once, and for how long."""

    concurrent: int = 2
    queued: int = 4
    time_limit_s: float = 300.0


class BusyError(Exception):
    """More requests than the app runs and queues; answer 429 with Retry-After."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"busy: retry after {retry_after_s} s")
        self.retry_after_s = retry_after_s


class TimeLimitError(Exception):
    """A request waited and ran longer than the time limit; answer 504."""

    def __init__(self, limit_s: float) -> None:
        super().__init__(f"took longer than {limit_s:g} s")
        self.limit_s = limit_s


def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:  # pragma: no cover - no C library to load
        return None
    trim: Callable[[int], int] | None = getattr(libc, "malloc_trim", None)
    return trim


_TRIM = _malloc_trim()


def release_memory_to_system() -> None:
    """Collect garbage and hand freed heap pages back to the system (glibc; else a no-op)."""
    gc.collect()
    if _TRIM is not None:
        _TRIM(0)


class Limiter:
    """At most ``concurrent`` calls running, ``queued`` waiting; the rest refused (429)."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._executor = ThreadPoolExecutor(limits.concurrent, thread_name_prefix="assess")
        self._admitted = 0
        self._lock = threading.Lock()
        self._recent_s: list[float] = []

    @property
    def admitted(self) -> int:
        """Requests running or waiting now."""
        return self._admitted

    def retry_after_s(self) -> int:
        """A fair wait before trying again: the recent mean duration times the queue's depth."""
        mean = sum(self._recent_s) / len(self._recent_s) if self._recent_s else 5.0
        depth = max(1, self._admitted) / max(1, self.limits.concurrent)
        return max(1, min(600, math.ceil(mean * depth)))

    async def run(self, work: Callable[[], T], *, large: bool = False) -> T:
        """Run ``work`` in a worker thread within the limits.

        Raises:
            BusyError: the app already runs and queues as many requests as it takes.
            TimeLimitError: the request waited and ran longer than the time limit.
        """
        with self._lock:
            if self._admitted >= self.limits.concurrent + self.limits.queued:
                raise BusyError(self.retry_after_s())
            self._admitted += 1

        def timed() -> T:
            start = time.perf_counter()
            try:
                return work()
            finally:
                if large:
                    release_memory_to_system()
                with self._lock:
                    self._recent_s = [*self._recent_s[-9:], time.perf_counter() - start]

        def finished(_: object) -> None:
            with self._lock:
                self._admitted -= 1

        future = self._executor.submit(timed)
        future.add_done_callback(finished)
        try:
            return await asyncio.wait_for(
                asyncio.shield(asyncio.wrap_future(future)), self.limits.time_limit_s
            )
        except TimeoutError:
            raise TimeLimitError(self.limits.time_limit_s) from None

    def shutdown(self) -> None:
        """Stop the worker threads (waiting for running work)."""
        self._executor.shutdown(wait=True, cancel_futures=True)


class State:
    """What the app keeps between requests: the theatre, recent assessments, the limiter."""

    def __init__(self, theatre: str, stores: Path, limits: Limits) -> None:
        self.theatre_name = theatre
        self.stores = stores
        self.limiter = Limiter(limits)
        self._theatre: Theatre | None = None
        self._cache: OrderedDict[tuple[str, int, int], Assessment] = OrderedDict()
        self._shipped: dict[str, tuple[Package, str]] = {}
        self._lock = threading.Lock()

    @property
    def theatre(self) -> Theatre:
        """The theatre, loaded on first use."""
        with self._lock:
            if self._theatre is None:
                self._theatre = load_theatre(self.theatre_name)
            return self._theatre

    def cached(self, package: Package, worlds: int, seed: int) -> Assessment | None:
        """A recent assessment of the same package, worlds and seed, if any."""
        with self._lock:
            key = self._key(package, worlds, seed)
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        return None

    def assessment(self, package: Package, worlds: int, seed: int) -> Assessment:
        """Assess in the calling thread, through the cache."""
        found = self.cached(package, worlds, seed)
        if found is not None:
            return found
        result = assess(package, theatre=self.theatre, worlds=worlds, seed=seed)
        _freeze_once()
        with self._lock:
            self._cache[self._key(package, worlds, seed)] = result
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return result

    async def assess(self, package: Package, worlds: int, seed: int) -> Assessment:
        """Assess within the limits (a cached result is returned at once)."""
        found = self.cached(package, worlds, seed)
        if found is not None:
            return found
        return await self.limiter.run(
            lambda: self.assessment(package, worlds, seed), large=worlds >= LARGE_WORLDS
        )

    def _key(self, package: Package, worlds: int, seed: int) -> tuple[str, int, int]:
        """The cache key: the package's content digest (kept for shipped ones), worlds, seed."""
        digest = next((d for p, d in self._shipped.values() if p is package), None)
        return digest or _digest(package), worlds, seed

    def shipped(self, name: str) -> Package:
        """A shipped package by name (never a path), parsed once per app.

        Shipped packages do not change while the app runs, and nothing downstream mutates a
        package, so each is parsed and validated once (with its cache key) rather than per request.
        """
        if name not in shipped_packages():
            raise DataError.single(
                "no such package",
                field="package",
                expected=f"one of {shipped_packages()}",
                received=name[:100],
            )
        with self._lock:
            found = self._shipped.get(name)
        if found is None:
            package = load_package(name, self.theatre)
            found = (package, _digest(package))
            with self._lock:
                self._shipped[name] = found
        return found[0]


_FROZEN = threading.Event()


def _freeze_once() -> None:
    """After the first assessment, move the objects alive then out of the collector's reach.

    The app, the theatre and the models' modules (imported on the first request) are hundreds of
    thousands of objects that live as long as the server; every full collection an assessment's
    allocations trigger would walk them again (``gc.freeze``, as long-running servers do).
    """
    if not _FROZEN.is_set():
        _FROZEN.set()
        gc.collect()
        gc.freeze()


def _digest(package: Package) -> str:
    return hashlib.sha256(package.model_dump_json().encode()).hexdigest()
