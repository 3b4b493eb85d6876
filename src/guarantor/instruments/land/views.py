"""Views of the land results: units and reasons of the metrics, the explanations, the verdict."""

from __future__ import annotations

from typing import Any

import numpy as np

from guarantor.instruments.land.data import FloatArray, LandData
from guarantor.instruments.land.sizing import ENABLERS, ThreatSizing

UNITS: dict[str, str] = {
    "contact_line_length_km": "km",
    "russian_grouping_troops": "troops",
    "first_echelon_troops": "troops",
    "second_echelon_troops": "troops",
    "reserve_troops": "troops",
    "enabler_troops": "troops",
    "troops_required_threat": "troops",
    "ukraine_force_troops": "troops",
    "ukraine_line_troops": "troops",
    "package_line_troops": "troops",
    "line_strength_ratio": "1",
    "line_shortfall_troops": "troops",
    "defender_strength_factor": "1",
    "brigades_required_line_holding": "brigades",
    "troops_required_line_holding": "troops",
    "troops_required_monitoring": "people",
    "troops_required_tripwire": "troops",
    "troops_required_reassurance": "troops",
    "monitoring_coverage_share": "1",
    "troops_pledged": "troops",
    "troops_pledged_unconditional": "troops",
    "troops_sustainable": "troops",
    "personnel_pool_required": "troops",
    "pledges_above_pool": "pledges",
    "line_coverage_share": "1",
    "hubs_covered": "hubs",
    "smallest_hub_garrison_troops": "troops",
    "slowest_hub_reinforcement_days": "d",
    "tripwire_share": "1",
    "trainees_per_year": "trainees/yr",
    "training_need_per_year": "trainees/yr",
    "training_need_share": "1",
    "arms_tonnes_per_day": "t/d",
    "shells_per_month": "shells/month",
    "shells_per_month_war": "shells/month",
    "interceptors_per_month": "interceptors/month",
    "interceptors_per_month_war": "interceptors/month",
    "months_of_war_shells": "months",
    "months_of_war_interceptors": "months",
    "months_of_war": "months",
    "ukraine_strength_share": "1",
    "feasibility_ratio": "1",
}

REASONS: dict[str, str] = {
    "contact_line_length_km": "length of the contact line",
    "russian_grouping_troops": "the Russian grouping facing the line (Syrskyi), times its rebuild",
    "first_echelon_troops": "the grouping in each sector over the defender's ratio there",
    "second_echelon_troops": "a second echelon behind the first ('two up, one back')",
    "reserve_troops": "a reserve to meet Russia's operational reserve wherever it masses",
    "enabler_troops": "fires, air defence, engineers and logistics for the manoeuvre troops",
    "troops_required_threat": "the whole force the line needs against the threat",
    "ukraine_force_troops": "Ukraine's army: the Paris Declaration's 800,000 unless capped",
    "ukraine_line_troops": "Ukraine's ground forces facing the line, as far as caps equip them",
    "package_line_troops": "the package's troops kept at the line (line holding, tripwires,"
    " hubs in the line zone)",
    "line_strength_ratio": "(Ukraine + package at the line) over what the threat requires",
    "line_shortfall_troops": "troops the line lacks against the threat after Ukraine and package",
    "defender_strength_factor": "strength at the line against 2025's (800,000 against today's"
    " grouping): handed to the durability simulation",
    "brigades_required_line_holding": "line length over a brigade's frontage (10-20 km)",
    "troops_required_line_holding": "what a line-holding force must add to Ukraine's army",
    "troops_required_monitoring": "monitors to watch the whole contact line at OSCE-to-CSIS"
    " densities",
    "troops_required_tripwire": "a company post every 10-50 km of the contact line",
    "troops_required_reassurance": "a reassurance force's mission: a tripwire per sector, a"
    " garrison per protected hub, its own air defence",
    "monitoring_coverage_share": "share of the contact line the monitors watch (technical means"
    " extend each monitor's reach)",
    "troops_pledged": "reassurance-force troops the package pledges, conditional ones included",
    "troops_pledged_unconditional": "reassurance-force troops pledged without conditions",
    "troops_sustainable": "troops and monitors the contributors keep in place under their own"
    " tour and dwell policies",
    "personnel_pool_required": "personnel to keep the pledged force deployed over the mission"
    " horizon",
    "pledges_above_pool": "pledges larger than the contributor's whole deployable pool",
    "line_coverage_share": "share of the contact line the sustainable force watches or holds"
    " per its mission",
    "hubs_covered": "named hubs with at least a battalion battlegroup kept on station",
    "smallest_hub_garrison_troops": "the thinnest garrison among the package's hubs",
    "slowest_hub_reinforcement_days": "days for a brigade from Poland or Romania to reach the"
    " farthest of the package's hubs",
    "tripwire_share": "share of a tripwire battlegroup per sector that troops inside Ukraine man",
    "trainees_per_year": "graduates of training missions",
    "training_need_per_year": "recruits a year to keep Ukraine's army at its size (turnover)",
    "training_need_share": "training missions' graduates over Ukraine's yearly need",
    "arms_tonnes_per_day": "arms delivered a day: money over value density, capped by the"
    " Rzeszów hub",
    "shells_per_month": "artillery shells a month the arms money buys, up to Europe's output",
    "shells_per_month_war": "shells a month Ukraine fires in war (Syrskyi, 2024)",
    "interceptors_per_month": "long-range interceptors a month the money buys, up to Ukraine's"
    " share of output",
    "interceptors_per_month_war": "interceptors a month Russian missile salvos use up",
    "months_of_war_shells": "months of war the shell stock and flow allow",
    "months_of_war_interceptors": "months of war the interceptor stock and flow allow",
    "months_of_war": "months Ukraine can fight after a renewed offensive: the scarcer of shells"
    " and interceptors",
    "ukraine_strength_share": "Ukraine's fighting strength against the uncapped army: troops,"
    " limited by the scarcer of tanks and artillery a cap leaves per soldier",
    "feasibility_ratio": "what the contributors keep in place against what the missions they"
    " pledge require (never what was pledged)",
}


def finite_or_none(value: float) -> float | None:
    """A number for JSON, or None for infinity."""
    return value if np.isfinite(value) else None


def _central(values: FloatArray) -> float:
    array = np.asarray(values)
    return float(array.reshape(-1)[0]) if array.size == 1 else float(np.median(array))


def sector_rows(data: LandData, threat: ThreatSizing) -> list[dict[str, Any]]:
    """Each sector: the grouping's share, the terrain, the defender's ratio, the first echelon."""
    shares = np.array([s.grouping_share.value for s in data.sectors], np.float64)
    shares = shares / shares.sum()
    return [
        {
            "sector": sector.id,
            "name": sector.name,
            "terrain": sector.terrain,
            "grouping_share": float(shares[index]),
            "defender_ratio": float(np.median(threat.sector_ratio[:, index])),
            "first_echelon_troops": float(np.median(threat.sector_first_echelon[:, index])),
        }
        for index, sector in enumerate(data.sectors)
    ]


def explanations(
    data: LandData, p: dict[str, FloatArray], results: dict[str, FloatArray]
) -> list[dict[str, Any]]:
    """Every headline figure with its value, the planning factor behind it and its source."""
    m = {name: _central(values) for name, values in p.items()}
    r = {name: _central(values) for name, values in results.items()}

    def cite(*keys: str) -> str:
        return "; ".join(f"{data.sources[key].outlet} ({data.sources[key].date})" for key in keys)

    hasty = data.doctrine["hasty_defence_ratio"].value
    deliberate = data.doctrine["deliberate_defence_ratio"].value
    terrain = ", ".join(f"{name} x{q.value:g}" for name, q in data.terrain.items())
    enablers = " + ".join(f"{name.removesuffix('_share')} {m[name]:g}" for name in ENABLERS)
    uk, fra, deu = data.policy("GBR"), data.policy("FRA"), data.policy("DEU")
    protect = len(data.reassurance_mission.protect)

    def row(figure: str, unit: str, factor: str, source: str) -> dict[str, Any]:
        return {
            "figure": figure,
            "value": r[figure],
            "unit": unit,
            "factor": factor,
            "source": source,
        }

    return [
        row(
            "russian_grouping_troops",
            "troops",
            f"grouping facing the line x rebuild factor {m['russian_rebuild_factor']:g}",
            cite("syrskyi-710k", "syrskyi-715k"),
        ),
        row(
            "first_echelon_troops",
            "troops",
            f"(1 - reserve {m['operational_reserve_share']:g}) x grouping x sector share /"
            " defender's"
            f" ratio 1:{hasty:g} (hasty) to 1:{deliberate:g} (deliberate) at preparation"
            f" {m['defence_preparation']:g}, x terrain ({terrain})",
            cite("atp-planning-ratios", "dupuy-3to1"),
        ),
        row(
            "second_echelon_troops",
            "troops",
            f"{m['second_echelon_share']:g} of the first echelon ('two up, one back'; assumption)",
            "assumption (data.yaml world.second_echelon_share)",
        ),
        row(
            "reserve_troops",
            "troops",
            f"{m['operational_reserve_share']:g} of the grouping / 1:{deliberate:g}",
            cite("atp-planning-ratios"),
        ),
        row(
            "enabler_troops",
            "troops",
            f"manoeuvre troops x ({enablers}) (assumptions)",
            cite("mcgrath-t3r"),
        ),
        row(
            "troops_required_threat",
            "troops",
            "manoeuvre troops + enablers",
            cite("atp-planning-ratios"),
        ),
        row(
            "ukraine_line_troops",
            "troops",
            f"Ukraine's army {r['ukraine_force_troops']:,.0f} x ground forces' share"
            f" {m['ukraine_ground_share']:g}, limited by capped tanks and artillery",
            cite("paris-800k", "istanbul-nyt-caps"),
        ),
        row(
            "package_line_troops",
            "troops",
            "sustainable line-holding and tripwire troops, and hub garrisons within"
            f" {m['line_zone_km']:g} km of the line",
            "the package",
        ),
        row("line_strength_ratio", "1", "(Ukraine + package at the line) / required", "derived"),
        row(
            "defender_strength_factor",
            "1",
            "(Ukraine + package at the line) / (800,000 x ground share x rebuild factor)",
            cite("paris-800k"),
        ),
        row(
            "troops_sustainable",
            "troops",
            "min(pledge x fulfilment, army x pool share "
            f"{m['pool_share_available']:g} / rotation ratio); tours and dwells: UK"
            f" {uk.tour_months.value:g}+{uk.dwell_months.value:g}, France"
            f" {fra.tour_months.value:g}+{fra.dwell_months.value:g}, Germany"
            f" {deu.tour_months.value:g}+{deu.dwell_months.value:g}"
            f" months, dwell kept {m['dwell_factor']:g}",
            cite("hansard-harmony", "sz-4-20", "assemblee-rotations", "armytimes-dwell"),
        ),
        row(
            "personnel_pool_required",
            "troops",
            f"deployed x min(12 x {m['mission_years']:g} years / tour, rotation ratio)",
            cite("times-rotation"),
        ),
        row("pledges_above_pool", "pledges", "pledge > army x pool share", "derived"),
        row(
            "troops_required_reassurance",
            "troops",
            f"({len(data.sectors)} sector tripwires + {protect} protected hubs) x battlegroup"
            f" {m['hub_garrison_troops']:,.0f} x (1 + own air defence"
            f" {data.reassurance_mission.own_air_defence_share.value:g})",
            cite(data.reassurance_mission.protect_source, "iiss-tiers"),
        ),
        row(
            "troops_required_tripwire",
            "troops",
            f"a {m['tripwire_post_troops']:g}-strong post every"
            f" {m['tripwire_post_spacing_km']:g} km",
            cite("csis-tripwire"),
        ),
        row(
            "troops_required_monitoring",
            "people",
            f"{m['monitors_per_km']:g} monitors a km",
            cite("osce-smm-600", "csis-monitoring"),
        ),
        row(
            "feasibility_ratio",
            "1",
            "sum over pledged missions of min(kept in place, required) / sum of required",
            "derived",
        ),
        row(
            "slowest_hub_reinforcement_days",
            "d",
            f"readiness {m['readiness_days']:g} d + great-circle km x {m['road_circuity']:g} /"
            f" ({m['road_march_km_per_day']:g} km/d by road, or {m['rail_km_per_day']:g} km/d"
            " by rail"
            f" + {m['gauge_transfer_days']:g} d at the gauge change)",
            cite("ft-mobility"),
        ),
        row(
            "training_need_per_year",
            "trainees/yr",
            f"Ukraine's army x turnover {m['army_turnover_per_year']:g} a year (peacetime); war"
            f" would need about {data.training['war_mobilisation_per_month'].value:,.0f} a month",
            cite("paris-800k", "nyt-mobilisation"),
        ),
        row(
            "trainees_per_year",
            "trainees/yr",
            f"min(instructors x {m['trainees_per_instructor']:g}, sites x capacity) x"
            f" {m['training_weeks_per_year']:g} / {data.training['course_weeks'].value:g} weeks",
            cite("interflex-gov", "interflex-hindu"),
        ),
        row(
            "arms_tonnes_per_day",
            "t/d",
            f"USD a year / {m['usd_per_tonne_of_aid']:,.0f} USD a tonne, capped by the Rzeszów hub",
            cite("pollog-hub", "rzeszow-share"),
        ),
        row(
            "shells_per_month",
            "shells/month",
            f"arms money x {m['shell_share_of_arms']:g} / {m['usd_per_shell']:,.0f} USD a shell,"
            " up to"
            f" {data.arms.shells_available_per_year.value:,.0f} a year",
            cite("kallas-2m", "borrell-2024"),
        ),
        row(
            "shells_per_month_war",
            "shells/month",
            f"{m['ukraine_shells_per_day_war']:,.0f} shells a day",
            cite("syrskyi-shells-2024"),
        ),
        row(
            "interceptors_per_month_war",
            "interceptors/month",
            f"{m['russian_missiles_per_month']:g} missiles a month x"
            f" {m['missiles_needing_interceptors_share']:g} needing interceptors x"
            f" {m['interceptors_per_missile']:g} each",
            cite("syrskyi-shells-2024"),
        ),
        row(
            "months_of_war",
            "months",
            f"stock built over {m['stockpile_months']:g} ceasefire months at supply less"
            f" {m['peacetime_use_share']:g} of war use, over war use less supply; the scarcer of"
            " shells and interceptors",
            cite("kallas-2m", "syrskyi-shells-2024", "lockheed-pac3"),
        ),
    ]


def verdict(results: dict[str, FloatArray], hubs_named: int) -> str:
    """One line: the line against the threat, what the package keeps in place, months of war."""
    r = {name: _central(values) for name, values in results.items()}
    return (
        f"The line needs about {r['troops_required_threat']:,.0f} troops against"
        f" {r['russian_grouping_troops']:,.0f} Russians; Ukraine's army puts"
        f" {r['ukraine_line_troops']:,.0f} there and the package {r['package_line_troops']:,.0f}"
        f" (strength {r['line_strength_ratio']:.2f} of need). Of {r['troops_pledged']:,.0f} troops"
        f" pledged, about {r['troops_sustainable']:,.0f} troops and monitors can be kept in place"
        f" (feasibility {r['feasibility_ratio']:.2f}); {r['hubs_covered']:.0f} of {hubs_named}"
        f" named hubs garrisoned; arms allow about {r['months_of_war']:.0f} months of war after a"
        " renewed offensive."
    )
