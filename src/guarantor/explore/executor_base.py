"""The executor interface: map a picklable function over tasks, results as they complete.

At most a few tasks per worker are in flight (:func:`bounded`), so the driver's memory stays
bounded on any sweep.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar

TaskT = TypeVar("TaskT")
ResultT = TypeVar("ResultT")


class Executor(ABC):
    """Maps a function over tasks, yielding results as they complete."""

    name: str = "executor"
    workers: int = 1
    in_process: bool = False
    """Whether tasks run in this process (then they may be handed objects, not references)."""

    @abstractmethod
    def map_unordered(
        self,
        function: Callable[[TaskT], ResultT],
        tasks: Iterable[TaskT],
        *,
        in_flight: int | None = None,
    ) -> Iterator[ResultT]:
        """Run ``function`` on every task; yield each result as soon as it is ready.

        ``in_flight`` caps the tasks submitted but not yet yielded (default: a few per worker,
        so the driver holds few results); callers whose results are small may raise it.
        """

    def map(
        self,
        function: Callable[[TaskT], ResultT],
        tasks: Iterable[TaskT],
        *,
        in_flight: int | None = None,
    ) -> list[ResultT]:
        """Run ``function`` on every task and return the results in task order."""
        indexed = list(enumerate(tasks))
        results = dict(self.map_unordered(_Indexed(function), indexed, in_flight=in_flight))
        return [results[index] for index, _ in indexed]

    def close(self) -> None:  # noqa: B027 - nothing to release unless a subclass started workers
        """Release workers."""

    def check_store(self, manifest: Path) -> None:  # noqa: B027 - local workers share our disk
        """Make sure the workers can read and write the store whose manifest is ``manifest``.

        Raises:
            DataError: they cannot (a remote cluster without a shared filesystem).
        """

    def describe(self) -> dict[str, Any]:
        """What ran the work, for the run manifest."""
        return {"executor": self.name, "workers": self.workers}

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


@dataclass(frozen=True)
class _Indexed:
    """Wraps a function so that results come back with their task's position (picklable)."""

    function: Callable[[Any], Any]

    def __call__(self, item: tuple[int, Any]) -> tuple[int, Any]:
        return item[0], self.function(item[1])


def bounded(
    submit: Callable[[Any], Any],
    tasks: Iterable[Any],
    limit: int,
    wait_any: Callable[[set[Any]], tuple[set[Any], set[Any]]],
    result: Callable[[Any], Any],
) -> Iterator[Any]:
    """Keep at most ``limit`` tasks in flight; yield results as they complete."""
    pending: set[Any] = set()
    iterator = iter(tasks)
    exhausted = False
    while True:
        while not exhausted and len(pending) < limit:
            try:
                pending.add(submit(next(iterator)))
            except StopIteration:
                exhausted = True
        if not pending:
            return
        done, pending = wait_any(pending)
        for future in done:
            yield result(future)
