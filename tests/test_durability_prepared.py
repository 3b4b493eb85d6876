"""A package's world-independent preparation: computed once per package, the numbers unchanged."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from guarantor.durability import load_calibration, load_uncertainties, prepared, run
from guarantor.durability.prepared import PREPARATION, PreparationCache
from guarantor.explore.design import DEFAULT_MODEL, Design, design_points
from guarantor.explore.executors import resolve_model
from guarantor.explore.store import Store
from guarantor.explore.sweep import sweep
from guarantor.explore.uncertainty import load_bounds, sample_worlds
from guarantor.instruments import registry
from guarantor.packages import Package
from guarantor.theatre import DEFAULT_THEATRE, Theatre, load_theatre


@pytest.fixture
def assessed(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """Count every instrument model's assessments (by instrument), from a cleared cache."""
    calls: Counter[str] = Counter()
    for instrument in registry.instruments():
        kind = type(instrument)
        original = kind.assess

        def counted(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            calls[self.name] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(kind, "assess", counted)
    PREPARATION.clear()
    yield calls
    PREPARATION.clear()


def _design(chunk_size: int) -> Design:
    """Two Sky Shield variants over 240 worlds of the durability uncertainties, 24 months."""
    theatre = load_theatre()
    points = design_points(["sky-shield-2025:aircraft=60,120"], theatre)
    worlds = sample_worlds(load_bounds(), 240, seed=4)
    return Design(
        points,
        worlds,
        seed=3,
        months=24,
        model=DEFAULT_MODEL,
        theatre=DEFAULT_THEATRE,
        chunk_size=chunk_size,
    )


def _uncached(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the sweep's kernel compute every section for every chunk, as before the cache."""
    monkeypatch.setattr(PreparationCache, "sections", lambda self, *args: {})


def test_a_cached_sweep_gives_the_uncached_numbers_to_the_bit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, assessed: Counter[str]
) -> None:
    design = _design(chunk_size=60)
    sweep(design, Store(tmp_path / "cached"))
    with monkeypatch.context() as patch:
        _uncached(patch)
        sweep(design, Store(tmp_path / "uncached"))
    cached = Store(tmp_path / "cached").experiments()
    uncached = Store(tmp_path / "uncached").experiments()
    assert sorted(cached) == sorted(uncached)
    assert cached["experiment"].size == 480
    for name, values in cached.items():
        if values.dtype == object:  # labels
            assert values.tolist() == uncached[name].tolist(), name
        else:
            assert values.tobytes() == uncached[name].tobytes(), name


def test_the_preparation_runs_once_per_package_however_small_the_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, assessed: Counter[str]
) -> None:
    design = _design(chunk_size=30)  # 8 chunks per package
    report = sweep(design, Store(tmp_path / "cached"))
    assert report.chunks_run == 16
    # sanctions reads world parameters the durability uncertainties sample (oil price,
    # enforcement): it depends on each chunk's worlds and is computed per chunk
    world_dependent = {
        instrument.name
        for instrument in registry.instruments()
        if set(instrument.world_parameters) & set(design.worlds)
    }
    for instrument in registry.instruments():
        expected = 16 if instrument.name in world_dependent else 2
        assert assessed[instrument.name] == expected, instrument.name
    assert PREPARATION.computed == 2 * (len(registry.NAMES) - len(world_dependent))
    assessed.clear()
    with monkeypatch.context() as patch:
        _uncached(patch)
        sweep(design, Store(tmp_path / "uncached"))
    assert all(assessed[instrument.name] == 16 for instrument in registry.instruments())


def test_the_cache_is_keyed_by_the_packages_content_and_the_theatre(
    theatre: Theatre, packages: dict[str, Package], assessed: Counter[str]
) -> None:
    cache = PreparationCache()
    package = packages["sky-shield-2025"]
    worlds = {"russia_war_aims": np.array([0.6, 0.9, 1.2])}
    first = cache.sections(theatre, package, worlds)
    assert cache.computed == len(first) and cache.reused == 0
    # the same content in another object: reused
    again = cache.sections(theatre, package.model_copy(deep=True), worlds)
    assert cache.reused == len(first)
    assert all(again[name] is first[name] for name in first)
    # other content (here its name): computed again
    changed = package.model_copy(update={"name": "sky-shield-2025 (renamed)"})
    cache.sections(theatre, changed, worlds)
    assert cache.computed == 2 * len(first)
    # another theatre object: computed again, never confused with the first
    cache.sections(load_theatre(), package, worlds)
    assert cache.computed == 3 * len(first)
    # a model whose world parameters are in the table is left to the chunk
    air = registry.load("air")
    name = next(iter(air.world_parameters))
    dependent = cache.sections(theatre, package, {**worlds, name: np.array([1.0, 2.0, 3.0])})
    assert "air" not in dependent and "air" in first


def test_a_simulation_with_the_cache_equals_one_without(
    theatre: Theatre, packages: dict[str, Package]
) -> None:
    calibration, uncertainties = load_calibration(), load_uncertainties()
    worlds = sample_worlds(load_bounds(), 50, seed=2)
    for name in ("paris-declaration-2026", "nato-track"):
        options: dict[str, Any] = {
            "seed": 5,
            "months": 36,
            "calibration": calibration,
            "uncertainties": uncertainties,
        }
        plain = run(theatre, packages[name], worlds, **options)
        cache = PreparationCache()
        for _ in range(2):  # computed, then reused
            cached = prepared.run(theatre, packages[name], worlds, cache=cache, **options)
            for outcome, values in plain.outcomes.items():
                assert values.tobytes() == cached.outcomes[outcome].tobytes(), (name, outcome)
            assert plain.survival.tobytes() == cached.survival.tobytes()
        assert cache.reused > 0


def test_the_sweeps_kernel_is_the_cached_one() -> None:
    kernel: Callable[..., Any] = resolve_model(DEFAULT_MODEL)
    assert getattr(kernel, "func", None) is prepared.run


def test_spread_sections_are_bounded_in_memory(
    theatre: Theatre, packages: dict[str, Package], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(prepared, "SPREAD_BYTES", 1_000_000)
    cache = PreparationCache()
    for size in (2_000, 3_000, 4_000, 5_000):
        cache.sections(theatre, packages["sky-shield-2025"], {"x": np.zeros(size)})
        assert cache._spread_bytes <= 1_000_000
    assert cache.computed == len(registry.NAMES)
