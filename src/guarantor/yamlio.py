"""Safe YAML loading that remembers the line of every node.

Only plain data is built (mappings, sequences, scalars): no tag constructs an object. Each node's
line is kept in a :class:`LineMap` keyed by its path (a tuple of keys and indices), so that a
validation error on ``commitments.2.aircraft`` can name the line it came from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from guarantor.errors import DataError, Problem

PathKey = tuple[str | int, ...]


class LineMap:
    """Lines of the nodes of one YAML document, by path."""

    def __init__(self, file: str) -> None:
        self.file = file
        self._lines: dict[PathKey, int] = {}

    def record(self, path: PathKey, line: int) -> None:
        """Remember that the node at ``path`` starts on ``line`` (1-based)."""
        self._lines.setdefault(path, line)

    def line(self, path: Sequence[str | int]) -> int | None:
        """Return the line of the deepest known node on ``path``."""
        key = tuple(path)
        while key:
            if key in self._lines:
                return self._lines[key]
            key = key[:-1]
        return self._lines.get((), None)

    def problem(self, path: Sequence[str | int], message: str, **details: Any) -> Problem:
        """Build a :class:`Problem` located at ``path``."""
        dotted = ".".join(str(part) for part in path)
        return Problem(message, file=self.file, line=self.line(path), field=dotted, **details)


_PLAIN_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp")
}


def _build(node: yaml.Node, path: PathKey, lines: LineMap, problems: list[Problem]) -> Any:
    lines.record(path, node.start_mark.line + 1)
    if node.tag not in _PLAIN_TAGS:
        raise DataError(
            [
                Problem(
                    f"unsupported YAML tag {node.tag!r}: only plain data is read",
                    file=lines.file,
                    line=node.start_mark.line + 1,
                    field=".".join(str(part) for part in path),
                )
            ]
        )
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _build(key_node, (*path, "<key>"), lines, problems)
            if not isinstance(key, (str, int, float, bool)):
                problems.append(lines.problem(path, "mapping keys must be plain scalars"))
                continue
            key = str(key)
            if key in result:
                problems.append(
                    Problem(
                        f"duplicate key {key!r}",
                        file=lines.file,
                        line=key_node.start_mark.line + 1,
                        field=".".join(str(part) for part in (*path, key)),
                    )
                )
                continue
            lines.record((*path, key), key_node.start_mark.line + 1)
            result[key] = _build(value_node, (*path, key), lines, problems)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(child, (*path, index), lines, problems) for index, child in enumerate(node.value)
        ]
    assert isinstance(node, yaml.ScalarNode)
    value = _construct_scalar(node)
    # Dates stay text: sources cite them as written ("2025-01-23", "Mar 2025").
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def _construct_scalar(node: yaml.ScalarNode) -> Any:
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


def load_yaml_text(text: str, file: str) -> tuple[Any, LineMap]:
    """Parse YAML text safely; return the data and the line of every node.

    Raises:
        DataError: the text is not YAML, uses a tag that would construct an object, or has
            duplicate keys.
    """
    lines = LineMap(file)
    problems: list[Problem] = []
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        raise DataError(
            [
                Problem(
                    f"not valid YAML: {error.problem}",
                    file=file,
                    line=mark.line + 1 if mark is not None else None,
                )
            ]
        ) from None
    except yaml.YAMLError as error:
        raise DataError([Problem(f"not valid YAML: {error}", file=file)]) from None
    if node is None:
        return None, lines
    try:
        data = _build(node, (), lines, problems)
    except yaml.constructor.ConstructorError as error:
        mark = error.problem_mark
        raise DataError(
            [
                Problem(
                    f"unsupported YAML tag or value: {error.problem}",
                    file=file,
                    line=mark.line + 1 if mark is not None else None,
                )
            ]
        ) from None
    except (ValueError, TypeError, RecursionError) as error:
        raise DataError([Problem(f"unreadable YAML value: {error}", file=file)]) from None
    if problems:
        raise DataError(problems)
    return data, lines


def load_yaml(path: Path) -> tuple[Any, LineMap]:
    """Read and parse a YAML file; see :func:`load_yaml_text`."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise DataError([Problem(f"cannot read file: {error.strerror}", file=str(path))]) from None
    except UnicodeDecodeError:
        raise DataError([Problem("file is not UTF-8 text", file=str(path))]) from None
    return load_yaml_text(text, str(path))
