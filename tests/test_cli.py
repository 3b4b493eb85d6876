from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from guarantor import __version__
from guarantor.cli import app
from guarantor.packages import package_path, shipped_packages

runner = CliRunner()
BAD = Path(__file__).parent / "data" / "bad"


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"guarantor {__version__}"


def test_package_list_json_lists_every_shipped_package() -> None:
    result = invoke("package", "list", "--json")
    assert result.exit_code == 0
    names = [row["name"] for row in json.loads(result.stdout)]
    assert names == shipped_packages()


def test_package_show_defaults_to_the_default_package() -> None:
    result = invoke("package", "show", "--json")
    assert result.exit_code == 0
    shown = json.loads(result.stdout)
    assert shown["name"] == "paris-declaration-2026"
    germany = next(c for c in shown["commitments"] if c["id"] == "germany-neighbouring-force")
    assert germany["conditional"] is True
    assert "a ceasefire is agreed with Russia" in germany["conditions_text"]


def test_package_show_accepts_a_path() -> None:
    result = invoke("package", "show", str(package_path("sky-shield-2025")), "--json")
    assert json.loads(result.stdout)["name"] == "sky-shield-2025"


def test_theatre_show_json_reports_geography() -> None:
    result = invoke("theatre", "show", "--json")
    assert result.exit_code == 0
    facts = json.loads(result.stdout)
    assert 1000 <= facts["contact_line_km"] <= 1300
    assert facts["ukraine_area_km2"] == pytest.approx(603_550, rel=0.02)


def test_validate_accepts_every_shipped_package() -> None:
    paths = [str(package_path(name)) for name in shipped_packages()]
    result = invoke("validate", *paths, "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["ok"] is True


@pytest.mark.parametrize(
    "name",
    sorted(p.name for p in BAD.glob("*.yaml")),
)
def test_validate_reports_bad_files_with_file_line_and_field(name: str) -> None:
    result = invoke("validate", str(BAD / name), "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert report["problems"]
    for problem in report["problems"]:
        assert problem["file"].endswith(name)
        assert problem["line"] is not None


def test_validate_prints_problems_without_a_traceback() -> None:
    process = subprocess.run(
        [sys.executable, "-m", "guarantor", "validate", str(BAD / "negative-count.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert process.returncode == 1
    assert "Traceback" not in process.stderr
    assert "negative-count.yaml:8 commitments.0.aircraft.0.count: must be ≥ 0, got -4" in (
        process.stderr
    )


def test_unknown_package_name_is_a_clean_error() -> None:
    result = invoke("package", "show", "no-such-package")
    assert result.exit_code == 1
    assert "no such package" in result.output


@pytest.mark.parametrize(
    ("arguments", "what"),
    [
        (["sea", "--geojson"], "cannot write GeoJSON"),
        (["sanctions", "--plot"], "cannot write plot"),
    ],
)
def test_an_unwritable_output_is_a_located_error_not_a_traceback(
    tmp_path: Path, arguments: list[str], what: str
) -> None:
    missing = tmp_path / "no-such-folder" / ("out.svg" if "--plot" in arguments else "out.json")
    result = runner.invoke(app, [*arguments, str(missing)])
    assert result.exit_code == 1
    assert what in result.output
    assert str(missing) in result.output
    assert "Traceback" not in result.output
