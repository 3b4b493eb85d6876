"""The Montreux Convention (1936) as rules: which warships a package may send into the Black Sea.

Warships reach the Black Sea only through the Turkish Straits, and the Convention decides who may
pass:

- **Black Sea Powers** (the littoral states) keep their fleets in the sea; their ships based there
  need no transit.
- **Non-Black-Sea Powers** may have at most 30,000 t of warships in the Black Sea in peacetime
  (Art. 18(1)(a)), rising to at most 45,000 t (Art. 18(1)(b)); a transit group holds at most nine
  vessels (Art. 14); only light surface vessels of at most 10,000 t pass (Art. 10, Annex II); a ship
  stays at most 21 days (Art. 18(2)); a transit needs 8 days' notice, desirably 15 for them
  (Art. 13).
- **In war**, Türkiye not being belligerent, warships of belligerents may not pass (Art. 19). On
  27 February 2022 Türkiye declared the war in Ukraine a war under the Convention and warned all
  governments, riparian and non-riparian, not to send warships through the straits. While that
  closure lasts, no non-Black-Sea warship can join a Black Sea mission.

A package breaking a rule is not an error: :func:`rule` returns a :class:`Ruling` that lists each
:class:`Violation` (the article, the date the closure began) and says how many ships of every
commitment remain. :func:`rule_worlds` applies the rules to arrays of worlds in which the closure
may be on or off.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from guarantor.instruments.maritime.data import MontreuxRules


class Rule(StrEnum):
    """Which provision a violation breaks."""

    CLOSURE = "closure"
    VESSEL_SIZE = "vessel_size"
    TONNAGE = "tonnage"
    SHIPS = "ships"
    STAY = "stay"


@dataclass(frozen=True)
class Deployment:
    """Warships of one type that one actor commits (one ship pledge of a commitment)."""

    commitment: str
    actor: str
    littoral: bool
    ship_type: str
    count: int
    displacement_t: float
    in_black_sea: bool = True


@dataclass(frozen=True)
class Straits:
    """The state of the straits in one scenario."""

    closed: bool = True
    raised_limit: bool = False
    stay_days: float = 21.0


@dataclass(frozen=True)
class Violation:
    """One rule a deployment breaks, with the article and what it means for the ships."""

    commitment: str
    actor: str
    ship_type: str
    rule: Rule
    article: str
    message: str
    ships_barred: int
    since: str | None = None

    def as_dict(self) -> dict[str, object]:
        """Return the violation as a JSON-ready row."""
        return {
            "commitment": self.commitment,
            "actor": self.actor,
            "ship_type": self.ship_type,
            "rule": self.rule.value,
            "article": self.article,
            "since": self.since,
            "ships_barred": self.ships_barred,
            "message": self.message,
        }


@dataclass(frozen=True)
class Ruling:
    """What the Convention allows of a package's deployments in one scenario."""

    deployments: tuple[Deployment, ...]
    allowed: tuple[int, ...]
    violations: tuple[Violation, ...]
    notice_days: float
    straits: Straits = field(default_factory=Straits)

    @property
    def ships_barred(self) -> int:
        """Ships the package puts in the Black Sea that the rules keep out."""
        return sum(d.count for d in self.deployments if d.in_black_sea) - self.ships_allowed

    @property
    def ships_allowed(self) -> int:
        """Ships in the Black Sea that the rules let stay."""
        return sum(
            allowed
            for deployment, allowed in zip(self.deployments, self.allowed, strict=True)
            if deployment.in_black_sea
        )

    def commitments(self) -> list[dict[str, object]]:
        """Say, for each commitment, which of its ships remain and why the others do not."""
        rows: dict[str, dict[str, object]] = {}
        for deployment, allowed in zip(self.deployments, self.allowed, strict=True):
            row = rows.setdefault(
                deployment.commitment,
                {
                    "commitment": deployment.commitment,
                    "actor": deployment.actor,
                    "ships_committed": 0,
                    "ships_remaining": 0,
                    "status": "remains",
                    "articles": [],
                },
            )
            row["ships_committed"] = int(str(row["ships_committed"])) + deployment.count
            row["ships_remaining"] = int(str(row["ships_remaining"])) + allowed
        for violation in self.violations:
            articles = rows[violation.commitment]["articles"]
            assert isinstance(articles, list)
            if violation.article not in articles:
                articles.append(violation.article)
        for row in rows.values():
            committed = int(str(row["ships_committed"]))
            remaining = int(str(row["ships_remaining"]))
            if remaining == 0 and committed > 0:
                row["status"] = "barred"
            elif remaining < committed:
                row["status"] = "partly barred"
            elif row["articles"]:
                row["status"] = "remains if rotated"
        return list(rows.values())


def _violation(
    deployment: Deployment,
    kind: Rule,
    article: str,
    message: str,
    ships_barred: int,
    *,
    since: str | None = None,
) -> Violation:
    return Violation(
        deployment.commitment,
        deployment.actor,
        deployment.ship_type,
        kind,
        article,
        message,
        ships_barred,
        since,
    )


def rule(deployments: Sequence[Deployment], rules: MontreuxRules, straits: Straits) -> Ruling:
    """Apply the Convention to a package's deployments in one scenario.

    Ships of Black Sea Powers and ships kept outside the Black Sea are always allowed. Ships of
    other Powers are barred while the straits are closed; otherwise, in package order, each ship
    is admitted while it is a light surface vessel and the non-Black-Sea total stays within the
    tonnage limit and the nine-ship limit. A planned stay over the limit is reported but leaves
    the ships in place (they can rotate).
    """
    limit_t = (
        rules.raised_tonnage_limit_t if straits.raised_limit else rules.tonnage_limit_t
    ).value
    max_ships = int(rules.max_ships.value)
    max_vessel_t = rules.max_vessel_t.value
    allowed: list[int] = []
    violations: list[Violation] = []
    tonnage_t = 0.0
    ships = 0
    for deployment in deployments:
        count = max(deployment.count, 0)
        if deployment.littoral or not deployment.in_black_sea:
            allowed.append(count)
            continue
        if straits.closed:
            violations.append(
                _violation(
                    deployment,
                    Rule.CLOSURE,
                    rules.closure_article,
                    f"{deployment.actor} is not a Black Sea state; Türkiye has closed the straits "
                    f"to warships since {rules.closure_date} while the war lasts",
                    count,
                    since=rules.closure_date,
                )
            )
            allowed.append(0)
            continue
        if deployment.displacement_t > max_vessel_t:
            violations.append(
                _violation(
                    deployment,
                    Rule.VESSEL_SIZE,
                    "Art. 10 and Annex II",
                    f"a {deployment.ship_type} of {deployment.displacement_t:,.0f} t is above the "
                    f"{max_vessel_t:,.0f} t of a light surface vessel",
                    count,
                )
            )
            allowed.append(0)
            continue
        room = (
            (limit_t - tonnage_t) / deployment.displacement_t
            if deployment.displacement_t > 0
            else float(count)
        )
        # a vanishingly light ship makes the room unbounded; more than `count` never matters
        room_by_tonnage = count if not room < count else int(room // 1)
        room_by_ships = max_ships - ships
        fit = max(0, min(count, room_by_tonnage, room_by_ships))
        if fit < count and room_by_tonnage <= room_by_ships:
            violations.append(
                _violation(
                    deployment,
                    Rule.TONNAGE,
                    "Art. 18(1)",
                    f"non-Black-Sea warships would exceed {limit_t:,.0f} t in the Black Sea",
                    count - fit,
                )
            )
        elif fit < count:
            violations.append(
                _violation(
                    deployment,
                    Rule.SHIPS,
                    "Art. 14",
                    f"non-Black-Sea warships would exceed {max_ships} vessels",
                    count - fit,
                )
            )
        tonnage_t += fit * deployment.displacement_t
        ships += fit
        allowed.append(fit)
        if fit > 0 and straits.stay_days > rules.max_stay_days.value:
            violations.append(
                _violation(
                    deployment,
                    Rule.STAY,
                    "Art. 18(2)",
                    f"a stay of {straits.stay_days:g} days exceeds "
                    f"{rules.max_stay_days.value:g}; the ships remain only if rotated",
                    0,
                )
            )
    transits = any(not d.littoral and d.in_black_sea and d.count > 0 for d in deployments)
    notice = rules.notice_days_non_littoral.value if transits else 0.0
    return Ruling(tuple(deployments), tuple(allowed), tuple(violations), notice, straits)


@dataclass(frozen=True)
class WorldRulings:
    """Rulings for arrays of worlds: one ruling per distinct scenario, and each world's index."""

    rulings: tuple[Ruling, ...]
    index: NDArray[np.intp]

    def per_world(self, values: Sequence[float]) -> NDArray[np.float64]:
        """Spread one value per ruling over the worlds."""
        return np.asarray(values, dtype=np.float64)[self.index]

    @property
    def violations(self) -> NDArray[np.float64]:
        """Number of violations in each world."""
        return self.per_world([len(ruling.violations) for ruling in self.rulings])

    @property
    def ships_barred(self) -> NDArray[np.float64]:
        """Ships kept out of the Black Sea in each world."""
        return self.per_world([ruling.ships_barred for ruling in self.rulings])

    @cached_property
    def allowed(self) -> NDArray[np.float64]:
        """Allowed ships per deployment (rows) in each world (columns)."""
        table = np.array([ruling.allowed for ruling in self.rulings], dtype=np.float64)
        if table.size == 0:
            return np.zeros((0, self.index.size))
        return np.ascontiguousarray(table.T[:, self.index])


def rule_worlds(
    deployments: Sequence[Deployment],
    rules: MontreuxRules,
    closed: NDArray[np.float64],
    raised_limit: NDArray[np.float64],
    stay_days: NDArray[np.float64],
) -> WorldRulings:
    """Apply the rules in every world; the rules run once per distinct scenario, not per world.

    ``closed`` and ``raised_limit`` are read as flags (> 0.5 is on); the stay matters only through
    whether it exceeds the limit, so there are at most eight distinct scenarios.
    """
    over_stay = np.asarray(stay_days, dtype=np.float64) > rules.max_stay_days.value
    # one code per scenario (closed, raised, over stay) = 0..7; no sort over worlds
    codes = (
        (np.asarray(closed) > 0.5).astype(np.intp) * 4
        + (np.asarray(raised_limit) > 0.5).astype(np.intp) * 2
        + over_stay.astype(np.intp)
    ).ravel()
    present = np.flatnonzero(np.bincount(codes, minlength=8))
    position = np.zeros(8, dtype=np.intp)
    position[present] = np.arange(present.size)
    stays = np.asarray(stay_days, dtype=np.float64).ravel()
    first = np.full(8, -1, dtype=np.intp)
    first[codes[::-1]] = np.arange(codes.size)[::-1]
    rulings = tuple(
        rule(
            deployments,
            rules,
            Straits(bool(code & 4), bool(code & 2), float(stays[first[code]])),
        )
        for code in present
    )
    return WorldRulings(rulings, position[codes])
