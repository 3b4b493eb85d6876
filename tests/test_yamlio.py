from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guarantor.errors import DataError
from guarantor.yamlio import load_yaml_text


def test_lines_are_recorded_for_nested_nodes() -> None:
    text = "name: x\ncommitments:\n  - id: a\n    troops: 5\n  - id: b\n    troops: -4\n"
    data, lines = load_yaml_text(text, "p.yaml")
    assert data["commitments"][1]["troops"] == -4
    assert lines.line(("commitments", 1, "troops")) == 6
    assert lines.line(("commitments", 0)) == 3
    # an unknown deeper path falls back to its nearest known ancestor
    assert lines.line(("commitments", 1, "troops", "value")) == 6


def test_dates_stay_text() -> None:
    data, _ = load_yaml_text("date: 2025-03-06\n", "s.yaml")
    assert data == {"date": "2025-03-06"}


def test_object_constructing_tags_are_refused() -> None:
    with pytest.raises(DataError) as caught:
        load_yaml_text("x: !!python/object/apply:os.system ['echo hi']\n", "evil.yaml")
    problem = caught.value.problems[0]
    assert problem.file == "evil.yaml"
    assert problem.line == 1
    assert "tag" in problem.message


def test_duplicate_keys_are_reported_with_their_line() -> None:
    with pytest.raises(DataError) as caught:
        load_yaml_text("a: 1\nb: 2\na: 3\n", "dup.yaml")
    assert [(p.line, p.field) for p in caught.value.problems] == [(3, "a")]


def test_syntax_errors_name_the_line() -> None:
    with pytest.raises(DataError) as caught:
        load_yaml_text("a: [1, 2\nb: 3\n", "bad.yaml")
    assert caught.value.problems[0].line is not None


@given(st.text(max_size=200))
def test_any_text_either_loads_or_raises_data_error(text: str) -> None:
    try:
        load_yaml_text(text, "fuzz.yaml")
    except DataError as error:
        assert error.problems
