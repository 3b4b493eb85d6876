"""Compiling conditions as written into tests and expressions, collecting located problems.

Per field: a value, a list (``in``), ``{in: ...}``, ``{not_in: ...}``, ``{at_least: ...}`` and
``{at_most: ...}`` (both at once for a range on an ordered field), ``true``/``false`` (flags),
and thresholds on measures (``{below | at_most | above | at_least: number, unit, source}`` or
with ``assumption, low, high``; one lower and one upper bound together make a range). A mapping
may also hold ``any: [...]``, ``all: [...]`` and ``not: {...}`` for disjunctions.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import ValidationError

from guarantor.errors import Problem, short_repr
from guarantor.roe.rules import TRUE, All, AnyOf, Expr, Not, Test
from guarantor.roe.schema import FieldKind, FieldSpec
from guarantor.sourcing import Quantity, pydantic_problems
from guarantor.yamlio import LineMap

Path_ = tuple[str | int, ...]
_MEASURE_OPS = {"below": "<", "at_most": "<=", "above": ">", "at_least": ">="}
_LOWER = {"above", "at_least"}
_SET_OPS = ("in", "not_in", "at_least", "at_most")
_PROVENANCE = {"unit", "source", "assumption", "low", "high", "note"}
COMBINATORS = ("all", "any", "not")


class Compiler:
    """Compiles conditions and expressions over a set of fields, collecting located problems."""

    def __init__(self, lines: LineMap, fields: dict[str, FieldSpec]) -> None:
        self.lines = lines
        self.fields = fields
        self.problems: list[Problem] = []

    def _problem(self, path: Path_, message: str, **details: Any) -> None:
        self.problems.append(self.lines.problem(list(path), message, **details))

    def conjunction(self, raw: Any, path: Path_) -> tuple[Expr, ...]:
        """A mapping of conditions, all of which must hold: one expression per key."""
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
        parts = [self._part(str(key), value, (*path, key)) for key, value in raw.items()]
        return tuple(part for part in parts if part is not None)

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
        parts = self.conjunction(raw, path)
        return parts[0] if len(parts) == 1 else All(parts)

    def _part(self, key: str, value: Any, where: Path_) -> Expr | None:
        if key in {"all", "any"}:
            if not isinstance(value, list) or not value:
                self._problem(
                    where,
                    f"'{key}' takes a non-empty list of expressions",
                    expected="a list",
                    received=short_repr(value),
                )
                return None
            items = tuple(self.expression(item, (*where, n)) for n, item in enumerate(value))
            return All(items) if key == "all" else AnyOf(items)
        if key == "not":
            return Not(self.expression(value, where))
        return self.test(key, value, where)

    def test(self, name: str, raw: Any, path: Path_) -> Expr | None:
        """One condition on one field (a range on a measure is two tests)."""
        spec = self.fields.get(name)
        if spec is None:
            self._problem(
                path,
                "condition on a field that does not exist",
                expected=f"one of {sorted(self.fields)} or {list(COMBINATORS)}",
                received=name,
            )
            return None
        if spec.kind is FieldKind.FLAG:
            if not isinstance(raw, bool):
                self._problem(path, "a yes/no field", expected="true or false", received=repr(raw))
                return None
            return Test(name, f"{name} = {str(raw).lower()}", kind=spec.kind, flag=raw, where=path)
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
        name, kind = spec.name, spec.kind
        if isinstance(raw, str):
            return (
                Test(name, f"{name} = {raw}", kind=kind, allowed=frozenset({raw}), where=path)
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
            text = f"{name} in [{', '.join(raw)}]"
            return Test(name, text, kind=kind, allowed=frozenset(raw), where=path)
        ops = list(raw) if isinstance(raw, dict) else []
        bounded = sorted(ops) == ["at_least", "at_most"]
        if not ops or (len(ops) != 1 and not bounded) or not set(ops) <= set(_SET_OPS):
            self._problem(
                path,
                f"a condition on {name}",
                expected=f"a value, a list, or one of {{{', '.join(_SET_OPS)}: ...}}",
                received=short_repr(raw),
            )
            return None
        assert isinstance(raw, dict)
        if ops[0] in {"at_least", "at_most"}:
            return self._ordered(spec, raw, path)
        op, value = ops[0], raw[ops[0]]
        where = (*path, op)
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
                kind=kind,
                allowed=frozenset(spec.values) - chosen,
                where=path,
            )
        return Test(name, f"{name} in [{', '.join(items)}]", kind=kind, allowed=chosen, where=path)

    def _ordered(self, spec: FieldSpec, raw: dict[str, Any], path: Path_) -> Test | None:
        name = spec.name
        if spec.kind is not FieldKind.ORDINAL:
            self._problem(
                (*path, next(iter(raw))),
                f"{name} has no order",
                expected="'in' or 'not_in'",
                received=next(iter(raw)),
            )
            return None
        if not all(self._known(spec, raw[op], (*path, op)) for op in raw):
            return None
        low = spec.index(raw["at_least"]) if "at_least" in raw else 0
        high = spec.index(raw["at_most"]) if "at_most" in raw else len(spec.values) - 1
        if low > high:
            self._problem(
                path,
                "an empty range never holds",
                expected=f"at_least ≤ at_most in the order {list(spec.values)}",
                received=f"{raw['at_least']} .. {raw['at_most']}",
            )
            return None
        words = [f"≥ {raw['at_least']}" if "at_least" in raw else ""]
        words.append(f"≤ {raw['at_most']}" if "at_most" in raw else "")
        text = f"{name} {' and '.join(word for word in words if word)}"
        allowed = frozenset(spec.values[low : high + 1])
        return Test(name, text, kind=spec.kind, allowed=allowed, where=path)

    def _measure(self, spec: FieldSpec, raw: Any, path: Path_) -> Expr | None:
        name = spec.name
        ops = [key for key in raw if key in _MEASURE_OPS] if isinstance(raw, dict) else []
        lower = [op for op in ops if op in _LOWER]
        if not isinstance(raw, dict) or not ops or len(ops) - len(lower) > 1 or len(lower) > 1:
            self._problem(
                path,
                f"a threshold on {name}",
                expected=(
                    f"{{below|at_most|above|at_least: number, unit: {spec.unit}, "
                    "source: id}} or an assumption with low and high (one lower and one upper "
                    "bound for a range)"
                ),
                received=short_repr(raw),
            )
            return None
        extra = sorted(set(raw) - _PROVENANCE - set(ops))
        if extra:
            self._problem(
                (*path, extra[0]),
                "unknown field in a threshold",
                expected=f"one of {sorted(_PROVENANCE | set(_MEASURE_OPS))}",
                received=extra[0],
            )
            return None
        data = {key: item for key, item in raw.items() if key not in ops}
        tests = [self._threshold(spec, op, raw[op], data, path) for op in ops]
        if any(test is None for test in tests):
            return None
        found = tuple(test for test in tests if test is not None)
        if len(found) == 2:
            low, high = sorted(found, key=lambda test: test.op not in {">", ">="})
            assert low.threshold is not None
            assert high.threshold is not None
            if low.threshold.value >= high.threshold.value:
                self._problem(
                    path,
                    "an empty range never holds",
                    expected="the lower bound below the upper bound",
                    received=f"{low.text}, {high.text}",
                )
                return None
        return found[0] if len(found) == 1 else All(found)

    def _threshold(
        self, spec: FieldSpec, op: str, value: Any, data: dict[str, Any], path: Path_
    ) -> Test | None:
        name = spec.name
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
        ):
            self._problem((*path, op), "a threshold is a finite number", received=short_repr(value))
            return None
        # a range shares its provenance: an assumption's low-high brackets both bounds
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
            kind=spec.kind,
            op=symbol,
            threshold=quantity,
            where=path,
        )
