"""The example notebooks run, headless, from a clean kernel (nbclient), so they never rot."""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NOTEBOOKS = sorted(EXAMPLES.glob("*.ipynb"))
EXTERNAL = re.compile(
    r"<(?:script|img|iframe|link|source)\b[^>]*\b(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//",
    re.IGNORECASE,
)


_EXECUTED: dict[Path, nbformat.NotebookNode] = {}


def run(path: Path, workdir: Path) -> nbformat.NotebookNode:
    """The notebook executed in a fresh kernel (once per test session)."""
    if path not in _EXECUTED:
        notebook = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
        NotebookClient(
            notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": workdir}}
        ).execute()
        _EXECUTED[path] = notebook
    return _EXECUTED[path]


def html_outputs(notebook: nbformat.NotebookNode) -> list[str]:
    return [
        output["data"]["text/html"]
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if "text/html" in output.get("data", {})
    ]


def test_there_are_the_four_examples() -> None:
    assert [path.name for path in NOTEBOOKS] == [
        "01-assess-and-compare.ipynb",
        "02-design-and-weak-worlds.ipynb",
        "03-deter-vs-sign.ipynb",
        "04-roe-authoring.ipynb",
    ]
    for path in NOTEBOOKS:  # committed clean: no outputs to go stale
        notebook = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
        assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_notebook_runs_and_shows_its_results_offline(path: Path, tmp_path: Path) -> None:
    notebook = run(path, tmp_path)
    errors = [
        output
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert errors == []
    shown = html_outputs(notebook)
    assert shown, "every example shows at least one result as HTML"
    for fragment in shown:
        assert EXTERNAL.search(fragment) is None
        assert EXTERNAL.search(html.unescape(fragment)) is None


@pytest.mark.slow
def test_assess_in_a_notebook_displays_verdicts_map_and_charts(tmp_path: Path) -> None:
    notebook = run(EXAMPLES / "01-assess-and-compare.ipynb", tmp_path)
    cell = next(c for c in notebook.cells if "guarantor.assess(" in c.source)
    (output,) = cell.outputs  # the result alone: nothing else is displayed on the way
    page = html.unescape(output["data"]["text/html"])
    assert "<h2>Verdicts</h2>" in page
    assert page.count('<td class="g-verdict">') >= 5
    assert 'data-g-map="map-spec-a"' in page
    charts = re.search(r'data-g-charts="charts-a"\s+data-charts="(\d+)"', page)
    assert charts is not None and int(charts.group(1)) >= 4
    assert EXTERNAL.search(page) is None
    assert "text/plain" in output["data"]  # a terminal gets the text view
