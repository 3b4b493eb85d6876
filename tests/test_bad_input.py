"""The bad-input corpus: every broken file through every command that reads its kind.

``tests/data/bad/<kind>/`` holds shipped files each broken in one way (``scripts/
make_bad_corpus.py`` writes them). Each command must exit 1 with the project's error form: no
traceback, every problem located at the corpus file and a line, nothing accepted.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from guarantor.cli import app

BAD = Path(__file__).parent / "data" / "bad"
RULES = "air-policing"
INCIDENT = "{domain: air, act: airspace_violation, zone: nato_airspace, actor: russia}"
Commands = Callable[[str, Path], list[list[str]]]


def _store(tmp: Path) -> str:
    return str(tmp / "store")


COMMANDS: dict[str, Commands] = {
    "package": lambda f, tmp: [
        ["validate", f, "--json"],
        ["package", "show", f, "--json"],
        ["assess", f, "-n", "2", "--json"],
        ["air", f, "--worlds", "2", "--json"],
        ["sea", f, "--worlds", "2", "--json"],
        ["land", f, "--worlds", "2", "--json"],
        ["sanctions", f, "--worlds", "2", "--json"],
        ["accept", f, "--worlds", "2", "--json"],
        ["simulate", f, "-n", "2", "--json"],
        ["compare", f, "sky-shield-2025", "-n", "2", "--json"],
        ["sweep", f, "--worlds", "2", "--store", _store(tmp), "--json"],
    ],
    "theatres": lambda f, tmp: [
        ["validate", f, "--json"],
        ["theatre", "show", f, "--json"],
        ["assess", "--theatre", f, "-n", "2", "--json"],
    ],
    "ruleset": lambda f, tmp: [
        ["validate", f, "--json"],
        ["roe", "check", f, "--json"],
        ["roe", "probes", f, "--json"],
        ["roe", "decide", f, INCIDENT, "--json"],
        ["roe", "test", f, RULES, "--json"],
        ["roe", "diff", RULES, f, "--json"],
    ],
    "fixtures": lambda f, tmp: [
        ["validate", f, "--json"],
        ["roe", "test", RULES, f, "--json"],
    ],
    "incident": lambda f, tmp: [["roe", "decide", RULES, f, "--json"]],
    "actors": lambda f, tmp: [
        ["validate", f, "--json"],
        ["bargain", f, "--json"],
        ["accept", "--actors", f, "--worlds", "2", "--json"],
    ],
    "uncertainties": lambda f, tmp: [
        ["validate", f, "--json"],
        ["sweep", "--uncertainties", f, "--worlds", "2", "--store", _store(tmp), "--json"],
    ],
    "cases": lambda f, tmp: [
        ["validate", f, "--json"],
        ["backtest", "--file", f, "-n", "2", "--json"],
    ],
    "maritime": lambda f, tmp: [["validate", f, "--json"]],
    "air": lambda f, tmp: [["validate", f, "--json"]],
    "csv": lambda f, tmp: [
        ["bargain", f, "--engine", "bdm" if Path(f).name.startswith("bdm") else "smp", "--json"]
    ],
}
CORPUS = sorted(
    path
    for kind in COMMANDS
    for path in (BAD / kind).glob("*")
    if path.is_file() and path.name != "geography-sources.yaml"
)


def test_the_corpus_is_large_and_covers_every_kind() -> None:
    assert len(CORPUS) >= 100
    assert {path.parent.name for path in CORPUS} == set(COMMANDS)


@pytest.mark.parametrize("path", CORPUS, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_every_command_refuses_the_file_located_without_a_traceback(
    path: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    for args in COMMANDS[path.parent.name](str(path), tmp_path):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = runner.invoke(app, args)
        shown = f"{' '.join(args)}\n{result.output[-2000:]}"
        assert result.exception is None or isinstance(result.exception, SystemExit), shown
        assert "Traceback" not in result.output, shown
        assert result.exit_code == 1, shown  # refused: nothing nonsensical is accepted
        problems = json.loads(result.stdout)["problems"]
        assert problems, shown
        for problem in problems:
            where = f"{problem['file']}:{problem['line']} {problem['field']}: {problem['message']}"
            assert problem["file"] and Path(problem["file"]).name == path.name, shown + where
            assert isinstance(problem["line"], int) and problem["line"] >= 1, shown + where


def test_a_refusal_names_the_line_of_the_fault() -> None:
    path = BAD / "package" / "monitors-inf.yaml"
    line = next(n for n, row in enumerate(path.read_text().splitlines(), 1) if "value: .inf" in row)
    result = CliRunner().invoke(app, ["validate", str(path), "--json"])
    problems = json.loads(result.stdout)["problems"]
    assert {p["line"] for p in problems} == {line}
    assert any(re.search("finite", p["message"]) for p in problems)
