"""Acceptability of a package: its point, acceptance per actor, vetoes, surviving commitments."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from guarantor.bargaining import WORLD_PARAMETERS, acceptability, load_actors, package_point
from guarantor.bargaining.acceptability import utility_of_point
from guarantor.packages.schema import Package
from guarantor.section import Section
from guarantor.sourcing import validate_as
from guarantor.yamlio import load_yaml

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ROOT / "src" / "guarantor" / "packages" / "data"
FOREMAN = ROOT / "src" / "guarantor" / "bargaining" / "data" / "scenarios" / "foreman-trade.yaml"
CONSENT = Path(__file__).resolve().parent / "data" / "bargaining" / "russia-consent-nato.yaml"


def _package(path: Path) -> Package:
    raw, lines = load_yaml(path)
    return validate_as(Package, raw, lines)


@pytest.fixture(scope="module")
def actors():
    return load_actors()


def _assess(path: Path, worlds: int = 200, seed: int = 1) -> Section:
    return acceptability(
        None,  # the model reads the actor file, not the theatre
        _package(path),
        {"war_cost_scale": np.ones(worlds)},
        rng=np.random.default_rng(seed),
    )


def test_istanbul_2022_maps_to_neutrality_caps_and_relief(actors) -> None:
    point, how = package_point(actors, _package(PACKAGES / "istanbul-2022.yaml"))
    values = dict(zip(actors.dimension_ids, point[0].tolist(), strict=True))
    assert values["nato"] == 1.0  # renounced
    assert values["army_cap"] == 1.0  # 85,000 troops is the scale's 1
    assert values["sanctions"] == 1.0  # relief
    assert values["foreign_troops"] == 1.0  # no force inside Ukraine
    # freeze without recognition (0.33) over the three areas it names of five
    assert values["territory"] == pytest.approx(0.33 * 3 / 5)
    assert any(h.startswith("us_commitment: political") for h in how)


def test_a_recognition_over_more_areas_moves_the_territory_dimension(actors) -> None:
    istanbul = _package(PACKAGES / "istanbul-2022.yaml")
    every_area = istanbul.model_copy(
        update={
            "commitments": tuple(
                c.model_copy(update={"areas": ()})
                if c.instrument.value == "territorial_recognition"
                else c
                for c in istanbul.commitments
            )
        }
    )
    index = actors.dimension_ids.index("territory")
    named = package_point(actors, istanbul)[0][0, index]
    everywhere = package_point(actors, every_area)[0][0, index]
    assert everywhere == pytest.approx(0.33)
    assert everywhere > named


def test_paris_declaration_counts_only_troops_inside_ukraine(actors) -> None:
    point, _ = package_point(actors, _package(PACKAGES / "paris-declaration-2026.yaml"))
    troops = point[0, actors.dimension_ids.index("foreign_troops")]
    # 15,000 UK/French troops and 2,000 instructors inside Ukraine on a 0-100,000 scale;
    # Germany's 5,000 stay outside
    assert troops == pytest.approx(1 - 17000 / 100000)


def test_utility_is_one_minus_the_salience_weighted_distance() -> None:
    ideal = np.array([[[0.0, 1.0], [1.0, 1.0]]])
    salience = np.array([[[0.6, 0.2], [0.5, 0.5]]])
    point = np.array([[0.5, 1.0]])
    u = utility_of_point(ideal, salience, point)
    first = 1 - np.sqrt((0.6 * 0.5) ** 2 / (0.6**2 + 0.2**2))
    assert u[0].tolist() == pytest.approx([first, 1 - np.sqrt(0.5**2 * 0.5**2 / 0.5)])


def test_section_follows_the_model_contract_and_repeats_with_a_seed(actors) -> None:
    first = _assess(PACKAGES / "paris-declaration-2026.yaml", worlds=50, seed=3)
    second = _assess(PACKAGES / "paris-declaration-2026.yaml", worlds=50, seed=3)
    assert first.name == "acceptability"
    names = {m.name for m in first.metrics}
    assert {f"p_accept_{a}" for a in actors.actor_ids} <= names
    assert {"russia_consents", "vetoes_triggered", "package_signed"} <= names
    assert [row["dimension"] for row in first.tables["settlement"]] == list(actors.dimension_ids)
    for metric in first.metrics:
        assert metric.value.shape == (50,)
        assert np.array_equal(metric.value, second.metric(metric.name).value)
    assert set(np.unique(first.metric("russia_consents").value)) <= {0.0, 1.0}
    assert "war_cost_scale" in WORLD_PARAMETERS


def test_paris_declaration_is_refused_by_russia_for_its_troops() -> None:
    section = _assess(PACKAGES / "paris-declaration-2026.yaml")
    assert section.metric("russia_consents").value.mean() < 0.05
    coalition = {row["actor"]: row for row in section.tables["coalition"]}
    assert coalition["RUS"]["p_red_line_crossed"] > 0.95
    assert coalition["UKR"]["side"] == "for"
    assert coalition["GBR"]["side"] == "for"


def test_conditional_commitment_falls_away_where_russia_rejects() -> None:
    section = _assess(CONSENT, worlds=300)
    russia = section.metric("russia_consents").value
    rows = {row["commitment"]: row for row in section.tables["commitments"]}
    assert rows["guarantee-if-russia-agrees"]["p_survives"] == pytest.approx(russia.mean())
    # a NATO invitation needs every ally: Hungary and Slovakia veto it
    assert rows["invitation"]["p_survives"] < 0.05
    bodies = {row["body"]: row for row in section.tables["bodies"]}
    assert bodies["NATO"]["needed_for"] == ["invitation"]
    assert {"HUN", "SVK"} <= set(bodies["NATO"]["likely_vetoes"])
    assert section.metric("vetoes_triggered").value.mean() >= 2


def test_vetoes_count_actors_and_signature_needs_both_belligerents() -> None:
    section = _assess(PACKAGES / "nato-track.yaml")
    vetoes = section.metric("vetoes_triggered").value
    signed = section.metric("package_signed").value
    assert np.all(vetoes <= len(load_actors().actor_ids))
    assert np.all(signed <= section.metric("russia_consents").value)
    assert np.all(signed <= section.metric("p_accept_UKR").value)
    assert np.all(signed[vetoes > 0] == 0)


def test_foremans_trade_numbers_in_the_docs() -> None:
    section = _assess(FOREMAN, worlds=1000, seed=0)
    mean = {m.name: float(m.value.mean()) for m in section.metrics}
    # docs/bargaining.md, "Foreman's trade": Russia and Ukraine would sign, Washington would not
    assert mean["russia_consents"] >= 0.95
    assert 0.85 <= mean["p_accept_UKR"] <= 0.97
    assert mean["p_accept_USA"] <= 0.02
    assert mean["package_signed"] <= 0.02
    coalition = {row["actor"]: row for row in section.tables["coalition"]}
    assert coalition["USA"]["red_lines_crossed"]
    assert mean["p_accept_EST"] < 0.4


def test_war_weariness_raises_acceptance() -> None:
    package = _package(PACKAGES / "minsk-monitors.yaml")
    weary = acceptability(None, package, {"war_cost_scale": np.full(1, 1.5)})
    fresh = acceptability(None, package, {"war_cost_scale": np.full(1, 0.5)})
    for metric in weary.metrics:
        if metric.name.startswith("p_accept_"):
            assert metric.value[0] >= fresh.metric(metric.name).value[0]
