"""Verification of a 50-rule set: z3 proofs against brute-force enumeration.

The peer is what one does with a policy engine such as OPA that cannot prove properties:
enumerate a discretised incident space and evaluate every rule on every point, here as
vectorised numpy over the whole grid (every categorical value, the measured fields at 0 and
on both sides of every threshold). Both check the same properties (completeness, dead and
shadowed rules, monotone escalation along act/weapon/distance/pid/authority, invariants over
every incident, out-of-scope holes) and must agree;
the grid is exact only because it is built from the thresholds, and grows as the product of
every field's values, while the solver's proof covers the continuous space.

Run: .venv/bin/python benchmarks/bench_roe.py
"""

from __future__ import annotations

import itertools
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from guarantor.roe import Ruleset, load_ruleset, verify
from guarantor.roe.rules import All, AnyOf, Expr, Not, Test, tests_in
from guarantor.roe.schema import (
    INCIDENT_FIELDS,
    PLATFORM_DOMAINS,
    Direction,
    FieldKind,
    Platform,
)

PROTECTED = ["ukraine_west_of_line", "black_sea_corridor"]
ZONES = INCIDENT_FIELDS["zone"].values


def _threshold(value: float, unit: str) -> dict[str, Any]:
    return {
        "below": value,
        "unit": unit,
        "assumption": "benchmark threshold",
        "low": value / 2,
        "high": value * 2,
    }


def fifty_rules() -> dict[str, Any]:
    """A 50-rule air-policing set in the shape of the shipped one, clean by construction."""
    rules: list[dict[str, Any]] = [
        {
            "id": "report",
            "when": {"act": {"at_least": "airspace_violation"}},
            "then": "monitor",
            "reason": "report",
        }
    ]
    ladders = {"protected": ["warn", "intercept", "engage"], "other": [None, "warn", "shadow"]}
    for zone in ZONES:
        if zone == "russian_territory":
            continue  # only the report rule: nothing is done in Russia
        kind = "protected" if zone in PROTECTED else "other"
        for level, act in enumerate(["airspace_violation", "hostile_intent", "hostile_act"]):
            response = ladders[kind][level]
            if response is None:
                continue
            rule: dict[str, Any] = {
                "id": f"{zone}-{act}",
                "when": {"act": {"at_least": act}, "zone": zone},
                "then": response,
                "reason": "zone ladder",
            }
            if response == "engage":
                rule["authority"] = "mission_commander"
            rules.append(rule)
    for number, (platform, zone) in enumerate(
        (p, z) for p in ("unknown", "drone", "manned_aircraft", "missile") for z in PROTECTED
    ):
        rules.append(
            {
                "id": f"near-{platform}-{zone}",
                "when": {
                    "platform": platform,
                    "act": {"at_least": "airspace_violation"},
                    "zone": zone,
                    "distance_km": _threshold(10.0 + 2.5 * number, "km"),
                },
                "then": "disable" if platform != "manned_aircraft" else "escort_out",
                "authority": "mission_commander",
                "reason": "close to a site",
            }
        )
    for weapon, zone in ((w, z) for w in ("heavy", "missile") for z in PROTECTED):
        rules.append(
            {
                "id": f"intent-{weapon}-{zone}",
                "when": {
                    "act": "hostile_intent",
                    "pid": True,
                    "weapon": {"at_least": weapon},
                    "zone": zone,
                },
                "then": "engage" if weapon == "missile" else "disable",
                "authority": "mission_commander",
                "reason": "identified intent",
            }
        )
    for zone in ZONES:
        if zone != "russian_territory":
            rules.append(
                {
                    "id": f"self-defence-{zone}",
                    "when": {"act": "attack_on_coalition_forces", "zone": zone},
                    "then": "engage",
                    "reason": "self-defence",
                }
            )
    for zone in ("ukraine_east_of_line", "nato_airspace", "near_russian_territory"):
        rules.append(
            {
                "id": f"national-{zone}",
                "when": {"act": {"at_least": "hostile_act"}, "pid": True, "zone": zone},
                "then": "engage",
                "authority": "national_command",
                "reason": "national order",
            }
        )
    for number, zone in enumerate(PROTECTED):
        rules.append(
            {
                "id": f"low-manned-{zone}",
                "when": {
                    "platform": "manned_aircraft",
                    "act": {"at_least": "airspace_violation"},
                    "zone": zone,
                    "altitude_m": _threshold(300.0 + 200 * number, "m"),
                },
                "then": "shadow",
                "authority": "mission_commander",
                "reason": "low-level intruder",
            }
        )
    for zone in PROTECTED:
        rules.append(
            {
                "id": f"shipping-on-scene-{zone}",
                "when": {
                    "act": {"at_least": "attack_on_shipping"},
                    "zone": zone,
                    "weapon": {"at_least": "light"},
                },
                "then": "disable",
                "reason": "the captain defends shipping",
            }
        )
        rules.append(
            {
                "id": f"unidentified-{zone}",
                "when": {
                    "actor": "unidentified",
                    "act": {"at_least": "airspace_violation"},
                    "zone": zone,
                },
                "then": "intercept",
                "authority": "mission_commander",
                "reason": "identify the unknown",
            }
        )
        rules.append(
            {
                "id": f"low-drone-{zone}",
                "when": {
                    "platform": "drone",
                    "act": {"at_least": "airspace_violation"},
                    "zone": zone,
                    "altitude_m": _threshold(200.0, "m"),
                },
                "then": "shadow",
                "reason": "track a low drone",
            }
        )
        rules.append(
            {
                "id": f"escort-identified-manned-{zone}",
                "when": {
                    "platform": "manned_aircraft",
                    "pid": True,
                    "act": {"at_least": "airspace_violation"},
                    "zone": zone,
                },
                "then": "escort_out",
                "authority": "mission_commander",
                "reason": "escort out",
            }
        )
    for number, (target, zone) in enumerate(
        (t, z)
        for t in ("shipping", "civilian_infrastructure", "ukrainian_forces")
        for z in PROTECTED
    ):
        rules.append(
            {
                "id": f"intent-on-{target}-{zone}",
                "when": {
                    "act": "hostile_intent",
                    "target": target,
                    "pid": True,
                    "zone": zone,
                    "distance_km": _threshold(5.0 + number, "km"),
                },
                "then": "disable",
                "authority": "mission_commander",
                "reason": "identified intent close to what it aims at",
            }
        )
    rules.append(
        {
            "id": "watch-near-russia",
            "when": {"act": "presence", "zone": "near_russian_territory"},
            "then": "monitor",
            "reason": "routine flights near the border are watched",
        }
    )
    assert len(rules) == 50, len(rules)
    engage_rule = {
        "any": [
            {"act": {"at_least": "hostile_act"}},
            {"act": "hostile_intent", "pid": True},
        ]
    }
    return {
        "name": "fifty",
        "title": "fifty rules",
        "hit_policy": "priority",
        "scope": {"domain": "air"},
        "default": {"response": "monitor", "allowed_when": {"act": "presence"}},
        "rules": rules,
        "invariants": [
            {
                "id": "engage",
                "text": "engage needs hostility",
                "when": {"response": "engage"},
                "require": engage_rule,
            },
            {
                "id": "russia",
                "text": "never act in Russia",
                "when": {"zone": "russian_territory"},
                "require": {"response": {"at_most": "warn"}},
            },
        ],
    }


# ---------------------------------------------------------------------------------------------
# The peer: brute-force enumeration over a discretised incident space


def _grid_points(ruleset: Ruleset) -> dict[str, np.ndarray]:
    points: dict[str, np.ndarray] = {}
    for name, spec in INCIDENT_FIELDS.items():
        if spec.kind is FieldKind.FLAG:
            points[name] = np.array([False, True])
        elif spec.kind is FieldKind.MEASURE:
            # each threshold needs one point on either side of it, no more
            values = {0.0}
            for rule in ruleset.rules:
                for test in (t for item in rule.conditions for t in tests_in(item)):
                    if test.field == name and test.threshold is not None:
                        limit = test.threshold.value
                        beside = limit - 1e-6 if test.op in {"<", ">="} else limit + 1e-6
                        values |= {v for v in (limit, beside) if v >= 0}
            points[name] = np.array(sorted(values))
        elif name == "domain":
            # the scope's domains, and one outside it: there the default applies to every
            # incident, so one domain stands for all (the whole-space checks need it)
            inside = set.intersection(
                *[
                    set(t.allowed)
                    for t in ruleset.scope
                    if isinstance(t, Test) and t.field == "domain"
                ]
                or [set(spec.values)]
            )
            outside = [v for v in spec.values if v not in inside][:1]
            points[name] = np.array(
                [spec.index(v) for v in spec.values if v in inside or v in outside]
            )
        else:
            points[name] = np.arange(len(spec.values))
    return points


def brute_force(ruleset: Ruleset) -> dict[str, Any]:
    """Check every property on every grid point; return the findings found."""
    points = _grid_points(ruleset)
    names = list(INCIDENT_FIELDS)
    shape = tuple(len(points[n]) for n in names)
    axes = {name: index for index, name in enumerate(names)}
    grid = {
        name: points[name].reshape([-1 if i == axes[name] else 1 for i in range(len(names))])
        for name in names
    }

    def test_mask(test: Test, response: np.ndarray | None = None) -> np.ndarray:
        spec = INCIDENT_FIELDS.get(test.field)
        if test.field == "response":
            assert response is not None
            allowed = [
                i
                for i, label in enumerate(
                    ("monitor", "warn", "shadow", "intercept", "escort_out", "disable", "engage")
                )
                if label in test.allowed
            ]
            return np.isin(response, allowed)
        assert spec is not None
        value = grid[test.field]
        if spec.kind is FieldKind.FLAG:
            return value == test.flag
        if spec.kind is FieldKind.MEASURE:
            assert test.threshold is not None
            limit = test.threshold.value
            return {
                "<": value < limit,
                "<=": value <= limit,
                ">": value > limit,
                ">=": value >= limit,
            }[test.op]
        return np.isin(value, [spec.index(v) for v in test.allowed])

    def expr_mask(expr: Expr, response: np.ndarray | None) -> np.ndarray:
        if isinstance(expr, Test):
            return np.broadcast_to(test_mask(expr, response), shape)
        if isinstance(expr, All):
            out = np.ones(shape, dtype=bool)
            for part in expr.parts:
                out = out & expr_mask(part, response)
            return out
        if isinstance(expr, AnyOf):
            out = np.zeros(shape, dtype=bool)
            for part in expr.parts:
                out = out | expr_mask(part, response)
            return out
        assert isinstance(expr, Not)
        return ~expr_mask(expr.part, response)

    valid = np.ones(shape, dtype=bool)
    platforms = INCIDENT_FIELDS["platform"].values
    domains = INCIDENT_FIELDS["domain"].values
    for index, platform in enumerate(platforms):
        allowed = [domains.index(d.value) for d in PLATFORM_DOMAINS[Platform(platform)]]
        valid &= ~((grid["platform"] == index) & ~np.isin(grid["domain"], allowed))
    in_scope = valid.copy()
    for item in ruleset.scope:
        in_scope &= expr_mask(item, None)
    matches = {}
    for rule in ruleset.rules:
        mask = in_scope.copy()
        for item in rule.all_conditions:
            mask &= expr_mask(item, None)
        matches[rule.id] = mask
    response = np.full(shape, int(ruleset.default), dtype=np.int8)
    fired = np.full(shape, -1, dtype=np.int16)
    for rule in reversed(ruleset.precedence()):
        response = np.where(matches[rule.id], np.int8(rule.response), response)
        fired = np.where(matches[rule.id], np.int16(rule.index), fired)
    any_match = np.zeros(shape, dtype=bool)
    for mask in matches.values():
        any_match |= mask
    allowed_default = expr_mask(ruleset.default_allowed, response)
    findings: dict[str, Any] = {
        "grid_points": int(np.prod(shape)),
        "gaps": int((in_scope & ~any_match & ~allowed_default).sum()),
        "dead": [r.id for r in ruleset.rules if not matches[r.id].any()],
        "shadowed": [
            r.id for r in ruleset.rules if matches[r.id].any() and not (fired == r.index).any()
        ],
        "monotone": [],
        "invariant": [],
        "scope": [],
        "conflicts": [],
    }
    if ruleset.hit_policy.value == "unique":
        for first, second in itertools.combinations(ruleset.rules, 2):
            if first.response != second.response and (matches[first.id] & matches[second.id]).any():
                findings["conflicts"].append(f"{first.id}/{second.id}")
    for name, direction in ruleset.monotone.items():
        axis = axes[name]
        low = [slice(None)] * len(shape)
        high = [slice(None)] * len(shape)
        low[axis], high[axis] = slice(None, -1), slice(1, None)
        if direction is Direction.DECREASING:
            low, high = high, low
        both = valid[tuple(low)] & valid[tuple(high)]
        if (both & (response[tuple(high)] < response[tuple(low)])).any():
            findings["monotone"].append(name)
    for invariant in ruleset.invariants:
        # over every incident, as the verifier proves them: outside the scope the default applies
        breach = (
            valid & expr_mask(invariant.when, response) & ~expr_mask(invariant.require, response)
        )
        if invariant.within is not None:
            breach &= expr_mask(invariant.within, response)
        if (breach & in_scope).any() or (invariant.within is not None and breach.any()):
            findings["invariant"].append(invariant.id)
        elif breach.any():
            findings["scope"].append(invariant.id)
    return findings


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fifty.yaml"
        path.write_text(yaml.safe_dump(fifty_rules(), sort_keys=False), encoding="utf-8")
        ruleset = load_ruleset(path)
    assert len(ruleset.rules) == 50
    verify(load_ruleset("air-policing"))  # warm up z3
    start = time.perf_counter()
    report = verify(ruleset)
    ours = time.perf_counter() - start
    start = time.perf_counter()
    peer = brute_force(ruleset)
    theirs = time.perf_counter() - start
    agree = (
        report.ok
        and peer["gaps"] == 0
        and not peer["dead"]
        and not peer["shadowed"]
        and not peer["monotone"]
        and not peer["invariant"]
        and not peer["scope"]
    )
    flawed = load_ruleset("flawed-example")
    flawed_ours = {f.check for f in verify(flawed).findings}
    flawed_peer = brute_force(flawed)
    print(f"rule set: 50 rules, hit policy {ruleset.hit_policy}, verified clean: {report.ok}")
    print(f"guarantor z3 verifier: {ours:.3f} s ({report.solver_calls} solver calls)")
    print(
        f"peer, brute-force enumeration (numpy, {peer['grid_points']:,} grid points): "
        f"{theirs:.3f} s"
    )
    print(f"ratio peer/ours: {theirs / ours:.1f}x; verdicts agree: {agree}")
    print(f"target: verification of a 50-rule set <= 5 s: {'met' if ours <= 5 else 'MISSED'}")
    print(
        f"flawed example: z3 finds {sorted(flawed_ours)}; brute force finds gaps="
        f"{flawed_peer['gaps']} dead={flawed_peer['dead']} monotone={flawed_peer['monotone']} "
        f"invariant={flawed_peer['invariant']} scope={flawed_peer['scope']} "
        f"conflicts={flawed_peer['conflicts']}"
    )


if __name__ == "__main__":
    main()
