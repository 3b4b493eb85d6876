"""The Montreux cases the model is checked against (tests and the table in ``docs/sea.md``).

Each case is a set of pledges in a named scenario with the verdict the Convention gives: the
article and how many ships pass. :func:`montreux_cases` rules on every case with the shipped
rules and returns one row per pledge, with the expected and the model's verdict side by side.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from guarantor.instruments.maritime.data import MaritimeData, load_maritime
from guarantor.instruments.maritime.montreux import Category, Deployment, Scenario, Straits, rule


@dataclass(frozen=True)
class Expected:
    """What the Convention says of one pledge of a case."""

    admitted: int
    article: str


@dataclass(frozen=True)
class Case:
    """Pledges in one scenario and the verdict expected for each."""

    title: str
    straits: Straits
    deployments: tuple[Deployment, ...]
    expected: tuple[Expected, ...]


def _class(data: MaritimeData, ship_type: str) -> tuple[Category, float]:
    entry = data.file.montreux.classes[ship_type]
    return Category(entry.category), entry.standard_displacement_t.value


def cases(data: MaritimeData | None = None) -> tuple[Case, ...]:
    """The issue's cases, with standard displacements from the shipped classes."""
    data = load_maritime() if data is None else data
    carrier, carrier_t = _class(data, "aircraft-carrier")
    corvette, corvette_t = _class(data, "corvette")
    frigate, _ = _class(data, "frigate")
    destroyer, destroyer_t = _class(data, "destroyer")
    open_ = Straits(scenario=Scenario.OPEN)
    war = Straits(scenario=Scenario.CLOSED)

    def pledge(  # noqa: PLR0917 (a table of cases reads best positionally)
        commitment: str,
        actor: str,
        ship_type: str,
        count: int,
        tonnes: float,
        category: Category,
        **extra: Any,
    ) -> Deployment:
        littoral = actor in {"RUS", "UKR", "TUR", "ROU", "BGR", "GEO"}
        return Deployment(
            commitment=commitment,
            actor=actor,
            littoral=littoral,
            ship_type=ship_type,
            count=count,
            displacement_t=tonnes,
            category=category,
            belligerent=actor in data.file.montreux.belligerents,
            **extra,
        )

    nato = ("USA", "GBR", "FRA", "DEU", "ITA")
    return (
        Case(
            "A US carrier, straits open",
            open_,
            (pledge("us-carrier", "USA", "aircraft-carrier", 1, carrier_t, carrier),),
            (Expected(0, "Art. 10 and Annex II"),),
        ),
        Case(
            "Ten NATO frigates of 4,500 t (45,000 t), straits open",
            open_,
            tuple(pledge(f"{a.lower()}-frigates", a, "frigate", 2, 4500.0, frigate) for a in nato),
            (
                Expected(2, "Art. 10; Art. 14 schedule; Art. 18"),
                Expected(2, "Art. 10; Art. 14 schedule; Art. 18"),
                Expected(2, "Art. 10; Art. 14 schedule; Art. 18"),
                Expected(0, "Art. 18(1)(a)"),
                Expected(0, "Art. 18(1)(a)"),
            ),
        ),
        Case(
            "Ten NATO frigates (45,000 t), limit raised under Art. 18(1)(b)",
            Straits(scenario=Scenario.OPEN, raised_limit=True),
            tuple(pledge(f"{a.lower()}-frigates", a, "frigate", 2, 4500.0, frigate) for a in nato),
            tuple(Expected(2, "Art. 10; Art. 14 schedule; Art. 18") for _ in nato),
        ),
        Case(
            "Sixteen corvettes (two navies), straits open",
            open_,
            (
                pledge("gbr-corvettes", "GBR", "corvette", 8, corvette_t, corvette),
                pledge("fra-corvettes", "FRA", "corvette", 8, corvette_t, corvette),
            ),
            (
                Expected(8, "Art. 10; Art. 14 schedule; Art. 18"),
                Expected(8, "Art. 10; Art. 14 schedule; Art. 18"),
            ),
        ),
        Case(
            "A US destroyer, straits open",
            open_,
            (pledge("us-destroyer", "USA", "destroyer", 1, destroyer_t, destroyer),),
            (Expected(1, "Art. 10; Art. 14 schedule; Art. 18"),),
        ),
        Case(
            "Belligerents' warships in the war (Türkiye neutral)",
            war,
            (
                pledge("baltic-frigates", "RUS", "frigate", 2, 3600.0, frigate, transits=True),
                pledge(
                    "ukr-corvettes-in-turkey",
                    "UKR",
                    "corvette",
                    2,
                    corvette_t,
                    corvette,
                    transits=True,
                ),
                pledge(
                    "rus-returning",
                    "RUS",
                    "frigate",
                    1,
                    3600.0,
                    frigate,
                    transits=True,
                    returning_to_base=True,
                ),
            ),
            (
                Expected(0, "Art. 19"),
                Expected(0, "Art. 19"),
                Expected(1, "Art. 19 (return to base)"),
            ),
        ),
        Case(
            "British frigates in the war (Türkiye neutral, its 2022 policy)",
            war,
            (pledge("gbr-frigates", "GBR", "frigate", 2, 3600.0, frigate),),
            (Expected(0, f"Türkiye's policy since {data.file.montreux.closure_date}"),),
        ),
        Case(
            "British frigates and a Russian squadron, Türkiye belligerent",
            Straits(scenario=Scenario.TURKEY_BELLIGERENT),
            (
                pledge("gbr-frigates", "GBR", "frigate", 12, 3600.0, frigate),
                pledge(
                    "rus-squadron",
                    "RUS",
                    "frigate",
                    2,
                    3600.0,
                    frigate,
                    transits=True,
                    turkey_adversary=True,
                ),
            ),
            (Expected(12, "Art. 20"), Expected(0, "Art. 20")),
        ),
    )


def montreux_cases(data: MaritimeData | None = None) -> list[dict[str, Any]]:
    """Rule on every case: one row per pledge with the expected and the model's verdict."""
    data = load_maritime() if data is None else data
    rows = []
    for case in cases(data):
        ruling = rule(case.deployments, data.file.montreux, case.straits)
        for verdict, expected in zip(ruling.verdicts, case.expected, strict=True):
            rows.append(
                {
                    "case": case.title,
                    "scenario": case.straits.scenario.value,
                    "commitment": verdict.commitment,
                    "ships": f"{verdict.ships} {verdict.actor} {verdict.ship_type}",
                    "category": verdict.category,
                    "expected_admitted": expected.admitted,
                    "expected_article": expected.article,
                    "admitted": verdict.admitted,
                    "article": verdict.article,
                    "transit_groups": ruling.transit_groups,
                    "agrees": verdict.admitted == expected.admitted
                    and verdict.article == expected.article,
                }
            )
    return rows
