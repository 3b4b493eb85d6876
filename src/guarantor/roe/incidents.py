"""Reading incidents and fixtures: every problem located by file, line and field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from guarantor.errors import DataError, Problem, short_repr
from guarantor.roe.documents import Fixture, Fixtures, FixturesDoc
from guarantor.roe.loader import (
    duplicate_ids,
    fixtures_path,
    list_of,
    response_at,
    unique_problems,
)
from guarantor.roe.schema import INCIDENT_FIELDS, FieldKind, Incident
from guarantor.sourcing import Quantity, check_source_refs, pydantic_problems, validate_as
from guarantor.yamlio import LineMap, load_yaml, load_yaml_text

Path_ = tuple[str | int, ...]


def parse_incident(
    raw: Any, lines: LineMap, path: Path_ = ()
) -> tuple[Incident | None, dict[str, tuple[float, float]], list[Problem]]:
    """Check one incident written as plain data.

    Measured fields may be plain numbers or quantities (``{value, unit, source}`` or an
    assumption with ``low``/``high``); a quantity's range becomes a band the fixture claims
    to hold over. Returns the incident (None when invalid), the bands and the problems.
    """
    problems: list[Problem] = []
    bands: dict[str, tuple[float, float]] = {}
    if not isinstance(raw, dict):
        problems.append(
            lines.problem(list(path), "an incident is a mapping", received=short_repr(raw))
        )
        return None, bands, problems
    values = {key: value for key, value in raw.items() if key in INCIDENT_FIELDS}
    # fields a rule set declares in its own schema; the rule set checks them when it decides
    extra = {str(key): value for key, value in raw.items() if key not in INCIDENT_FIELDS}
    if extra:
        values["extra"] = extra
    for name, spec in INCIDENT_FIELDS.items():
        given = raw.get(name)
        if spec.kind is not FieldKind.MEASURE or not isinstance(given, dict):
            continue
        try:
            quantity = Quantity.model_validate(given)
        except ValidationError as error:
            problems.extend(pydantic_problems(error, lines, prefix=(*path, name)))
            continue
        if quantity.unit != spec.unit:
            problems.append(
                lines.problem(
                    [*path, name, "unit"],
                    f"wrong unit for {name}",
                    expected=spec.unit,
                    received=quantity.unit,
                )
            )
            continue
        values[name] = quantity.value
        if quantity.low is not None and quantity.high is not None:
            bands[name] = (max(quantity.low, 0.0), quantity.high)
    try:
        incident = Incident.model_validate(values)
    except ValidationError as error:
        problems.extend(pydantic_problems(error, lines, prefix=path))
        return None, bands, problems
    return (incident if not problems else None), bands, problems


def load_incident(source: str | Path) -> Incident:
    """Read an incident from a YAML/JSON file, or from inline YAML (``{domain: air, ...}``).

    Raises:
        DataError: with every problem found, located.
    """
    text = str(source)
    if text.lstrip().startswith("{"):
        raw, lines = load_yaml_text(text, "<incident>")
    else:
        raw, lines = load_yaml(Path(source))
    path: Path_ = ()
    if isinstance(raw, dict) and isinstance(raw.get("incident"), dict):
        raw, path = raw["incident"], ("incident",)
    incident, _, problems = parse_incident(raw, lines, path)
    if problems or incident is None:
        raise DataError(problems)
    return incident


def parse_fixtures(text: str, file: str) -> Fixtures:
    """Parse and check incident fixtures from YAML text.

    Raises:
        DataError: with every problem found, each located by file, line and field.
    """
    raw, lines = load_yaml_text(text, file)
    return _fixtures(raw, lines)


def load_fixtures(name_or_path: str | Path) -> Fixtures:
    """Load incident fixtures (shipped name or path) and check them.

    Raises:
        DataError: with every problem found, each located by file, line and field.
    """
    raw, lines = load_yaml(fixtures_path(name_or_path))
    return _fixtures(raw, lines)


def _fixtures(raw: Any, lines: LineMap) -> Fixtures:
    if not isinstance(raw, dict):
        raise DataError(
            [lines.problem([], "a fixtures file is a mapping", received=type(raw).__name__)]
        )
    problems: list[Problem] = []
    doc: FixturesDoc | None = None
    try:
        doc = validate_as(FixturesDoc, raw, lines)
    except DataError as error:
        problems.extend(error.problems)
    fixtures: list[Fixture] = []
    raw_items = list_of(raw.get("fixtures"))
    for index, item in enumerate(raw_items):
        if not isinstance(item, dict):
            continue
        where: Path_ = ("fixtures", index)
        incident, bands, found = parse_incident(item.get("incident"), lines, (*where, "incident"))
        problems.extend(found)
        expect = response_at(item.get("expect"), (*where, "expect"), lines, problems)
        if incident is not None and expect is not None and isinstance(item.get("id"), str):
            rule = item.get("expect_rule")
            note = item.get("note")
            fixtures.append(
                Fixture(
                    id=item["id"],
                    incident=incident,
                    expect=expect,
                    expect_rule=rule if isinstance(rule, str) else None,
                    bands=bands,
                    note=note if isinstance(note, str) else None,
                    line=lines.line(list(where)),
                )
            )
    problems.extend(duplicate_ids(raw_items, "fixtures", "fixture", lines))
    known_sources = raw["sources"] if isinstance(raw.get("sources"), dict) else {}
    problems.extend(check_source_refs(raw, set(known_sources), lines))
    if problems or doc is None:
        raise DataError(unique_problems(problems))
    return Fixtures(fixtures=tuple(fixtures), ruleset=doc.ruleset, file=lines.file)
