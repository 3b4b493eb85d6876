"""Loading rule sets: every problem located by file, line and field.

Incidents and fixtures are read by :mod:`guarantor.roe.incidents`.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from guarantor.errors import DataError, Problem, short_repr
from guarantor.roe.conditions import Compiler
from guarantor.roe.documents import RulesetDoc
from guarantor.roe.rules import All, AnyOf, Expr, Invariant, Prohibition, Rule, Ruleset, describe
from guarantor.roe.schema import (
    DEFAULT_MONOTONE,
    INCIDENT_FIELDS,
    RESPONSE_FIELD,
    FieldKind,
    FieldSpec,
    Response,
)
from guarantor.sourcing import check_source_refs, validate_as
from guarantor.yamlio import LineMap, load_yaml, load_yaml_text

Path_ = tuple[str | int, ...]


def _data_root() -> Path:
    return Path(str(resources.files("guarantor.roe") / "data"))


def shipped_rulesets() -> list[str]:
    """Names of the rule sets shipped inside guarantor."""
    return sorted(path.stem for path in _data_root().glob("*.yaml"))


def shipped_fixtures() -> list[str]:
    """Names of the fixture files shipped inside guarantor."""
    return sorted(path.stem for path in (_data_root() / "fixtures").glob("*.yaml"))


def ruleset_path(name_or_path: str | Path) -> Path:
    """Resolve a shipped rule set's name or a file path.

    Raises:
        DataError: neither a YAML file nor a shipped name.
    """
    path = Path(name_or_path)
    if path.suffix in {".yaml", ".yml"} and path.exists():
        return path
    shipped = _data_root() / f"{name_or_path}.yaml"
    if str(name_or_path) and "/" not in str(name_or_path) and shipped.exists():
        return shipped
    raise DataError(
        [
            Problem(
                "no such rule set",
                field="rules",
                expected=f"a YAML file or one of {shipped_rulesets()}",
                received=str(name_or_path),
            )
        ]
    )


def fixtures_path(name_or_path: str | Path) -> Path:
    """Resolve a shipped fixtures name or a file path.

    Raises:
        DataError: neither a YAML file nor a shipped name.
    """
    path = Path(name_or_path)
    if path.suffix in {".yaml", ".yml"} and path.exists():
        return path
    shipped = _data_root() / "fixtures" / f"{name_or_path}.yaml"
    if str(name_or_path) and "/" not in str(name_or_path) and shipped.exists():
        return shipped
    raise DataError(
        [
            Problem(
                "no such fixtures file",
                field="fixtures",
                expected=f"a YAML file or one of {shipped_fixtures()}",
                received=str(name_or_path),
            )
        ]
    )


def revision(raw: Any) -> str:
    """Content hash of a rule set's data (comments and layout do not change it)."""
    text = json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# ---------------------------------------------------------------------------------------------
# Rule sets


def list_of(value: Any) -> list[Any]:
    """The value if it is a list, else an empty one (its shape is reported elsewhere)."""
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def response_at(raw: Any, path: Path_, lines: LineMap, problems: list[Problem]) -> Response | None:
    """The response named at ``path``, or None with a located problem."""
    try:
        return Response.parse(raw) if isinstance(raw, str) else Response.parse("?")
    except KeyError:
        problems.append(
            lines.problem(
                list(path),
                "unknown response",
                expected=f"one of {[response.label for response in Response]}",
                received=short_repr(raw),
            )
        )
        return None


def parse_ruleset(text: str, file: str) -> Ruleset:
    """Parse and check a rule set from YAML text.

    Raises:
        DataError: with every problem found, each located by file, line and field.
    """
    raw, lines = load_yaml_text(text, file)
    return _ruleset(raw, lines)


def load_ruleset(name_or_path: str | Path) -> Ruleset:
    """Load a rule set by shipped name (``air-policing``) or path, and check it.

    Raises:
        DataError: with every problem found, each located by file, line and field.
    """
    path = ruleset_path(name_or_path)
    return _load_ruleset_file(str(path.resolve()), path.stat().st_mtime_ns)


@lru_cache(maxsize=32)
def _load_ruleset_file(path: str, modified_ns: int) -> Ruleset:
    # A rule set is immutable once loaded; the simulation and the web app ask for the same few
    # files again and again, so each version of a file (path and modification time) is read once.
    raw, lines = load_yaml(Path(path))
    return _ruleset(raw, lines)


def _declared(
    raw: Any, doc: RulesetDoc | None, lines: LineMap
) -> tuple[dict[str, FieldSpec], list[Problem]]:
    """The incident fields a rule set declares in its own schema (``fields:``)."""
    problems: list[Problem] = []
    declared: dict[str, FieldSpec] = {}
    if doc is None:
        return declared, problems
    for name, field in doc.fields.items():
        if name in INCIDENT_FIELDS or name == "response":
            problems.append(
                lines.problem(
                    ["fields", name],
                    "a declared field may not redefine a built-in one",
                    expected=f"a name other than {sorted(INCIDENT_FIELDS)}",
                    received=name,
                )
            )
            continue
        kind = FieldKind(field.kind)
        default: str | bool | float
        if kind is FieldKind.FLAG:
            default = bool(field.default)
        elif kind is FieldKind.MEASURE:
            default = 0.0
        else:
            default = field.default if isinstance(field.default, str) else field.values[0]
        declared[name] = FieldSpec(
            name,
            kind,
            tuple(field.values),
            unit=field.unit or "",
            description=field.description,
            default=default,
        )
    return declared, problems


def _forbidden(
    raw: Any, path: Path_, lines: LineMap, problems: list[Problem]
) -> frozenset[Response]:
    """The responses a prohibition's ``never`` names: one, a list, or ``{at_least: name}``."""
    if isinstance(raw, dict) and list(raw) == ["at_least"]:
        floor = response_at(raw["at_least"], (*path, "at_least"), lines, problems)
        return frozenset(r for r in Response if floor is not None and r >= floor)
    items = raw if isinstance(raw, list) and raw else [raw]
    found = [
        response_at(item, (*path, n) if isinstance(raw, list) else path, lines, problems)
        for n, item in enumerate(items)
    ]
    return frozenset(r for r in found if r is not None)


def _ruleset(raw: Any, lines: LineMap) -> Ruleset:
    if not isinstance(raw, dict):
        raise DataError([lines.problem([], "a rule set is a mapping", received=type(raw).__name__)])
    problems: list[Problem] = []
    doc: RulesetDoc | None = None
    try:
        doc = validate_as(RulesetDoc, raw, lines)
    except DataError as error:
        problems.extend(error.problems)
    declared, found = _declared(raw, doc, lines)
    problems.extend(found)
    fields = {**INCIDENT_FIELDS, **declared}
    compiler = Compiler(lines, fields)
    invariant_compiler = Compiler(lines, {**fields, "response": RESPONSE_FIELD})
    rules: list[Rule] = []
    raw_rules = list_of(raw.get("rules"))
    for index, item in enumerate(raw_rules):
        if not isinstance(item, dict):
            continue
        conditions = compiler.conjunction(item.get("when"), ("rules", index, "when"))
        response = response_at(item.get("then"), ("rules", index, "then"), lines, problems)
        if doc is not None and index < len(doc.rules) and response is not None:
            rule_doc = doc.rules[index]
            rules.append(
                Rule(
                    id=rule_doc.id,
                    index=index,
                    conditions=conditions,
                    response=response,
                    authority=rule_doc.authority,
                    reason=rule_doc.reason,
                    sources=_sources(rule_doc.sources, rule_doc.source),
                    line=lines.line(["rules", index]),
                )
            )
    problems.extend(duplicate_ids(raw_rules, "rules", "rule", lines))
    scope = compiler.conjunction(raw.get("scope"), ("scope",))
    raw_default = _dict(raw.get("default"))
    default = response_at(
        raw_default.get("response", "monitor"), ("default", "response"), lines, problems
    )
    allowed = (
        compiler.expression(raw_default["allowed_when"], ("default", "allowed_when"))
        if raw_default.get("allowed_when") is not None
        else AnyOf(())
    )
    prohibitions: list[Prohibition] = []
    raw_prohibitions = list_of(raw.get("prohibitions"))
    for index, item in enumerate(raw_prohibitions):
        if not isinstance(item, dict):
            continue
        where: Path_ = ("prohibitions", index)
        conditions = compiler.conjunction(item.get("when"), (*where, "when"))
        forbidden = _forbidden(item.get("never"), (*where, "never"), lines, problems)
        if default is not None and default in forbidden:
            problems.append(
                lines.problem(
                    [*where, "never"],
                    "a prohibition may not forbid the default response",
                    expected=f"responses above {default.label}",
                    received=", ".join(r.label for r in sorted(forbidden)),
                )
            )
        if doc is not None and index < len(doc.prohibitions):
            prohibition_doc = doc.prohibitions[index]
            prohibitions.append(
                Prohibition(
                    id=prohibition_doc.id,
                    conditions=conditions,
                    forbidden=forbidden,
                    reason=prohibition_doc.reason,
                    sources=_sources(prohibition_doc.sources, prohibition_doc.source),
                    line=lines.line(list(where)),
                )
            )
    problems.extend(duplicate_ids(raw_prohibitions, "prohibitions", "prohibition", lines))
    invariants: list[Invariant] = []
    for index, item in enumerate(list_of(raw.get("invariants"))):
        if not isinstance(item, dict):
            continue
        where = ("invariants", index)
        when = invariant_compiler.expression(item.get("when"), (*where, "when"))
        require = invariant_compiler.expression(item.get("require"), (*where, "require"))
        within, within_text = _within(item.get("within"), scope, compiler, (*where, "within"))
        invariants.append(
            Invariant(
                id=str(item.get("id")),
                text=str(item.get("text")),
                when=when,
                require=require,
                line=lines.line(list(where)),
                within=within,
                within_text=within_text,
            )
        )
    ordered = sorted(
        name
        for name, spec in fields.items()
        if spec.kind in {FieldKind.ORDINAL, FieldKind.MEASURE, FieldKind.FLAG}
    )
    for name in _dict(raw.get("monotone")):
        if str(name) not in ordered:
            problems.append(
                lines.problem(
                    ["monotone", name],
                    "escalation can only run along an ordered field",
                    expected=f"one of {ordered}",
                    received=str(name),
                )
            )
    problems.extend(compiler.problems)
    problems.extend(invariant_compiler.problems)
    known_sources = raw["sources"] if isinstance(raw.get("sources"), dict) else {}
    problems.extend(check_source_refs(raw, set(known_sources), lines))
    if problems or doc is None or default is None:
        raise DataError(unique_problems(problems))
    monotone = dict(DEFAULT_MONOTONE)
    monotone.update(
        {name: field.direction for name, field in doc.fields.items() if field.direction}
    )
    if doc.monotone is not None:
        monotone = dict(doc.monotone)
    return Ruleset(
        name=doc.name,
        title=doc.title,
        description=doc.description,
        hit_policy=doc.hit_policy,
        rules=tuple(rules),
        default=default,
        default_allowed=allowed,
        scope=scope,
        invariants=tuple(invariants),
        monotone=monotone,
        revision=revision(raw),
        file=lines.file,
        sources=dict(doc.sources),
        parameters=dict(doc.parameters),
        prohibitions=tuple(prohibitions),
        declared=declared,
    )


def _sources(sources: tuple[str, ...], source: Any) -> tuple[str, ...]:
    return (*sources, source) if isinstance(source, str) else tuple(sources)


def duplicate_ids(items: list[Any], section: str, what: str, lines: LineMap) -> list[Problem]:
    """A problem at the second occurrence of every repeated id in a section."""
    problems = []
    ids = [item.get("id") for item in items if isinstance(item, dict)]
    for ident, count in Counter(i for i in ids if isinstance(i, str)).items():
        if count > 1:
            second = [n for n, i in enumerate(ids) if i == ident][1]
            problems.append(
                lines.problem([section, second, "id"], f"duplicate {what} id {ident!r}")
            )
    return problems


def _within(
    raw: Any, scope: tuple[Expr, ...], compiler: Compiler, path: Path_
) -> tuple[Expr | None, str]:
    """An invariant's declared limitation: ``scope`` (the rule set's) or conditions."""
    if raw is None:
        return None, ""
    if raw == "scope":
        expr: Expr = All(scope)
        return expr, f"the rule set's scope ({describe(expr)})"
    expr = compiler.expression(raw, path)
    return expr, describe(expr)


def unique_problems(problems: list[Problem]) -> list[Problem]:
    """Problems without repeats, in file order."""
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda problem: (problem.line or 0, problem.field))
