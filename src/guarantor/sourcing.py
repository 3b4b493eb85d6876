"""Sources and quantities: every number in shipped data has a source or is a flagged assumption.

A :class:`Quantity` is written in YAML as a mapping::

    cruise_speed_kmh: {value: 850, unit: km/h, source: usaf-f16-factsheet}
    mission_capable_rate: {value: 0.62, low: 0.55, high: 0.75, unit: "1",
                           assumption: "European fleets' rate unpublished; USAF FY2024 as proxy"}

``source`` names an entry of a source registry (or is an inline :class:`Source`); ``assumption``
is a sentence saying what was assumed, and then ``low`` and ``high`` are required so that the
value can be swept. A sourced value may also carry ``low``/``high`` where sources disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from guarantor.errors import DataError, Problem, short_repr
from guarantor.yamlio import LineMap, load_yaml

ModelT = TypeVar("ModelT", bound=BaseModel)


class Strict(BaseModel):
    """Base for schema models: unknown fields are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Source(Strict):
    """A published source: the original outlet or document, its date and the URL read."""

    outlet: str = Field(min_length=1, description="outlet or issuing body, e.g. 'Reuters'")
    title: str | None = None
    date: str = Field(min_length=1, description="date as published, e.g. '2025-03-06'")
    url: str = Field(pattern=r"^https?://\S+$")
    note: str | None = None

    def cite(self) -> str:
        """Return a one-line citation."""
        title = f", {self.title}" if self.title else ""
        return f"{self.outlet}{title} ({self.date}) {self.url}"


SourceRef = str | Source
Finite = Annotated[float, Field(allow_inf_nan=False)]
"""A number that is neither infinite nor NaN (``.inf`` and ``.nan`` are refused at load)."""


class Quantity(Strict):
    """A number with its unit and its provenance (a source, or an assumption with a range)."""

    value: Finite
    unit: str = Field(min_length=1)
    source: SourceRef | None = None
    assumption: str | None = None
    low: Finite | None = None
    high: Finite | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _provenance(self) -> Self:
        if (self.source is None) == (self.assumption is None):
            raise ValueError("give exactly one of 'source' or 'assumption'")
        if self.assumption is not None and (self.low is None or self.high is None):
            raise ValueError("an assumption needs a 'low' and a 'high' so that it can be swept")
        if (self.low is None) != (self.high is None):
            raise ValueError("give both 'low' and 'high', or neither")
        if self.low is not None and self.high is not None:
            if self.low > self.high:
                raise ValueError(f"low ({self.low}) is above high ({self.high})")
            if not self.low <= self.value <= self.high:
                raise ValueError(f"value {self.value} lies outside [{self.low}, {self.high}]")
        return self

    @property
    def is_assumption(self) -> bool:
        """Whether the value is a flagged assumption rather than a sourced figure."""
        return self.assumption is not None

    @property
    def range(self) -> tuple[float, float]:
        """The low–high range, or the value itself at both ends when there is none."""
        low = self.value if self.low is None else self.low
        high = self.value if self.high is None else self.high
        return (low, high)

    def source_ids(self) -> list[str]:
        """Ids of registry sources this quantity cites."""
        return [self.source] if isinstance(self.source, str) else []


def pydantic_problems(
    error: ValidationError, lines: LineMap, data: Any = None, prefix: tuple[str | int, ...] = ()
) -> list[Problem]:
    """Turn a pydantic error into located problems (file, line, dotted field, expected, got).

    pydantic puts the tags of unions into an error's location (``commitments.0.air_policing``,
    ``function-after[...]``); the user never wrote those, so the location is walked through
    ``data`` and only the keys and indices that exist in it are kept.
    """
    problems = []
    for detail in error.errors(include_url=False):
        path = [*prefix, *_written_path(data, detail["loc"])]
        message = detail["msg"].removeprefix("Value error, ")
        received = None
        if "input" in detail and "got " not in message:
            received = short_repr(detail.get("input"))
        problems.append(lines.problem(path, message, received=received))
    return list(dict.fromkeys(problems))


def _written_path(data: Any, loc: tuple[int | str, ...]) -> list[str | int]:
    path: list[str | int] = []
    node = data
    for part in loc:
        in_mapping = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_mapping or in_list:
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and _is_union_tag(part, node):
            continue
        elif isinstance(node, (dict, list)) and not isinstance(part, int):
            # a missing field: name it, there is nothing deeper to walk
            if not _is_union_tag(part, node):
                path.append(part)
            node = None
            continue
        else:
            node = None
        path.append(part)
    return path


def _is_union_tag(part: str, node: Any) -> bool:
    if "[" in part or part in {"str", "float", "int", "list", "dict", "bool"}:
        return True
    if part[:1].isupper():  # a member model's class name
        return True
    # the value of a discriminator field, e.g. instrument: air_policing
    return isinstance(node, dict) and part in {str(value) for value in node.values()}


def validate_as(
    model: type[ModelT], data: Any, lines: LineMap, context: Mapping[str, Any] | None = None
) -> ModelT:
    """Validate ``data`` as ``model``; raise a :class:`DataError` with every problem located."""
    try:
        return model.model_validate(data, context=dict(context or {}))
    except ValidationError as error:
        raise DataError(pydantic_problems(error, lines, data)) from None


def check_source_refs(
    raw: Any, known: Mapping[str, Any] | set[str], lines: LineMap
) -> list[Problem]:
    """Return a problem for every ``source: <id>`` (or ``sources: [ids]``) not in ``known``."""
    problems = []
    for path, ref in source_refs(raw):
        if ref not in known:
            problems.append(
                lines.problem(list(path), "unknown source", expected="a source id", received=ref)
            )
    return problems


def source_refs(
    data: Any, path: tuple[str | int, ...] = ()
) -> list[tuple[tuple[str | int, ...], str]]:
    """Find every ``source: <id>`` (and ``sources: [ids]``) reference in plain data."""
    found: list[tuple[tuple[str | int, ...], str]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "source" and isinstance(value, str):
                found.append(((*path, key), value))
            elif key in {"sources", "length_sources"} and isinstance(value, list):
                found.extend(
                    ((*path, key, index), item)
                    for index, item in enumerate(value)
                    if isinstance(item, str)
                )
            elif key != "sources":
                found.extend(source_refs(value, (*path, key)))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            found.extend(source_refs(item, (*path, index)))
    return found


def load_sourced(path: Path, model: type[ModelT]) -> ModelT:
    """Read a YAML data file that carries its own ``sources:`` registry, and validate it.

    Schema problems and references to unknown sources are reported together.

    Raises:
        DataError: with every problem found, each located by file, line and field.
    """
    raw, lines = load_yaml(path)
    problems: list[Problem] = []
    data: ModelT | None = None
    try:
        data = validate_as(model, raw, lines)
    except DataError as error:
        problems.extend(error.problems)
    if isinstance(raw, dict):
        known = raw.get("sources") if isinstance(raw.get("sources"), dict) else {}
        problems.extend(check_source_refs(raw, set(known or {}), lines))
    if problems:
        unique = dict.fromkeys(problems)
        raise DataError(sorted(unique, key=lambda problem: (problem.line or 0, problem.field)))
    assert data is not None
    return data
