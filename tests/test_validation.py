"""``guarantor validate`` knows every kind of file the project ships."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import guarantor
from guarantor.cli import app
from guarantor.validation import detect_kind, kinds, loader, validate_file

runner = CliRunner()
SHIPPED = sorted(Path(guarantor.__file__).parent.rglob("*.yaml"))


def test_the_project_ships_yaml_of_every_kind() -> None:
    assert len(SHIPPED) >= 20
    found = {validate_file(path)[0] for path in SHIPPED}
    assert found == {kind.name for kind in kinds()}


def test_validate_accepts_every_yaml_file_the_project_ships() -> None:
    result = runner.invoke(app, ["validate", *map(str, SHIPPED), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["ok"] is True
    assert len(report["files"]) == len(SHIPPED)
    assert all(entry["ok"] for entry in report["files"])


@pytest.mark.parametrize("kind", kinds(), ids=lambda kind: kind.name)
def test_every_kind_has_a_loader(kind: object) -> None:
    assert callable(loader(kind))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "kind"),
    [
        ({"places": 1, "platforms": 1, "actors": 1}, "theatre"),
        ({"actors": 1, "dimensions": 1}, "actors"),
        ({"sources": 1}, "source registry"),
        ({"sources": 1, "commitments": 1}, "package"),
        ({"sources": 1, "hazard_ratios": 1}, "calibration"),
        ({"contributors": 1, "tiers": 1, "sources": 1}, "land data"),
        ({"corridor": 1, "sources": 1}, "maritime data"),
        ({"exports": 1, "levels": 1}, "sanctions data"),
        ({"sources": 1, "colour": 1}, None),
        ({"actors": 1}, None),
    ],
)
def test_a_file_is_of_the_most_specific_kind_whose_fields_it_has(
    fields: dict[str, int], kind: str | None
) -> None:
    found = detect_kind(fields)
    assert (found.name if found else None) == kind


def test_an_unknown_file_names_the_kinds_it_could_have_been(tmp_path: Path) -> None:
    path = tmp_path / "odd.yaml"
    path.write_text("colour: blue\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path), "--json"])
    assert result.exit_code == 1
    problem = json.loads(result.stdout)["problems"][0]
    assert problem["message"] == "not a guarantor file"
    assert "land data: tiers" in problem["expected"]
    assert "theatre: places, platforms" in problem["expected"]
    assert problem["received"] == "['colour']"


def test_a_source_registry_with_a_bad_source_is_located(tmp_path: Path) -> None:
    path = tmp_path / "geography-sources.yaml"
    path.write_text(
        "sources:\n  a:\n    outlet: X\n    date: '2024'\n    url: https://example.org/a\n"
        "  b:\n    outlet: Y\n    date: '2024'\n    url: not-a-url\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["validate", str(path), "--json"])
    assert result.exit_code == 1
    problem = json.loads(result.stdout)["problems"][0]
    assert problem["field"] == "sources.b.url"
    assert problem["line"] == 9
