"""The smoke matrix: every shipped package through every package-taking command, text and JSON.

Each run must exit 0 without a traceback; the JSON must parse and name the package, and hold the
command's own content (metrics, commitments, horizons); the text must name the package. Worlds
are few (the models are vectorised, so the matrix checks wiring, not statistics).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from guarantor.cli import app
from guarantor.packages import shipped_packages

runner = CliRunner()
PACKAGES = shipped_packages()
OTHER = "minsk-monitors"
"""``compare`` puts each package beside this one (or beside the default package for it)."""
WORLDS = ["--worlds", "8", "--seed", "3"]


def _arguments(command: str, package: str) -> list[str]:
    if command == "package show":
        return ["package", "show", package]
    if command == "compare":
        other = OTHER if package != OTHER else "paris-declaration-2026"
        return ["compare", package, other, *WORLDS]
    if command == "simulate":
        return ["simulate", package, *WORLDS, "--months", "24"]
    return [command, package, *WORLDS]


def _names_package(data: Any, package: str) -> bool:
    """Whether the JSON says which package it is about (at its top level)."""
    named = data.get("package")
    if isinstance(named, dict):
        named = named.get("name")
    if named == package:
        return True
    return data.get("name") == package or package in data.get("packages", [])


def _content(command: str, data: dict[str, Any]) -> None:
    """The command's own content, beyond the package's name."""
    if command == "package show":
        assert data["commitments"]
        assert all("conditions_text" in c for c in data["commitments"])
    elif command in {"air", "sea", "land", "sanctions", "accept"}:
        assert data["metrics"]
        assert all(m["n_worlds"] == 8 for m in data["metrics"])
        assert data["verdict"]
    elif command == "simulate":
        assert set(data["p_hold"]) == {"1y"}
        assert data["n_worlds"] == 8
        assert len(data["survival_by_year"]) == 3
    elif command == "assess":
        assert data["n_worlds"] == 8
        assert data["seed"] == 3
        assert len(data["sections"]) + len(data["unavailable"]) >= 4
    elif command == "compare":
        assert len(data["packages"]) == 2
        assert data["rows"]


COMMANDS = ["package show", "air", "sea", "land", "sanctions", "accept", "simulate", "assess"]


@pytest.mark.parametrize("as_json", [True, False], ids=["json", "text"])
@pytest.mark.parametrize("command", [*COMMANDS, "compare"])
@pytest.mark.parametrize("package", PACKAGES)
def test_every_package_through_every_command(package: str, command: str, as_json: bool) -> None:
    arguments = _arguments(command, package) + (["--json"] if as_json else [])
    result = runner.invoke(app, arguments)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 0, result.output
    if as_json:
        data = json.loads(result.stdout)
        assert _names_package(data, package), list(data)
        _content(command, data)
    else:
        assert package in result.stdout
