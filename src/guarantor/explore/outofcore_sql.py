"""The DuckDB plumbing the out-of-core analyses share: a connection under a memory limit.

A store's views (``chunks``, ``worlds``, ``results``, ``failures``) opened with DuckDB's
``memory_limit`` (it spills to disk beyond it), quoted identifiers, and the design points a
package label selects. Used by :mod:`~guarantor.explore.outofcore` and its sibling modules.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from guarantor.errors import DataError

if TYPE_CHECKING:
    import duckdb

    from guarantor.explore.store import Store

DEFAULT_MEMORY_LIMIT = "1GB"
"""DuckDB's working memory for the analyses (it spills to the store's folder beyond it)."""


def quote(name: str) -> str:
    """A SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


@contextmanager
def connected(store: Store, memory_limit: str | None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The store's DuckDB views under ``memory_limit``, closed afterwards."""
    connection = store.connect(memory_limit=memory_limit)
    try:
        yield connection
    finally:
        connection.close()


def chosen_points(manifest: dict[str, Any], package: str | None) -> list[int]:
    """The design points of ``package`` (a label or a package name), or every point.

    Raises:
        DataError: ``package`` matches no stored package.
    """
    entries = manifest["packages"]
    if package is None:
        return [int(entry["point"]) for entry in entries]
    points = [int(e["point"]) for e in entries if package in (e["label"], e["name"])]
    if not points:
        raise DataError.single(
            "no such package in the store",
            field="package",
            expected=f"one of {sorted({entry['label'] for entry in entries})}",
            received=package,
        )
    return points


def in_points(points: Sequence[int]) -> str:
    """SQL selecting the experiments of these design points (table alias ``c``)."""
    return f"c.point IN ({', '.join(str(int(p)) for p in points)})"


def fetch_one(connection: duckdb.DuckDBPyConnection, query: str) -> tuple[Any, ...]:
    """The one row of an aggregate query."""
    row = connection.execute(query).fetchone()
    assert row is not None  # an aggregate without GROUP BY always returns a row
    return tuple(row)
