"""The HTML report, its map and charts, and the sweep summary the report and the web app show."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from guarantor.assessment import Assessment, assess
from guarantor.errors import DataError
from guarantor.explore.design import Design, DesignPoint
from guarantor.explore.discovery import discover
from guarantor.explore.sensitivity import tornado
from guarantor.explore.store import Store
from guarantor.explore.sweep import sweep
from guarantor.explore.uncertainty import Bounds
from guarantor.packages import Package
from guarantor.report import (
    assessment_charts,
    base_map,
    embedded_assessment,
    format_value,
    list_stores,
    map_spec,
    render_report,
    resolve_store,
    sweep_charts,
    sweep_summary,
    write_report,
)
from guarantor.report.sweeps import progress
from guarantor.theatre import Theatre


@dataclass(frozen=True)
class _Result:
    outcomes: dict[str, np.ndarray]


def standin(
    theatre: Any,
    package: Any,
    worlds: dict[str, np.ndarray],
    *,
    seed: int,
    months: int = 120,
    world_index: np.ndarray | None = None,
    design: int = 0,
    replicate: int = 0,
) -> _Result:
    """A deterministic kernel for the store: the peace breaks when risk beats resolve."""
    risk, resolve = worlds["risk"], worlds["resolve"]
    breakdown = np.where(risk > resolve, np.ceil(60 * (1 - risk + resolve)), np.nan)
    return _Result({"breakdown_month": breakdown, "risk_gap": risk - resolve})


@pytest.fixture(scope="module")
def default(theatre: Theatre) -> Assessment:
    return assess(None, theatre=theatre, worlds=16, seed=5)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, packages: dict[str, Package]) -> Store:
    root = tmp_path_factory.mktemp("stores") / "demo"
    rng = np.random.default_rng(0)
    worlds = {"risk": rng.random(200), "resolve": rng.random(200)}
    point = DesignPoint(0, "sky-shield-2025", packages["sky-shield-2025"], {})
    design = Design(
        (point,),
        worlds,
        seed=3,
        months=60,
        model="test_report:standin",
        theatre=None,
        chunk_size=50,
    )
    result = Store(root)
    sweep(design, result)
    discover(result, ["risk_gap>0.3"])
    bounds = {"risk": Bounds("risk", 0, 1, 0.5), "resolve": Bounds("resolve", 0, 1, 0.5)}
    tornado(design, bounds, result, replicates=2, outcomes=["risk_gap"])
    return result


def test_report_is_one_self_contained_file_with_the_assessments_numbers(
    default: Assessment, tmp_path: Path
) -> None:
    path = write_report(default, tmp_path / "report.html")
    html = path.read_text(encoding="utf-8")
    assert embedded_assessment(html) == default.to_dict()
    assert "Leaflet 1.9.4" in html
    assert "plotly.js v" in html or "plotly.js" in html
    # nothing is fetched: no external script, style sheet, image or font
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"https?:", html)
    assert "url(images/" not in html
    assert html.lower().count("</script") == 6  # 3 data blocks + Leaflet, plotly.js, ours
    for section in default.sections:
        assert f'data-section="{section.name}"' in html
    assert not (tmp_path / "report.html.tmp").exists()


def test_report_shows_each_metric_with_its_value(default: Assessment) -> None:
    html = render_report(default)
    sea = default.section("sea").metric("ships_required").summary()["value"]
    assert f'data-metric="sea.ships_required" data-value="{sea}"' in html


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (302991.57, "troops", "302,992 troops"),
        (0.0732, "1", "0.0732"),
        (14.2903, "USD bn/month", "14.29 USD bn/month"),
        (None, "", "—"),
        (float("nan"), "", "—"),
        (3.0, "", "3"),
    ],
)
def test_numbers_read_well(value: float | None, unit: str, text: str) -> None:
    assert format_value(value, unit) == text


def test_map_is_fitted_to_ukraine_and_clipped_to_a_window(theatre: Theatre) -> None:
    base = base_map(theatre)
    (south, west), (north, east) = base["bounds"]
    assert (west, south, east, north) == pytest.approx(theatre.ukraine.bounds)
    assert 22 < west < 23 and 40 < east < 41 and 44 < south < 45 and 52 < north < 53
    ids = {f["properties"]["id"] for f in base["countries"]["features"]}
    assert {"UKR", "RUS", "POL", "ROU", "BLR"} <= ids
    russia = next(f for f in base["countries"]["features"] if f["properties"]["id"] == "RUS")
    coordinates = np.array(
        re.findall(r"-?\d+\.?\d*", str(russia["geometry"]["coordinates"])), float
    )
    assert coordinates.min() >= 10 - 1e-9 and coordinates.max() <= 60 + 1e-9
    assert base["contact_line"]["features"]


def test_map_layers_put_areas_under_lines_under_points(default: Assessment) -> None:
    spec = map_spec(default)
    kinds = []
    for layer in spec["layers"]:
        types = {f["geometry"]["type"] for f in layer["geojson"]["features"]}
        kinds.append(
            0 if any("Polygon" in t for t in types) else 1 if any("Line" in t for t in types) else 2
        )
    assert kinds == sorted(kinds)
    names = {layer["name"] for layer in spec["layers"]}
    assert {
        "package.air_bases",
        "package.protected_cities",
        "sea.corridor",
        "land.contact_line",
    } <= names
    assert all(layer["features"] == len(layer["geojson"]["features"]) for layer in spec["layers"])


def test_charts_carry_the_sections_numbers(default: Assessment) -> None:
    charts = {chart["id"]: chart for chart in assessment_charts(default)}
    ships = charts["forces-sea-ships"]["data"]
    required = default.section("sea").metric("ships_required").summary()["value"]
    pledged = default.section("sea").metric("ships_pledged").summary()["value"]
    assert ships[0]["y"] == [required] and ships[1]["y"] == [pledged]
    revenue = charts["revenue"]["data"]
    levels = default.section("sanctions").tables["levels"]
    in_peace = [
        row["revenue_usd_bn_per_month"] for row in levels if row["regime"] == revenue[0]["name"]
    ]
    assert revenue[0]["y"] == in_peace
    for chart in charts.values():
        assert all(trace["type"] in {"bar", "scatter"} for trace in chart["data"])  # no geo traces
    if default.has("durability"):
        survival = charts["survival"]["data"]
        curve = default.extras["survival"]
        assert survival[2]["y"] == curve["share"] and survival[1]["y"] == curve["low"]


def test_sweep_summary_reads_progress_outcomes_and_analyses(store: Store) -> None:
    summary = sweep_summary(store)
    assert summary["progress"]["state"] == "finished"
    assert summary["progress"]["chunks_done"] == summary["progress"]["chunks_total"] == 4
    gap = next(row for row in summary["outcomes"] if row["outcome"] == "risk_gap")
    rng = np.random.default_rng(0)
    risk, resolve = rng.random(200), rng.random(200)
    assert gap["mean"] == pytest.approx(float(np.mean(risk - resolve)))
    assert gap["n"] == 200
    case = summary["discovery"]["all"]["cases"][0]
    assert case["case"] == "risk_gap > 0.3" and case["prim"]["boxes"]
    assert "tornado-sky-shield-2025" in summary["tornado"]
    ids = [chart["id"] for chart in sweep_charts(summary)]
    assert any(i.startswith("tornado-") for i in ids) and any(i.startswith("prim-") for i in ids)


def test_progress_tells_running_from_stopped(store: Store) -> None:
    manifest = {**store.manifest(), "n_chunks": 8}
    last = max(p.stat().st_mtime for p in store.iter_chunk_paths())
    assert progress(store, manifest, now=last + 5)["state"] == "running"
    assert progress(store, manifest, now=last + 3600)["state"] == "stopped"
    assert progress(store, manifest, now=last)["share"] == 0.5


def test_store_names_cannot_leave_the_stores_folder(store: Store) -> None:
    root = store.root.parent
    assert list_stores(root) == ["demo"]
    assert resolve_store(root, "demo").root == store.root.resolve()
    for name in ("../demo", "..", "/etc", "demo/../demo", "nope"):
        with pytest.raises(DataError) as raised:
            resolve_store(root, name)
        assert raised.value.problems[0].field == "store"


def test_report_with_a_sweep_includes_its_boxes(default: Assessment, store: Store) -> None:
    html = render_report(default, sweep=sweep_summary(store))
    assert 'data-store="demo"' in html and "PRIM box" in html
    assert "risk_gap &gt; 0.3" in html or "risk_gap > 0.3" in html
