"""Run the SMP on KTAB's sample inputs and write (or check) the pinned regression file.

``python scripts/ktab_samples.py`` rewrites ``src/guarantor/bargaining/data/ktab/sample-runs.json``;
``--check`` exits 1 if the engine's output no longer matches it (within 1e-9).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from guarantor.bargaining import read_ktab_csv, run_smp
from guarantor.bargaining.ktab_reference import (
    SAMPLE_INPUTS,
    SAMPLE_RUNS_FILE,
    run_record,
    sample_path,
)

TARGET = (
    Path(__file__).resolve().parents[1]
    / "src"
    / "guarantor"
    / "bargaining"
    / "data"
    / "ktab"
    / SAMPLE_RUNS_FILE
)


def records() -> dict[str, object]:
    """Every sample run's record, keyed by the sample's label."""
    out: dict[str, object] = {}
    for label, file in SAMPLE_INPUTS.items():
        table = read_ktab_csv(sample_path(file))
        out[label] = {"input": file, **run_record(run_smp(table))}
    return out


def _close(a: object, b: object) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(float(a) - float(b)) <= 1e-9
    return a == b


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args()
    fresh = {
        "generated_by": "python scripts/ktab_samples.py",
        "note": "Our SMP's output on KTAB's sample inputs (KTAB ships no reference run for them).",
        "runs": records(),
    }
    if args.check:
        pinned = json.loads(TARGET.read_text(encoding="utf-8"))
        if not _close(pinned, fresh):
            print(f"{TARGET.name} is stale: run python scripts/ktab_samples.py", file=sys.stderr)
            return 1
        print(f"{TARGET.name} matches the engine")
        return 0
    TARGET.write_text(json.dumps(fresh, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {TARGET.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
