"""Every number in shipped data has a source or is a flagged assumption with a range."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from guarantor.yamlio import load_yaml

SHIPPED = Path(__file__).resolve().parents[1] / "src" / "guarantor"
# Every YAML file shipped: data folders and each instrument's own ``data.yaml``.
YAML_FILES = sorted(SHIPPED.rglob("*.y*ml"))
GEOJSON_FILES = sorted(SHIPPED.rglob("*.geojson"))
# Fields whose numbers are not facts about the world: dates and years that name a source's
# publication, and source registries themselves.
NOT_FACTS = {"sources", "date", "as_of"}


def _covers(mapping: dict[str, Any]) -> bool:
    if mapping.get("source"):
        return True
    return bool(mapping.get("assumption")) and "low" in mapping and "high" in mapping


def unsourced_numbers(data: Any, path: tuple[Any, ...] = (), covered: bool = False) -> list[str]:
    """Paths of numbers whose nearest enclosing mapping has no source and no flagged range."""
    if isinstance(data, bool) or data is None or isinstance(data, str):
        return []
    if isinstance(data, (int, float)):
        return [] if covered else [".".join(map(str, path))]
    if isinstance(data, dict):
        here = _covers(data)
        found = []
        for key, value in data.items():
            if key in NOT_FACTS:
                continue
            found.extend(unsourced_numbers(value, (*path, key), here))
        return found
    if isinstance(data, list):
        found = []
        for index, item in enumerate(data):
            found.extend(unsourced_numbers(item, (*path, index), covered))
        return found
    return []


def test_shipped_data_is_found() -> None:
    names = {p.name for p in YAML_FILES}
    assert "theatre.yaml" in names
    assert {"paris-declaration-2026.yaml", "sky-shield-2025.yaml"} <= names
    instruments = {p.parent.name for p in YAML_FILES if p.name == "data.yaml"}
    assert {"air", "maritime", "land", "sanctions"} <= instruments
    assert GEOJSON_FILES, "the theatre's geography is shipped"


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(SHIPPED)))
def test_every_number_in_yaml_is_sourced_or_flagged(path: Path) -> None:
    data, _ = load_yaml(path)
    assert unsourced_numbers(data) == []


@pytest.mark.parametrize("path", GEOJSON_FILES, ids=lambda p: str(p.relative_to(SHIPPED)))
def test_every_geojson_feature_is_sourced_or_flagged(path: Path) -> None:
    collection = json.loads(path.read_text(encoding="utf-8"))
    assert collection.get("source"), "the collection names its source"
    bad = [
        feature["properties"].get("id")
        for feature in collection["features"]
        if not _covers(feature["properties"])
    ]
    assert bad == []


def test_the_checker_catches_a_bare_number() -> None:
    data = {
        "a": {"value": 1, "unit": "m", "source": "x"},
        "b": {"value": 2, "unit": "m"},
        "c": {"value": 3, "unit": "m", "assumption": "guess", "low": 1, "high": 4},
        "d": {"value": 3, "unit": "m", "assumption": "guess without a range"},
        "e": [{"lat": 1.0, "source": "y", "inner": {"n": 5}}],
    }
    assert unsourced_numbers(data) == ["b.value", "d.value", "e.0.inner.n"]
