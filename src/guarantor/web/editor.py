"""The package editor's form: which fields of a package it offers, and writing them back.

The form is generated from the package's YAML (its commitments' amounts, their levels, their
conditions and the package's rules of engagement). Submitting it rewrites the YAML (comments are
not kept) and the result is validated like any package, so a bad value comes back as a located
problem (file:line field) next to the text.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import yaml

from guarantor.errors import DataError
from guarantor.instruments import registry
from guarantor.packages.schema import RecognitionLevel
from guarantor.yamlio import load_yaml_text

PLEDGE_KIND = "pledges"
# Commitments no instrument reads (settlement terms the acceptability model reads): their levels
# are still editable.
_UNREGISTERED_LEVELS: dict[tuple[str, str], tuple[str, ...]] = {
    ("territorial_recognition", "level"): tuple(RecognitionLevel),
}


@cache
def editor_tables() -> tuple[
    dict[str, tuple[str, ...]], dict[str, tuple[str, ...]], dict[tuple[str, str], tuple[str, ...]]
]:
    """The form's fields from the instrument registry.

    Amounts and pledge lists by commitment kind, and the choices of every level or flag field.
    """
    amounts: dict[str, tuple[str, ...]] = {}
    pledges: dict[str, tuple[str, ...]] = {}
    choices = dict(_UNREGISTERED_LEVELS)
    for instrument in registry.instruments():
        for kind, fields in instrument.editor_fields.items():
            amounts[kind] = tuple(f.name for f in fields if f.kind == "number")
            pledges[kind] = tuple(f.name for f in fields if f.kind == PLEDGE_KIND)
            for f in fields:
                if f.kind == "choice":
                    choices[(kind, f.name)] = tuple(f.choices)
                elif f.kind == "flag":
                    choices[(kind, f.name)] = ("false", "true")
    return amounts, pledges, choices


KEEP_PREFIX = "keep:"
NO_ROE = "(none)"


@dataclass
class FormField:
    """One input of the form."""

    name: str
    label: str
    kind: str
    value: str
    options: tuple[str, ...] = ()
    unit: str = ""


@dataclass
class CommitmentForm:
    """The inputs of one commitment."""

    index: int
    id: str
    actor: str
    instrument: str
    fields: list[FormField] = field(default_factory=list)
    conditions: list[FormField] = field(default_factory=list)


def _number(node: Any) -> tuple[str, str]:
    if isinstance(node, dict):
        value, unit = node.get("value"), str(node.get("unit", ""))
    else:
        value, unit = node, ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:g}", unit
    return ("" if value is None else str(value)), unit


def _describe_condition(condition: Any) -> str:
    if isinstance(condition, dict) and len(condition) == 1:
        key, value = next(iter(condition.items()))
        return f"{str(key).replace('_', ' ')}: {value}"
    return str(condition)


def package_form(
    text: str, file: str, rulesets: list[str]
) -> tuple[list[CommitmentForm], FormField]:
    """The form of a package's commitments and its ROE select.

    Raises:
        DataError: the text is not YAML or not a mapping with a list of commitments.
    """
    raw, lines = load_yaml_text(text, file)
    if not isinstance(raw, dict) or not isinstance(raw.get("commitments"), list):
        raise DataError([lines.problem([], "a package is a mapping with a list of commitments")])
    forms: list[CommitmentForm] = []
    for index, item in enumerate(raw["commitments"]):
        if not isinstance(item, dict):
            continue
        instrument = str(item.get("instrument", ""))
        form = CommitmentForm(
            index, str(item.get("id", index)), str(item.get("actor", "")), instrument
        )
        where = f"commitments.{index}"
        amounts, pledge_lists, choices = editor_tables()
        for name in amounts.get(instrument, ()):
            if name in item:
                value, unit = _number(item[name])
                form.fields.append(
                    FormField(f"{where}.{name}", name.replace("_", " "), "number", value, unit=unit)
                )
        for group in pledge_lists.get(instrument, ()):
            pledges = item.get(group)
            for number, pledge in enumerate(pledges if isinstance(pledges, list) else []):
                if not isinstance(pledge, dict) or "count" not in pledge:
                    continue
                value, unit = _number(pledge["count"])
                place = f" at {pledge['base']}" if "base" in pledge else ""
                label = f"{group}: {pledge.get('type', '?')}{place}"
                form.fields.append(
                    FormField(f"{where}.{group}.{number}.count", label, "number", value, unit=unit)
                )
        for (kind, name), options in choices.items():
            if instrument == kind and name in item:
                value = str(item[name]).lower() if isinstance(item[name], bool) else str(item[name])
                form.fields.append(FormField(f"{where}.{name}", name, "select", value, options))
        conditions = item.get("conditions")
        for number, condition in enumerate(conditions if isinstance(conditions, list) else []):
            form.conditions.append(
                FormField(
                    f"{KEEP_PREFIX}{where}.conditions.{number}",
                    _describe_condition(condition),
                    "keep",
                    "on",
                )
            )
        forms.append(form)
    roe = raw.get("roe")
    # a mapping by domain is shown (and kept) as one option; choosing a name applies it to all
    current = _roe_label(roe)
    options = (NO_ROE, *rulesets, *([current] if isinstance(roe, dict) else []))
    roe_field = FormField("roe", "rules of engagement", "select", current, options)
    return forms, roe_field


def _roe_label(roe: Any) -> str:
    if isinstance(roe, dict):
        return ", ".join(f"{domain}: {name}" for domain, name in roe.items())
    return str(roe or NO_ROE)


def _parse_number(text: str) -> float | int | str:
    try:
        number = float(text)
    except ValueError:
        return text  # left as written: validation reports it, located
    if not math.isfinite(number):
        return text
    return int(number) if number.is_integer() else number


def _node(raw: Any, path: list[str]) -> tuple[Any, str | int] | None:
    """The container of the node at ``path`` and its key, if the path exists."""
    parent: Any = raw
    for step in path[:-1]:
        key: str | int = int(step) if step.isdigit() else step
        try:
            parent = parent[key]
        except (KeyError, IndexError, TypeError):
            return None
    last = path[-1]
    return parent, (int(last) if last.isdigit() else last)


def apply_form(text: str, file: str, values: Mapping[str, str]) -> str:
    """Write the form's values into the package text and return the new YAML.

    Numbers replace a plain amount or the ``value`` of a quantity (its source or assumption and
    range stay); selects replace a level; conditions whose box is unticked are removed.

    Raises:
        DataError: the text is not YAML.
    """
    raw, lines = load_yaml_text(text, file)
    if not isinstance(raw, dict):
        raise DataError([lines.problem([], "a package is a mapping")])
    listed = raw.get("commitments")
    commitments: list[Any] = listed if isinstance(listed, list) else []
    keep = {name.removeprefix(KEEP_PREFIX) for name in values if name.startswith(KEEP_PREFIX)}
    for name, value in values.items():
        if name.startswith(KEEP_PREFIX) or not name.startswith("commitments."):
            continue
        found = _node(raw, name.split("."))
        if found is None:
            continue
        parent, key = found
        try:
            current = parent[key]
        except (KeyError, IndexError, TypeError):
            continue
        if isinstance(current, bool) and value in {"true", "false"}:
            parent[key] = value == "true"
        elif name.rsplit(".", 1)[-1] in {"level", "track", "form"}:
            parent[key] = value
        elif isinstance(current, dict) and "value" in current:
            current["value"] = _parse_number(value)
        else:
            parent[key] = _parse_number(value)
    if "roe" in values and values["roe"] != _roe_label(raw.get("roe")):
        if values["roe"] == NO_ROE:
            raw.pop("roe", None)
        else:
            raw["roe"] = values["roe"]
    if any(name.startswith(KEEP_PREFIX) for name in values) or "form" in values:
        for index, item in enumerate(commitments):
            conditions = item.get("conditions") if isinstance(item, dict) else None
            if not isinstance(conditions, list):
                continue
            kept = [
                condition
                for number, condition in enumerate(conditions)
                if f"commitments.{index}.conditions.{number}" in keep
            ]
            if kept:
                item["conditions"] = kept
            else:
                item.pop("conditions", None)
    return yaml.safe_dump(raw, sort_keys=False, allow_unicode=True, width=100)
