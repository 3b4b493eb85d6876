"""The two families of errors: bad data (collected, shown to the user) and programmer errors.

Bad data is reported as a :class:`DataError` holding every :class:`Problem` found, each pointing
at a file, a line and a dotted field path, with what was expected and what was received. The CLI
prints the list and exits non-zero without a traceback. Programmer errors are ordinary Python
exceptions and are left alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a piece of input data."""

    message: str
    file: str | None = None
    line: int | None = None
    field: str = ""
    expected: str | None = None
    received: str | None = None

    def where(self) -> str:
        """Return ``file:line field`` as far as it is known."""
        place = self.file or "<input>"
        if self.line is not None:
            place = f"{place}:{self.line}"
        return f"{place} {self.field}".rstrip() if self.field else place

    def __str__(self) -> str:
        text = f"{self.where()}: {self.message}"
        if self.expected is not None:
            text += f" (expected {self.expected}"
            text += f", got {self.received})" if self.received is not None else ")"
        elif self.received is not None:
            text += f" (got {self.received})"
        return text

    def as_dict(self) -> dict[str, Any]:
        """Return the problem as a JSON-ready mapping."""
        return {
            "file": self.file,
            "line": self.line,
            "field": self.field,
            "message": self.message,
            "expected": self.expected,
            "received": self.received,
        }


@dataclass
class DataError(Exception):
    """Input data is wrong; carries every problem found, not just the first."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.__str__())

    def __str__(self) -> str:
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} found"
        return "\n".join([head, *(f"  {problem}" for problem in self.problems)])

    @classmethod
    def single(cls, message: str, **where: Any) -> DataError:
        """Build an error holding one problem."""
        return cls([Problem(message, **where)])

    @classmethod
    def merge(cls, errors: Iterable[DataError]) -> DataError:
        """Join several errors into one."""
        return cls([problem for error in errors for problem in error.problems])


def short_repr(value: Any, limit: int = 60) -> str:
    """Render a received value for an error message, cut to ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
