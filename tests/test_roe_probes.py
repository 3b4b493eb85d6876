"""Graded answers per probe class, one rule set per domain, and their effect on durability."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from guarantor.durability import load_uncertainties, run, sample_worlds
from guarantor.durability.inputs import package_inputs
from guarantor.durability.kernel import PROBE_CLASSES
from guarantor.errors import DataError
from guarantor.packages import Package, load_package, parse_package
from guarantor.packages.loader import package_path
from guarantor.roe import (
    Answer,
    GradeEffects,
    Response,
    load_grades,
    load_ruleset,
    probe_answers,
    rulesets_by_domain,
)
from guarantor.roe.probes import KERNEL_CLASSES
from guarantor.theatre import Theatre, load_theatre

AIR_ONLY = {"air": "air-policing"}
AIR_AND_LAND = {"air": "air-policing", "land": "reassurance-force"}


def test_the_kernel_and_the_rules_name_the_same_probe_classes() -> None:
    assert KERNEL_CLASSES == PROBE_CLASSES


def test_a_domain_without_rules_has_no_authority() -> None:
    answers = probe_answers(rulesets_by_domain(None))
    assert answers.answers == dict.fromkeys(KERNEL_CLASSES, Answer.NONE)
    assert answers.credibility == dict.fromkeys(KERNEL_CLASSES, 0.0)
    assert answers.clash == dict.fromkeys(KERNEL_CLASSES, 0.0)
    only_air = probe_answers(rulesets_by_domain(AIR_ONLY))
    assert only_air.answers == {"air": Answer.INTERCEPT, "sea": Answer.NONE, "ground": Answer.NONE}
    assert only_air.rulesets == {"air": "air-policing", "sea": None, "ground": None}


def test_each_class_is_answered_under_the_rules_of_its_domain() -> None:
    answers = probe_answers(
        rulesets_by_domain(
            {"air": "air-policing", "sea": "maritime-escort", "land": "reassurance-force"}
        )
    )
    # air: a drone far from a site is intercepted, an identified fighter escorted out;
    # sea: an attack on shipping in the corridor is engaged on the commander's authority;
    # ground: saboteurs at a substation are detained (a push east of the line only warned)
    assert answers.answers == {
        "air": Answer.INTERCEPT,
        "sea": Answer.ENGAGE,
        "ground": Answer.DISABLE,
    }
    assert answers.as_data()["ground"]["ruleset"] == "reassurance-force"


def test_one_name_serves_every_domain_within_its_own_scope() -> None:
    answers = probe_answers(rulesets_by_domain("air-policing"))
    # the drone diving on shipping is an air incident, so air policing engages it; a ground
    # probe is outside its scope (domain = air) and gets no answer
    assert answers.answers == {"air": Answer.INTERCEPT, "sea": Answer.ENGAGE, "ground": Answer.NONE}


def test_grades_follow_the_ladder() -> None:
    assert [Answer.of(r) for r in Response] == [
        Answer.NONE,
        Answer.WARN,
        Answer.SHADOW,
        Answer.INTERCEPT,
        Answer.INTERCEPT,
        Answer.DISABLE,
        Answer.ENGAGE,
    ]
    doc = load_grades()
    for end in ("value", "low", "high"):
        effects = GradeEffects.at(doc, end)
        # a stronger answer deters at least as much and risks at least as much
        assert list(effects.credibility) == sorted(effects.credibility)
        assert list(effects.clash) == sorted(effects.clash)
        assert effects.credibility[Answer.NONE] == effects.clash[Answer.NONE] == 0.0
        assert all(0.0 <= share <= 1.0 for share in effects.credibility)


def test_graded_effects_can_be_swept() -> None:
    rulesets = rulesets_by_domain(AIR_ONLY)
    doc = load_grades()
    low = probe_answers(rulesets, GradeEffects.at(doc, "low"))
    high = probe_answers(rulesets, GradeEffects.at(doc, "high"))
    intercept = doc.grades["intercept"]
    assert low.credibility["air"] == intercept.credibility.low
    assert high.credibility["air"] == intercept.credibility.high
    assert high.clash["air"] == intercept.clash.high
    assert low.credibility["air"] < probe_answers(rulesets).credibility["air"]


@pytest.fixture(scope="module")
def theatre() -> Theatre:
    return load_theatre()


@pytest.fixture(scope="module")
def paris() -> Package:
    return load_package("paris-declaration-2026")


@pytest.fixture(scope="module")
def worlds() -> dict[str, Any]:
    return sample_worlds(load_uncertainties(), 1500, seed=3, method="lhs")


def _ground_coverage(theatre: Theatre, package: Package, worlds: dict[str, Any]) -> float:
    from guarantor.durability import load_calibration
    from guarantor.randomness import seed_entropy, world_keys

    keys = world_keys(seed_entropy(0), np.arange(1500))
    inputs = package_inputs(
        theatre,
        package,
        worlds,
        calibration=load_calibration(),
        uncertainties=load_uncertainties(),
        keys=keys,
        months=12,
    )
    return float(inputs.kernel.coverage[:, :, 2].sum(axis=1).mean())


def test_the_paris_package_ships_rules_for_air_sea_and_land(paris: Package) -> None:
    assert paris.roe == {
        "air": "air-policing",
        "sea": "maritime-escort",
        "land": "reassurance-force",
    }


def test_land_rules_let_paris_answer_ground_probes_and_hold_longer(
    theatre: Theatre, paris: Package, worlds: dict[str, Any]
) -> None:
    air_only = paris.model_copy(update={"roe": AIR_ONLY})
    air_land = paris.model_copy(update={"roe": AIR_AND_LAND})
    assert _ground_coverage(theatre, air_only, worlds) == 0.0
    assert _ground_coverage(theatre, air_land, worlds) > 0.05
    first = run(theatre, air_only, worlds, seed=0).summary()
    second = run(theatre, air_land, worlds, seed=0).summary()
    # the same worlds and keys: a paired comparison
    assert second["answered_share"] > first["answered_share"]
    assert second["p_hold"]["10y"]["smooth"] > first["p_hold"]["10y"]["smooth"] + 0.005
    # detaining saboteurs and answering raids on the ground is force: clashes become likelier
    assert second["p_direct_clash"]["p"] > first["p_direct_clash"]["p"]


def test_without_rules_of_engagement_nothing_is_answered(
    theatre: Theatre, paris: Package, worlds: dict[str, Any]
) -> None:
    bare = paris.model_copy(update={"roe": None})
    summary = run(theatre, bare, worlds, seed=0).summary()
    assert summary["answered_share"] == 0.0
    assert summary["p_direct_clash"]["p"] == 0.0
    with_rules = run(theatre, paris, worlds, seed=0).summary()
    assert with_rules["p_hold"]["10y"]["smooth"] > summary["p_hold"]["10y"]["smooth"]


def test_a_package_names_rules_per_domain_and_unknown_ones_are_located(theatre: Theatre) -> None:
    text = package_path("sky-shield-2025").read_text(encoding="utf-8")
    assert "roe:\n  air: air-policing\n" in text
    bad = text.replace("roe:\n  air: air-policing\n", "roe:\n  air: air-policing\n  land: nope\n")
    with pytest.raises(DataError) as caught:
        parse_package(bad, "sky.yaml", theatre)
    (problem,) = caught.value.problems
    assert (problem.field, problem.message, problem.received) == (
        "roe.land",
        "unknown rules of engagement",
        "nope",
    )
    assert problem.line == text.splitlines().index("  air: air-policing") + 2
    wrong_domain = text.replace("roe:\n  air: air-policing\n", "roe:\n  space: air-policing\n")
    with pytest.raises(DataError) as caught:
        parse_package(wrong_domain, "sky.yaml", theatre)
    assert "roe.space.[key]" in [p.field for p in caught.value.problems]


def test_shipped_rule_sets_load_for_every_domain_named() -> None:
    for name in ("air-policing", "maritime-escort", "reassurance-force"):
        assert load_ruleset(name).name == name
