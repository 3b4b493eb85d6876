"""Actor files and KTAB CSVs: shipped data loads, bad data is refused with located problems."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from guarantor.bargaining import load_actors, read_bdm_csv, read_ktab_csv
from guarantor.bargaining.actors import parse_actors
from guarantor.errors import DataError
from guarantor.yamlio import load_yaml, load_yaml_text

BAD = Path(__file__).resolve().parent / "data" / "bargaining"
REQUIRED_ACTORS = {
    "UKR",
    "RUS",
    "USA",
    "GBR",
    "FRA",
    "DEU",
    "POL",
    "ITA",
    "SVK",
    "HUN",
    "TUR",
    "EST",
    "LVA",
    "LTU",
}
REQUIRED_DIMENSIONS = {
    "nato",
    "foreign_troops",
    "us_commitment",
    "territory",
    "army_cap",
    "sanctions",
    "foreign_aircraft",
    "black_sea_warships",
    "monitors",
}


def test_shipped_actors_cover_the_issue_and_actors_asked_for() -> None:
    actors = load_actors()
    assert set(actors.actor_ids) == REQUIRED_ACTORS
    assert set(actors.dimension_ids) == REQUIRED_DIMENSIONS
    table = actors.table()
    assert table.position.shape == (14, 9)
    assert np.all(table.salience.sum(axis=1) <= 1.0)
    assert table.capability[table.index("USA")] > table.capability[table.index("RUS")]
    # the fact sheet's ordinal seed (section A3) on NATO membership
    nato = dict(zip(table.actors, table.position[:, 0], strict=True))
    assert nato["EST"] < nato["GBR"] < nato["TUR"] < nato["DEU"] < nato["USA"] < nato["SVK"]
    assert nato["SVK"] < nato["HUN"] < nato["RUS"]
    assert nato["RUS"] >= 0.95  # fitted to three statements demanding renunciation


def test_unanimity_bodies_and_russias_red_lines_are_declared() -> None:
    actors = load_actors()
    bodies = {body.id: body for body in actors.bodies}
    assert {"HUN", "SVK", "TUR"} <= set(bodies["NATO"].members)
    assert {"HUN", "SVK"} <= set(bodies["EU"].members)
    russia = next(a for a in actors.actors if a.id == "RUS")
    assert {line.dimension for line in russia.red_lines} == {
        "foreign_troops",
        "nato",
        "foreign_aircraft",
    }


def test_bad_actor_file_reports_every_problem_located() -> None:
    with pytest.raises(DataError) as caught:
        load_actors(BAD / "bad-actors.yaml")
    problems = caught.value.problems
    messages = [p.message for p in problems]
    assert "missing capability" in messages
    assert all(p.file and p.file.endswith("bad-actors.yaml") for p in problems)
    assert {"unknown dimension", "saliences of one actor sum over the limit"} <= set(messages)
    missing = next(p for p in problems if p.message == "missing capability")
    assert missing.field == "actors.1"
    assert missing.line == 22


def test_salience_over_the_limit_and_unknown_dimension_are_located() -> None:
    raw, lines = load_yaml(BAD / "bad-actors.yaml")
    raw["actors"][1]["capability"] = {
        "value": 1,
        "unit": "USD bn",
        "low": 1,
        "high": 1,
        "assumption": "fixed for the test",
    }
    with pytest.raises(DataError) as caught:
        parse_actors(raw, lines)
    by_message = {p.message: p for p in caught.value.problems}
    over = by_message["saliences of one actor sum over the limit"]
    assert over.field == "actors.0.salience"
    assert over.received == "1.3"
    assert over.line == 19
    unknown = by_message["unknown dimension"]
    assert unknown.field == "actors.0.salience.troops"
    assert unknown.received == "troops"


def test_ktab_csv_with_salience_over_100_is_refused() -> None:
    with pytest.raises(DataError) as caught:
        read_ktab_csv(BAD / "ktab-salience-over-100.csv")
    (problem,) = caught.value.problems
    assert problem.line == 3
    assert problem.field == "SActor-00.salience"
    assert problem.received == "183.59"


def test_bdm_csv_reads_the_published_example() -> None:
    root = Path(__file__).resolve().parents[1] / "src" / "guarantor" / "bargaining" / "data"
    table = read_bdm_csv(root / "bdm-example.csv")
    assert table.actors[:2] == ("Netherlands", "Belgium")
    assert table.position[:, 0].tolist() == [4, 7, 4, 4, 10, 10, 10, 7, 4, 7]


@given(st.text(max_size=300))
def test_malformed_ktab_csv_raises_only_data_error(tmp_path_factory, text: str) -> None:
    path = tmp_path_factory.mktemp("csv") / "input.csv"
    path.write_text(text, encoding="utf-8")
    try:
        table = read_ktab_csv(path)
    except DataError as error:
        assert error.problems
    else:
        assert table.n_actors >= 2


_cells = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=True), st.text(max_size=5)
)
_values = st.recursive(
    _cells,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)


@given(
    st.dictionaries(
        st.sampled_from(
            ["name", "title", "dimensions", "actors", "bodies", "status_quo", "sources"]
        ),
        _values,
        max_size=6,
    )
)
def test_malformed_actor_data_raises_only_data_error(data: dict[str, Any]) -> None:
    _, lines = load_yaml_text("{}", "fuzz.yaml")
    with pytest.raises(DataError):
        parse_actors(data, lines)


@given(st.integers(0, 40), st.sampled_from(["nato", "value", "0.9", "capability", "[", "'"]))
def test_mutated_shipped_file_raises_only_data_error(
    tmp_path_factory, line: int, token: str
) -> None:
    root = Path(__file__).resolve().parents[1] / "src" / "guarantor" / "bargaining" / "data"
    text = (root / "actors-2025.yaml").read_text(encoding="utf-8").splitlines()
    index = 180 + line
    text[index] = text[index].replace("value", token, 1) if "value" in text[index] else token
    path = tmp_path_factory.mktemp("yaml") / "mutated.yaml"
    path.write_text("\n".join(text), encoding="utf-8")
    try:
        load_actors(path)
    except DataError as error:
        assert all(p.file == str(path) for p in error.problems)
