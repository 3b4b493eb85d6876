"""The air, sea and intelligence sections: views apart from the model.

Each of these instruments computes its metrics in the model and writes its verdict, tables and
map layers in ``views``. Two promises hold the split: a simulation run (the kernel's inputs,
built from the instruments' hand-overs) draws no table and no layer, and the views say what
the metrics say, over every shipped package.
"""

from __future__ import annotations

from typing import Any, NoReturn

import numpy as np
import pytest

from guarantor.durability import load_calibration, load_uncertainties, sample_worlds
from guarantor.durability.inputs import package_inputs
from guarantor.instruments import registry
from guarantor.instruments.air import views as air_views
from guarantor.instruments.air.metrics import THREAT_IDS
from guarantor.instruments.intelligence import model as intelligence_model
from guarantor.instruments.maritime import model as sea_model
from guarantor.packages import Package
from guarantor.randomness import world_keys
from guarantor.section import Section
from guarantor.theatre import Theatre
from guarantor.worlds import columns, sample

VIEWS = {
    air_views: ("_tables", "_layers", "_raid_rows"),
    sea_model: (
        "ports_table",
        "groups_table",
        "modes_table",
        "ships_table",
        "corridor_layer",
        "stations_layer",
        "_shortfall",
    ),
    intelligence_model: ("with_without_rows", "provider_rows"),
}
"""The table and layer functions each model's section reaches for, by the module that calls them."""


class ViewReadError(AssertionError):
    """A table or a layer was drawn."""


def _forbid_views(monkeypatch: pytest.MonkeyPatch) -> None:
    for module, names in VIEWS.items():
        for name in names:

            def refuse(*args: Any, _name: str = name, **kwargs: Any) -> NoReturn:
                raise ViewReadError(f"{_name} was called")

            monkeypatch.setattr(module, name, refuse)


def _section(name: str, theatre: Theatre, package: Package, n: int = 64) -> Section:
    instrument = registry.load(name)
    worlds = columns(sample(n, 11), list(instrument.world_parameters))
    return instrument.assess(theatre, package, worlds or None, rng=np.random.default_rng(0))


@pytest.mark.parametrize("name", ["nato-track", "sky-shield-2025", "paris-declaration-2026"])
def test_a_simulation_run_draws_no_table_and_no_layer(
    monkeypatch: pytest.MonkeyPatch, theatre: Theatre, packages: dict[str, Package], name: str
) -> None:
    _forbid_views(monkeypatch)
    uncertainties, calibration = load_uncertainties(), load_calibration()
    n = 32
    inputs = package_inputs(
        theatre,
        packages[name],
        sample_worlds(uncertainties, n, seed=5),
        calibration=calibration,
        uncertainties=uncertainties,
        keys=world_keys(5, np.arange(n)),
        months=12,
    )
    assert inputs.kernel.force.shape[0] == n
    # the refusals were in place: reading a table or a layer of these sections draws them
    for instrument in ("air", "maritime", "intelligence"):
        section = _section(instrument, theatre, packages[name])
        with pytest.raises(ViewReadError):
            dict(section.tables)
        if instrument != "intelligence":
            with pytest.raises(ViewReadError):
                dict(section.layers)


def _median(section: Section, metric: str) -> float:
    return float(np.median(section.metric(metric).value))


def test_air_tables_and_layers_say_what_the_metrics_say(
    theatre: Theatre, packages: dict[str, Package]
) -> None:
    for package in packages.values():
        section = _section("air", theatre, package)
        tables, layers = section.tables, section.layers
        # the commitments table counts the fighters that can be fielded (fleets and ramps)
        fielded = sum(row["fighters"] for row in tables["commitments"])
        assert fielded == pytest.approx(section.metric("aircraft_fieldable").value[0]), package.name
        population = np.array([row["population"] for row in tables["targets"]])
        for threat in THREAT_IDS:
            # the table holds each target's share of worlds protected; the metric, each world's
            # population share: their population-weighted mean and world mean are one number
            protected = np.array([row[f"protected_{threat}"] for row in tables["targets"]])
            expected = float(section.metric(f"population_protected_share_{threat}").value.mean())
            assert protected @ population / population.sum() == pytest.approx(
                expected, abs=1e-12
            ), (package.name, threat)
        points = layers["protected_targets"]["features"]
        assert [f["properties"]["target"] for f in points] == [
            row["target"] for row in tables["targets"]
        ]
        for feature, row in zip(points, tables["targets"], strict=True):
            assert feature["properties"]["alert_minutes"] == row["alert_minutes"]
        pledged = section.metric("aircraft_pledged").value[0]
        if pledged:
            assert section.verdict.startswith(f"{pledged:.0f} fighters"), package.name


def test_sea_tables_and_verdict_say_what_the_metrics_say(
    theatre: Theatre, packages: dict[str, Package]
) -> None:
    for package in packages.values():
        section = _section("maritime", theatre, package)
        barrier, convoys = section.tables["modes"]
        first = {m.name: float(m.value[0]) for m in section.metrics}
        assert barrier["throughput_mt_per_month"] == round(first["throughput_mt_per_month"], 2)
        assert convoys["throughput_mt_per_month"] == round(
            first["convoy_throughput_mt_per_month"], 2
        )
        assert convoys["wait_h"] == round(first["convoy_wait_h"], 1)
        assert convoys["preferred"] is bool(first["convoy_preferred"])
        assert barrier["preferred"] is not convoys["preferred"]
        verdict = section.verdict
        assert verdict.startswith(
            f"{_median(section, 'ships_pledged'):.0f} ships pledged in the Black Sea against "
            f"{_median(section, 'ships_required'):.0f} needed"
        ), package.name
        assert f"{_median(section, 'throughput_mt_per_month'):.1f} Mt/month" in verdict


def test_intelligence_tables_and_verdict_say_what_the_metrics_say(
    theatre: Theatre, packages: dict[str, Package]
) -> None:
    for package in packages.values():
        section = _section("intelligence", theatre, package)
        rows = {row["unit"]: row for row in section.tables["with_without_us"]}
        pairs = {
            "min": ("warning_time_min", "warning_time_without_us_min"),
            "share": ("attribution_probability", "attribution_without_us"),
            "×": ("targeting_factor", "targeting_factor_without_us"),
        }
        for unit, (everyone, without) in pairs.items():
            row = rows[unit]
            assert row["all_providers"] == round(_median(section, everyone), 3), package.name
            assert row["without_us"] == round(_median(section, without), 3), package.name
            assert row["lost_without_us"] == round(row["all_providers"] - row["without_us"], 3)
        providers = section.tables["providers"]
        asked = sum(row["aew_orbits_asked"] for row in providers)
        assert asked == section.metric("aew_orbits_asked").value[0], package.name
        attributed = round(_median(section, "attribution_probability"), 3)
        assert f"{attributed:.0%} of probes attributed" in section.verdict, package.name
