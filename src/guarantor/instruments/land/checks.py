"""The land model against published figures: the rows of ``docs/land.md``'s checks table.

Each row is computed from the shipped data and the model's public functions at central values,
so the tables in the documentation are generated, never typed: ``scripts/docs_figures.py``
writes them into ``docs/land.md`` and ``tests/test_docs_figures.py`` holds the page to them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from guarantor.instruments.land.data import WORLD_PARAMETERS, load_data
from guarantor.instruments.land.model import assess
from guarantor.instruments.land.places import theatre_line_length, tier_table
from guarantor.instruments.land.sustainment import personnel_required, rotation_ratio
from guarantor.instruments.land.training_arms import months_of_war, trainees_per_year
from guarantor.packages.schema import Package
from guarantor.theatre import Theatre


def _n(value: float) -> str:
    return f"{value:,.0f}"


def _only(base: Package, commitments: list[dict[str, Any]]) -> Package:
    raw = base.model_dump(mode="json", exclude_none=True)
    raw["commitments"] = commitments
    raw["triggers"] = []
    return Package.model_validate(raw)


def _central(section: Any, name: str) -> float:
    return float(np.median(section.metric(name).value))


def check_rows(theatre: Theatre, base: Package) -> list[tuple[str, str, str]]:
    """(published figure, model, result) for each check, at central values."""
    data = load_data()
    world = {name: q.value for name, q in WORLD_PARAMETERS.items()}
    checks = data.checks
    uk, deu, usa = data.policy("GBR"), data.policy("DEU"), data.policy("USA")
    times = float(
        personnel_required(
            checks["times_deployed"].value,
            checks["times_years"].value,
            uk.tour_months.value,
            uk.dwell_months.value,
        )
    )
    german = float(personnel_required(64_000, 2, deu.tour_months.value, deu.dwell_months.value))
    uk_ratio = float(rotation_ratio(uk.tour_months.value, uk.dwell_months.value))
    p = {name: np.array([value]) for name, value in world.items()}
    p["contact_line_length_km"] = np.array([theatre_line_length(theatre)])
    tiers = {row["tier"]: row for row in tier_table(theatre, data, p)}

    def placed(tier: str) -> str:
        row = tiers[tier]
        hubs = ", ".join(
            f"{h['name']} ({_n(h['distance_to_line_km'] or 0)} km, {h['reinforcement_days']:g} d)"
            for h in row["hubs"]
        )
        return f"{row['zone']}: {hubs}"

    cap = {"id": "cap", "actor": "UKR", "instrument": "army_cap", "troops": 85_000}
    huge = {
        "id": "f",
        "actor": "USA",
        "instrument": "reassurance_force",
        "troops": 500_000,
        "mission": "line_holding",
    }
    ten_million = assess(theatre, _only(base, [huge, cap]))
    zero = assess(theatre, _only(base, [{**huge, "troops": 0, "actor": "FRA"}]))
    finite = all(np.all(np.isfinite(m.value)) for m in zero.metrics)
    strength = {}
    for troops in (800_000, 600_000, 85_000):
        capped = {**cap, "troops": troops}
        strength[troops] = _central(assess(theatre, _only(base, [capped])), "line_strength_ratio")
    paris = assess(theatre, base)
    fire = np.array(WORLD_PARAMETERS["ukraine_shells_per_day_war"].range) * 365.25 / 12.0
    supply = np.array([1_500_000.0, data.arms.shells_available_per_year.value]) / 12.0
    shares = np.array(WORLD_PARAMETERS["peacetime_use_share"].range)
    s, f, sh = np.meshgrid(supply, fire, shares)
    band = months_of_war(s, f, sh, world["stockpile_months"])
    central = float(
        months_of_war(
            supply[1],
            14_600 * 365.25 / 12.0,
            world["peacetime_use_share"],
            world["stockpile_months"],
        )
    )
    training = data.training
    interflex = float(
        trainees_per_year(
            instructors=np.inf,
            trainees_per_instructor=1.0,
            sites=4.0,
            site_capacity=training["trainees_in_training_at_once"].value / 4.0,
            course_weeks=training["course_weeks"].value,
            weeks_per_year=52.0,
        )
    )
    observed = training["interflex_trained"].value / training["interflex_months"].value * 12.0
    low, high = checks["months_of_war_band_low"].value, checks["months_of_war_band_high"].value
    return [
        (
            "64,000 deployed for two years needs ~256,000 personnel (The Times)",
            f"64,000 × min(24/{uk.tour_months.value:g}, {uk_ratio:g}) with the UK's own policy:"
            f" {uk.tour_months.value:g}-month tours, {uk.dwell_months.value:g} months between"
            " (Harmony Guidelines)",
            f"{_n(times)}"
            + (", exact" if times == checks["times_personnel"].value else "")
            + f"; Germany's 4/20 would need {_n(german)}",
        ),
        (
            "UK capacity about one brigade of some 5,000 (Radakin); fewer than 7,500 (The Times)",
            f"{_n(uk.army.value)} × {world['pool_share_available']:g} / {uk_ratio:g}",
            _n(uk.army.value * world["pool_share_available"] / uk_ratio),
        ),
        (
            "IISS small (10,000) and the UK–France plan (15,000) in the west",
            "free cities west of the Dnipro beyond the line zone, protected hubs first",
            f"small {placed('iiss-small')}; UK–France {placed('uk-france-plan')}",
        ),
        (
            "IISS medium (25,000): a division in the centre, along the Dnipro (AP)",
            "free cities on or east of the Dnipro beyond the line zone",
            placed("iiss-medium"),
        ),
        (
            "IISS large (60,000–100,000): a corps, defence in depth (CSIS)",
            f"free cities within {world['line_zone_km']:g} km of the line",
            placed("iiss-large"),
        ),
        (
            "Syrskyi: about 710,000 Russians facing the line (Dec 2025)",
            "sectors over 1:3 × terrain, second echelon, reserve, enablers",
            f"{_n(_central(paris, 'troops_required_threat'))} troops needed; Ukraine at 800,000,"
            f" 600,000 and 85,000 holds {strength[800_000]:.2f}, {strength[600_000]:.2f} and"
            f" {strength[85_000]:.2f} of it",
        ),
        (
            "Ten million US troops (the schema refuses over 500,000); 500,000 pledged"
            " to hold the line",
            f"US Army {_n(usa.army.value)} × {world['pool_share_available']:g} /"
            f" {(usa.tour_months.value + usa.dwell_months.value) / usa.tour_months.value:g}",
            f"{_n(_central(ten_million, 'troops_sustainable'))} kept in place; feasibility"
            f" {_central(ten_million, 'feasibility_ratio'):.2f} (≤ 1);"
            f" {_central(ten_million, 'pledges_above_pool'):.0f} pledge flagged above the pool",
        ),
        (
            "Zero troops pledged (edge case)",
            "in place over required, 0 where nothing is in place",
            f"feasibility {_central(zero, 'feasibility_ratio'):g};"
            f" {'every metric finite' if finite else 'NON-FINITE METRICS'}",
        ),
        (
            "Shells: Ukraine fires 10,000–14,600 a day (Syrskyi, 2024); Europe supplies 1.5–2"
            " million a year (Borrell 2024, Kallas 2025)",
            f"stock over {world['stockpile_months']:g} ceasefire months at supply less"
            " 5–20 % of war use, over war use less supply",
            f"{band.min():.0f}–{band.max():.0f} months (stated band {low:g}–{high:g}); 2 million"
            f" a year against 14,600 a day: {central:.0f} months",
        ),
        (
            "Interceptors: 620 PAC-3 made in 2025 (Lockheed Martin); Russia fired ~320 missiles"
            " a month (Syrskyi)",
            f"{world['ukraine_share_of_interceptor_production']:g} of output against"
            f" {world['missiles_needing_interceptors_share']:g} ×"
            f" {world['interceptors_per_missile']:g} a missile",
            f"{_central(paris, 'interceptors_per_month'):.0f} a month against"
            f" {_central(paris, 'interceptors_per_month_war'):.0f} used:"
            f" {_central(paris, 'months_of_war_interceptors'):.1f} months of war",
        ),
        (
            "Interflex: 30,000 trained in 16.5 months",
            f"{_n(training['trainees_in_training_at_once'].value)} in training × 52 /"
            f" {training['course_weeks'].value:g} weeks",
            f"{_n(interflex)} a year vs {_n(round(observed, -2))} observed"
            f" ({interflex / observed - 1.0:+.1%})",
        ),
    ]


def checks_markdown(theatre: Theatre, base: Package) -> str:
    """The checks as a Markdown table."""
    lines = ["| published figure | model | result |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in check_rows(theatre, base)]
    return "\n".join(lines)


def paris_markdown(theatre: Theatre, base: Package) -> str:
    """The default package in one paragraph, at central values (one world)."""
    section = assess(theatre, base)
    v = {m.name: float(np.median(m.value)) for m in section.metrics}
    rows = {row["id"]: row for row in section.tables["commitments"]}
    uk = rows["uk-reassurance-force"]
    missions = {row["mission"]: row for row in section.tables["missions"]}
    reassurance = missions["reassurance"]
    return (
        f"The line needs about {_n(v['troops_required_threat'])} troops against"
        f" {_n(v['russian_grouping_troops'])} Russians ({_n(v['first_echelon_troops'])} in the"
        f" first echelon, {_n(v['second_echelon_troops'])} behind it, {_n(v['reserve_troops'])}"
        f" in reserve and {_n(v['enabler_troops'])} enablers). Ukraine's 800,000 put"
        f" {_n(v['ukraine_line_troops'])} there and the package {_n(v['package_line_troops'])}"
        f" (its hub at Odesa is within {WORLD_PARAMETERS['line_zone_km'].value:g} km of the"
        f" line): {v['line_strength_ratio']:.2f} of the need, a hand-over factor of"
        f" {v['defender_strength_factor']:.3f}. Of {_n(v['troops_pledged'])} troops pledged (all"
        f" conditional), {_n(v['troops_sustainable'])} troops and monitors are sustainable:"
        f" the UK keeps {_n(uk['sustainable'])} of its {_n(uk['pledged'])} under"
        f" {uk['tour_months']:g} + {uk['dwell_months']:g} months. The reassurance mission needs"
        f" {_n(reassurance['required'])} and has {_n(reassurance['in_place'])} in Ukraine;"
        f" feasibility {v['feasibility_ratio']:.2f}. Training {_n(v['trainees_per_year'])} a"
        f" year meets {v['training_need_share']:.0%} of the {_n(v['training_need_per_year'])}"
        f" Ukraine's army needs. Arms: {_n(v['arms_tonnes_per_day'])} t/d through Rzeszów,"
        f" {_n(v['shells_per_month'])} shells a month ({v['months_of_war_shells']:.0f} months of"
        f" war) but {v['interceptors_per_month']:.0f} interceptors a month against"
        f" {v['interceptors_per_month_war']:.0f} used: {v['months_of_war']:.1f} months before"
        " long-range air defence runs dry. A brigade from Poland or Romania reaches the slowest"
        f" of the package's hubs in {v['slowest_hub_reinforcement_days']:.1f} days."
    )


def parameters_markdown() -> str:
    """Every world parameter with its default, range and provenance, as a Markdown table."""
    data = load_data()
    lines = ["| name | default | range | provenance |", "|---|---|---|---|"]
    for name, q in WORLD_PARAMETERS.items():
        low, high = q.range
        if q.source is not None:
            source = data.sources[str(q.source)]
            provenance = f"{source.outlet} ({source.date})"
        else:
            provenance = f"assumption: {q.assumption}"
        lines.append(f"| {name} | {q.value:,g} {q.unit} | {low:,g}–{high:,g} | {provenance} |")
    return "\n".join(lines)
