"""Examples in the README and the docs run."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from guarantor.cli import app
from guarantor.packages import Instrument, parse_package
from guarantor.theatre import Theatre

ROOT = Path(__file__).resolve().parents[1]


def _blocks(path: Path, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", path.read_text(encoding="utf-8"), re.S)


def test_the_package_language_example_parses(theatre: Theatre) -> None:
    (example,) = _blocks(ROOT / "docs" / "theatre-and-packages.md", "yaml")
    package = parse_package(example, "docs-example.yaml", theatre)
    assert package.name == "sky-and-sea"
    assert [c.instrument for c in package.commitments] == [
        Instrument.AIR_POLICING,
        Instrument.MARITIME_SECURITY,
        Instrument.US_BACKSTOP,
        Instrument.REASSURANCE_FORCE,
    ]
    assert package.commitment("german-brigade").conditional


def test_readme_opens_with_the_two_commands() -> None:
    first = _blocks(ROOT / "README.md", "sh")[0].strip().splitlines()
    assert [line.split("#")[0].strip() for line in first] == [
        "bash scripts/dev.sh assess",
        "bash scripts/dev.sh test",
    ]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash scripts/dev.sh test" in ci


def test_every_command_in_the_readme_table_exists() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"^\| `guarantor ([a-z-]+)", readme, re.M))
    result = CliRunner().invoke(app, ["--help"])
    listed = set(re.findall(r"│ ([a-z-]+) ", result.output))
    assert named
    assert named <= listed


def test_readme_variants_and_shipped_names_resolve() -> None:
    result = CliRunner().invoke(app, ["package", "list", "--json"])
    names = {row["name"] for row in json.loads(result.stdout)}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in names:
        assert f"`{name}`" in readme
