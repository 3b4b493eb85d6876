"""Rule-set and fixtures files as written: pydantic checks their shape.

Conditions and expressions are compiled by :mod:`guarantor.roe.conditions`; the loader
(:mod:`guarantor.roe.loader`) turns these documents into :class:`~guarantor.roe.rules.Ruleset`
and :class:`Fixtures`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Self

from pydantic import Field, model_validator

from guarantor.roe.schema import Authority, Direction, HitPolicy, Incident, Response
from guarantor.sourcing import Quantity, Source, SourceRef, Strict
from guarantor.theatre.schema import Identifier


class RuleDoc(Strict):
    """A rule as written."""

    id: Identifier
    when: dict[str, Any] = Field(default_factory=dict)
    then: str
    authority: Authority = Authority.ON_SCENE
    reason: str = Field(min_length=1)
    source: SourceRef | None = None
    sources: tuple[Identifier, ...] = ()
    note: str | None = None


class ProhibitionDoc(Strict):
    """A prohibition as written: responses no rule may give where ``when`` holds."""

    id: Identifier
    when: dict[str, Any] = Field(default_factory=dict)
    never: Any
    reason: str = Field(min_length=1)
    source: SourceRef | None = None
    sources: tuple[Identifier, ...] = ()
    note: str | None = None


class FieldDoc(Strict):
    """An incident field a rule set declares in its own schema."""

    kind: Literal["flag", "ordinal", "category", "measure"]
    description: str = Field(min_length=1)
    values: tuple[Identifier, ...] = ()
    unit: str | None = None
    default: str | bool | None = None
    direction: Direction | None = None  # for the threat lattice (monotone), if it has one

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.kind in {"ordinal", "category"}:
            if len(self.values) < 2 or len(set(self.values)) != len(self.values):
                raise ValueError(
                    f"a{'n' if self.kind == 'ordinal' else ''} {self.kind} field "
                    "needs at least two distinct values"
                )
            if self.default is not None and self.default not in self.values:
                raise ValueError(f"default {self.default!r} is not one of {list(self.values)}")
        elif self.values:
            raise ValueError(f"a {self.kind} field has no list of values")
        if self.kind == "flag" and self.default is not None and not isinstance(self.default, bool):
            raise ValueError("a flag's default is true or false")
        if self.kind == "measure" and (not self.unit or self.default is not None):
            raise ValueError("a measure field has a unit and no default (absent means 0)")
        if self.direction is not None and self.kind in {"category"}:
            raise ValueError("a category has no order, so no direction")
        return self


class DefaultDoc(Strict):
    """The default response, and the incidents allowed to fall through to it."""

    response: str = "monitor"
    allowed_when: Any = None


class InvariantDoc(Strict):
    """An invariant as written."""

    id: Identifier
    text: str = Field(min_length=1)
    when: Any = None
    require: Any
    within: Any = None
    source: SourceRef | None = None
    sources: tuple[Identifier, ...] = ()


class RulesetDoc(Strict):
    """A rule-set file as written."""

    name: Identifier
    title: str = Field(min_length=1)
    description: str = ""
    mission: str = ""
    hit_policy: HitPolicy
    sources: dict[Identifier, Source] = Field(default_factory=dict)
    parameters: dict[Identifier, Quantity] = Field(default_factory=dict)
    fields: dict[Identifier, FieldDoc] = Field(default_factory=dict)
    scope: dict[str, Any] = Field(default_factory=dict)
    default: DefaultDoc = Field(default_factory=DefaultDoc)
    monotone: dict[str, Direction] | None = None
    rules: list[RuleDoc] = Field(min_length=1)
    prohibitions: list[ProhibitionDoc] = Field(default_factory=list)
    invariants: list[InvariantDoc] = Field(default_factory=list)


class FixtureDoc(Strict):
    """An incident with the response it should get."""

    id: Identifier
    incident: dict[str, Any]
    expect: str
    expect_rule: str | None = None
    note: str | None = None
    source: SourceRef | None = None


class FixturesDoc(Strict):
    """A fixtures file as written."""

    ruleset: str | None = None
    description: str = ""
    sources: dict[Identifier, Source] = Field(default_factory=dict)
    fixtures: list[FixtureDoc] = Field(min_length=1)


@dataclass(frozen=True)
class Fixture:
    """A loaded fixture: an incident and the response expected.

    ``bands`` are the ranges its measured fields are claimed to hold over
    (``{field: (low, high)}``), checked by the solver.
    """

    id: str
    incident: Incident
    expect: Response
    expect_rule: str | None = None
    bands: dict[str, tuple[float, float]] = field(default_factory=dict)
    note: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Fixtures:
    """A loaded fixtures file."""

    fixtures: tuple[Fixture, ...]
    ruleset: str | None
    file: str
