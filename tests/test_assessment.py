"""The Assessment: one table of worlds for every section, same seed same numbers, gaps reported."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from guarantor import bargaining
from guarantor.assessment import (
    SECTION_ORDER,
    Assessment,
    assess,
    compare,
    package_layers,
    survival_curve,
)
from guarantor.errors import DataError
from guarantor.instruments import registry
from guarantor.packages import Package
from guarantor.sourcing import Quantity
from guarantor.theatre import Theatre
from guarantor.worlds import Parameter, sample, space

WORLDS = 24


@pytest.fixture(scope="module")
def default(theatre: Theatre) -> Assessment:
    return assess(None, theatre=theatre, worlds=WORLDS, seed=7)


def test_same_seed_gives_the_same_numbers_and_another_seed_other_worlds(
    theatre: Theatre, default: Assessment
) -> None:
    again = assess(None, theatre=theatre, worlds=WORLDS, seed=7)
    assert json.dumps(again.to_dict()) == json.dumps(default.to_dict())
    other = assess(None, theatre=theatre, worlds=WORLDS, seed=8, models=["sea"])
    name = next(p.name for p in default.parameters if p.low < p.high and "sea" in p.models)
    assert not np.array_equal(other.worlds[name], default.worlds[name])


def test_every_model_is_a_section_in_registry_order(default: Assessment) -> None:
    assert [s.name for s in default.sections] == list(SECTION_ORDER)
    assert default.unavailable == ()
    assert {"sea", "land", "sanctions"} <= {s.name for s in default.sections}
    for section in default.sections:
        for metric in section.metrics:
            assert metric.value.shape == (WORLDS,), (section.name, metric.name)


def test_one_world_table_is_shared_by_all_sections(default: Assessment) -> None:
    lengths = {values.shape for values in default.worlds.values()}
    assert lengths == {(WORLDS,)}
    shared = {p.name: p for p in default.parameters}
    for name, values in default.worlds.items():
        if name in shared:
            assert shared[name].low - 1e-12 <= values.min()
            assert values.max() <= shared[name].high + 1e-12


def test_latin_hypercube_puts_one_world_in_each_stratum() -> None:
    parameters = [
        Parameter("a", Quantity(value=5, low=0, high=10, unit="1", assumption="test")),
        Parameter("b", Quantity(value=2, low=1, high=3, unit="1", assumption="test")),
        Parameter("c", Quantity(value=4, unit="1", source="x")),
    ]
    worlds = sample(50, 3, parameters=parameters)
    for name, (low, high) in {"a": (0, 10), "b": (1, 3)}.items():
        strata = np.floor((worlds[name] - low) / (high - low) * 50).astype(int)
        assert sorted(strata) == list(range(50))
    assert np.all(worlds["c"] == 4)
    nominal = sample(1, 3, parameters=parameters)
    assert {k: float(v[0]) for k, v in nominal.items()} == {"a": 5, "b": 2, "c": 4}


def test_the_assessment_draws_the_worlds_every_command_draws(default: Assessment) -> None:
    expected = sample(WORLDS, 7)
    assert set(default.worlds) == set(expected)
    for name, values in expected.items():
        np.testing.assert_array_equal(default.worlds[name], values, err_msg=name)
    assert [p.name for p in default.parameters] == [p.name for p in space()]


def test_bad_data_makes_a_section_unavailable_and_a_bug_raises(
    theatre: Theatre, monkeypatch: pytest.MonkeyPatch
) -> None:
    sea = registry.load("maritime")

    def bad_data(*args: object, **kwargs: object) -> None:
        raise DataError.single("no corridor", field="corridor", expected="a corridor")

    monkeypatch.setattr(type(sea), "assess", bad_data)
    result = assess(None, theatre=theatre, worlds=3, seed=1)
    reasons = {u.name: u.reason for u in result.unavailable}
    assert "no corridor" in reasons["sea"]
    assert "the sea section" in reasons["durability"]  # it cannot run without every hand-over
    assert "sea" not in {s.name for s in result.sections}

    def bug(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("a bug, not missing data")

    monkeypatch.setattr(type(sea), "assess", bug)
    with pytest.raises(ZeroDivisionError):
        assess(None, theatre=theatre, worlds=3, seed=1)


def test_one_assessment_runs_each_model_once(
    theatre: Theatre, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: dict[str, int] = {}
    for instrument in registry.instruments():
        original = type(instrument).assess

        def counted(
            self: object, *args: object, _original: object = original, **kw: object
        ) -> object:
            name = getattr(self, "name", "?")
            calls[name] = calls.get(name, 0) + 1
            return _original(self, *args, **kw)  # type: ignore[operator]

        monkeypatch.setattr(type(instrument), "assess", counted)
    acceptability = bargaining.acceptability

    def counted_acceptability(*args: object, **kw: object) -> object:
        calls["acceptability"] = calls.get("acceptability", 0) + 1
        return acceptability(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(bargaining, "acceptability", counted_acceptability)
    result = assess("nato-track", theatre=theatre, worlds=20, seed=2)
    assert result.has("durability")
    assert calls == {name: 1 for name in SECTION_ORDER if name != "durability"}


def test_wilson_band_of_the_survival_curve() -> None:
    breakdown = np.array([np.nan] * 50 + [6.0] * 50)
    curve = survival_curve(breakdown, 12)
    assert curve["share"][0] == 1.0
    assert curve["share"][5] == 1.0
    assert curve["share"][6] == 0.5
    # Wilson score interval for 50/100 at 95 %: 0.4038 to 0.5962
    assert curve["low"][6] == pytest.approx(0.4038, abs=1e-4)
    assert curve["high"][6] == pytest.approx(0.5962, abs=1e-4)
    assert all(
        lo <= s <= hi for lo, s, hi in zip(curve["low"], curve["share"], curve["high"], strict=True)
    )


def test_package_layers_name_the_places_the_package_commits_to(
    theatre: Theatre, packages: dict[str, Package]
) -> None:
    layers = package_layers(theatre, packages["paris-declaration-2026"])
    bases = {
        f["properties"]["id"]: f["properties"]["aircraft"] for f in layers["air_bases"]["features"]
    }
    assert bases == {"EPRZ": 9.0, "LRFT": 8.0}
    protected = {f["properties"]["id"] for f in layers["protected_cities"]["features"]}
    assert protected == {"kyiv", "lviv", "odesa"}
    hubs = {f["properties"]["id"] for f in layers["reassurance_hubs"]["features"]}
    assert hubs == {"lviv", "kyiv", "odesa", "rzeszow-hub"}
    lon, lat = layers["air_bases"]["features"][0]["geometry"]["coordinates"]
    assert 14 < lon < 30 and 43 < lat < 52


def test_sources_and_assumptions_are_collected_once(default: Assessment) -> None:
    sources = default.sources()
    assert len(sources) == len(set(sources)) > 10
    assert any("LIGA.net" in text for text in sources)
    assumptions = default.assumptions()
    assert len(assumptions) == len(set(assumptions))
    flagged = [p for p in default.parameters if p.provenance.startswith("assumption")]
    assert flagged
    for parameter in flagged:
        text = next(a for a in assumptions if a.startswith(f"{parameter.name} = "))
        assert "(range" in text


def test_json_writes_each_source_once_and_metrics_point_into_it(default: Assessment) -> None:
    data = default.to_dict()
    assert data["sources"] == default.sources()
    assert data["assumptions"] == default.assumptions()
    for section, written in zip(default.sections, data["sections"], strict=True):
        for metric, row in zip(section.metrics, written["metrics"], strict=True):
            assert [data["sources"][i] for i in row["sources"]] == [t for t in metric.sources if t]
            assert [data["assumptions"][i] for i in row["assumptions"]] == list(metric.assumptions)


def test_compare_marks_differences_and_needs_two_packages(theatre: Theatre) -> None:
    same = compare(["sky-shield-2025", "sky-shield-2025"], theatre=theatre, worlds=4, seed=2)
    assert not any(row["differs"] for row in same.rows)
    different = compare(["sky-shield-2025", "minsk-monitors"], theatre=theatre, worlds=4, seed=2)
    data = different.to_dict()
    assert data["differences"] > 0
    assert data["packages"] == ["sky-shield-2025", "minsk-monitors"]
    row = next(r for r in data["rows"] if r["metric"] == "aircraft_pledged")
    assert row["cells"][0]["value"] == 120
    assert row["cells"][1]["value"] == 0
    assert row["differs"] and row["separated"]
    for row in data["rows"]:
        values = [cell["value"] for cell in row["cells"] if cell]
        if (
            len(values) == 2
            and None not in values
            and abs(values[0] - values[1]) > 0.01 * max(abs(values[0]), abs(values[1]))
        ):
            assert row["differs"], row["metric"]
    with pytest.raises(DataError) as raised:
        compare(["sky-shield-2025"], theatre=theatre)
    assert raised.value.problems[0].field == "packages"


@given(
    worlds=st.one_of(st.integers(-5, 0), st.integers(100_001, 10**9), st.booleans()),
    seed=st.integers(-(10**6), 10**6),
)
def test_bad_worlds_or_seed_raise_located_data_errors(worlds: int, seed: int) -> None:
    with pytest.raises(DataError) as raised:
        assess(None, worlds=worlds, seed=seed)
    assert {p.field for p in raised.value.problems} <= {"worlds", "seed"}


def test_cli_exits_1_on_a_bad_package_without_traceback(tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\ntitle: t\ncommitments:\n  - id: a\n    actor: NOBODY\n")
    result = subprocess.run(
        [sys.executable, "-m", "guarantor", "assess", str(bad), "--json", "--worlds", "2"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    problems = json.loads(result.stdout)["problems"]
    assert any(p["line"] == 5 and p["field"] == "commitments.0.actor" for p in problems)


def test_the_docs_example_runs() -> None:
    from pathlib import Path

    text = (Path(__file__).parent.parent / "docs" / "interfaces.md").read_text(encoding="utf-8")
    code = text.split("```python\n", 1)[1].split("```", 1)[0]
    code = code.replace("worlds=100", "worlds=4")
    namespace: dict[str, object] = {}
    exec(compile(code, "docs/interfaces.md", "exec"), namespace)
    assert isinstance(namespace["result"], Assessment)
