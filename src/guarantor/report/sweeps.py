"""What a results store holds, for the report and the web app's sweeps page.

Reads the store written by ``guarantor.explore``: the manifest (design, packages, runs), the
progress of the run (committed chunks against the design's chunks; a run whose last chunk was
committed recently is shown as running), per-package outcome summaries queried through the
store's DuckDB views, and the stored analyses: scenario discovery (PRIM/CART boxes) under
``discovery/`` and sensitivity (Sobol indices, tornado swings) under ``sensitivity/``.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

from guarantor.errors import DataError, Problem
from guarantor.explore.store import Store

RUNNING_WITHIN_S = 120.0
"""A store whose last chunk was committed within this many seconds counts as still running."""
STORE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


def list_stores(root: Path) -> list[str]:
    """Names of the stores (directories holding a manifest) directly under ``root``."""
    if not root.is_dir():
        return []
    return sorted(
        path.name
        for path in root.iterdir()
        if path.is_dir() and STORE_NAME.match(path.name) and (path / "manifest.json").exists()
    )


def resolve_store(root: Path, name: str) -> Store:
    """The store called ``name`` under ``root``; names cannot leave ``root``.

    Raises:
        DataError: the name is not a plain store name, or no such store exists.
    """
    if not STORE_NAME.match(name) or ".." in name:
        raise DataError.single(
            "a store is named by its folder under the stores directory",
            field="store",
            expected="letters, digits, '_', '.', '-' (no path)",
            received=name[:100],
        )
    base = root.resolve()
    path = (base / name).resolve()
    if path.parent != base or not (path / "manifest.json").exists():
        raise DataError.single(
            "no such store",
            field="store",
            expected=f"one of {list_stores(root)}",
            received=name,
        )
    return Store(path)


def progress(store: Store, manifest: dict[str, Any], now: float | None = None) -> dict[str, Any]:
    """Committed chunks against the design's, and whether the run looks alive."""
    total = int(manifest.get("n_chunks", 0))
    chunk_files = list(store.iter_chunk_paths())
    done = len(chunk_files)
    last = max((path.stat().st_mtime for path in chunk_files), default=None)
    now = time.time() if now is None else now
    if done >= total > 0:
        state = "finished"
    elif last is not None and now - last <= RUNNING_WITHIN_S:
        state = "running"
    else:
        state = "stopped" if done else "not started"
    return {
        "chunks_done": done,
        "chunks_total": total,
        "share": done / total if total else 0.0,
        "experiments_total": int(manifest.get("n_experiments", 0)),
        "state": state,
        "last_commit_s_ago": None if last is None else max(0.0, now - last),
    }


def outcome_summary(store: Store) -> list[dict[str, Any]]:
    """Per package and outcome: experiments, mean and 5–95 % band (DuckDB over the store)."""
    connection = store.connect()
    try:
        rows = connection.execute(
            "SELECT label, outcome, count(value), avg(value), quantile_cont(value, 0.05), "
            "quantile_cont(value, 0.95) FROM results WHERE isfinite(value) "
            "GROUP BY label, outcome ORDER BY label, outcome"
        ).fetchall()
        failures = connection.execute("SELECT count(*) FROM failures").fetchone()
    finally:
        connection.close()
    summary = [
        {
            "package": label,
            "outcome": outcome,
            "n": int(count),
            "mean": float(mean),
            "low": float(low),
            "high": float(high),
        }
        for label, outcome, count, mean, low, high in rows
    ]
    if failures and failures[0]:
        summary.append({"package": "*", "outcome": "failed experiments", "n": int(failures[0])})
    return summary


def _read_all(folder: Path, pattern: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if not folder.is_dir():
        return found
    for path in sorted(folder.glob(pattern)):
        try:
            found[path.stem] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            found[path.stem] = {"error": f"unreadable: {path.name}"}
    return found


def sweep_summary(store: Store, *, now: float | None = None) -> dict[str, Any]:
    """Everything the views show about one store.

    Raises:
        DataError: the directory holds no run, or its manifest is unreadable.
    """
    manifest = store.manifest()
    state = progress(store, manifest, now)
    problems: list[Problem] = []
    outcomes: list[dict[str, Any]] = []
    if state["chunks_done"]:
        try:
            outcomes = outcome_summary(store)
        except DataError as error:
            problems.extend(error.problems)
    sensitivity = _read_all(store.root / "sensitivity", "*.json")
    return {
        "name": store.root.name,
        "design_hash": manifest.get("design_hash"),
        "created": manifest.get("created"),
        "model": manifest.get("model"),
        "seed": manifest.get("seed"),
        "months": manifest.get("months"),
        "n_worlds": manifest.get("n_worlds"),
        "n_points": manifest.get("n_points"),
        "world_parameters": manifest.get("world_parameters", []),
        "packages": manifest.get("packages", []),
        "runs": manifest.get("runs", []),
        "progress": state,
        "outcomes": outcomes,
        "discovery": _read_all(store.root / "discovery", "*.json"),
        "sobol": {k: v for k, v in sensitivity.items() if k.startswith("sobol-")},
        "tornado": {k: v for k, v in sensitivity.items() if k.startswith("tornado-")},
        "problems": [problem.as_dict() for problem in problems],
    }
