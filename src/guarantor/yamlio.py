"""Safe YAML loading that remembers the line of every node: the one YAML reader of guarantor.

Only plain data is built (mappings, sequences, scalars): no tag constructs an object. Each node's
line is kept in a :class:`LineMap` keyed by its path (a tuple of keys and indices), so that a
validation error on ``commitments.2.aircraft`` can name the line it came from.

Hostile or careless input is bounded before it costs time or memory, each refusal a located
:class:`~guarantor.errors.DataError`:

* a document longer than :data:`MAX_CHARS` characters is refused before it is parsed;
* nesting deeper than :data:`MAX_DEPTH` is refused while scanning the parser's events (which
  needs no recursion), before the composer would recurse;
* more than :data:`MAX_ALIASES` aliases, a recursive alias, or aliases that would expand the
  document beyond :data:`MAX_NODES` nodes (a "billion laughs" bomb) are refused by counting the
  expanded size over the composed graph (each distinct node once) before anything is built;
* merge keys (``<<``) are refused: they copy mappings behind the reader's back.

The command line, the web app and the tests all read YAML through :func:`load_yaml_text`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from guarantor.errors import DataError, Problem

PathKey = tuple[str | int, ...]

MAX_CHARS = 2_000_000
"""Longest YAML document read (the largest shipped file is about 33,000 characters)."""
MAX_DEPTH = 40
"""Deepest nesting of mappings and sequences (shipped files nest at most 7 deep)."""
MAX_ALIASES = 1_000
"""Most aliases (``*name``) in one document."""
MAX_NODES = 50_000
"""Most nodes a document may hold once its aliases are expanded (the largest shipped file
holds about 3,100)."""
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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


_MERGE_TAG = "tag:yaml.org,2002:merge"


def _build(
    node: yaml.Node,
    path: PathKey,
    lines: LineMap,
    problems: list[Problem],
    constructor: yaml.constructor.SafeConstructor,
) -> Any:
    lines.record(path, node.start_mark.line + 1)
    if node.tag == _MERGE_TAG:
        raise DataError(
            [
                Problem(
                    "merge keys ('<<') are not read: write the keys out",
                    file=lines.file,
                    line=node.start_mark.line + 1,
                    field=".".join(str(part) for part in path[:-1]),
                )
            ]
        )
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
            key = _build(key_node, (*path, "<key>"), lines, problems, constructor)
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
            result[key] = _build(value_node, (*path, key), lines, problems, constructor)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(child, (*path, index), lines, problems, constructor)
            for index, child in enumerate(node.value)
        ]
    assert isinstance(node, yaml.ScalarNode)
    value = constructor.construct_object(node, deep=True)
    # Dates stay text: sources cite them as written ("2025-01-23", "Mar 2025").
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def _refuse(file: str, message: str, mark: Any = None, **details: Any) -> DataError:
    line = mark.line + 1 if mark is not None else None
    return DataError([Problem(message, file=file, line=line, **details)])


def _scan(text: str, file: str) -> None:
    """Refuse deep nesting, too many nodes or aliases, from the parser's events (no recursion)."""
    depth = aliases = 0
    for nodes, event in enumerate(yaml.parse(text, Loader=_Loader), start=1):
        if nodes > MAX_NODES:
            raise _refuse(
                file,
                "the document has too many nodes",
                event.start_mark,
                expected=f"at most {MAX_NODES:,} nodes",
                received=f"more than {MAX_NODES:,}",
            )
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise _refuse(
                    file,
                    "nested too deeply",
                    event.start_mark,
                    expected=f"at most {MAX_DEPTH} levels",
                    received=f"more than {MAX_DEPTH}",
                )
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                raise _refuse(
                    file,
                    "too many aliases",
                    event.start_mark,
                    expected=f"at most {MAX_ALIASES}",
                    received=f"more than {MAX_ALIASES}",
                )


def _expanded_size(root: yaml.Node, file: str) -> int:
    """Nodes the document holds once aliases are expanded, each distinct node visited once.

    Raises:
        DataError: a recursive alias, or more than :data:`MAX_NODES` nodes.
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: yaml.Node) -> int:
        ident = id(node)
        if ident in sizes:
            return sizes[ident]
        if ident in open_nodes:
            raise _refuse(file, "recursive alias: a node contains itself", node.start_mark)
        open_nodes.add(ident)
        total = 1
        if isinstance(node, yaml.MappingNode):
            total += sum(size(key) + size(value) for key, value in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total += sum(size(child) for child in node.value)
        open_nodes.discard(ident)
        if total > MAX_NODES:
            raise _refuse(
                file,
                "the document expands to too many nodes (aliases repeat it)",
                node.start_mark,
                expected=f"at most {MAX_NODES:,} nodes",
                received=f"more than {MAX_NODES:,}",
            )
        sizes[ident] = total
        return total

    return size(root)


def load_yaml_text(text: str, file: str) -> tuple[Any, LineMap]:
    """Parse YAML text safely; return the data and the line of every node.

    Raises:
        DataError: the text is not YAML, uses a tag that would construct an object or a merge
            key, has duplicate keys, or passes a limit (length, depth, aliases, expanded size).
    """
    lines = LineMap(file)
    problems: list[Problem] = []
    if len(text) > MAX_CHARS:
        raise _refuse(
            file,
            "document too long",
            expected=f"at most {MAX_CHARS:,} characters",
            received=f"{len(text):,}",
        )
    try:
        _scan(text, file)
        node = yaml.compose(text, Loader=_Loader)
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
    _expanded_size(node, file)
    try:
        data = _build(node, (), lines, problems, yaml.constructor.SafeConstructor())
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
    return load_yaml_text(read_text(path), str(path))


def read_text(path: Path) -> str:
    """Read a UTF-8 text file, within :data:`MAX_CHARS`.

    Raises:
        DataError: the file cannot be read, is too long, or is not UTF-8 (at the line of the
            first bad byte).
    """
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_CHARS * 4 + 1)
    except OSError as error:
        raise DataError([Problem(f"cannot read file: {error.strerror}", file=str(path))]) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise DataError(
            [
                Problem(
                    "file is not UTF-8 text",
                    file=str(path),
                    line=line,
                    received=repr(data[error.start : error.start + 4]),
                )
            ]
        ) from None
