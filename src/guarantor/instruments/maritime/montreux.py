"""The Montreux Convention (1936) article by article: which warships may pass the Turkish Straits.

Warships reach the Black Sea only through the Straits, and the Convention decides who may pass.
Each ship type a package pledges falls in one of the categories of **Annex II**, by its
*standard* displacement: capital ships, aircraft carriers, light surface vessels, minor war
vessels, auxiliaries and submarines. The rules applied here, in order:

- A ship kept outside the Black Sea, or a Black Sea Power's ship based in it, makes no transit:
  the Convention does not touch it.
- **Art. 20** (Türkiye belligerent) and **Art. 21** (Türkiye threatened with imminent danger of
  war): Arts. 10–18 are suspended and passage is left to Türkiye; the model lets Türkiye's
  partners pass and bars its adversaries (a labelled reading of "entirely at its discretion").
- **Art. 19** (war, Türkiye not belligerent): belligerents' warships may not pass, except a
  Black Sea Power's ship returning to its base; non-belligerents pass under Arts. 10–18.
- **Türkiye's policy since 27 February 2022** is a separate, named switch: Türkiye warned *all*
  governments, riparian or not, not to send warships through; with it on, non-belligerents are
  barred too (by that policy, not by an article).
- **Arts. 10–18** in peace (and for non-belligerents in war without that policy): Art. 10 lets
  light surface vessels, minor war vessels and auxiliaries pass; Art. 11 lets Black Sea Powers'
  capital ships pass; Art. 12 lets Black Sea Powers' submarines pass to rejoin their base;
  aircraft carriers have no passage; Art. 13 asks 8 days' notice (15 desirable for
  non-Black-Sea Powers); **Art. 14** limits the foreign naval force *in transit at one time* to
  nine vessels and 15,000 t, a schedule of transit groups, not a cap on presence; **Art. 18**
  limits the non-Black-Sea Powers' aggregate tonnage in the Black Sea to 30,000 t (45,000 t if
  raised under 18(1)(b)), any one Power to two-thirds of it, and a stay to 21 days.

A package breaking a rule is not an error: :func:`rule` returns a :class:`Ruling` with a
:class:`Verdict` for every pledge (the ship, the article, how many ships pass and why) and a
:class:`Violation` for every ship kept out. :func:`rule_worlds` applies the rules once per
distinct scenario over arrays of worlds.

One module on purpose (about 700 lines): the Convention is read article by article in the order
of its text, so that a reader can hold each rule against the article it applies.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from guarantor.instruments.maritime.data import MontreuxRules


class Category(StrEnum):
    """Annex II categories of warship."""

    CAPITAL_SHIP = "capital_ship"
    AIRCRAFT_CARRIER = "aircraft_carrier"
    LIGHT_SURFACE_VESSEL = "light_surface_vessel"
    MINOR_WAR_VESSEL = "minor_war_vessel"
    AUXILIARY = "auxiliary"
    SUBMARINE = "submarine"


PASSING_CATEGORIES = frozenset(
    {Category.LIGHT_SURFACE_VESSEL, Category.MINOR_WAR_VESSEL, Category.AUXILIARY}
)
"""Categories Art. 10 lets pass in peace, whoever the Power."""


class Scenario(StrEnum):
    """The straits' status: a named scenario, never a draw."""

    CLOSED = "closed"
    OPEN = "open"
    TURKEY_BELLIGERENT = "turkey-belligerent"

    @property
    def code(self) -> int:
        """The scenario's code in the world parameter ``straits_scenario``."""
        return list(Scenario).index(self)

    @classmethod
    def from_code(cls, code: float) -> Scenario:
        """The scenario of a code (0 closed, 1 open, 2 Türkiye belligerent).

        Raises:
            ValueError: not one of the codes.
        """
        members = list(cls)
        index = round(code)
        if abs(code - index) > 1e-9 or not 0 <= index < len(members):
            raise ValueError(
                f"straits_scenario must be one of 0 (closed), 1 (open), 2 (turkey-belligerent); "
                f"got {code!r}"
            )
        return members[index]


SCENARIO_MEANING = {
    Scenario.CLOSED: "war, Türkiye not belligerent (Art. 19); its 2022 policy a switch",
    Scenario.OPEN: "peace: Arts. 10-18 for every Power (Türkiye has ended the state of war)",
    Scenario.TURKEY_BELLIGERENT: "war, Türkiye belligerent (Art. 20): passage at its discretion",
}


class Rule(StrEnum):
    """Which provision keeps ships out (or, for the stay, limits them)."""

    POLICY = "turkey_policy"
    BELLIGERENT = "belligerent"
    CATEGORY = "category"
    TONNAGE = "tonnage"
    POWER_SHARE = "power_share"
    DISCRETION = "discretion"
    STAY = "stay"


@dataclass(frozen=True)
class Deployment:
    """Warships of one type that one actor commits (one ship pledge of a commitment).

    ``displacement_t`` is the *standard* displacement (Annex II). ``transits`` says whether the
    ships must pass the Straits to be in the Black Sea; by default only non-Black-Sea Powers'
    ships do (a Black Sea Power's ships are taken as based there).
    """

    commitment: str
    actor: str
    littoral: bool
    ship_type: str
    count: int
    displacement_t: float
    in_black_sea: bool = True
    category: Category = Category.LIGHT_SURFACE_VESSEL
    belligerent: bool = False
    transits: bool | None = None
    returning_to_base: bool = False
    turkey_adversary: bool = False

    @property
    def must_transit(self) -> bool:
        """Whether the ships pass the Straits to reach the Black Sea."""
        if not self.in_black_sea:
            return False
        return (not self.littoral) if self.transits is None else self.transits


@dataclass(frozen=True)
class Straits:
    """One scenario: the straits' status and the switches the Convention leaves open."""

    scenario: Scenario = Scenario.CLOSED
    turkey_policy: bool = True
    turkey_threatened: bool = False
    raised_limit: bool = False
    stay_days: float = 21.0

    @property
    def closed(self) -> bool:
        """Whether non-belligerents are kept out too (Türkiye's policy in the war)."""
        return self.scenario is Scenario.CLOSED and self.turkey_policy

    def describe(self) -> str:
        """One line naming the scenario and its switches."""
        parts = [f"straits {self.scenario.value}: {SCENARIO_MEANING[self.scenario]}"]
        if self.scenario is Scenario.CLOSED:
            parts.append(f"Türkiye's 2022 policy {'on' if self.turkey_policy else 'off'}")
        if self.turkey_threatened:
            parts.append("Türkiye threatened (Art. 21)")
        if self.raised_limit:
            parts.append("Art. 18(1)(b) limit raised to 45,000 t")
        return "; ".join(parts)


@dataclass(frozen=True)
class Verdict:
    """What the Convention says of one pledge: the ship, how many pass, the article, why."""

    commitment: str
    actor: str
    ship_type: str
    category: str
    ships: int
    admitted: int
    article: str
    reason: str

    @property
    def barred(self) -> int:
        """Ships of the pledge kept out."""
        return self.ships - self.admitted

    @property
    def status(self) -> str:
        """``passes``, ``partly barred``, ``barred`` or ``no transit``."""
        if self.barred == 0:
            return "passes" if self.article != NO_TRANSIT else "no transit"
        return "barred" if self.admitted == 0 else "partly barred"

    def as_dict(self) -> dict[str, object]:
        """Return the verdict as a JSON-ready row."""
        return {
            "commitment": self.commitment,
            "actor": self.actor,
            "ship_type": self.ship_type,
            "category": self.category,
            "ships": self.ships,
            "admitted": self.admitted,
            "barred": self.barred,
            "status": self.status,
            "article": self.article,
            "reason": self.reason,
        }


NO_TRANSIT = "no transit (Arts. 10-19 govern passage only)"


@dataclass(frozen=True)
class Violation:
    """One rule that keeps ships of a pledge out (or limits their stay), with the article."""

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
    verdicts: tuple[Verdict, ...] = ()
    transit_groups: int = 0

    @property
    def ships_barred(self) -> int:
        """Ships the package puts in the Black Sea that the rules keep out."""
        return sum(d.count for d in self.deployments if d.in_black_sea) - self.ships_allowed

    @property
    def ships_allowed(self) -> int:
        """Ships in the Black Sea that the rules let in (or that need no transit)."""
        return sum(
            allowed
            for deployment, allowed in zip(self.deployments, self.allowed, strict=True)
            if deployment.in_black_sea
        )

    def commitments(self) -> list[dict[str, object]]:
        """Say, for each commitment, which of its ships remain and under which articles."""
        rows: dict[str, dict[str, object]] = {}
        for verdict in self.verdicts:
            row = rows.setdefault(
                verdict.commitment,
                {
                    "commitment": verdict.commitment,
                    "actor": verdict.actor,
                    "ships_committed": 0,
                    "ships_remaining": 0,
                    "status": "remains",
                    "articles": [],
                },
            )
            row["ships_committed"] = int(str(row["ships_committed"])) + verdict.ships
            row["ships_remaining"] = int(str(row["ships_remaining"])) + verdict.admitted
            articles = row["articles"]
            assert isinstance(articles, list)
            if verdict.barred and verdict.article not in articles:
                articles.append(verdict.article)
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


def _verdict(deployment: Deployment, admitted: int, article: str, reason: str) -> Verdict:
    return Verdict(
        deployment.commitment,
        deployment.actor,
        deployment.ship_type,
        deployment.category.value,
        max(deployment.count, 0),
        admitted,
        article,
        reason,
    )


def _name(deployment: Deployment) -> str:
    return (
        f"{deployment.count} {deployment.actor} {deployment.ship_type} "
        f"({deployment.category.value.replace('_', ' ')}, "
        f"{deployment.displacement_t:,.0f} t standard)"
    )


@dataclass
class _Tally:
    """Running totals over the package, in order."""

    tonnage_t: float = 0.0
    by_power_t: dict[str, float] = field(default_factory=dict)
    transit_ships: int = 0
    transit_t: float = 0.0


def _peacetime(
    deployment: Deployment,
    rules: MontreuxRules,
    straits: Straits,
    tally: _Tally,
    violations: list[Violation],
) -> Verdict:
    """Arts. 10-18 for one transiting pledge (peace, or a non-belligerent in war)."""
    count = max(deployment.count, 0)
    who = _name(deployment)
    category = deployment.category
    if category is Category.AIRCRAFT_CARRIER:
        violations.append(
            _violation(
                deployment,
                Rule.CATEGORY,
                "Art. 10 and Annex II",
                f"{who}: aircraft carriers are not among the categories that may pass",
                count,
            )
        )
        return _verdict(deployment, 0, "Art. 10 and Annex II", "aircraft carriers have no passage")
    if category is Category.SUBMARINE:
        if deployment.littoral:
            return _verdict(
                deployment,
                count,
                "Art. 12",
                "a Black Sea Power's submarine passes to rejoin its base, by day, surfaced, singly",
            )
        violations.append(
            _violation(
                deployment,
                Rule.CATEGORY,
                "Art. 12 and Annex II",
                f"{who}: only Black Sea Powers' submarines pass, and only to rejoin their base",
                count,
            )
        )
        return _verdict(deployment, 0, "Art. 12 and Annex II", "submarines of other Powers")
    if category is Category.CAPITAL_SHIP:
        if deployment.littoral:
            return _verdict(
                deployment,
                count,
                "Art. 11",
                "a Black Sea Power's capital ship passes singly, escorted by at most two "
                "destroyers, outside the Art. 14 limits",
            )
        violations.append(
            _violation(
                deployment,
                Rule.CATEGORY,
                "Art. 10 and Annex II",
                f"{who}: above {rules.max_vessel_t.value:,.0f} t a ship is a capital ship, which "
                "only Black Sea Powers may send through",
                count,
            )
        )
        return _verdict(
            deployment, 0, "Art. 10 and Annex II", "capital ships of non-Black-Sea Powers"
        )
    if deployment.littoral:
        tally.transit_ships += count
        tally.transit_t += count * deployment.displacement_t
        return _verdict(
            deployment, count, "Art. 10; Art. 14 schedule", f"{category.value} of a Black Sea Power"
        )
    limit_t = (
        rules.raised_tonnage_limit_t if straits.raised_limit else rules.tonnage_limit_t
    ).value
    article_limit = "Art. 18(1)(b)" if straits.raised_limit else "Art. 18(1)(a)"
    power_limit_t = limit_t * rules.one_power_share.value
    weight = max(deployment.displacement_t, 0.0)
    power_used = tally.by_power_t.get(deployment.actor, 0.0)

    def room(left_t: float) -> int:
        if weight <= 0:
            return count
        return max(0, min(count, math.floor(left_t / weight + 1e-9)))

    by_total = room(limit_t - tally.tonnage_t)
    by_power = room(power_limit_t - power_used)
    fit = min(by_total, by_power)
    article = "Art. 10; Art. 14 schedule; Art. 18"
    reason = f"within the {limit_t:,.0f} t aggregate of non-Black-Sea Powers"
    if fit < count:
        if by_power < by_total:
            article = "Art. 18(1)(c)"
            reason = (
                f"{deployment.actor} would exceed two-thirds of the aggregate "
                f"({power_limit_t:,.0f} t)"
            )
            kind = Rule.POWER_SHARE
        else:
            article = article_limit
            reason = (
                f"non-Black-Sea Powers' warships would exceed {limit_t:,.0f} t in the Black Sea"
            )
            kind = Rule.TONNAGE
        violations.append(_violation(deployment, kind, article, f"{who}: {reason}", count - fit))
    tally.tonnage_t += fit * weight
    tally.by_power_t[deployment.actor] = power_used + fit * weight
    tally.transit_ships += fit
    tally.transit_t += fit * weight
    if fit > 0 and straits.stay_days > rules.max_stay_days.value:
        violations.append(
            _violation(
                deployment,
                Rule.STAY,
                "Art. 18(2)",
                f"{who}: a stay of {straits.stay_days:g} days exceeds "
                f"{rules.max_stay_days.value:g}; the ships remain only if rotated",
                0,
            )
        )
    return _verdict(deployment, fit, article, reason)


def rule(deployments: Sequence[Deployment], rules: MontreuxRules, straits: Straits) -> Ruling:
    """Apply the Convention to a package's deployments in one scenario (see the module text)."""
    verdicts: list[Verdict] = []
    violations: list[Violation] = []
    tally = _Tally()
    discretion = straits.scenario is Scenario.TURKEY_BELLIGERENT or straits.turkey_threatened
    discretion_article = "Art. 20" if straits.scenario is Scenario.TURKEY_BELLIGERENT else "Art. 21"
    war = straits.scenario is Scenario.CLOSED
    for deployment in deployments:
        count = max(deployment.count, 0)
        who = _name(deployment)
        if not deployment.must_transit:
            where = (
                "kept outside the Black Sea"
                if not deployment.in_black_sea
                else "a Black Sea Power's ship based in the Black Sea"
            )
            verdicts.append(_verdict(deployment, count, NO_TRANSIT, where))
            continue
        if discretion:
            if deployment.turkey_adversary:
                violations.append(
                    _violation(
                        deployment,
                        Rule.DISCRETION,
                        discretion_article,
                        f"{who}: passage is left to Türkiye, which refuses its adversary",
                        count,
                    )
                )
                verdicts.append(
                    _verdict(deployment, 0, discretion_article, "refused by Türkiye (adversary)")
                )
            else:
                verdicts.append(
                    _verdict(
                        deployment,
                        count,
                        discretion_article,
                        "Arts. 10-18 suspended; Türkiye lets its partners pass (assumption)",
                    )
                )
            continue
        if war and deployment.belligerent:
            if deployment.returning_to_base and deployment.littoral:
                verdicts.append(
                    _verdict(
                        deployment,
                        count,
                        "Art. 19 (return to base)",
                        "a belligerent's ship separated from its base may return to it",
                    )
                )
                continue
            violations.append(
                _violation(
                    deployment,
                    Rule.BELLIGERENT,
                    "Art. 19",
                    f"{who}: warships of belligerent Powers may not pass while Türkiye is "
                    "neutral (only a return to base is allowed)",
                    count,
                )
            )
            verdicts.append(
                _verdict(deployment, 0, "Art. 19", "belligerent, not returning to base")
            )
            continue
        if war and straits.turkey_policy:
            article = f"Türkiye's policy since {rules.closure_date}"
            violations.append(
                _violation(
                    deployment,
                    Rule.POLICY,
                    article,
                    f"{who}: Türkiye has warned all governments, riparian or not, not to send "
                    f"warships through the straits since {rules.closure_date} (beyond Art. 19, "
                    "which bars only belligerents)",
                    count,
                    since=rules.closure_date,
                )
            )
            verdicts.append(
                _verdict(deployment, 0, article, "not a belligerent; kept out by Türkiye's policy")
            )
            continue
        verdicts.append(_peacetime(deployment, rules, straits, tally, violations))
    groups = (
        max(
            math.ceil(tally.transit_ships / rules.max_ships.value),
            math.ceil(tally.transit_t / rules.transit_tonnage_limit_t.value),
        )
        if tally.transit_ships
        else 0
    )
    if groups > 1:
        verdicts = [
            _with_schedule(verdict, groups, rules) if "Art. 14" in verdict.article else verdict
            for verdict in verdicts
        ]
    allowed = tuple(verdict.admitted for verdict in verdicts)
    passing = [
        deployment
        for deployment, admitted in zip(deployments, allowed, strict=True)
        if deployment.must_transit and admitted > 0
    ]
    notice = 0.0
    if passing:
        notice = (
            rules.notice_days_non_littoral.value
            if any(not d.littoral for d in passing)
            else rules.notice_days.value
        )
    return Ruling(
        tuple(deployments),
        allowed,
        tuple(violations),
        notice,
        straits,
        tuple(verdicts),
        groups,
    )


def _with_schedule(verdict: Verdict, groups: int, rules: MontreuxRules) -> Verdict:
    reason = (
        f"{verdict.reason}; passes in {groups} transit groups of at most "
        f"{rules.max_ships.value:g} ships and {rules.transit_tonnage_limit_t.value:,.0f} t "
        "(a schedule, not a bar)"
    )
    return Verdict(
        verdict.commitment,
        verdict.actor,
        verdict.ship_type,
        verdict.category,
        verdict.ships,
        verdict.admitted,
        verdict.article,
        reason,
    )


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

    @property
    def transit_groups(self) -> NDArray[np.float64]:
        """Art. 14 transit groups needed to bring the admitted ships in, in each world."""
        return self.per_world([ruling.transit_groups for ruling in self.rulings])

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
    scenario: NDArray[np.float64],
    raised_limit: NDArray[np.float64],
    stay_days: NDArray[np.float64],
    *,
    turkey_policy: NDArray[np.float64] | None = None,
    turkey_threatened: NDArray[np.float64] | None = None,
) -> WorldRulings:
    """Apply the rules in every world; the rules run once per distinct scenario, not per world.

    ``scenario`` holds scenario codes (:meth:`Scenario.from_code`); the switches are read as
    flags (> 0.5 is on); the stay matters only through whether it exceeds the limit.

    Raises:
        ValueError: a scenario code is not 0, 1 or 2.
    """
    codes_scenario = np.asarray(scenario, dtype=np.float64).ravel()
    size = codes_scenario.size
    for value in np.unique(codes_scenario):
        Scenario.from_code(float(value))

    def flag(values: NDArray[np.float64] | None, default: bool) -> NDArray[np.intp]:
        if values is None:
            return np.full(size, int(default), dtype=np.intp)
        return (np.asarray(values, dtype=np.float64).ravel() > 0.5).astype(np.intp)

    stays = np.asarray(stay_days, dtype=np.float64).ravel()
    over_stay = (stays > rules.max_stay_days.value).astype(np.intp)
    codes = (
        np.rint(codes_scenario).astype(np.intp) * 16
        + flag(raised_limit, False) * 8
        + over_stay * 4
        + flag(turkey_policy, True) * 2
        + flag(turkey_threatened, False)
    )
    present, first, position = np.unique(codes, return_index=True, return_inverse=True)
    rulings = tuple(
        rule(
            deployments,
            rules,
            Straits(
                scenario=Scenario.from_code(float(code // 16)),
                turkey_policy=bool(code & 2),
                turkey_threatened=bool(code & 1),
                raised_limit=bool(code & 8),
                stay_days=float(stays[start]),
            ),
        )
        for code, start in zip(present, first, strict=True)
    )
    return WorldRulings(rulings, np.asarray(position, dtype=np.intp).ravel())
