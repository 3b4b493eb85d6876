"""docs/land.md quotes the land model: its checks table states the edge cases and the band.

The page's blocks (``land-parameters``, ``land-checks``, ``land-paris``) are written by
``scripts/docs_figures.py`` from :mod:`guarantor.instruments.land.checks`;
``tests/test_docs_figures.py`` holds the page to them.
"""

from __future__ import annotations

import re
from pathlib import Path

from guarantor.instruments.land import checks
from guarantor.packages import load_package
from guarantor.theatre import load_theatre

PAGE = Path(__file__).resolve().parent.parent / "docs" / "land.md"
_BLOCK = re.compile(r"<!-- figures:(?P<name>[a-z0-9-]+) -->\n(?P<body>.*?)<!-- /figures -->", re.S)


def test_the_land_page_carries_the_generated_tables() -> None:
    text = PAGE.read_text(encoding="utf-8")
    blocks = {m["name"]: m["body"] for m in _BLOCK.finditer(text)}
    assert set(blocks) == {"land-parameters", "land-checks", "land-paris"}
    theatre = load_theatre()
    paris = load_package("paris-declaration-2026", theatre)
    assert checks.checks_markdown(theatre, paris) in blocks["land-checks"]
    assert checks.parameters_markdown() in blocks["land-parameters"]
    assert checks.paris_markdown(theatre, paris) in blocks["land-paris"]


def test_the_checks_table_states_the_edge_cases_and_the_band() -> None:
    theatre = load_theatre()
    table = checks.checks_markdown(theatre, load_package("paris-declaration-2026", theatre))
    assert "256,000, exact" in table
    assert "feasibility 0.10 (≤ 1); 1 pledge flagged" in table
    assert "feasibility 0; every metric finite" in table
    assert "stated band 4–40" in table
