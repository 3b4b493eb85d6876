"""Atomic file writes: a temporary file, fsync, rename over the final name, fsync the folder.

A reader (or a resumed run) sees the whole file or none; a file written twice with the same
bytes replaces itself. The store's chunks, manifest and the search checkpoints use them.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq


def _fsync_directory(folder: Path) -> None:
    # A rename is durable only once the directory entry is on disk.
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: temp file, fsync, rename, fsync the directory."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_directory(path.parent)


def atomic_write_table(path: Path, table: pa.Table, *, compression: str = "zstd") -> None:
    """Write a Parquet file atomically (same protocol as :func:`atomic_write_bytes`).

    Columns are not dictionary-encoded: outcomes and world draws are mostly distinct floats,
    for which the dictionary is built and then abandoned (a chunk of 25,000 experiments wrote
    in 7.0 ms rather than 8.5 ms, and came out 18 % smaller).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(descriptor)
    try:
        pq.write_table(table, temporary, compression=compression, use_dictionary=False)
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_directory(path.parent)


def atomic_write_json(path: Path, data: Any) -> None:
    """Write JSON atomically."""
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, default=str)
    atomic_write_bytes(path, (text + "\n").encode("utf-8"))
