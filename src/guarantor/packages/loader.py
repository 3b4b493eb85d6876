"""Loading packages: shipped names or paths, validated and checked against the theatre."""

from __future__ import annotations

import math
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

from guarantor.errors import DataError, Problem
from guarantor.packages.schema import AIRCRAFT_PER_BASE, TROOPS_PER_ACTOR, Package
from guarantor.sourcing import check_source_refs, validate_as
from guarantor.theatre import DEFAULT_THEATRE, Theatre, load_theatre
from guarantor.theatre.schema import AircraftRole
from guarantor.yamlio import LineMap, load_yaml, load_yaml_text

DEFAULT_PACKAGE = "paris-declaration-2026"


def _data_root() -> Path:
    return Path(str(resources.files("guarantor.packages") / "data"))


def shipped_packages() -> list[str]:
    """Names of the packages shipped inside guarantor."""
    return sorted(path.stem for path in _data_root().glob("*.yaml"))


def package_path(name_or_path: str | Path | None) -> Path:
    """Resolve a shipped package's name or a file path (default: the default package)."""
    if name_or_path is None:
        name_or_path = DEFAULT_PACKAGE
    path = Path(name_or_path)
    if path.suffix in {".yaml", ".yml"} and path.exists():
        return path
    shipped = _data_root() / f"{name_or_path}.yaml"
    if shipped.exists():
        return shipped
    raise DataError(
        [
            Problem(
                "no such package",
                field="package",
                expected=f"a YAML file or one of {shipped_packages()}",
                received=str(name_or_path),
            )
        ]
    )


def _items(value: Any) -> list[tuple[int, Any]]:
    return list(enumerate(value)) if isinstance(value, list) else []


def _text(mapping: Any, key: str) -> str | None:
    value = mapping.get(key) if isinstance(mapping, dict) else None
    return value if isinstance(value, str) else None


def check_references(
    raw: Any, lines: LineMap, theatre: Theatre, *, names_only: bool = False
) -> list[Problem]:
    """Check every id a package names against the theatre and itself.

    Works on the raw data, so that reference problems are reported together with schema
    problems even when parts of the file do not validate. With ``names_only`` (text from the
    web) the rules of engagement must be a shipped rule set's name: a path is refused without
    looking at the file system, so the answer never says whether a path exists.
    """
    problems: list[Problem] = []
    if not isinstance(raw, dict):
        return problems
    ids = theatre.data.all_ids()
    aircraft = theatre.data.platforms.aircraft
    known = {
        "actor": set(ids["actor"]),
        "aircraft type": {a.id for a in aircraft if a.role is AircraftRole.FIGHTER},
        "tanker type": {a.id for a in aircraft if a.role is AircraftRole.TANKER},
        "air base": set(ids["air_base"]),
        "ship type": set(ids["ship"]),
        "place": {place.id for place in theatre.iter_places()},
    }
    commitments = _items(raw.get("commitments"))
    commitment_ids = [_text(item, "id") for _, item in commitments]
    known["commitment"] = {ident for ident in commitment_ids if ident}

    def check(path: list[str | int], what: str, value: str | None) -> None:
        if value is not None and value not in known[what]:
            problems.append(
                lines.problem(
                    path,
                    f"unknown {what}",
                    expected=f"one of {sorted(known[what])}",
                    received=value,
                )
            )

    for ident, count in Counter(i for i in commitment_ids if i).items():
        if count > 1:
            second = [n for n, i in enumerate(commitment_ids) if i == ident][1]
            problems.append(
                lines.problem(["commitments", second, "id"], f"duplicate commitment id {ident!r}")
            )
    for index, item in commitments:
        if not isinstance(item, dict):
            continue
        where: list[str | int] = ["commitments", index]
        check([*where, "actor"], "actor", _text(item, "actor"))
        for field, what in (("aircraft", "aircraft type"), ("tankers", "tanker type")):
            for number, pledge in _items(item.get(field)):
                check([*where, field, number, "type"], what, _text(pledge, "type"))
                check([*where, field, number, "base"], "air base", _text(pledge, "base"))
        for number, ship in _items(item.get("ships")):
            check([*where, "ships", number, "type"], "ship type", _text(ship, "type"))
        for field in ("protect", "cap_stations", "hubs", "via"):
            for number, place in _items(item.get(field)):
                check([*where, field, number], "place", place if isinstance(place, str) else None)
        for number, condition in _items(item.get("conditions")):
            spot = [*where, "conditions", number]
            check([*spot, "parliament_approves"], "actor", _text(condition, "parliament_approves"))
            check([*spot, "commitment_active"], "commitment", _text(condition, "commitment_active"))
    roe = raw.get("roe")
    named: dict[str, Any] = {"": roe} if isinstance(roe, str) else {}
    named |= {str(domain): name for domain, name in roe.items()} if isinstance(roe, dict) else {}
    if named:
        from guarantor.roe import shipped_rulesets

        rulesets = shipped_rulesets()
        for domain, name in named.items():
            at: list[str | int] = ["roe", domain] if domain else ["roe"]
            if not isinstance(name, str):
                continue
            if names_only and name not in rulesets:
                problems.append(
                    lines.problem(
                        at,
                        "unknown rules of engagement: name a shipped rule set (paths are not read)",
                        expected=f"one of {rulesets}",
                        received=name[:100],
                    )
                )
            elif name not in rulesets and not Path(name).is_file():
                problems.append(
                    lines.problem(
                        at,
                        "unknown rules of engagement",
                        expected=f"a rule-set file or one of {rulesets}",
                        received=name,
                    )
                )
    problems.extend(_totals(commitments, lines))
    for index, trigger in _items(raw.get("triggers")):
        check(["triggers", index, "commitment"], "commitment", _text(trigger, "commitment"))
    package_sources: dict[str, Any] = raw["sources"] if isinstance(raw.get("sources"), dict) else {}
    problems.extend(check_source_refs(raw, set(package_sources) | set(theatre.sources), lines))
    return problems


def _number(amount: Any) -> float | None:
    value = amount.get("value") if isinstance(amount, dict) else amount
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:  # a 309-digit integer: the schema reports it
        return None
    return number if math.isfinite(number) else None


def _totals(commitments: list[tuple[int, Any]], lines: LineMap) -> list[Problem]:
    """Aircraft per base and troops per actor, summed over the package, within their ceilings."""
    problems: list[Problem] = []
    per_base: dict[str, float] = {}
    per_actor: dict[str, float] = {}
    for index, item in commitments:
        if not isinstance(item, dict):
            continue
        for field in ("aircraft", "tankers"):
            for number, pledge in _items(item.get(field)):
                base, count = _text(pledge, "base"), _number(_get(pledge, "count"))
                if base is None or count is None:
                    continue
                per_base[base] = per_base.get(base, 0.0) + count
                if per_base[base] > AIRCRAFT_PER_BASE >= per_base[base] - count:
                    problems.append(
                        lines.problem(
                            ["commitments", index, field, number, "count"],
                            f"more aircraft at {base} than one base holds",
                            expected=f"at most {AIRCRAFT_PER_BASE} at one base in the package",
                            received=f"{per_base[base]:,.0f}",
                        )
                    )
        actor, troops = _text(item, "actor"), _number(item.get("troops"))
        if item.get("instrument") == "reassurance_force" and actor and troops is not None:
            per_actor[actor] = per_actor.get(actor, 0.0) + troops
            if per_actor[actor] > TROOPS_PER_ACTOR >= per_actor[actor] - troops:
                problems.append(
                    lines.problem(
                        ["commitments", index, "troops"],
                        f"more troops from {actor} than it could send",
                        expected=f"at most {TROOPS_PER_ACTOR:,} from one actor in the package",
                        received=f"{per_actor[actor]:,.0f}",
                    )
                )
    return problems


def _get(mapping: Any, key: str) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None


def parse_package(
    text: str, file: str, theatre: Theatre | None = None, *, names_only: bool = False
) -> Package:
    """Parse and check a package from YAML text.

    ``names_only`` (the web app's text): the package may name shipped rule sets only, never a
    path; see :func:`check_references`.

    Raises:
        DataError: with every problem found, each located by file, line and field.
    """
    raw, lines = load_yaml_text(text, file)
    return _validated(raw, lines, theatre, names_only=names_only)


def load_package(name_or_path: str | Path | None = None, theatre: Theatre | None = None) -> Package:
    """Load a package by shipped name or path, validate it and check its references.

    Raises:
        DataError: with every problem found, each located by file, line and field.
    """
    raw, lines = load_yaml(package_path(name_or_path))
    return _validated(raw, lines, theatre)


def _validated(
    raw: Any, lines: LineMap, theatre: Theatre | None, *, names_only: bool = False
) -> Package:
    if not isinstance(raw, dict):
        raise DataError([lines.problem([], "a package is a mapping", received=type(raw).__name__)])
    problems: list[Problem] = []
    package: Package | None = None
    try:
        package = validate_as(Package, raw, lines)
    except DataError as error:
        problems.extend(error.problems)
    theatre_name = raw.get("theatre", DEFAULT_THEATRE)
    if theatre is None:
        try:
            theatre = load_theatre(
                theatre_name if isinstance(theatre_name, str) else DEFAULT_THEATRE
            )
        except DataError as error:
            if any(problem.file for problem in error.problems):
                raise  # the theatre's own data is bad: its problems are located there
            raise DataError(
                [
                    lines.problem(["theatre"], p.message, expected=p.expected, received=p.received)
                    for p in error.problems
                ]
            ) from None
    elif theatre_name != theatre.name:
        problems.append(
            lines.problem(
                ["theatre"],
                "package written for another theatre",
                expected=theatre.name,
                received=str(theatre_name),
            )
        )
    problems.extend(check_references(raw, lines, theatre, names_only=names_only))
    if problems:
        raise DataError(_unique(problems))
    assert package is not None
    return package


def _unique(problems: list[Problem]) -> list[Problem]:
    """Drop repeats and order problems by line."""
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda problem: (problem.line or 0, problem.field))
