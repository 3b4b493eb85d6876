"""Loading rule sets, incidents and fixtures: every problem located by file, line and field."""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from guarantor.errors import DataError, Problem, short_repr
from guarantor.roe.schema import (
    DEFAULT_MONOTONE,
    INCIDENT_FIELDS,
    INVARIANT_FIELDS,
    TRUE,
    All,
    AnyOf,
    Expr,
    FieldKind,
    FieldSpec,
    Fixture,
    Fixtures,
    FixturesDoc,
    Incident,
    Invariant,
    Not,
    Response,
    Rule,
    Ruleset,
    RulesetDoc,
    Test,
)
from guarantor.sourcing import Quantity, check_source_refs, pydantic_problems, validate_as
from guarantor.yamlio import LineMap, load_yaml, load_yaml_text

Path_ = tuple[str | int, ...]
_MEASURE_OPS = {"below": "<", "at_most": "<=", "above": ">", "at_least": ">="}
_SET_OPS = ("in", "not_in", "at_least", "at_most")
_PROVENANCE = {"unit", "source", "assumption", "low", "high", "note"}


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
# Conditions


class _Compiler:
    """Compiles conditions and expressions, collecting located problems."""

    def __init__(self, lines: LineMap, fields: dict[str, FieldSpec]) -> None:
        self.lines = lines
        self.fields = fields
        self.problems: list[Problem] = []

    def _problem(self, path: Path_, message: str, **details: Any) -> None:
        self.problems.append(self.lines.problem(list(path), message, **details))

    def conjunction(self, raw: Any, path: Path_) -> tuple[Test, ...]:
        """A mapping of field conditions, all of which must hold."""
        if raw is None:
            return ()
        if not isinstance(raw, dict):
            self._problem(
                path,
                "conditions are a mapping of field: condition",
                expected="a mapping",
                received=short_repr(raw),
            )
            return ()
        tests = [self.test(str(name), value, (*path, name)) for name, value in raw.items()]
        return tuple(test for test in tests if test is not None)

    def expression(self, raw: Any, path: Path_) -> Expr:
        """A mapping of field conditions and ``all``/``any``/``not`` combinators."""
        if raw is None:
            return TRUE
        if not isinstance(raw, dict) or not raw:
            self._problem(
                path,
                "an expression is a non-empty mapping of field conditions, 'all', 'any' or 'not'",
                expected="a mapping",
                received=short_repr(raw),
            )
            return TRUE
        parts: list[Expr] = []
        for key, value in raw.items():
            where = (*path, key)
            if key in {"all", "any"}:
                if not isinstance(value, list) or not value:
                    self._problem(
                        where,
                        f"'{key}' takes a non-empty list of expressions",
                        expected="a list",
                        received=short_repr(value),
                    )
                    continue
                items = tuple(self.expression(item, (*where, n)) for n, item in enumerate(value))
                parts.append(All(items) if key == "all" else AnyOf(items))
            elif key == "not":
                parts.append(Not(self.expression(value, where)))
            else:
                test = self.test(str(key), value, where)
                if test is not None:
                    parts.append(test)
        return parts[0] if len(parts) == 1 else All(tuple(parts))

    def test(self, name: str, raw: Any, path: Path_) -> Test | None:
        """One condition on one field."""
        spec = self.fields.get(name)
        if spec is None:
            self._problem(
                path,
                "condition on a field that does not exist",
                expected=f"one of {sorted(self.fields)}",
                received=name,
            )
            return None
        if spec.kind is FieldKind.FLAG:
            if not isinstance(raw, bool):
                self._problem(path, "a yes/no field", expected="true or false", received=repr(raw))
                return None
            return Test(name, f"{name} = {str(raw).lower()}", flag=raw, where=path)
        if spec.kind is FieldKind.MEASURE:
            return self._measure(spec, raw, path)
        return self._set(spec, raw, path)

    def _known(self, spec: FieldSpec, value: Any, path: Path_) -> bool:
        if isinstance(value, str) and value in spec.values:
            return True
        self._problem(
            path,
            f"unknown {spec.name}",
            expected=f"one of {list(spec.values)}",
            received=short_repr(value),
        )
        return False

    def _set(self, spec: FieldSpec, raw: Any, path: Path_) -> Test | None:
        name = spec.name
        if isinstance(raw, str):
            return (
                Test(name, f"{name} = {raw}", allowed=frozenset({raw}), where=path)
                if self._known(spec, raw, path)
                else None
            )
        if isinstance(raw, list):
            if not raw:
                self._problem(path, "an empty list never holds", expected="at least one value")
                return None
            good = [self._known(spec, item, (*path, n)) for n, item in enumerate(raw)]
            if not all(good):
                return None
            return Test(name, f"{name} in [{', '.join(raw)}]", allowed=frozenset(raw), where=path)
        if not isinstance(raw, dict) or len(raw) != 1 or next(iter(raw)) not in _SET_OPS:
            self._problem(
                path,
                f"a condition on {name}",
                expected=f"a value, a list, or one of {{{', '.join(_SET_OPS)}: ...}}",
                received=short_repr(raw),
            )
            return None
        op, value = next(iter(raw.items()))
        where = (*path, op)
        if op in {"at_least", "at_most"}:
            if spec.kind is not FieldKind.ORDINAL:
                self._problem(
                    where,
                    f"{name} has no order",
                    expected="'in' or 'not_in'",
                    received=op,
                )
                return None
            if not self._known(spec, value, where):
                return None
            at = spec.index(value)
            allowed = spec.values[at:] if op == "at_least" else spec.values[: at + 1]
            symbol = "≥" if op == "at_least" else "≤"
            return Test(name, f"{name} {symbol} {value}", allowed=frozenset(allowed), where=path)
        items = value if isinstance(value, list) else [value]
        if not items or not all(
            self._known(spec, item, (*where, n)) for n, item in enumerate(items)
        ):
            return None
        chosen = frozenset(items)
        if op == "not_in":
            return Test(
                name,
                f"{name} not in [{', '.join(items)}]",
                allowed=frozenset(spec.values) - chosen,
                where=path,
            )
        return Test(name, f"{name} in [{', '.join(items)}]", allowed=chosen, where=path)

    def _measure(self, spec: FieldSpec, raw: Any, path: Path_) -> Test | None:
        name = spec.name
        ops = [key for key in raw if key in _MEASURE_OPS] if isinstance(raw, dict) else []
        if not isinstance(raw, dict) or len(ops) != 1:
            self._problem(
                path,
                f"a threshold on {name}",
                expected=(
                    f"{{below|at_most|above|at_least: number, unit: {spec.unit}, "
                    "source: id}} or an assumption with low and high"
                ),
                received=short_repr(raw),
            )
            return None
        op = ops[0]
        extra = sorted(set(raw) - _PROVENANCE - {op})
        if extra:
            self._problem(
                (*path, extra[0]),
                "unknown field in a threshold",
                expected=f"one of {sorted(_PROVENANCE | {op})}",
                received=extra[0],
            )
            return None
        value = raw[op]
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
        ):
            self._problem((*path, op), "a threshold is a finite number", received=short_repr(value))
            return None
        data = {key: item for key, item in raw.items() if key != op}
        try:
            quantity = Quantity.model_validate({"value": value, **data})
        except ValidationError as error:
            self.problems.extend(pydantic_problems(error, self.lines, prefix=path))
            return None
        if quantity.unit != spec.unit:
            self._problem(
                (*path, "unit"),
                f"wrong unit for {name}",
                expected=spec.unit,
                received=quantity.unit,
            )
            return None
        symbol = _MEASURE_OPS[op]
        return Test(
            name,
            f"{name} {symbol} {quantity.value:g} {spec.unit}",
            op=symbol,
            threshold=quantity,
            where=path,
        )


# ---------------------------------------------------------------------------------------------
# Rule sets


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _response(raw: Any, path: Path_, lines: LineMap, problems: list[Problem]) -> Response | None:
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


def _ruleset(raw: Any, lines: LineMap) -> Ruleset:
    if not isinstance(raw, dict):
        raise DataError([lines.problem([], "a rule set is a mapping", received=type(raw).__name__)])
    problems: list[Problem] = []
    doc: RulesetDoc | None = None
    try:
        doc = validate_as(RulesetDoc, raw, lines)
    except DataError as error:
        problems.extend(error.problems)
    compiler = _Compiler(lines, INCIDENT_FIELDS)
    invariant_compiler = _Compiler(lines, INVARIANT_FIELDS)
    rules: list[Rule] = []
    raw_rules = _list(raw.get("rules"))
    for index, item in enumerate(raw_rules):
        if not isinstance(item, dict):
            continue
        conditions = compiler.conjunction(item.get("when"), ("rules", index, "when"))
        response = _response(item.get("then"), ("rules", index, "then"), lines, problems)
        if doc is not None and index < len(doc.rules) and response is not None:
            rule_doc = doc.rules[index]
            sources = [*rule_doc.sources]
            if isinstance(rule_doc.source, str):
                sources.append(rule_doc.source)
            rules.append(
                Rule(
                    id=rule_doc.id,
                    index=index,
                    conditions=conditions,
                    response=response,
                    authority=rule_doc.authority,
                    reason=rule_doc.reason,
                    sources=tuple(sources),
                    line=lines.line(["rules", index]),
                )
            )
    ids = [item.get("id") for item in raw_rules if isinstance(item, dict)]
    for ident, count in Counter(i for i in ids if isinstance(i, str)).items():
        if count > 1:
            second = [n for n, i in enumerate(ids) if i == ident][1]
            problems.append(lines.problem(["rules", second, "id"], f"duplicate rule id {ident!r}"))
    scope = compiler.conjunction(raw.get("scope"), ("scope",))
    raw_default = _dict(raw.get("default"))
    default = _response(
        raw_default.get("response", "monitor"), ("default", "response"), lines, problems
    )
    allowed = (
        compiler.expression(raw_default["allowed_when"], ("default", "allowed_when"))
        if raw_default.get("allowed_when") is not None
        else AnyOf(())
    )
    invariants: list[Invariant] = []
    raw_invariants = _list(raw.get("invariants"))
    for index, item in enumerate(raw_invariants):
        if not isinstance(item, dict):
            continue
        when = invariant_compiler.expression(item.get("when"), ("invariants", index, "when"))
        require = invariant_compiler.expression(
            item.get("require"), ("invariants", index, "require")
        )
        invariants.append(
            Invariant(
                id=str(item.get("id")),
                text=str(item.get("text")),
                when=when,
                require=require,
                line=lines.line(["invariants", index]),
            )
        )
    monotone = dict(DEFAULT_MONOTONE)
    ordered = sorted(
        name
        for name, spec in INCIDENT_FIELDS.items()
        if spec.kind in {FieldKind.ORDINAL, FieldKind.MEASURE}
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
        raise DataError(_unique(problems))
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
    )


def _unique(problems: list[Problem]) -> list[Problem]:
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda problem: (problem.line or 0, problem.field))


# ---------------------------------------------------------------------------------------------
# Incidents and fixtures


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
    values = dict(raw)
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
    raw_items = _list(raw.get("fixtures"))
    for index, item in enumerate(raw_items):
        if not isinstance(item, dict):
            continue
        where: Path_ = ("fixtures", index)
        incident, bands, found = parse_incident(item.get("incident"), lines, (*where, "incident"))
        problems.extend(found)
        expect = _response(item.get("expect"), (*where, "expect"), lines, problems)
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
    ids = [item.get("id") for item in raw_items if isinstance(item, dict)]
    for ident, count in Counter(i for i in ids if isinstance(i, str)).items():
        if count > 1:
            second = [n for n, i in enumerate(ids) if i == ident][1]
            problems.append(
                lines.problem(["fixtures", second, "id"], f"duplicate fixture id {ident!r}")
            )
    known_sources = raw["sources"] if isinstance(raw.get("sources"), dict) else {}
    problems.extend(check_source_refs(raw, set(known_sources), lines))
    if problems or doc is None:
        raise DataError(_unique(problems))
    return Fixtures(fixtures=tuple(fixtures), ruleset=doc.ruleset, file=lines.file)
