"""Uncertainties, worlds, the calibration file and the case library: loading and bad input."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guarantor.durability import load_cases, load_uncertainties, sample_worlds
from guarantor.durability.calibration import load_calibration, parse_calibration
from guarantor.durability.cases import CITED_FIELDS, JUDGEMENT_FIELDS, Case, parse_cases
from guarantor.durability.uncertainties import parse_uncertainties
from guarantor.errors import DataError
from guarantor.validation import validate_file
from guarantor.yamlio import load_yaml_text

DATA = Path(__file__).resolve().parents[1] / "src" / "guarantor" / "durability" / "data"


def test_shipped_uncertainties_cover_the_issue_list() -> None:
    uncertainties = load_uncertainties()
    expected = {
        "russia_risk_tolerance",
        "russia_war_aims",
        "russia_capacity_at_ceasefire",
        "russia_rebuild_months",
        "us_resolve",
        "us_election_swing",
        "coalition_cohesion",
        "coalition_fatigue_per_year",
        "ukraine_force_strength",
        "snapback_enforcement_probability",
        "brent_usd_per_bbl",
    }
    assert expected <= set(uncertainties.names)
    assert uncertainties.uncertainties["brent_usd_per_bbl"].source == "eia-steo-aug-2025-tass"


@pytest.mark.parametrize("method", ["lhs", "sobol", "mc"])
def test_worlds_lie_in_their_ranges_and_repeat_with_the_seed(method: str) -> None:
    uncertainties = load_uncertainties()
    worlds = sample_worlds(uncertainties, 512, seed=4, method=method)  # type: ignore[arg-type]
    again = sample_worlds(uncertainties, 512, seed=4, method=method)  # type: ignore[arg-type]
    for name, item in uncertainties.uncertainties.items():
        low, high = item.bounds
        assert worlds[name].shape == (512,)
        assert np.all((worlds[name] >= low) & (worlds[name] <= high)), name
        assert np.array_equal(worlds[name], again[name])
    if method == "lhs":  # one point in each of the 512 strata of every dimension
        unit = (worlds["us_resolve"] - 0.1) / 0.8
        assert np.unique(np.floor(unit * 512)).size == 512


def test_triangular_and_loguniform_distributions() -> None:
    text = """
uncertainties:
  a: {value: 2, low: 1, high: 5, unit: "1", assumption: x, distribution: triangular}
  b: {value: 10, low: 1, high: 100, unit: "1", assumption: x, distribution: loguniform}
"""
    data, lines = load_yaml_text(text, "t.yaml")
    parsed = parse_uncertainties(data, lines, durability=False)
    worlds = sample_worlds(parsed, 20000, seed=1, method="mc")
    assert abs(worlds["a"].mean() - (1 + 2 + 5) / 3) < 0.03
    assert abs(np.median(worlds["b"]) - 10) < 0.5


def test_bad_uncertainties_are_located() -> None:
    text = """sources: {}
uncertainties:
  a: {value: 2, unit: "1", assumption: no range}
  b: {value: 2, low: 3, high: 1, unit: "1", assumption: x}
  c: {value: 1, low: 0, high: 2, unit: "1", source: nowhere}
"""
    data, lines = load_yaml_text(text, "u.yaml")
    with pytest.raises(DataError) as error:
        parse_uncertainties(data, lines, durability=False)
    found = {(p.line, p.field) for p in error.value.problems}
    assert (3, "uncertainties.a") in found
    assert (4, "uncertainties.b") in found
    assert (5, "uncertainties.c.source") in found


def test_case_library_follows_its_rule_and_cites_every_field() -> None:
    library = load_cases()
    assert len(library.cases) == 44
    ids = {case.id for case in library.cases}
    assert {"budapest-1994", "korea-1953", "dayton-1995", "iran-iraq-1988"} <= ids
    universes = Counter(case.universe for case in library.cases)
    assert universes["guarantee cases already shipped"] == 14
    assert universes["Fortna (2004) universe: interstate wars 1946-1998"] == 25
    assert universes["later interstate ceasefires (named list, docs/durability.md)"] == 5
    for case in library.cases:
        assert case.cite is not None, case.id
        for field in CITED_FIELDS:
            assert getattr(case.cite, field) in library.sources, (case.id, field)
        assert case.second_coding is not None, case.id
        assert set(case.second_coding.model_dump()) == set(JUDGEMENT_FIELDS)
        assert case.months.source is not None  # durations come from the cited dates
        low, high = case.months.range
        assert low <= case.months.value <= high
        if case.end is not None:  # a failure's duration is the span of its dates
            days = (date.fromisoformat(case.end) - date.fromisoformat(case.start)).days
            assert low - 1 <= days / 30.4375 <= high + 1, case.id
    minsk = next(case for case in library.cases if case.id == "minsk-1-2014")
    assert minsk.breakdown_month == 5 and not minsk.held_for(12)
    assert library.select(["korea-1953"]).cases[0].held_for(120)
    with pytest.raises(DataError, match="no such case"):
        library.select(["atlantis"])
    assert len(library.without(["korea-1953"]).cases) == 43


def test_second_coding_changes_only_judgement_fields() -> None:
    library = load_cases()
    second = library.second_coding()
    differs = 0
    for first, other in zip(library.cases, second.cases, strict=True):
        changed = {
            name for name in Case.model_fields if getattr(first, name) != getattr(other, name)
        }
        assert changed <= {*JUDGEMENT_FIELDS, "second_coding"}
        differs += bool(changed - {"second_coding"})
    assert 10 <= differs <= 30  # the codings disagree on a minority of cases, not on none


def test_a_decisive_victor_that_wants_more_counts_as_a_truce() -> None:
    gulf = load_cases().select(["gulf-1991"]).cases[0]
    assert gulf.effective_settlement == "decisive" and gulf.reattacker_aims == "unmet"
    second = gulf.second()
    assert second.reattacker == "victor" and second.effective_settlement == "truce"
    karabakh = load_cases().select(["karabakh-2020"]).cases[0]
    assert karabakh.settlement == "decisive" and karabakh.effective_settlement == "truce"


def test_bad_cases_are_located() -> None:
    text = """cases:
  - id: a
    title: A
    start: "2000"
    settlement: armistice
    guarantee: none
    backstop: none
    victor_aims: limited
    loser_aims: unmet
    reattacker: loser
    guarantor_is_party: false
    peacekeeping: none
    monitoring: none
    separation_zone: false
    joint_commission: false
    held: true
    months: {value: 10, unit: years, assumption: x, low: 1, high: 20}
    cite: {dates: nowhere, outcome: nowhere, mechanisms: nowhere, aims: nowhere}
  - id: a
"""
    data, lines = load_yaml_text(text, "c.yaml")
    with pytest.raises(DataError) as error:
        parse_cases(data, lines)
    fields = {p.field for p in error.value.problems}
    assert "cases.0.settlement" in fields
    assert "cases.1.id" in fields  # duplicate
    assert "cases.0.cite.dates" in fields  # an unknown source
    assert any(p.line == 5 for p in error.value.problems)


def test_validate_recognises_uncertainties_and_cases() -> None:
    kind, _ = validate_file(DATA / "uncertainties.yaml")
    assert kind == "uncertainties"
    kind, library = validate_file(DATA / "cases.yaml")
    assert kind == "historical cases" and len(library.cases) == 44


def test_calibration_parameters_are_read() -> None:
    calibration = load_calibration()
    behaviour = calibration.behaviour_for_kernel()
    assert behaviour.log_hr_peacekeeping == pytest.approx(np.log(0.35))
    assert calibration.hazard_ratios.peacekeeping.source == "pksoi-fortna"
    changed = calibration.with_values(fitted__baseline_log_odds=-9.0)
    assert changed.behaviour_for_kernel().baseline_log_odds == -9.0
    assert changed.fitted.baseline_log_odds.low == -9.0


_documents = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 5)
    | st.floats(allow_nan=True)
    | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "uncertainties",
                    "cases",
                    "sources",
                    "value",
                    "low",
                    "high",
                    "unit",
                    "assumption",
                    "id",
                    "months",
                    "fitted",
                    "hazard_ratios",
                ]
            ),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@settings(max_examples=60)
@given(_documents)
def test_malformed_input_only_ever_raises_data_error(document: object) -> None:
    import yaml

    text = yaml.safe_dump(document)
    for parse in (parse_uncertainties, parse_cases, parse_calibration):
        try:
            data, lines = load_yaml_text(text, "h.yaml")
            parse(data, lines)
        except DataError:
            pass


def test_uncertainties_the_durability_model_does_not_read_or_outside_their_domain_are_refused() -> (
    None
):
    text = """uncertainties:
  kremlin_horoscope: {value: 1, low: 0, high: 2, unit: "1", assumption: x}
  us_resolve: {value: 0.5, low: -1.7e308, high: 1.7e308, unit: "1", assumption: x}
  brent_usd_per_bbl: {value: .inf, low: 45, high: 90, unit: USD/bbl, assumption: x}
"""
    data, lines = load_yaml_text(text, "u.yaml")
    with pytest.raises(DataError) as error:
        parse_uncertainties(data, lines)
    found = {(p.line, p.field): p for p in error.value.problems}
    assert "no model reads it" in found[(2, "uncertainties.kremlin_horoscope")].message
    assert found[(3, "uncertainties.us_resolve.low")].expected == "0 to 1"
    assert (3, "uncertainties.us_resolve.high") in found
    assert (4, "uncertainties.brent_usd_per_bbl.value") in found
    # another model's file names its own parameters
    own = text.split("  us_resolve", maxsplit=1)[0]
    parse_uncertainties(*load_yaml_text(own, "u.yaml"), durability=False)
