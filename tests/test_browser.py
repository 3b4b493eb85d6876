"""The web app and the report in a real browser: Debian's Chromium driven by Playwright.

``guarantor serve`` runs as a subprocess on a free loopback port. Every request the pages make is
routed through a guard that lets only 127.0.0.1 (and data: URLs) through and records anything
else; console errors are collected. Screenshots go to ``artifacts/``.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"

if not Path(CHROMIUM).exists():  # pragma: no cover - CI installs it (scripts/dev.sh)
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)
playwright_api = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from guarantor.explore.design import Design, DesignPoint
    from guarantor.explore.discovery import discover
    from guarantor.explore.store import Store
    from guarantor.explore.sweep import sweep
    from guarantor.packages import load_package

    root = tmp_path_factory.mktemp("browser-stores")
    rng = np.random.default_rng(0)
    worlds = {"risk": rng.random(120), "resolve": rng.random(120)}
    point = DesignPoint(0, "sky-shield-2025", load_package("sky-shield-2025"), {})
    design = Design(
        (point,),
        worlds,
        seed=3,
        months=60,
        model="test_report:standin",
        theatre=None,
        chunk_size=40,
    )
    store = Store(root / "demo")
    sweep(design, store)
    discover(store, ["risk_gap>0.3"])
    return root


@pytest.fixture(scope="module")
def server(stores: Path) -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "guarantor", "serve", "--port", str(port), "--stores", str(stores)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/packages", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(
                    process.stderr.read().decode() if process.stderr else ""
                ) from None
            time.sleep(0.3)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield launched
        launched.close()


class Guarded:
    """A page whose requests may only go to the app (or to data:/file: URLs)."""

    def __init__(self, browser: Any, allowed: str) -> None:
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.allowed = allowed
        self.page.route("**/*", self._route)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith((self.allowed, "data:", "file://")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def check(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"browser-{name}.png"), full_page=False)
        assert self.blocked == [], f"requests left 127.0.0.1: {self.blocked}"
        assert self.errors == [], f"console errors: {self.errors}"
        self.page.close()


def _layers(page: Any, selector: str) -> dict[str, int]:
    page.wait_for_selector(f"{selector}[data-layers-drawn]", timeout=30_000)
    drawn: dict[str, int] = json.loads(page.get_attribute(selector, "data-layers-drawn"))
    return drawn


def test_theatre_map_draws_the_places(browser: Any, server: str) -> None:
    guarded = Guarded(browser, server)
    guarded.page.goto(server + "/")
    drawn = _layers(guarded.page, "#map-theatre")
    spec = json.loads(guarded.page.text_content("#map-spec-theatre"))
    assert drawn == {layer["id"]: layer["features"] for layer in spec["layers"]}
    assert drawn["theatre-cities"] > 5 and drawn["theatre-air_bases"] > 2
    assert guarded.page.locator("#map-theatre path.g-feature").count() == sum(drawn.values())
    # fitted to Ukraine: Kyiv is inside the view, Vladivostok is not
    inside = guarded.page.evaluate(
        "() => { const m = Guarantor.maps['map-theatre'].map, b = m.getBounds();"
        " return [b.contains([50.45, 30.52]), b.contains([43.1, 131.9])]; }"
    )
    assert inside == [True, False]
    guarded.check("theatre")


def test_coalition_page_draws_the_states_and_lists_them(browser: Any, server: str) -> None:
    guarded = Guarded(browser, server)
    guarded.page.goto(server + "/coalition")
    drawn = _layers(guarded.page, "#map-coalition")
    assert drawn["coalition-states"] >= 20  # the members the theatre's geography draws
    rows = guarded.page.locator("#coalition-table tbody tr")
    assert rows.count() == 37  # 35 members, the US and Hungary
    assert "yes" in guarded.page.text_content("#coalition-table tr[data-actor='FRA']")
    guarded.check("coalition")


def test_assessment_page_draws_map_layers_and_charts(browser: Any, server: str) -> None:
    guarded = Guarded(browser, server)
    guarded.page.goto(server + "/assess?worlds=40&seed=3")
    drawn = _layers(guarded.page, "#map-a")
    spec = json.loads(guarded.page.text_content("#map-spec-a"))
    assert drawn == {layer["id"]: layer["features"] for layer in spec["layers"]}
    for layer in (
        "package-air_bases",
        "package-protected_cities",
        "sea-corridor",
        "land-contact_line",
        "land-hubs",
    ):
        assert drawn[layer] > 0, layer
    assert guarded.page.locator("#map-a path.g-feature").count() == sum(drawn.values())
    guarded.page.wait_for_selector("#charts-box-a[data-charts-drawn]")
    charts = int(guarded.page.get_attribute("#charts-box-a", "data-charts-drawn"))
    assert charts >= 4
    assert guarded.page.locator("#charts-box-a .g-chart .main-svg").count() >= charts
    guarded.check("assessment")


def test_editing_a_package_changes_the_assessment(browser: Any, server: str) -> None:
    guarded = Guarded(browser, server)
    page = guarded.page
    page.goto(server + "/packages/edit?package=paris-declaration-2026")
    page.fill("input[name='worlds']", "8")
    page.click("#assess-form")
    page.wait_for_selector("#assessment-edit")
    row = "[data-metric='land.troops_pledged']"
    before = float(page.get_attribute(row, "data-value"))
    page.fill("input[name='commitments.0.troops']", "5000")
    page.click("#assess-form")
    page.wait_for_selector("#assessment-edit")
    after = float(page.get_attribute(row, "data-value"))
    assert after == before - 2500
    _layers(page, "#map-edit")
    # a bad value comes back inline, located
    page.fill("input[name='commitments.0.troops']", "lots")
    page.click("#assess-form")
    page.wait_for_selector("#problems")
    text = page.text_content("#problems")
    assert "paris-declaration-2026.yaml:" in text and "commitments.0.troops" in text
    guarded.check("editor")


def test_compare_sweeps_roe_and_docs_pages(browser: Any, server: str) -> None:
    guarded = Guarded(browser, server)
    page = guarded.page
    page.goto(server + "/compare?package=sky-shield-2025&package=minsk-monitors&worlds=6")
    assert page.locator("table.g-compare tr.differs, table.g-compare tr.separated").count() > 0
    page.goto(server + "/sweeps")
    assert page.get_attribute("tr[data-store='demo']", "data-state") == "finished"
    page.goto(server + "/sweeps/demo")
    page.wait_for_selector("[data-charts-drawn]")
    assert page.locator("table.g-prim tr").count() >= 2
    page.goto(server + "/roe")
    page.select_option("select[name='domain']", "air")
    page.select_option("select[name='act']", "airspace_violation")
    page.select_option("select[name='zone']", "nato_airspace")
    page.select_option("select[name='actor']", "russia")
    page.select_option("select[name='platform']", "drone")
    page.select_option("select[name='authority']", "mission_commander")
    page.fill("input[name='distance_km']", "30")
    page.click("#decide")
    page.wait_for_selector("#decision")
    assert page.get_attribute("#decision", "data-response") == "monitor"
    page.goto(server + "/docs")
    assert page.locator("code", has_text="/api/assess").count() >= 2
    guarded.check("pages")


def test_frontier_page_draws_the_dilemma(browser: Any, server: str) -> None:
    guarded = Guarded(browser, server)
    page = guarded.page
    query = "package=sky-shield-2025&package=istanbul-2022&worlds=8&population=4&generations=1"
    page.goto(f"{server}/frontier?{query}", timeout=120_000)
    page.wait_for_selector("[data-g-charts='frontier-charts'][data-charts-drawn]")
    assert page.locator("[data-g-charts='frontier-charts'] .main-svg").count() >= 1
    rows = page.locator("table.g-frontier-points tr[data-start]")
    data = page.request.get(f"{server}/api/frontier?{query}").json()
    assert rows.count() == len(data["points"]) >= 1
    assert page.locator("table.g-frontier-shipped tr").count() == 1 + 2
    guarded.check("frontier")


def test_report_opens_offline_from_a_file(browser: Any, tmp_path: Path) -> None:
    from guarantor.assessment import assess
    from guarantor.report import write_report

    path = write_report(assess(None, worlds=16, seed=2), tmp_path / "report.html")
    guarded = Guarded(browser, "file://")
    guarded.page.goto(path.as_uri())
    drawn = _layers(guarded.page, "#map-a")
    assert drawn["sea-corridor"] > 0 and drawn["package-air_bases"] == 2
    guarded.page.wait_for_selector("#charts-box-a[data-charts-drawn]")
    assert guarded.page.locator("#charts-box-a .main-svg").count() >= 4
    guarded.check("report")
    assert os.path.getsize(path) > 1_000_000
