from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from guarantor.errors import DataError, Problem
from guarantor.yamlio import MAX_NODES, load_yaml_text


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


# -- limits: bombs, depth, merge keys, size -----------------------------------------------------


def _laughs(levels: int, width: int = 9) -> str:
    """The "billion laughs": each level repeats the previous one ``width`` times."""
    rows = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    for level in range(1, levels):
        rows.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * width)}]")
    return "\n".join(rows) + "\n"


def _refused(text: str) -> Problem:
    start = time.perf_counter()
    with pytest.raises(DataError) as caught:
        load_yaml_text(text, "hostile.yaml")
    assert time.perf_counter() - start < 1.0
    problem = caught.value.problems[0]
    assert problem.file == "hostile.yaml"
    return problem


def test_an_alias_bomb_is_refused_before_it_expands() -> None:
    problem = _refused(_laughs(9))  # 9**9 = 387 million strings if expanded
    assert "too many nodes" in problem.message and problem.line is not None
    assert len(_laughs(9)) < 700


def test_a_small_alias_tree_is_read_and_shares_nothing_surprising() -> None:
    data, _ = load_yaml_text(_laughs(3, 3), "ok.yaml")
    assert data["l2"] == [[["lol"] * 3] * 3] * 3


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[" * 1000 + "]" * 1000, "nested too deeply"),
        ("{a: " * 1000 + "1" + "}" * 1000, "nested too deeply"),
        ("".join(" " * depth + "- \n" for depth in range(200)), "nested too deeply"),
        ("&a [*a]\n", "recursive alias"),
        ("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n", "merge keys"),
        ("x: [*a]\n", "undefined alias"),
        ("a: &a 1\nx: [" + ", ".join(["*a"] * 1001) + "]\n", "too many aliases"),
        ("a: " + "x" * 2_000_001 + "\n", "too long"),
    ],
)
def test_hostile_documents_are_refused_fast_and_located(text: str, words: str) -> None:
    problem = _refused(text)
    assert words in str(problem)


def test_merge_keys_point_at_their_line() -> None:
    problem = _refused("base: &b {x: 1}\nother:\n  <<: *b\n")
    assert problem.line == 3 and problem.field == "other"


def test_every_shipped_yaml_file_stays_within_the_limits() -> None:
    root = Path(__file__).resolve().parent.parent / "src" / "guarantor"
    shipped = sorted(root.rglob("*.yaml"))
    assert len(shipped) > 10
    for path in shipped:
        load_yaml_text(path.read_text(encoding="utf-8"), str(path))


# -- properties over random structures ----------------------------------------------------------

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12),
)
_structures = st.recursive(
    _scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(st.text("abcxyz_", min_size=1, max_size=6), children, max_size=5),
    ),
    max_leaves=40,
)


@settings(max_examples=150, deadline=None)
@given(_structures)
def test_plain_data_round_trips(value: object) -> None:
    data, _ = load_yaml_text(yaml.safe_dump({"v": value}), "round.yaml")
    assert data == {"v": value}


_tokens = st.sampled_from(
    ["[", "]", "{", "}", "- ", ": ", ", ", "\n", "  ", "&a ", "&b ", "*a", "*b", "<<: ", "x", "1",
     "!!str ", "!!python/object:os.system ", "'", '"', "? ", "|\n", "#", "%YAML 1.1\n", "---\n"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_tokens, max_size=120), st.integers(1, 40))
def test_random_yaml_never_escapes_as_anything_but_a_located_data_error(
    tokens: list[str], repeat: int
) -> None:
    text = "".join(tokens) * repeat
    start = time.perf_counter()
    try:
        load_yaml_text(text, "fuzz.yaml")
    except DataError as error:
        assert error.problems and all(p.file == "fuzz.yaml" for p in error.problems)
    assert time.perf_counter() - start < 1.0


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 12), st.integers(2, 12), st.integers(0, 3))
def test_alias_trees_are_read_or_refused_by_size_never_expanded_past_the_limit(
    levels: int, width: int, tail: int
) -> None:
    text = _laughs(levels, width) + "extra: [" + ", ".join(["*l0"] * tail) + "]\n"
    expanded = sum(width**level for level in range(1, levels + 1)) + levels + 1 + tail
    start = time.perf_counter()
    try:
        data, _ = load_yaml_text(text, "tree.yaml")
    except DataError as error:
        assert "too many nodes" in error.problems[0].message or "aliases" in str(error)
        assert time.perf_counter() - start < 1.0  # a refusal costs no expansion
    else:
        # a tree within the limit is built node by node: bounded, but not instant when
        # it holds tens of thousands of nodes on a busy machine
        assert expanded <= MAX_NODES * 2 and len(data) == levels + 1
        assert time.perf_counter() - start < 5.0
    tracemalloc.start()
    try:
        load_yaml_text(text, "tree.yaml")
    except DataError:
        pass
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < 64 * 2**20  # bytes: bounded memory whatever the tree would expand to
