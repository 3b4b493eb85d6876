"""One way to drive every command: shared options and defaults, formatting, errors and warnings."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.main import get_command
from typer.testing import CliRunner

from guarantor.cli import app
from guarantor.cli._common import (
    DEFAULT_SEED,
    DEFAULT_THEATRE,
    DEFAULT_WORLDS,
    format_number,
    format_share,
)
from guarantor.cli.views import is_probability, metric_cells
from guarantor.reliability import backtest_warnings, pareto_warnings, sobol_warnings
from guarantor.section import Metric

runner = CliRunner()


def _commands() -> dict[str, Any]:
    """Every leaf command by its full name (``package show``, ``roe check``, ``air``)."""
    found: dict[str, Any] = {}

    def walk(prefix: str, command: Any) -> None:
        children = getattr(command, "commands", None)
        if children is None:
            found[prefix.strip()] = command
            return
        for name, child in children.items():
            walk(f"{prefix} {name}", child)

    walk("", get_command(app))
    return found


def _option(command: Any, name: str) -> Any:
    return next((p for p in command.params if name in p.opts), None)


COMMANDS = _commands()
PACKAGE_COMMANDS = ["air", "sea", "land", "sanctions", "accept", "simulate", "assess", "compare"]


# --- one set of options -------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_worlds_seed_and_theatre_mean_the_same_on_every_command(name: str) -> None:
    command = COMMANDS[name]
    worlds, seed, theatre = (_option(command, o) for o in ("--worlds", "--seed", "--theatre"))
    if worlds is not None:
        assert "-n" in worlds.opts
        # backtest's worlds are per historical case (44 cases, each refitted under
        # cross-validation), and frontier's per candidate package (about 120 assessed), so their
        # defaults are smaller
        smaller = {"backtest": 100, "frontier": 200}
        assert worlds.default == smaller.get(name, DEFAULT_WORLDS)
    if seed is not None:
        assert "-s" in seed.opts
        # analyses of a store take the store's seed unless told otherwise
        assert seed.default in (DEFAULT_SEED, None)
    if theatre is not None:
        assert theatre.default == DEFAULT_THEATRE


@pytest.mark.parametrize("name", PACKAGE_COMMANDS)
def test_every_package_command_takes_worlds_seed_theatre_and_json(name: str) -> None:
    command = COMMANDS[name]
    for option in ("--worlds", "--seed", "--theatre", "--json"):
        assert _option(command, option) is not None, option


def test_every_command_that_prints_results_has_json() -> None:
    quiet = {"serve"}
    missing = [n for n, c in COMMANDS.items() if n not in quiet and not _option(c, "--json")]
    assert missing == []


def test_the_defaults_are_the_one_samplers() -> None:
    # cli._common mirrors them so that --help need not import numpy through guarantor.worlds
    from guarantor import worlds

    assert (DEFAULT_WORLDS, DEFAULT_SEED) == (worlds.DEFAULT_WORLDS, worlds.DEFAULT_SEED)


@pytest.mark.parametrize(
    ("command", "section"),
    [("air", "air"), ("sea", "sea"), ("land", "land"), ("sanctions", "sanctions")],
)
def test_an_instrument_command_gives_the_numbers_assess_gives(command: str, section: str) -> None:
    from guarantor.assessment import assess

    arguments = [command, "sky-shield-2025", "-n", "24", "-s", "7", "--json"]
    alone = json.loads(runner.invoke(app, arguments).stdout)
    within = assess("sky-shield-2025", worlds=24, seed=7, models=[section]).section(section)
    expected = {m.name: m.summary() for m in within.metrics}
    assert {m["name"] for m in alone["metrics"]} == set(expected)
    for metric in alone["metrics"]:
        for key in ("value", "low", "high"):
            assert metric[key] == pytest.approx(expected[metric["name"]][key], nan_ok=True)


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        (["land", "--worlds", "0"], "--worlds"),
        (["sea", "-n", "2000000"], "--worlds"),
        (["simulate", "--seed", "-1"], "--seed"),
    ],
)
def test_an_out_of_range_world_count_or_seed_is_bad_input(arguments: list[str], field: str) -> None:
    result = runner.invoke(app, arguments)
    assert result.exit_code == 1
    assert f"{field}: out of range" in result.output
    assert "Usage:" not in result.output


def test_short_flags_give_the_same_worlds_as_long_ones() -> None:
    long = runner.invoke(app, ["land", "--worlds", "30", "--seed", "4", "--json"])
    short = runner.invoke(app, ["land", "-n", "30", "-s", "4", "--json"])
    assert long.exit_code == short.exit_code == 0
    assert json.loads(long.stdout) == json.loads(short.stdout)
    other = runner.invoke(app, ["land", "-n", "30", "-s", "5", "--json"])
    assert json.loads(other.stdout) != json.loads(long.stdout)


# --- numbers for people -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (42_400.0, "42,400"),
        (4.2399e4, "42,399"),
        (1_234_567.8, "1,234,568"),
        (999.95, "1,000"),
        (12.345, "12.35"),
        (3.0, "3"),
        (0.012345, "0.01235"),
        (-7.5, "-7.5"),
        (0.0, "0"),
        (2.5e-6, "2.5e-06"),
        (float("nan"), "—"),
        (None, "—"),
    ],
)
def test_numbers_print_with_separators_and_four_figures(value: float | None, text: str) -> None:
    assert format_number(value) == text


def test_a_unit_follows_the_number_unless_it_is_dimensionless() -> None:
    assert format_number(1500, "km") == "1,500 km"
    assert format_number(0.25, "1") == "0.25"


@given(st.floats(min_value=-1e15, max_value=1e15, allow_nan=False))
def test_no_number_from_a_ten_thousandth_up_prints_in_e_notation(value: float) -> None:
    text = format_number(value)
    if abs(value) >= 1e-4:
        assert "e" not in text
        assert math.isclose(float(text.replace(",", "")), value, rel_tol=1e-3, abs_tol=1e-4)


@pytest.mark.parametrize(
    ("share", "text"),
    [(0.375, "37.5 %"), (0.02, "2 %"), (1.0, "100 %"), (0.0, "0 %"), (0.0004, "<0.1 %")],
)
def test_shares_print_as_percentages(share: float, text: str) -> None:
    assert format_share(share) == text


# --- probabilities as probabilities -------------------------------------------------------------


def test_a_yes_no_metric_shows_the_share_of_worlds_not_a_median() -> None:
    held = Metric.of("held", [0, 1, 1, 1], "1", "held in a world")
    assert is_probability(held)
    assert metric_cells(held) == ("75 %", "", "")
    troops = Metric.of("troops", np.linspace(1000, 2000, 101), "troops", "pledged")
    assert not is_probability(troops)
    assert metric_cells(troops) == ("1,500", "1,050", "1,950")


def test_assess_shows_yes_no_metrics_as_shares_of_worlds() -> None:
    from guarantor.assessment import assess

    result = assess("sky-shield-2025", worlds=40, seed=2)
    binary = [
        (section, metric)
        for section in result.sections
        for metric in section.metrics[:8]
        if is_probability(metric) and 0 < metric.value.mean() < 1
    ]
    text = runner.invoke(app, ["assess", "sky-shield-2025", "-n", "40", "-s", "2"]).stdout
    assert binary, "the default package should have a yes/no metric that varies over worlds"
    for _, metric in binary:
        assert format_share(float(metric.value.mean())) in text
    assert "of worlds" in text


# --- paths ---------------------------------------------------------------------------------------


def _store_cases(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    afile = tmp_path / "a-file"
    afile.write_text("not a folder", encoding="utf-8")
    return {
        "a file": (afile, "the results store is a file"),
        "under a file": (afile / "store", "the results store lies under a file"),
        "unwritable": (Path("/proc/guarantor-store"), "the results store cannot be written"),
    }


@pytest.mark.parametrize("case", ["a file", "under a file", "unwritable"])
@pytest.mark.parametrize("command", ["sweep", "sensitivity", "optimize", "worst-case", "discover"])
def test_a_bad_store_is_a_located_error(tmp_path: Path, command: str, case: str) -> None:
    store, message = _store_cases(tmp_path)[case]
    if command == "discover" and case == "unwritable":
        message = "no"  # discover only reads: a missing store is reported by the store itself
    result = runner.invoke(app, [command, "--store", str(store), "--json"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    problem = json.loads(result.stdout)["problems"][0]
    assert message in problem["message"]
    assert str(store) in (problem["file"] or "")


def test_assess_with_a_store_that_is_a_file_is_a_located_error(tmp_path: Path) -> None:
    store, message = _store_cases(tmp_path)["a file"]
    result = runner.invoke(app, ["assess", "-n", "2", "--store", str(store)])
    assert result.exit_code == 1
    assert f"{store} --store: {message}" in result.output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["validate", "{folder}"], "cannot read file"),
        (["validate", "{folder}/missing.yaml"], "cannot read file"),
        (["backtest", "--file", "{folder}"], "cannot read file"),
        (["backtest", "--file", "{folder}/missing.yaml"], "cannot read file"),
        (["bargain", "{folder}/missing.csv"], "no such file"),
        (["package", "show", "{folder}/missing.yaml"], "no such package"),
    ],
)
def test_an_unreadable_input_is_the_projects_error_form(
    tmp_path: Path, arguments: list[str], message: str
) -> None:
    filled = [argument.format(folder=tmp_path) for argument in arguments]
    result = runner.invoke(app, filled)
    assert result.exit_code == 1, result.output
    assert "Usage:" not in result.output
    assert "Traceback" not in result.output
    assert message in result.output


# --- warnings on unreliable results -------------------------------------------------------------


def test_negative_skill_is_a_warning() -> None:
    assert backtest_warnings({"skill": 0.05, "skill_loo": 0.01}) == []
    warnings = backtest_warnings({"skill": 0.05, "skill_loo": -0.146})
    assert len(warnings) == 1
    assert "negative cross-validated" in warnings[0]
    assert "-0.146" in warnings[0]


def test_sobol_intervals_wider_than_the_index_are_a_warning() -> None:
    table: dict[str, Any] = {
        "held_36m": {
            "risk": {"S1": 0.6, "S1_conf": 0.05, "ST": 0.7, "ST_conf": 0.06},
            "resolve": {"S1": 0.01, "S1_conf": 0.3, "ST": 1.058, "ST_conf": 1.892},
        },
        "cost": {"note": "constant"},
    }
    warnings = sobol_warnings(table)
    assert len(warnings) == 1
    assert "held_36m: 2 Sobol indices" in warnings[0]
    assert "ST 1.058 ± 1.892" in warnings[0]
    assert sobol_warnings({"held_36m": {"risk": table["held_36m"]["risk"]}}) == []


def test_duplicate_pareto_points_are_a_warning() -> None:
    rows = [{"levers": {"aircraft": 60}}, {"levers": {"aircraft": 60}}, {"levers": {"a": 1}}]
    assert pareto_warnings(rows) == [
        "the Pareto set holds 1 duplicate point(s) (the same lever settings more than once): "
        "2 distinct choices in 3 rows"
    ]
    assert pareto_warnings(rows[1:]) == []


def test_backtest_shows_its_warnings_in_text_and_json() -> None:
    arguments = ["backtest", "korea-1953", "minsk-1-2014", "budapest-1994", "-n", "40"]
    data = json.loads(runner.invoke(app, [*arguments, "--json"]).stdout)
    assert data["warnings"] == backtest_warnings(data)
    text = runner.invoke(app, arguments).stdout
    for warning in data["warnings"]:
        assert warning[:40] in text.replace("\n", " ")
    assert ("warning:" in text) == bool(data["warnings"])


# --- the README's command table -----------------------------------------------------------------


def test_every_option_the_readme_table_shows_exists_on_its_command() -> None:
    import re

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `guarantor ([a-z-]+)([^`]*)`", readme, re.M)
    checked = 0
    for name, rest in rows:
        command = COMMANDS.get(name)
        if command is None:  # a group (roe, package): its sub-commands have their own help
            continue
        opts = {opt for param in command.params for opt in param.opts}
        for option in re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", rest):
            assert option in opts, f"README shows {option} on {name}, which has {sorted(opts)}"
            checked += 1
    assert checked >= 20
