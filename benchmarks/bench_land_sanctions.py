"""Land and sanctions models: worlds per second, vectorised vs EMA Workbench's experiment loop.

Our figure: one call of ``assess`` over N worlds (arrays); for sanctions that includes the
market under every level and the 24-month revenue path after a violation (snapback process).
The peer's figure: EMA Workbench 2.5 ``perform_experiments`` running the same model as a scalar
Python function, one world per experiment (the way EMA drives a Python model), with its
SequentialEvaluator. Both are measured in this run; the ratio is our worlds per second over
the peer's.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np

from guarantor.errors import DataError
from guarantor.instruments import land, sanctions
from guarantor.packages import load_package
from guarantor.sourcing import validate_as
from guarantor.theatre import Theatre, load_theatre
from guarantor.theatre.loader import _read_sources
from guarantor.theatre.schema import TheatreFile
from guarantor.yamlio import load_yaml

OURS_WORLDS = 100_000
PEER_EXPERIMENTS = 1000


def theatre() -> Theatre:
    try:
        return load_theatre()
    except DataError:  # geography not shipped yet: the facts are enough for these models
        path = Path(land.__file__).parents[1] / "theatre/data/ukraine-2025/theatre.yaml"
        raw, lines = load_yaml(path)
        extra, _ = _read_sources(path.parent)
        raw = {**raw, "sources": {**extra, **raw["sources"]}}
        return Theatre(validate_as(TheatreFile, raw, lines), path, (), {})


def main() -> None:
    from ema_workbench import (
        Model,
        RealParameter,
        ScalarOutcome,
        SequentialEvaluator,
        perform_experiments,
    )

    logging.getLogger("EMA").setLevel(logging.WARNING)
    the_theatre = theatre()
    package = load_package("paris-declaration-2026", the_theatre)
    parameters = {**sanctions.WORLD_PARAMETERS, **land.WORLD_PARAMETERS}
    rng = np.random.default_rng(0)
    worlds = {name: rng.uniform(*q.range, size=OURS_WORLDS) for name, q in parameters.items()}

    start = time.perf_counter()
    section = sanctions.assess(the_theatre, package, worlds)
    revenue = section.metric("revenue_usd_bn_per_month")
    threat = section.metric("sanctions_threat")
    land_section = land.assess(the_theatre, package, worlds)
    troops = land_section.metric("troops_sustainable")
    strength = land_section.metric("line_strength_ratio")
    ours = time.perf_counter() - start
    ours_rate = OURS_WORLDS / ours

    def scalar_model(**kwargs: float) -> dict[str, float]:
        world = {name: np.array([value]) for name, value in kwargs.items()}
        s = sanctions.assess(the_theatre, package, world)
        g = land.assess(the_theatre, package, world)
        return {
            "revenue": float(s.metric("revenue_usd_bn_per_month").value[0]),
            "troops": float(g.metric("troops_sustainable").value[0]),
            "strength": float(g.metric("line_strength_ratio").value[0]),
        }

    model = Model("guarantor", function=scalar_model)
    model.uncertainties = [RealParameter(name, *q.range) for name, q in parameters.items()]
    model.outcomes = [
        ScalarOutcome("revenue"),
        ScalarOutcome("troops"),
        ScalarOutcome("strength"),
    ]
    start = time.perf_counter()
    with SequentialEvaluator(model) as evaluator:
        _, outcomes = perform_experiments(model, scenarios=PEER_EXPERIMENTS, evaluator=evaluator)
    peer = time.perf_counter() - start
    peer_rate = PEER_EXPERIMENTS / peer

    print(
        f"ours: {OURS_WORLDS:,} worlds in {ours:.2f} s = {ours_rate:,.0f} worlds/s "
        f"(median revenue {np.median(revenue.value):.1f} USD bn/month, "
        f"sanctions threat {np.median(threat.value):.2f}, "
        f"troops sustainable {np.median(troops.value):,.0f}, "
        f"line strength against the threat {np.median(strength.value):.2f})"
    )
    print(
        f"peer (EMA Workbench perform_experiments, sequential, one world per experiment): "
        f"{PEER_EXPERIMENTS} worlds in {peer:.2f} s = {peer_rate:,.0f} worlds/s "
        f"(median revenue {np.median(outcomes['revenue']):.1f}, "
        f"line strength {np.median(outcomes['strength']):.2f})"
    )
    print(f"ratio ours/peer: {ours_rate / peer_rate:,.0f}x")


if __name__ == "__main__":
    main()
