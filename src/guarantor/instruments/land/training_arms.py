"""Training and arms: Ukraine's army, what keeps it trained, and how long it can fight.

::

    Ukraine's army       = min(800,000, each army cap at army_cap_position in its range)
    training need / yr   = army x turnover a year                     (peacetime replacement)
    trainees per year    = min(instructors x trainees per instructor, sites x site capacity)
                           x weeks a year / course weeks
    arms tonnes per day  = min(USD a year / USD a tonne / 365, hub capacity / hub share)
    shells a year        = min(arms USD x shell share / USD a shell, Europe's output for Ukraine)
    interceptors a month = min(arms USD x interceptor share / USD each, world output x Ukraine's
                           share) / 12
    stock at the offensive = (supply - peacetime use) x months of ceasefire  (no peacetime use of
                           interceptors: a ceasefire brings no missile salvos)
    months of war        = stock / (war use - supply)   (capped at 120 when supply keeps up)

Months of war is the lesser of the shell and interceptor months: the scarcer runs out first.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from guarantor.instruments.land.data import LandData
from guarantor.packages.schema import (
    ArmsSupply,
    ArmyCap,
    Instrument,
    Package,
    TrainingMission,
    magnitude,
)
from guarantor.sourcing import Quantity

FloatArray = NDArray[np.float64]
MONTHS_CAP = 120.0
"""Months of war reported when supply keeps up with use: the durability simulation's horizon."""
DAYS_PER_MONTH = 365.25 / 12.0


def trainees_per_year(
    *,
    instructors: ArrayLike,
    trainees_per_instructor: ArrayLike,
    sites: ArrayLike,
    site_capacity: ArrayLike,
    course_weeks: ArrayLike,
    weeks_per_year: ArrayLike,
) -> FloatArray:
    """Trainees a mission graduates a year, limited by instructors or by sites."""
    in_class = np.minimum(
        np.asarray(instructors) * np.asarray(trainees_per_instructor),
        np.asarray(sites) * np.asarray(site_capacity),
    )
    return np.asarray(in_class * np.asarray(weeks_per_year) / np.asarray(course_weeks), np.float64)


def training_need_per_year(army: ArrayLike, turnover_per_year: ArrayLike) -> FloatArray:
    """Recruits a year to keep an army of this size trained: its yearly turnover."""
    return np.asarray(np.asarray(army) * np.asarray(turnover_per_year), np.float64)


def arms_tonnes_per_day(usd_bn_per_year: ArrayLike, usd_per_tonne: ArrayLike) -> FloatArray:
    """Tonnes a day a money flow buys at a value density."""
    return np.asarray(
        np.asarray(usd_bn_per_year) * 1e9 / np.asarray(usd_per_tonne) / 365.0, np.float64
    )


def months_of_war(
    supply_per_month: ArrayLike,
    war_use_per_month: ArrayLike,
    peacetime_share: ArrayLike,
    stockpile_months: ArrayLike,
) -> FloatArray:
    """Months Ukraine can fight after a renewed offensive before a stock runs out.

    The ceasefire builds a stock at the supply rate less peacetime use; the war draws it down
    at war use less the continuing supply. Supply that keeps up gives ``MONTHS_CAP``; no supply
    and no stock give 0.
    """
    supply = np.asarray(supply_per_month, np.float64)
    use = np.asarray(war_use_per_month, np.float64)
    # a vanishing deficit overflows to infinity and is capped below; tiny values may underflow
    with np.errstate(over="ignore", under="ignore"):
        stock = np.maximum(supply - np.asarray(peacetime_share) * use, 0.0) * np.asarray(
            stockpile_months
        )
        deficit = use - supply
        months = np.where(deficit > 0, stock / np.where(deficit > 0, deficit, 1.0), MONTHS_CAP)
    return np.asarray(np.minimum(months, MONTHS_CAP), np.float64)


def training(package: Package, data: LandData, p: dict[str, FloatArray]) -> FloatArray:
    """Trainees a year from the package's training missions."""
    course = data.training["course_weeks"].value
    site_capacity = data.training["trainees_in_training_at_once"].value / max(
        data.world["training_sites"].value, 1.0
    )
    total = np.zeros(p["mission_years"].size)
    for c in package.of(Instrument.TRAINING_MISSION):
        assert isinstance(c, TrainingMission)
        if c.trainees_per_year is not None:
            total += magnitude(c.trainees_per_year)
            continue
        total += trainees_per_year(
            instructors=magnitude(c.instructors) * p["pledge_fulfilment_share"],
            trainees_per_instructor=p["trainees_per_instructor"],
            sites=p["training_sites"],
            site_capacity=site_capacity,
            course_weeks=course,
            weeks_per_year=p["training_weeks_per_year"],
        )
    return total


def hub_capacity_tonnes_per_day(data: LandData, p: dict[str, FloatArray]) -> FloatArray:
    """The arms hub's throughput: its record (vehicles x tonnes / days) times a surge factor."""
    observed = data.arms.hub_vehicles.value * p["tonnes_per_vehicle"] / data.arms.hub_days.value
    return np.asarray(observed * p["hub_surge_factor"], np.float64)


def arms_flow(
    package: Package, data: LandData, p: dict[str, FloatArray]
) -> tuple[FloatArray, FloatArray]:
    """Tonnes a day delivered, and the share of the money that gets through (the hub's cap)."""
    size = p["mission_years"].size
    through_hub = np.zeros(size)
    elsewhere = np.zeros(size)
    for c in package.of(Instrument.ARMS_SUPPLY):
        assert isinstance(c, ArmsSupply)
        demand = (
            np.full(size, magnitude(c.tonnes_per_day))
            if c.tonnes_per_day is not None
            else arms_tonnes_per_day(magnitude(c.usd_bn_per_year), p["usd_per_tonne_of_aid"])
        )
        if data.arms.hub in c.via:
            through_hub += demand
        else:
            elsewhere += demand
    # the hub carries its share of all aid, so the route through it is capped at capacity/share
    route_capacity = hub_capacity_tonnes_per_day(data, p) / data.arms.hub_share_of_aid.value
    delivered = np.minimum(through_hub, route_capacity) + elsewhere
    wanted = through_hub + elsewhere
    with np.errstate(divide="ignore", invalid="ignore"):
        through = np.where(wanted > 0, delivered / np.where(wanted > 0, wanted, 1.0), 1.0)
    return np.asarray(delivered, np.float64), np.asarray(through, np.float64)


def arms_usd_bn_per_year(package: Package) -> float:
    """Money for arms a year the package pledges."""
    return sum(
        magnitude(c.usd_bn_per_year)
        for c in package.of(Instrument.ARMS_SUPPLY)
        if isinstance(c, ArmsSupply)
    )


def munitions(
    package: Package, data: LandData, p: dict[str, FloatArray], through: FloatArray
) -> dict[str, FloatArray]:
    """Shells and interceptors a month, supplied and used in war, and the months of war allowed."""
    usd = arms_usd_bn_per_year(package) * 1e9 * through
    shells_bought = usd * p["shell_share_of_arms"] / p["usd_per_shell"]
    shells_year = np.minimum(shells_bought, data.arms.shells_available_per_year.value)
    interceptors_bought = usd * p["interceptor_share_of_arms"] / p["usd_per_interceptor"]
    interceptor_cap = (
        data.arms.interceptors_made_per_year.value * p["ukraine_share_of_interceptor_production"]
    )
    interceptors_year = np.minimum(interceptors_bought, interceptor_cap)
    shells_use = p["ukraine_shells_per_day_war"] * DAYS_PER_MONTH
    interceptors_use = (
        p["russian_missiles_per_month"]
        * p["missiles_needing_interceptors_share"]
        * p["interceptors_per_missile"]
    )
    shell_months = months_of_war(
        shells_year / 12.0, shells_use, p["peacetime_use_share"], p["stockpile_months"]
    )
    # a ceasefire brings no missile salvos: the interceptor stock is spent only in war
    interceptor_months = months_of_war(
        interceptors_year / 12.0, interceptors_use, 0.0, p["stockpile_months"]
    )
    return {
        "shells_per_month": np.asarray(shells_year / 12.0, np.float64),
        "shells_per_month_war": np.asarray(shells_use, np.float64),
        "interceptors_per_month": np.asarray(interceptors_year / 12.0, np.float64),
        "interceptors_per_month_war": np.asarray(interceptors_use, np.float64),
        "months_of_war_shells": shell_months,
        "months_of_war_interceptors": interceptor_months,
        "months_of_war": np.minimum(shell_months, interceptor_months),
    }


def ukraine_force(
    package: Package, data: LandData, p: dict[str, FloatArray]
) -> tuple[FloatArray, list[dict[str, Any]]]:
    """Ukraine's army under the package's caps (800,000 uncapped), and the caps in a table."""
    target = data.ukraine["target_troops"].value
    force = np.full(p["mission_years"].size, target)
    rows = []
    for c in package.of(Instrument.ARMY_CAP):
        assert isinstance(c, ArmyCap)
        value = magnitude(c.troops)
        high = c.troops.range[1] if isinstance(c.troops, Quantity) else value
        cap = value + p["army_cap_position"] * (high - value)
        force = np.minimum(force, cap)
        rows.append(
            {
                "id": c.id,
                "actor": c.actor,
                "cap_troops": value,
                "cap_high_troops": high,
                "conditions": [condition.describe() for condition in c.conditions],
            }
        )
    return force, rows


def ukraine_strength_share(package: Package, data: LandData, force: FloatArray) -> FloatArray:
    """Ukraine's strength as a share of its uncapped army, limited by its scarcest arm.

    ``share = force / target · min(1, tanks / (force · tanks per soldier), artillery / (force ·
    artillery per soldier))``: a cap on tanks or guns binds when it leaves fewer per soldier than
    Ukraine's own proposal at Istanbul (800 tanks and 1,900 guns for 250,000 troops), the
    combined-arms mix Ukraine itself asked for (a Leontief, scarcest-arm bound).
    """
    target = data.ukraine["target_troops"].value
    return np.asarray(
        np.clip(force / target, 0.0, 1.0) * equipped_share(package, data, force), np.float64
    )


def equipped_share(package: Package, data: LandData, force: FloatArray) -> FloatArray:
    """The share of the army its capped tanks and artillery can equip in Ukraine's own mix."""
    per_soldier = {
        "tanks": data.ukraine["tanks_offered"].value / data.ukraine["troops_offered"].value,
        "artillery": data.ukraine["artillery_offered"].value / data.ukraine["troops_offered"].value,
    }
    equipped = np.ones(force.size)
    for c in package.of(Instrument.ARMY_CAP):
        assert isinstance(c, ArmyCap)
        for arm, ratio in per_soldier.items():
            cap = getattr(c, arm)
            if cap is not None:
                needed = np.maximum(force * ratio, 1e-9)
                equipped = np.minimum(equipped, magnitude(cap) / needed)
    return np.asarray(np.minimum(equipped, 1.0), np.float64)
