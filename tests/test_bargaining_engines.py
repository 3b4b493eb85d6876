"""Acceptability on the engines: statements' directions, shared draws, survival, per-world consent.

Each directional test names the dated statement that implies it (the actor file cites it).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from guarantor.bargaining import acceptability, load_actors
from guarantor.bargaining.actors import CodedStatement, RedLine
from guarantor.bargaining.codings import codings, draw
from guarantor.bargaining.package_point import issue_positions, package_point
from guarantor.instruments import registry
from guarantor.instruments.contract import ISSUE_DIMENSIONS
from guarantor.packages.schema import Package
from guarantor.section import Section
from guarantor.sourcing import Quantity, validate_as
from guarantor.yamlio import load_yaml

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ROOT / "src" / "guarantor" / "packages" / "data"
WORLDS = 400


def _package(name: str) -> Package:
    raw, lines = load_yaml(PACKAGES / f"{name}.yaml")
    return validate_as(Package, raw, lines)


def _assess(package: Package, worlds: int = WORLDS, seed: int = 5, **kwargs: object) -> Section:
    return acceptability(
        None,
        package,
        {"war_cost_scale": np.ones(worlds)},
        rng=np.random.default_rng(seed),
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def sections() -> dict[str, Section]:
    names = ["sky-shield-2025", "paris-declaration-2026", "istanbul-2022", "nato-track"]
    return {name: _assess(_package(name)) for name in [*names, "minsk-monitors"]}


def _p(section: Section, actor: str) -> float:
    return float(section.metric(f"p_accept_{actor}").value.mean())


# (actor, package it prefers, package it prefers less, the dated statement that implies it)
DIRECTIONS = [
    ("RUS", "istanbul-2022", "nato-track", "Putin, 14 Jun 2024: abandon NATO plans"),
    (
        "RUS",
        "istanbul-2022",
        "paris-declaration-2026",
        "Lavrov, 12 Mar 2025: troops 'Under no circumstances'",
    ),
    (
        "RUS",
        "istanbul-2022",
        "sky-shield-2025",
        "Russian memorandum, 2 Jun 2025: no third-state military activity",
    ),
    (
        "USA",
        "paris-declaration-2026",
        "nato-track",
        "Hegseth, 12 Feb 2025: not covered under Article 5",
    ),
    (
        "HUN",
        "paris-declaration-2026",
        "nato-track",
        "Orbán, 25 Jun 2025: NATO has no business in Ukraine",
    ),
    (
        "SVK",
        "paris-declaration-2026",
        "nato-track",
        "Fico, 17 Feb 2025: never agree to NATO membership",
    ),
    (
        "UKR",
        "paris-declaration-2026",
        "istanbul-2022",
        "20-point draft, 24 Dec 2025: an army of 800,000",
    ),
    ("EST", "nato-track", "istanbul-2022", "Baltic PMs, Aug 2023: only NATO membership guarantees"),
    (
        "GBR",
        "paris-declaration-2026",
        "istanbul-2022",
        "Starmer, Feb 2025: ready to put troops on the ground",
    ),
]


@pytest.mark.parametrize(("actor", "preferred", "other", "statement"), DIRECTIONS)
def test_acceptance_moves_as_the_dated_statements_imply(
    sections: dict[str, Section], actor: str, preferred: str, other: str, statement: str
) -> None:
    assert _p(sections[preferred], actor) > _p(sections[other], actor) + 0.1, statement


def test_settlement_differs_by_package_in_the_statements_direction(
    sections: dict[str, Section],
) -> None:
    def settled(name: str) -> dict[str, float]:
        return {r["dimension"]: r["settlement"] for r in sections[name].tables["settlement"]}

    forecasts = {name: settled(name) for name in sections}
    assert len({tuple(f.values()) for f in forecasts.values()}) == len(forecasts)
    # a NATO invitation on the table settles nearer membership than Istanbul's neutrality
    assert forecasts["nato-track"]["nato"] < forecasts["istanbul-2022"]["nato"]
    # Sky Shield's fighters leave the air dimension nearer a shield than Minsk's monitors
    assert (
        forecasts["sky-shield-2025"]["foreign_aircraft"]
        < forecasts["minsk-monitors"]["foreign_aircraft"]
    )
    # Russia, starting at its own positions, pulls Sky Shield's open door towards neutrality
    row = next(
        r for r in sections["sky-shield-2025"].tables["settlement"] if r["dimension"] == "nato"
    )
    assert row["settlement"] > row["package"] and row["towards"] == "Russia's end"


def test_every_instrument_declares_its_positions_and_sky_shield_is_visible() -> None:
    actors = load_actors()
    sky = _package("sky-shield-2025")
    for instrument in registry.instruments():
        for position in instrument.positions(sky):
            assert position.dimension in ISSUE_DIMENSIONS
            assert {c.id for c in sky.commitments} >= set(position.commitments)
    found = issue_positions(actors, sky)
    assert found["foreign_aircraft"][0].position.value == pytest.approx(0.0)  # 120 fighters
    point, _ = package_point(actors, sky)
    quo, _ = package_point(actors, None)
    differs = [d for k, d in enumerate(actors.dimension_ids) if point[0, k] != quo[0, k]]
    assert differs == ["foreign_aircraft"]
    paris = issue_positions(actors, _package("paris-declaration-2026"))
    assert {"black_sea_warships", "monitors", "foreign_troops"} <= set(paris)


def test_a_package_equal_to_the_status_quo_is_judged_identically_in_every_world() -> None:
    sky = _package("sky-shield-2025")
    # Sky Shield without its fighters sets only what the status quo sets (US political backing,
    # sanctions as they stand): the same draws put it exactly on the status quo
    bare = sky.model_copy(
        update={
            "commitments": tuple(c for c in sky.commitments if c.instrument.value != "air_policing")
        }
    )
    actors = load_actors()
    coded = codings(actors)
    values = draw(coded, WORLDS, rng=np.random.default_rng(2))
    assert values is not None
    mapping = {k: v for k, v in values.items() if k.startswith("mapping.")}
    point, _ = package_point(actors, bare, WORLDS, mapping)
    quo, _ = package_point(actors, None, WORLDS, mapping)
    assert np.array_equal(point, quo)
    section = _assess(bare)
    coalition = {row["actor"]: row for row in section.tables["coalition"]}
    # no noise: the US and every actor without a red line crossed accepts in every world
    assert _p(section, "USA") == 1.0
    for actor, row in coalition.items():
        assert row["p_accept"] == pytest.approx(1.0 - row["p_red_line_crossed"]), actor
    # Russia's rejection is its NATO red line (the open door), the same in every world
    assert coalition["RUS"]["p_red_line_crossed"] == 1.0


def test_istanbul_acceptance_by_ukraine_falls_once_its_2022_red_lines_are_encoded() -> None:
    actors = load_actors()
    istanbul = _package("istanbul-2022")
    ukraine = next(a for a in actors.actors if a.id == "UKR")
    # before: no red line on the army cap (the encoding the issue found: 94 % accept)
    before_actor = ukraine.model_copy(
        update={"red_lines": tuple(r for r in ukraine.red_lines if r.dimension != "army_cap")}
    )
    # 2022: Ukraine's own draft offered 250,000 troops (position 0.77) and refused 85,000
    line_2022 = RedLine(
        dimension="army_cap",
        veto_if="above",
        threshold=Quantity(
            value=0.77, low=0.6, high=0.95, unit="1", assumption="Ukraine's 250,000"
        ),
        statement="Ukraine's Istanbul counter-proposal: 250,000 troops, not 85,000",
        statements=(
            CodedStatement(
                value=0.77, said="250,000 troops", date="2022-04-15", source="istanbul-caps-nyt"
            ),
        ),
    )
    after_actor = before_actor.model_copy(
        update={"red_lines": (*before_actor.red_lines, line_2022)}
    )

    def with_ukraine(entry: object) -> object:
        return actors.model_copy(
            update={"actors": tuple(entry if a.id == "UKR" else a for a in actors.actors)}
        )

    before = _p(_assess(istanbul, actors=with_ukraine(before_actor)), "UKR")
    after = _p(_assess(istanbul, actors=with_ukraine(after_actor)), "UKR")
    assert before > 0.5
    assert after < before - 0.4


def test_commitments_stand_only_with_the_ceasefire_their_actor_and_conditions() -> None:
    section = _assess(_package("paris-declaration-2026"))
    signed = section.metric("package_signed").value.mean()
    rows = {row["commitment"]: row for row in section.tables["commitments"]}
    for row in rows.values():
        assert row["p_survives"] <= signed + 1e-12
    assert rows["uk-reassurance-force"]["p_survives"] <= _p(section, "GBR")
    assert "parliament" in rows["uk-reassurance-force"]["reason"]
    istanbul = _assess(_package("istanbul-2022"))
    rows = {row["commitment"]: row for row in istanbul.tables["commitments"]}
    # the US guarantee needs Russia's consent, the package signed and the US itself
    assert rows["guarantee-usa"]["p_survives"] <= min(
        _p(istanbul, "USA"), istanbul.metric("package_signed").value.mean()
    )


def test_red_lines_fitted_to_statements_concentrate_where_they_agree() -> None:
    actors = load_actors()
    by_name = {c.name: c for c in codings(actors)}
    nato = by_name["RUS.red_line.nato"]
    assert nato.fit is not None
    draws = nato.from_unit(np.random.default_rng(0).random(20_000))
    low, high = nato.quantity.range  # type: ignore[union-attr]
    assert low <= draws.min() and draws.max() <= high
    # the open door (0.4-0.6) crosses the fitted line in (almost) every world, where the
    # uniform draw on 0.6-0.999 it replaces left the spread to the range
    assert np.mean(draws > 0.6) > 0.99
    assert abs(float(np.mean(draws)) - nato.fit[0]) < 0.05
    assert np.std(draws) < (high - low) / np.sqrt(12)


def test_the_durability_simulation_gets_russias_consent_world_by_world() -> None:
    from guarantor.durability.inputs import _russia_consents
    from guarantor.randomness import world_keys

    package = _package("istanbul-2022")
    keys = world_keys(7, np.arange(64))
    consent = _russia_consents(None, package, {}, keys, None)  # type: ignore[arg-type]
    assert consent is not None and consent.shape == (64,)
    direct = acceptability(None, package, None, keys=keys).metric("russia_consents").value
    assert np.array_equal(consent, direct)
    # each world's draw depends on its key only: a chunk of worlds sees the same consent
    half = acceptability(None, package, None, keys=keys[:32]).metric("russia_consents").value
    assert np.array_equal(half, direct[:32])
    # and the codings are drawn per world, not at central values
    values = draw(codings(load_actors()), 64, keys=keys)
    assert values is not None and np.ptp(values["RUS.war_cost"]) > 0


def test_accept_names_the_codings_that_decide_each_actor(sections: dict[str, Section]) -> None:
    sky = sections["sky-shield-2025"]
    deciding = {row["actor"]: row["deciding_codings"] for row in sky.tables["coalition"]}
    assert 1 <= len(deciding["RUS"]) <= 3
    assert any("foreign_aircraft" in coding for coding in deciding["RUS"])
    shares = [row["share"] for row in sky.tables["sensitivity"] if row["actor"] == "USA"]
    assert shares == sorted(shares, reverse=True) and all(0 < s <= 1 for s in shares)


def test_first_order_shares_find_the_coding_that_decides() -> None:
    from guarantor.bargaining.acceptability import first_order_shares

    rng = np.random.default_rng(4)
    x = {"decides": rng.random(2000), "noise": rng.random(2000), "flat": np.full(2000, 0.3)}
    outcome = np.stack([(x["decides"] > 0.5).astype(float), np.zeros(2000)], axis=1)
    shares = first_order_shares(x, outcome, ["decides", "noise", "flat"])
    assert "flat" not in shares  # a coding that does not vary explains nothing
    assert shares["decides"][0] > 0.9
    assert shares["noise"][0] < 0.02
    assert shares["decides"][1] == 0.0  # an outcome that does not vary has no shares


def test_accept_command_shows_each_actors_deciding_codings_in_text_and_json() -> None:
    import json

    from typer.testing import CliRunner

    from guarantor.cli import app

    runner = CliRunner()
    args = ["accept", "sky-shield-2025", "--worlds", "120", "--seed", "3"]
    data = json.loads(runner.invoke(app, [*args, "--json"]).output)
    coalition = {row["actor"]: row for row in data["tables"]["coalition"]}
    assert set(coalition) >= {"UKR", "RUS", "USA"}
    assert all(1 <= len(row["deciding_codings"]) <= 3 for row in coalition.values())
    assert {row["dimension"] for row in data["tables"]["settlement"]} >= {"foreign_aircraft"}
    text = runner.invoke(app, args)
    assert text.exit_code == 0, text.output
    assert "Codings that decide each actor" in text.output
    # Russia's rejection of Sky Shield turns on its fighters (their place on the scale, or the
    # red line on foreign aircraft)
    russia = [line for line in text.output.splitlines() if "RUS" in line and "%" in line]
    assert any("foreign_air" in line for line in russia)
    assert "Settlement" in text.output


@pytest.mark.parametrize(
    "name",
    ["sky-shield-2025", "paris-declaration-2026", "istanbul-2022", "nato-track", "minsk-monitors"],
)
def test_every_shipped_package_is_placed_by_the_instruments_that_read_it(name: str) -> None:
    package = _package(name)
    ids = {c.id for c in package.commitments}
    for instrument in registry.instruments():
        for position in instrument.positions(package):
            low, high = position.position.range
            assert 0.0 <= low <= position.position.value <= high <= 1.0
            assert position.commitments and set(position.commitments) <= ids
            # an instrument places only the commitments it reads
            kinds = {c.instrument for c in package.commitments if c.id in position.commitments}
            assert kinds <= set(instrument.reads)
            assert position.why
