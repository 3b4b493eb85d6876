"""One assessment of a package: every model's section over one table of worlds, each model once.

:func:`assess` is the single engine behind ``guarantor assess``, its JSON, the HTML report and
the web app: they all render the :class:`~guarantor.assessment.result.Assessment` it returns.

The models run in order, each exactly once: every instrument of the registry
(:mod:`guarantor.instruments.registry`), then the acceptability model, then the durability
simulation, which reads the instruments' and the acceptability model's sections through their
hand-over columns instead of running them again. Worlds come from the one sampler
(:mod:`guarantor.worlds`): the same ``worlds`` and ``seed`` give the same table as every other
command. Only bad or missing data (a :class:`~guarantor.errors.DataError`) makes a section
"unavailable", with its reason; any other exception is a bug and is raised.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor import worlds as world_sampler
from guarantor.assessment.layers import package_layers
from guarantor.assessment.result import Assessment, Unavailable, WorldParameter
from guarantor.errors import DataError, Problem
from guarantor.instruments import registry
from guarantor.packages import Package, load_package
from guarantor.section import Section
from guarantor.sourcing import Source
from guarantor.theatre import DEFAULT_THEATRE, Theatre, load_theatre
from guarantor.worlds import DEFAULT_SEED, DEFAULT_WORLDS, Parameter, columns, model_rng

MAX_ASSESS_WORLDS = 100_000
SECTION_ORDER: tuple[str, ...] = (
    *(registry.section_name(name) for name in registry.NAMES),
    "acceptability",
    "durability",
)
"""Sections in the order an assessment shows them."""

__all__ = [
    "DEFAULT_SEED",
    "DEFAULT_WORLDS",
    "MAX_ASSESS_WORLDS",
    "SECTION_ORDER",
    "assess",
    "describe_parameters",
    "survival_curve",
]


def _provenance(parameter: Parameter, theatre: Theatre) -> str:
    quantity = parameter.quantity
    if quantity.assumption is not None:
        low, high = quantity.range
        return f"assumption: {quantity.assumption} (range {low:g}-{high:g} {quantity.unit})"
    source = quantity.source
    return source.cite() if isinstance(source, Source) else theatre.cite(source)


def describe_parameters(
    parameters: Sequence[Parameter], theatre: Theatre
) -> tuple[WorldParameter, ...]:
    """The world parameters as the views describe them: value, range, provenance, models."""
    return tuple(
        WorldParameter(
            p.name,
            p.quantity.unit,
            p.nominal,
            p.low,
            p.high,
            _provenance(p, theatre),
            p.models,
        )
        for p in parameters
    )


def _check_request(worlds: int, seed: int) -> None:
    problems = []
    if (
        isinstance(worlds, bool)
        or not isinstance(worlds, int)
        or not 1 <= worlds <= MAX_ASSESS_WORLDS
    ):
        problems.append(
            Problem(
                "the number of worlds must be a whole number in range",
                field="worlds",
                expected=f"1 to {MAX_ASSESS_WORLDS}",
                received=repr(worlds),
            )
        )
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        problems.append(
            Problem(
                "the seed must be a whole number ≥ 0",
                field="seed",
                expected="0 to 2^63-1",
                received=repr(seed),
            )
        )
    if problems:
        raise DataError(problems)


def _run(
    name: str,
    run: Callable[[], Section],
    *,
    sections: dict[str, Section],
    unavailable: list[Unavailable],
    timings: dict[str, float],
    title: str,
) -> None:
    """Run one model; bad or missing data makes its section unavailable, a bug raises."""
    started = time.perf_counter()
    try:
        sections[name] = run()
    except DataError as error:
        reason = "; ".join(str(problem) for problem in error.problems[:3])
        unavailable.append(Unavailable(name, title, name, reason))
    finally:
        timings[name] = time.perf_counter() - started


def assess(
    package: Package | str | Path | None = None,
    *,
    theatre: Theatre | None = None,
    worlds: int = DEFAULT_WORLDS,
    seed: int = DEFAULT_SEED,
    models: Sequence[str] | None = None,
) -> Assessment:
    """Assess a package with every model, over ``worlds`` worlds drawn from ``seed``.

    Args:
        package: a package, a shipped package's name or a path (default: the default package).
        theatre: the theatre (default: the package's theatre, loaded).
        worlds: the number of worlds (1 = the nominal world).
        seed: the root of all randomness; the same seed gives the same numbers.
        models: limit the assessment to these section names (default: every model).

    Returns:
        The assessment: sections, unavailable sections with reasons, worlds and their parameters.

    Raises:
        DataError: the package is invalid or unknown, or ``worlds``/``seed`` are out of range.
    """
    from guarantor import bargaining, durability

    _check_request(worlds, seed)
    if theatre is None:
        theatre = load_theatre(package.theatre if isinstance(package, Package) else DEFAULT_THEATRE)
    if not isinstance(package, Package):
        package = load_package(package, theatre)
    space = world_sampler.space()
    table = world_sampler.sample(worlds, seed, parameters=space)
    wanted = set(SECTION_ORDER if models is None else models)
    sections: dict[str, Section] = {}
    unavailable: list[Unavailable] = []
    timings: dict[str, float] = {}
    for instrument in registry.in_run_order():
        if instrument.name not in wanted:
            continue
        own = columns(table, list(instrument.world_parameters))
        rng = model_rng(seed, instrument.name)

        def run_instrument(instrument: Any = instrument, own: Any = own, rng: Any = rng) -> Section:
            # a model that needs another's section (air: intelligence's warning) is given it
            section = registry.assess_one(
                instrument, theatre, package, own or None, rng=rng, sections=sections
            )
            return section.over(worlds)

        _run(
            instrument.name,
            run_instrument,
            sections=sections,
            unavailable=unavailable,
            timings=timings,
            title=instrument.title,
        )
    if "acceptability" in wanted:
        own = columns(table, list(bargaining.WORLD_PARAMETERS))
        rng = model_rng(seed, "acceptability")
        _run(
            "acceptability",
            lambda: bargaining.acceptability(theatre, package, own, rng=rng),
            sections=sections,
            unavailable=unavailable,
            timings=timings,
            title="Acceptability",
        )
    if "durability" in wanted:
        missing = [item for item in unavailable if item.name != "acceptability"]
        if missing:
            reason = "needs " + ", ".join(
                f"the {item.name} section ({item.reason})" for item in missing
            )
            unavailable.append(Unavailable("durability", "Durability", "durability", reason))
        else:
            _run(
                "durability",
                lambda: durability.assess(theatre, package, table, seed=seed, sections=sections),
                sections=sections,
                unavailable=unavailable,
                timings=timings,
                title="Durability",
            )
    ordered = tuple(sections[name] for name in SECTION_ORDER if name in sections)
    extras: dict[str, Any] = {"notes": [], "warnings": registry.unread(package)}
    if "durability" in sections:
        extras["survival"] = _survival(sections["durability"], worlds)
    return Assessment(
        package=package,
        theatre=theatre,
        n_worlds=worlds,
        seed=seed,
        worlds=table,
        parameters=describe_parameters(space, theatre),
        sections=ordered,
        unavailable=tuple(unavailable),
        package_layers=package_layers(theatre, package),
        timings_s=timings,
        extras=extras,
    )


def _short(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    first = text[0] if text else ""
    return f"{type(error).__name__}: {first}" if first else type(error).__name__


def _survival(section: Section, n_worlds: int) -> dict[str, Any] | None:
    """The survival curve of the peace with a 95 % Wilson band, as columns.

    Read from the durability section's ``survival`` table (rows ``{month, share, low, high}``),
    so an assessment simulates the years after the ceasefire once.
    """
    rows = section.tables.get("survival") or []
    if not rows:
        return None
    try:
        columns = {
            key: [float(row[key]) for row in rows] for key in ("month", "share", "low", "high")
        }
    except (KeyError, TypeError, ValueError) as error:  # an extra: reported, not fatal
        return {"error": _short(error)}
    return {**columns, "n_worlds": n_worlds}


def survival_curve(breakdown_month: NDArray[np.float64], months: int) -> dict[str, Any]:
    """Share of worlds still at peace after each month, with a 95 % Wilson score band.

    ``breakdown_month`` is NaN where the peace held over the whole horizon.
    """
    n = breakdown_month.size
    month = np.arange(0, months + 1, dtype=np.float64)
    broken_by = np.where(np.isnan(breakdown_month), np.inf, breakdown_month)
    holding = (broken_by[None, :] > month[:, None]).sum(axis=1).astype(np.float64)
    share = holding / max(n, 1)
    z = 1.959963984540054
    denominator = 1 + z**2 / n
    centre = (share + z**2 / (2 * n)) / denominator
    spread = z * np.sqrt(share * (1 - share) / n + z**2 / (4 * n**2)) / denominator
    return {
        "month": month.tolist(),
        "share": share.tolist(),
        "low": np.clip(centre - spread, 0, 1).tolist(),
        "high": np.clip(centre + spread, 0, 1).tolist(),
        "n_worlds": n,
    }
