"""docs/land.md quotes the land model: its generated blocks equal what the model gives now."""

from __future__ import annotations

import re
from pathlib import Path

from guarantor.instruments.land import checks
from guarantor.packages import load_package
from guarantor.theatre import load_theatre

PAGE = Path(__file__).resolve().parent.parent / "docs" / "land.md"
_BLOCK = re.compile(r"<!-- figures:(?P<name>[a-z0-9-]+) -->\n(?P<body>.*?)<!-- /figures -->", re.S)


def generated() -> dict[str, str]:
    """Each block of the page as the model writes it now."""
    theatre = load_theatre()
    paris = load_package("paris-declaration-2026", theatre)
    return {
        "land-parameters": checks.parameters_markdown(),
        "land-checks": checks.checks_markdown(theatre, paris),
        "land-paris": checks.paris_markdown(theatre, paris),
    }


def render(text: str) -> str:
    """The page with every land block rewritten."""
    blocks = generated()
    return _BLOCK.sub(
        lambda m: (
            f"<!-- figures:{m['name']} -->\n{blocks.get(m['name'], m['body']).rstrip()}\n"
            "<!-- /figures -->"
        ),
        text,
    )


def test_the_land_page_quotes_the_model_as_it_is() -> None:
    text = PAGE.read_text(encoding="utf-8")
    blocks = {m["name"] for m in _BLOCK.finditer(text)}
    assert blocks == {"land-parameters", "land-checks", "land-paris"}
    assert render(text) == text, "docs/land.md is stale: run python tests/test_land_docs.py"


def test_the_checks_table_states_the_edge_cases_and_the_band() -> None:
    table = generated()["land-checks"]
    assert "256,000, exact" in table
    assert "feasibility 0.10 (≤ 1); 1 pledge flagged" in table
    assert "feasibility 0; every metric finite" in table
    assert "stated band 4–40" in table


if __name__ == "__main__":
    PAGE.write_text(render(PAGE.read_text(encoding="utf-8")), encoding="utf-8")
