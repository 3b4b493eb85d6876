"""The documentation site builds offline with no warning, and the tutorial's code runs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import guarantor

ROOT = Path(__file__).resolve().parents[1]
EXTERNAL = re.compile(
    r"<(?:script|img|iframe|link|source)\b[^>]*\b(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//",
    re.IGNORECASE,
)
CSS_FETCH = re.compile(r"(?:@import|url\()\s*[\"']?\s*(?:https?:)?//", re.IGNORECASE)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site")
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert build.returncode == 0, build.stderr
    assert "WARNING" not in build.stderr, build.stderr
    return target


@pytest.mark.slow
def test_every_docs_page_is_on_the_site(site: Path) -> None:
    for page in (ROOT / "docs").glob("*.md"):
        assert (site / f"{page.stem}.html").exists(), page.name
    nav = (site / "index.html").read_text(encoding="utf-8")
    for title in ("Tutorial", "Architecture", "Python API", "Durability", "Rules of engagement"):
        assert f">{title}</a>" in nav


@pytest.mark.slow
def test_the_api_reference_documents_every_public_function(site: Path) -> None:
    reference = (site / "api.html").read_text(encoding="utf-8")
    for name in guarantor.api.__all__:
        assert f'id="guarantor.api.{name}"' in reference, name
    for name in ("Simulation", "ResultsStore", "Verdict", "Verification", "Frontier"):
        assert f'id="guarantor.results.{name}"' in reference, name
    # docstring sections are parsed into tables, not left as text
    assert 'field-name">Parameters:</th>' in reference
    assert 'field-name">Raises:</th>' in reference
    assert "<p>Raises:" not in reference and "Args:" not in reference


@pytest.mark.slow
def test_the_site_fetches_nothing_from_the_network(site: Path) -> None:
    pages = list(site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        assert EXTERNAL.search(page.read_text(encoding="utf-8")) is None, page.name
    for sheet in site.rglob("*.css"):
        assert CSS_FETCH.search(sheet.read_text(encoding="utf-8")) is None, sheet.name


@pytest.mark.slow
def test_the_tutorial_runs_in_order(tmp_path: Path) -> None:
    text = (ROOT / "docs" / "tutorial.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) >= 6
    namespace: dict[str, object] = {}
    here = Path.cwd()
    os.chdir(tmp_path)
    try:
        for block in blocks:
            exec(compile(block, "docs/tutorial.md", "exec"), namespace)
    finally:
        os.chdir(here)
    assert namespace["verdict"].response  # type: ignore[attr-defined]
    assert not namespace["weak"].to_pandas().empty  # type: ignore[attr-defined]


@pytest.mark.slow
def test_the_readme_python_example_runs(tmp_path: Path) -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    (block,) = re.findall(r"```python\n(.*?)```", text, re.S)
    namespace: dict[str, object] = {}
    here = Path.cwd()
    os.chdir(tmp_path)
    try:
        exec(compile(block, "README.md", "exec"), namespace)
    finally:
        os.chdir(here)
    assert (tmp_path / "stores" / "demo" / "manifest.json").exists()
    assert len(namespace["paris"].to_pandas()) > 50  # type: ignore[attr-defined]
