"""What a notebook shows, drawn in a real browser with the network cut off.

The HTML a result gives Jupyter (``_repr_html_``) is put in a page the way a notebook puts an
output, opened in Debian's Chromium through Playwright, and every request that is not the page
itself is refused and recorded. The map and the charts must be drawn inside the frame, with no
request refused and no console error.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import guarantor

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"

if not Path(CHROMIUM).exists():  # pragma: no cover - CI installs it (scripts/dev.sh)
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)
playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield launched
        launched.close()


def show(browser: Any, output_html: str, path: Path) -> tuple[Any, Any, list[str], list[str]]:
    """Open a notebook-like page holding one output; return page, frame, refused, errors."""
    path.write_text(
        f'<!DOCTYPE html><html><body><div class="output_html">{output_html}</div></body></html>',
        encoding="utf-8",
    )
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    refused: list[str] = []
    errors: list[str] = []

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url == path.as_uri() or url.startswith("data:"):
            request_route.continue_()
        else:
            refused.append(url)
            request_route.abort()

    page.route("**/*", route)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    frame = page.frame_locator("iframe.guarantor-view")
    return page, frame, refused, errors


def test_an_assessment_in_a_notebook_draws_its_map_and_charts_offline(
    browser: Any, tmp_path: Path
) -> None:
    assessment = guarantor.assess("paris-declaration-2026", worlds=12, seed=2)
    page, frame, refused, errors = show(browser, assessment._repr_html_(), tmp_path / "nb.html")
    drawn = json.loads(
        frame.locator("#map-a[data-layers-drawn]").get_attribute(
            "data-layers-drawn", timeout=60_000
        )
    )
    assert drawn["sea-corridor"] > 0 and drawn["package-air_bases"] > 0
    frame.locator("#charts-box-a[data-charts-drawn]").wait_for(timeout=60_000)
    assert frame.locator("#charts-box-a .main-svg").count() >= 4
    assert frame.locator("table.g-verdicts td.g-verdict").count() == len(assessment.sections)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "notebook-assessment.png"))
    assert refused == []
    assert errors == []
    page.close()


def test_a_section_and_a_simulation_draw_their_views_offline(browser: Any, tmp_path: Path) -> None:
    sea = guarantor.assess("sky-shield-2025", worlds=4, models=["sea"]).section("sea")
    page, frame, refused, errors = show(browser, sea._repr_html_(), tmp_path / "sea.html")
    drawn = json.loads(
        frame.locator("[data-layers-drawn]").get_attribute("data-layers-drawn", timeout=60_000)
    )
    assert sum(drawn.values()) > 0
    assert refused == [] and errors == []
    page.close()
    simulation = guarantor.simulate("sky-shield-2025", worlds=200, months=36)
    page, frame, refused, errors = show(browser, simulation._repr_html_(), tmp_path / "sim.html")
    frame.locator("[data-charts-drawn]").wait_for(timeout=60_000)
    assert frame.locator(".main-svg").count() >= 1
    assert refused == [] and errors == []
    page.close()
