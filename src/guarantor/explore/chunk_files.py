"""One chunk's results as a Parquet file: the wide table, its design hash, its atomic commit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from guarantor.explore.atomic import atomic_write_table
from guarantor.explore.chunks import ChunkResult

DESIGN_KEY = b"guarantor.design_hash"


def chunk_table(result: ChunkResult, n_worlds: int, design_hash: str) -> pa.Table:
    """The wide table of one chunk: keys, one float column per outcome, and the error.

    The design hash rides in the file's metadata, so a resumed run recognises its own chunks.
    The bytes depend only on the chunk's numbers: a chunk written twice is written identically.
    """
    chunk = result.chunk
    worlds = np.arange(chunk.start, chunk.stop, dtype=np.int64)
    failed = np.array([error is not None for error in result.errors], dtype=bool)
    columns: dict[str, pa.Array] = {
        "experiment": pa.array(chunk.point * np.int64(n_worlds) + worlds),
        "point": pa.array(np.full(chunk.size, chunk.point, dtype=np.int32)),
        "world": pa.array(worlds),
    }
    for name in sorted(result.outcomes):
        columns[name] = pa.array(result.outcomes[name], type=pa.float64(), mask=failed)
    columns["error"] = pa.array(list(result.errors), type=pa.string())
    return pa.table(columns).replace_schema_metadata({DESIGN_KEY: design_hash})


def commit_chunk(root: str | Path, result: ChunkResult, n_worlds: int, design_hash: str) -> Path:
    """Write one chunk into the store at ``root``, atomically (temp file, fsync, rename).

    Called by whichever process ran the chunk. The rename is the commit: a reader sees the whole
    chunk or none, and a chunk run twice (a task rerun after its worker died) replaces itself
    with identical bytes under the same name, so no experiment is ever stored twice.
    """
    path = Path(root) / "chunks" / f"{result.chunk.id}.parquet"
    atomic_write_table(path, chunk_table(result, n_worlds, design_hash))
    return path


def design_of(path: Path) -> str | None:
    try:
        metadata = pq.read_schema(path).metadata or {}
    except (OSError, pa.ArrowInvalid):
        return None
    value = metadata.get(DESIGN_KEY)
    return value.decode("utf-8") if value is not None else None
