"""The results store: Parquet files on disk, queried through DuckDB, plus a run manifest.

Layout of a store directory::

    manifest.json        design hash, seed, months, model, package and theatre hashes, versions,
                         chunk size and the history of runs (each start and resume)
    worlds.parquet       one row per world: ``world`` and every world parameter
    packages.parquet     one row per design point: ``point``, label, name, hash, levers
    world_index.parquet  (only when given) the index each world's randomness is keyed on
    chunks/<id>.parquet  one row per experiment of one chunk: ``experiment``, ``point``,
                         ``world``, one column per outcome, ``error``; the design hash in the
                         file's metadata

Chunks are stored *wide* (one row per experiment, one column per outcome) and the tidy *long*
form (one row per experiment × outcome, with the parameters alongside) is a DuckDB view,
``results``, that unpivots them and joins the worlds and the packages. Wide chunks are several
times smaller and faster to write than long ones (the experiment, point and world columns are
written once instead of once per outcome), and the world parameters are stored once per world
instead of once per package × world; the view gives analysts the tidy table at query time.

A chunk is committed atomically by the process that ran it (:func:`commit_chunk`): written to a
temporary file, flushed to disk (fsync), then renamed over its final name, and the directory
entry flushed. A killed run leaves either a whole chunk or none, so ``--resume`` skips exactly the
finished chunks (those whose metadata carries the run's design hash); a chunk written twice (a
rerun after a worker died) replaces itself with identical bytes, so no experiment appears twice.

Atomic writes live in :mod:`~guarantor.explore.atomic` and chunk files in
:mod:`~guarantor.explore.chunk_files`; their public names stay importable from here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import platform
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from guarantor import __version__
from guarantor.errors import DataError, Problem
from guarantor.explore.atomic import atomic_write_bytes, atomic_write_json, atomic_write_table
from guarantor.explore.chunk_files import DESIGN_KEY, chunk_table, commit_chunk, design_of
from guarantor.explore.design import Design

FORMAT = 1
__all__ = [
    "DESIGN_KEY",
    "FORMAT",
    "KEY_COLUMNS",
    "Store",
    "atomic_write_bytes",
    "atomic_write_json",
    "atomic_write_table",
    "chunk_table",
    "commit_chunk",
]

KEY_COLUMNS = ("experiment", "point", "world", "error")
_MEMORY_SIZE = re.compile(r"^\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$", re.IGNORECASE)


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    versions = {"guarantor": __version__, "python": platform.python_version()}
    for name in ("numpy", "pyarrow", "duckdb", "dask", "distributed"):
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "absent"
    return versions


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Store:
    """A directory of results for one design."""

    def __init__(self, root: str | Path) -> None:
        """Use (but do not yet create) the directory ``root``."""
        self.root = Path(root)
        self.chunks_dir = self.root / "chunks"
        self.manifest_path = self.root / "manifest.json"

    # -- run lifecycle -------------------------------------------------------------------------

    def exists(self) -> bool:
        """Whether the directory holds a run."""
        return self.manifest_path.exists()

    def manifest(self) -> dict[str, Any]:
        """The run manifest.

        Raises:
            DataError: the directory holds no run, or its manifest is unreadable.
        """
        try:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise DataError.single(
                "no results store here",
                file=str(self.root),
                expected="a directory written by 'guarantor sweep'",
                received="no manifest.json",
            ) from None
        except (OSError, ValueError) as error:
            raise DataError.single(
                f"unreadable manifest: {error}", file=str(self.manifest_path)
            ) from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise DataError.single(
                "not a results manifest of this version",
                file=str(self.manifest_path),
                field="format",
                expected=str(FORMAT),
                received=str(data.get("format") if isinstance(data, dict) else type(data)),
            )
        return data

    def open_run(
        self, design: Design, *, resume: bool = False, executor: Mapping[str, Any] | None = None
    ) -> Design:
        """Start a run (or resume one) and return the design to run.

        On resume the stored chunk size is kept, so chunk boundaries match the committed files.

        Raises:
            DataError: the directory holds another run, or ``resume`` names a different design.
        """
        entry = {"started": _now(), "resume": resume, **dict(executor or {})}
        if self.exists():
            manifest = self.manifest()
            if not resume:
                raise DataError.single(
                    "the store already holds a run",
                    file=str(self.root),
                    expected="--resume to continue it, or a new --store directory",
                    received=f"design {manifest['design_hash'][:12]}",
                )
            if manifest["design_hash"] != design.hash:
                raise DataError(
                    [
                        Problem(
                            "cannot resume: the store holds a different design",
                            file=str(self.manifest_path),
                            field=field,
                            expected=str(manifest.get(field)),
                            received=str(mine),
                        )
                        for field, mine in self._describe(design).items()
                        if field in {"seed", "months", "model", "n_worlds", "theatre_hash"}
                        and manifest.get(field) != mine
                    ]
                    or [
                        Problem(
                            "cannot resume: the store holds a different design",
                            file=str(self.manifest_path),
                            field="design_hash",
                            expected=manifest["design_hash"],
                            received=design.hash,
                        )
                    ]
                )
            design = _with_chunk_size(design, int(manifest["chunk_size"]))
            manifest["runs"].append(entry)
            atomic_write_json(self.manifest_path, manifest)
            self._remove_temporaries()
            return design
        self.root.mkdir(parents=True, exist_ok=True)
        self.chunks_dir.mkdir(exist_ok=True)
        worlds = {"world": np.arange(design.n_worlds, dtype=np.int64), **design.worlds}
        # uncompressed: random draws do not compress (26.5 MB with zstd against 30.0 MB for
        # 250,000 worlds × 14 parameters) and every worker reads the file back, 3x faster raw
        atomic_write_table(self.root / "worlds.parquet", pa.table(worlds), compression="none")
        atomic_write_table(
            self.root / "packages.parquet",
            pa.table(
                {
                    "point": [point.index for point in design.points],
                    "label": [point.label for point in design.points],
                    "package": [point.package.name for point in design.points],
                    "package_hash": [point.hash for point in design.points],
                    "levers": [json.dumps(dict(point.levers)) for point in design.points],
                    "definition": [point.package.model_dump_json() for point in design.points],
                }
            ),
        )
        if design.world_index is not None:
            atomic_write_table(
                self.root / "world_index.parquet",
                pa.table({"world_index": np.asarray(design.world_index, dtype=np.int64)}),
            )
        manifest = {**self._describe(design), "created": _now(), "runs": [entry]}
        atomic_write_json(self.manifest_path, manifest)
        return design

    def _describe(self, design: Design) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "design_hash": design.hash,
            "seed": design.seed,
            "months": design.months,
            "model": design.model,
            "replicate": design.replicate,
            "theatre": design.theatre,
            "theatre_hash": design.theatre_hash,
            "n_worlds": design.n_worlds,
            "n_points": len(design.points),
            "n_experiments": design.n_experiments,
            "chunk_size": design.chunk_size,
            "n_chunks": len(design.chunks()),
            "world_parameters": sorted(design.worlds),
            "packages": [
                {
                    "point": point.index,
                    "label": point.label,
                    "name": point.package.name,
                    "hash": point.hash,
                    "levers": dict(point.levers),
                }
                for point in design.points
            ],
            "options": dict(design.options),
            "versions": _versions(),
        }

    def _remove_temporaries(self) -> None:
        for leftover in self.chunks_dir.glob(".*"):
            with contextlib.suppress(OSError):
                leftover.unlink()

    def finished_chunks(self, design_hash: str | None = None) -> set[str]:
        """Ids of the chunks committed so far (of the design ``design_hash``, when given)."""
        if not self.chunks_dir.exists():
            return set()
        paths = self.chunks_dir.glob("p*.parquet")
        if design_hash is None:
            return {path.stem for path in paths}
        return {path.stem for path in paths if design_of(path) == design_hash}

    def remove_temporaries(self) -> None:
        """Delete half-written chunk files left by a killed process."""
        self._remove_temporaries()

    def write_json(self, relative: str, data: Any) -> Path:
        """Store an analysis result (discovery boxes, Sobol indices...) as JSON, atomically."""
        path = self.root / relative
        atomic_write_json(path, data)
        return path

    def read_json(self, relative: str) -> Any:
        """Read a stored analysis result, or ``None`` if there is none."""
        path = self.root / relative
        if not path.exists():
            return None
        return json.loads(path.read_text(encoding="utf-8"))

    # -- queries -------------------------------------------------------------------------------

    def outcome_names(self) -> list[str]:
        """The outcome columns of the stored chunks."""
        for path in sorted(self.chunks_dir.glob("p*.parquet")):
            schema = pq.read_schema(path)
            return [name for name in schema.names if name not in KEY_COLUMNS]
        return []

    def stored_outcomes(self) -> list[str]:
        """The outcome columns of a store that holds results.

        Raises:
            DataError: the directory holds no run, or no chunk has been committed yet.
        """
        self.manifest()
        outcomes = self.outcome_names()
        if not outcomes:
            raise DataError.single(
                "the store holds no results yet",
                file=str(self.chunks_dir),
                expected="at least one committed chunk",
                received="none",
            )
        return outcomes

    def world_parameters(self) -> list[str]:
        """The world parameter columns."""
        schema = pq.read_schema(self.root / "worlds.parquet")
        return [name for name in schema.names if name != "world"]

    def connect(self, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB connection with views over the store's Parquet files.

        Views: ``chunks`` (wide, as stored), ``worlds``, ``packages``, ``experiments`` (wide,
        with packages and world parameters joined), ``results`` (one row per experiment ×
        outcome, parameters alongside) and ``failures`` (experiments that raised, with the error).

        With ``memory_limit`` (e.g. ``"1GB"``) DuckDB holds its working memory under that limit,
        spilling to a folder in the store beyond it, and does not keep rows in insertion order
        (so aggregates stream): the out-of-core analyses (:mod:`~guarantor.explore.outofcore`)
        use it.

        Raises:
            DataError: the directory holds no run, or no chunk has been committed yet.
        """
        outcomes = self.stored_outcomes()
        connection = duckdb.connect()
        if memory_limit is not None:
            try:
                if not _MEMORY_SIZE.match(memory_limit):
                    raise duckdb.InvalidInputException(memory_limit)
                connection.execute(f"SET memory_limit = {_sql_text(memory_limit)}")
            except duckdb.Error:
                connection.close()
                raise DataError.single(
                    "not a memory size DuckDB understands",
                    field="memory_limit",
                    expected="a size such as 1GB or 512MB",
                    received=memory_limit,
                ) from None
            spill = _sql_path(self.root / ".duckdb-spill")
            connection.execute(f"SET temp_directory = {spill}")
            connection.execute("SET preserve_insertion_order = false")
        chunks = _sql_path(self.chunks_dir / "p*.parquet")
        connection.execute(f"CREATE VIEW chunks AS SELECT * FROM read_parquet({chunks})")
        worlds_path = _sql_path(self.root / "worlds.parquet")
        connection.execute(f"CREATE VIEW worlds AS SELECT * FROM read_parquet({worlds_path})")
        packages_path = _sql_path(self.root / "packages.parquet")
        connection.execute(
            "CREATE VIEW packages AS SELECT point, label, package, package_hash, levers "
            f"FROM read_parquet({packages_path})"
        )
        connection.execute(
            "CREATE VIEW experiments AS SELECT c.*, p.label, p.package, w.* EXCLUDE (world) "
            "FROM chunks c JOIN packages p USING (point) JOIN worlds w USING (world)"
        )
        quoted = ", ".join(_quote(name) for name in outcomes)
        connection.execute(
            "CREATE VIEW results AS SELECT u.experiment, u.point, u.world, p.label, p.package, "
            "u.outcome, u.value, w.* EXCLUDE (world) FROM "
            f"(UNPIVOT (SELECT experiment, point, world, {quoted} FROM chunks "
            "WHERE error IS NULL) "
            f"ON {quoted} INTO NAME outcome VALUE value) u "
            "JOIN packages p USING (point) JOIN worlds w USING (world)"
        )
        connection.execute(
            "CREATE VIEW failures AS SELECT c.experiment, c.point, c.world, p.label, c.error "
            "FROM chunks c JOIN packages p USING (point) WHERE c.error IS NOT NULL"
        )
        return connection

    def experiments(self) -> dict[str, np.ndarray[Any, Any]]:
        """Every stored experiment as arrays (wide, ordered by experiment index)."""
        connection = self.connect()
        try:
            query = connection.sql("SELECT * FROM experiments ORDER BY experiment")
            table: Any = query.to_arrow_table()
        finally:
            connection.close()
        return {
            name: table.column(name).to_numpy(zero_copy_only=False) for name in table.column_names
        }

    def iter_chunk_paths(self) -> Iterator[Path]:
        """The committed chunk files, in order."""
        yield from sorted(self.chunks_dir.glob("p*.parquet"))


def _sql_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _with_chunk_size(design: Design, chunk_size: int) -> Design:
    from dataclasses import replace

    return design if design.chunk_size == chunk_size else replace(design, chunk_size=chunk_size)
