from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guarantor.errors import DataError
from guarantor.packages import (
    BackstopLevel,
    Instrument,
    Package,
    load_package,
    package_path,
    parse_package,
    shipped_packages,
)
from guarantor.packages.schema import AirPolicing, ReassuranceForce, magnitude
from guarantor.theatre import Theatre

BAD = Path(__file__).parent / "data" / "bad"


def test_at_least_five_sourced_packages_ship(packages: dict[str, Package]) -> None:
    assert {
        "paris-declaration-2026",
        "sky-shield-2025",
        "nato-track",
        "minsk-monitors",
        "istanbul-2022",
    } <= set(packages)


def test_sky_shield_pledges_about_120_fighters(packages: dict[str, Package]) -> None:
    sky = packages["sky-shield-2025"]
    air = [c for c in sky.of(Instrument.AIR_POLICING) if isinstance(c, AirPolicing)]
    assert sum(magnitude(pledge.count) for c in air for pledge in c.aircraft) == 120
    bases = {pledge.base for c in air for pledge in c.aircraft}
    assert bases <= {"EPRZ", "EPLK", "EPMM", "LRFT", "LRCK", "LRCT"}


def test_paris_declaration_carries_its_conditions(packages: dict[str, Package]) -> None:
    paris = packages["paris-declaration-2026"]
    germany = paris.commitment("germany-neighbouring-force")
    assert isinstance(germany, ReassuranceForce)
    assert germany.conditional
    texts = [condition.describe() for condition in germany.conditions]
    assert "the US backstop is at least 'enablers'" in texts
    assert "a ceasefire is agreed with Russia" in texts
    backstop = paris.commitment("us-enablers")
    assert backstop.level is BackstopLevel.ENABLERS  # type: ignore[union-attr]
    assert [t.then.value for t in paris.triggers] == ["snap_back_sanctions", "reinforce"]


def test_istanbul_caps_ukraine_army_at_russias_proposal(packages: dict[str, Package]) -> None:
    cap = packages["istanbul-2022"].commitment("army-cap")
    assert magnitude(cap.troops) == 85_000  # type: ignore[union-attr]
    assert cap.troops.range == (85_000, 250_000)  # type: ignore[union-attr]


def test_a_name_or_a_path_resolves_and_none_gives_the_default() -> None:
    assert package_path(None).stem == "paris-declaration-2026"
    path = package_path("minsk-monitors")
    assert package_path(str(path)) == path
    with pytest.raises(DataError) as caught:
        package_path("no-such-package")
    assert "no such package" in str(caught.value)


def _problems(name: str, theatre: Theatre) -> list[tuple[int | None, str, str]]:
    with pytest.raises(DataError) as caught:
        load_package(BAD / name, theatre)
    problems = caught.value.problems
    assert all(p.file and p.file.endswith(name) for p in problems)
    return [(p.line, p.field, p.message) for p in problems]


def test_negative_count_is_refused_with_its_line(theatre: Theatre) -> None:
    problems = _problems("negative-count.yaml", theatre)
    assert problems == [(8, "commitments.0.aircraft.0.count", "must be ≥ 0, got -4")]


def test_unknown_references_are_all_reported(theatre: Theatre) -> None:
    problems = _problems("unknown-references.yaml", theatre)
    fields = {field: message for _, field, message in problems}
    assert fields == {
        "roe": "unknown rules of engagement",
        "commitments.0.actor": "unknown actor",
        "commitments.0.aircraft.0.type": "unknown aircraft type",
        "commitments.0.aircraft.1.base": "unknown air base",
        "commitments.0.protect.0": "unknown place",
        "commitments.1.ships.0.type": "unknown ship type",
    }


def test_unit_mistakes_name_the_expected_unit(theatre: Theatre) -> None:
    problems = _problems("unit-mistake.yaml", theatre)
    messages = {field: message for _, field, message in problems}
    assert messages["commitments.0.troops"] == "unit must be 'troops', got 'aircraft'"
    assert messages["commitments.1.monitors"] == "unit must be 'people', got 'troops'"
    # the inline source id "x" is unknown too
    assert "commitments.0.troops.source" in messages


def test_duplicate_ids_are_caught(theatre: Theatre) -> None:
    assert _problems("duplicate-ids.yaml", theatre) == [
        (8, "commitments.1.id", "duplicate commitment id 'backstop'")
    ]


def test_missing_and_unknown_fields_are_all_reported(theatre: Theatre) -> None:
    problems = _problems("missing-and-unknown-fields.yaml", theatre)
    fields = [field for _, field, _ in problems]
    assert "title" in fields
    assert "commitments.0" in fields  # no instrument to tell its kind
    assert "commitments.1.level" in fields  # 'crippling' is no sanctions level
    assert "commitments.2.tanks" in fields  # a reassurance force has no tanks
    assert "commitments.3" in fields or "commitments.3.instrument" in fields
    assert len(problems) >= 5


def test_conditions_and_triggers_are_checked(theatre: Theatre) -> None:
    problems = _problems("bad-conditions-and-triggers.yaml", theatre)
    fields = {field for _, field, _ in problems}
    assert {
        "commitments.0.conditions.0",
        "commitments.0.conditions.1.parliament_approves",
        "commitments.0.conditions.2.commitment_active",
        "triggers.0",
        "triggers.1.commitment",
        "triggers.2.when",
    } <= fields


def test_yaml_syntax_errors_and_object_tags_are_refused(theatre: Theatre) -> None:
    assert _problems("not-yaml.yaml", theatre)[0][0] is not None
    (line, _, message), *_ = _problems("python-tag.yaml", theatre)
    assert line == 3
    assert "tag" in message


SHIPPED_TEXT = package_path("paris-declaration-2026").read_text(encoding="utf-8")
LINES = SHIPPED_TEXT.splitlines()
MUTATION_VALUES = st.sampled_from(
    ["-4", "0", "1e309", "banana", "[]", "{}", "null", "true", "'EPXX'", "{value: 3}", "!!str 5"]
)


@st.composite
def mutated_package(draw: st.DrawFn) -> str:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "value", "duplicate", "indent", "garbage"]))
        line = lines[index]
        if action == "delete":
            del lines[index]
        elif action == "value" and ":" in line:
            key = line.split(":", 1)[0]
            lines[index] = f"{key}: {draw(MUTATION_VALUES)}"
        elif action == "duplicate":
            lines.insert(index, line)
        elif action == "indent":
            lines[index] = " " * draw(st.integers(0, 6)) + line.lstrip()
        else:
            lines[index] = draw(st.text(max_size=30))
        if not lines:
            break
    return "\n".join(lines)


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutated_package())
def test_mutated_packages_load_or_raise_located_data_errors(theatre: Theatre, text: str) -> None:
    try:
        package = parse_package(text, "mutant.yaml", theatre)
    except DataError as error:
        assert error.problems
        assert all(problem.file == "mutant.yaml" for problem in error.problems)
    else:
        assert isinstance(package, Package)


def test_every_shipped_package_loads(theatre: Theatre) -> None:
    for name in shipped_packages():
        assert load_package(name, theatre).name == name
