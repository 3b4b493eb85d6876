"""The sanctions model: revenue accounting, historical checks, levels and the violation cost."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from guarantor.errors import DataError
from guarantor.instruments import sanctions
from guarantor.packages import load_package
from guarantor.packages.schema import Package, SanctionsLevel
from guarantor.sourcing import Quantity
from guarantor.theatre import Theatre, load_theatre


@pytest.fixture(scope="module")
def package(packages: dict[str, Package]) -> Any:
    return packages.__getitem__


def _with_sanctions(base: Package, level: str, *, trigger: bool) -> Package:
    raw = base.model_dump(mode="json", exclude_none=True)
    raw["commitments"] = [c for c in raw["commitments"] if c["instrument"] != "sanctions_snapback"]
    raw["commitments"].append(
        {"id": "s", "actor": "EU", "instrument": "sanctions_snapback", "level": level}
    )
    raw["triggers"] = (
        [{"id": "t", "when": "ceasefire_violation", "then": "snap_back_sanctions"}]
        if trigger
        else []
    )
    return Package.model_validate(raw)


# --- checks against the record -------------------------------------------------------------


def test_iea_monthly_revenue_is_reproduced_within_15_percent() -> None:
    rows = {row["month"]: row for row in sanctions.reproduce_history()}
    assert {"2023-02", "2023-04", "2024-02"} <= set(rows)
    assert len(rows) >= 8
    assert rows["2023-02"]["reported_usd_bn"] == 11.6
    assert rows["2023-04"]["reported_usd_bn"] == 15.0
    assert rows["2024-02"]["reported_usd_bn"] == 15.7
    assert rows["2023-05"]["reported_usd_bn"] == 13.3
    assert rows["2025-07"]["reported_usd_bn"] == 14.3
    assert rows["2025-11"]["reported_usd_bn"] == 11.0
    errors = np.array([row["relative_error"] for row in rows.values()])
    assert np.all(np.abs(errors) <= 0.15), errors
    assert np.mean(np.abs(errors)) <= 0.08
    # measured: -1.6, -8.9, +2.0, +3.8, +5.5, -7.3, -2.4, -11.3 %
    assert rows["2025-07"]["model_usd_bn"] == pytest.approx(13.95, abs=0.05)


def test_budget_oil_gas_revenue_falls_2024_to_2025_in_direction_and_band() -> None:
    rows = {row["year"]: row for row in sanctions.reproduce_budget_history()}
    model_fall = rows["2025"]["model_rub_trn"] / rows["2024"]["model_rub_trn"] - 1.0
    reported_fall = rows["2025"]["reported_rub_trn"] / rows["2024"]["reported_rub_trn"] - 1.0
    assert reported_fall == pytest.approx(-0.238, abs=0.002)
    assert -0.35 <= model_fall <= -0.15
    assert abs(model_fall - reported_fall) <= 0.05
    for row in rows.values():
        assert abs(row["relative_error"]) <= 0.10


def test_budget_model_reproduces_its_calibration_points() -> None:
    data = sanctions.load_data()
    model = sanctions.BudgetModel.calibrate(data.budget)
    assert model.revenue_rub_trn(59.0, 92.0)[0] == pytest.approx(8.919)
    per_10_dollars = model.revenue_rub_trn(69.0, 92.0)[0] - model.revenue_rub_trn(59.0, 92.0)[0]
    assert 1.5 <= per_10_dollars <= 1.8
    # below the tax threshold the oil part vanishes and only the fixed (gas) part is left
    assert model.revenue_rub_trn(10.0, 92.0)[0] == pytest.approx(model.fixed_rub_trn[0])


def test_price_cap_binds_only_on_capped_seaborne_crude() -> None:
    common = {
        "crude_mbd": 1.0,
        "product_mbd": 0.0,
        "product_price_usd_per_bbl": 80.0,
        "days": 1000.0,
    }
    uncapped = sanctions.export_revenue_usd_bn(
        urals_usd_per_bbl=70.0,
        price_cap_usd_per_bbl=np.inf,
        cap_bound_share=1.0,
        seaborne_crude_share=1.0,
        **common,
    )
    capped = sanctions.export_revenue_usd_bn(
        urals_usd_per_bbl=70.0,
        price_cap_usd_per_bbl=30.0,
        cap_bound_share=1.0,
        seaborne_crude_share=1.0,
        **common,
    )
    half = sanctions.export_revenue_usd_bn(
        urals_usd_per_bbl=70.0,
        price_cap_usd_per_bbl=30.0,
        cap_bound_share=0.5,
        seaborne_crude_share=1.0,
        **common,
    )
    assert uncapped[()] == pytest.approx(70.0)
    assert capped[()] == pytest.approx(30.0)
    assert half[()] == pytest.approx(50.0)


# --- levels and the violation cost --------------------------------------------------------


def test_harsher_levels_earn_russia_less_in_every_world() -> None:
    rng = np.random.default_rng(3)
    worlds = {
        name: rng.uniform(*q.range, size=400) for name, q in sanctions.WORLD_PARAMETERS.items()
    }
    revenue = sanctions.revenue_by_level(worlds)
    assert np.all(revenue[SanctionsLevel.RELIEF] > revenue[SanctionsLevel.STATUS_QUO])
    assert np.all(revenue[SanctionsLevel.STATUS_QUO] > revenue[SanctionsLevel.TIGHTER])
    assert np.all(revenue[SanctionsLevel.STATUS_QUO] > revenue[SanctionsLevel.FULL_SNAPBACK])


def test_full_snapback_costs_the_expected_revenue_loss(theatre: Theatre, package: Any) -> None:
    paris = package("paris-declaration-2026")
    p = np.array([0.0, 0.25, 0.5, 1.0])
    section = sanctions.assess(theatre, paris, {"snapback_enforcement_probability": p})
    revenue = section.metric("revenue_usd_bn_per_month").value
    after = section.metric("revenue_after_violation_usd_bn_per_month").value
    cost = section.metric("violation_cost_usd_bn_per_month").value
    by_level = sanctions.revenue_by_level()
    assert revenue == pytest.approx(np.full(4, by_level[SanctionsLevel.RELIEF][0]))
    assert after == pytest.approx(np.full(4, by_level[SanctionsLevel.FULL_SNAPBACK][0]))
    # the will to act scales the expected cost; the vote, the lag and the fleet's adaptation
    # keep it below the full loss even when the EU moves for certain
    assert cost == pytest.approx(p * cost[-1])
    assert cost[0] == 0.0
    assert 0.3 * (revenue[-1] - after[-1]) < cost[-1] < revenue[-1] - after[-1]
    assert "full snapback" in " ".join(section.notes)


def test_without_a_snapback_a_violation_costs_nothing(theatre: Theatre, package: Any) -> None:
    for name in ("istanbul-2022", "minsk-monitors"):
        section = sanctions.assess(theatre, package(name))
        assert section.metric("violation_cost_usd_bn_per_month").value[0] == 0.0
        assert "costs it no oil revenue" in section.verdict


def test_a_snapback_trigger_moves_sanctions_one_level_harsher(
    theatre: Theatre, package: Any
) -> None:
    base = package("minsk-monitors")
    with_trigger = _with_sanctions(base, "status_quo", trigger=True)
    level, after, _ = sanctions.package_levels(with_trigger)
    assert (level, after) == (SanctionsLevel.STATUS_QUO, SanctionsLevel.TIGHTER)
    section = sanctions.assess(theatre, with_trigger)
    assert section.metric("violation_cost_usd_bn_per_month").value[0] > 0.5
    relief_only = _with_sanctions(base, "relief", trigger=False)
    assert sanctions.package_levels(relief_only)[:2] == (
        SanctionsLevel.RELIEF,
        SanctionsLevel.RELIEF,
    )


def test_metrics_are_vectorised_deterministic_and_named_for_durability(
    theatre: Theatre, package: Any
) -> None:
    rng = np.random.default_rng(11)
    worlds = {
        name: rng.uniform(*q.range, size=2000) for name, q in sanctions.WORLD_PARAMETERS.items()
    }
    paris = package("paris-declaration-2026")
    first = sanctions.assess(theatre, paris, worlds, rng=np.random.default_rng(1))
    second = sanctions.assess(theatre, paris, worlds, rng=np.random.default_rng(2))
    for name in (
        "revenue_usd_bn_per_month",
        "violation_cost_usd_bn_per_month",
        "budget_oil_gas_rub_trn_per_year",
    ):
        assert first.metric(name).value.shape == (2000,)
        assert np.array_equal(first.metric(name).value, second.metric(name).value)
    # a dearer Brent means more revenue, all else equal
    cheap = sanctions.assess(theatre, paris, {"brent_usd_per_bbl": np.array([50.0, 80.0])})
    assert np.diff(cheap.metric("revenue_usd_bn_per_month").value)[0] > 0
    assert first.name == "sanctions"
    assert {row["level"] for row in first.tables["levels"]} == {
        level.value for level in SanctionsLevel
    }


def test_every_world_parameter_has_a_source_or_a_range() -> None:
    for name, quantity in sanctions.WORLD_PARAMETERS.items():
        assert isinstance(quantity, Quantity), name
        assert quantity.source is not None or (
            quantity.low is not None and quantity.high is not None
        )


# --- bad input ---------------------------------------------------------------------------


@given(
    st.dictionaries(
        st.sampled_from([*sorted(sanctions.WORLD_PARAMETERS), "unrelated"]),
        st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=0, max_size=4),
        max_size=4,
    )
)
def test_malformed_worlds_raise_only_data_errors(raw: dict[str, list[float]]) -> None:
    theatre = load_theatre()
    package = _with_sanctions(
        load_package("minsk-monitors", theatre), "full_snapback", trigger=False
    )
    worlds = {name: np.asarray(values, dtype=np.float64) for name, values in raw.items()}
    try:
        section = sanctions.assess(theatre, package, worlds)
    except DataError as error:
        assert error.problems
        assert all(problem.field.startswith("worlds") for problem in error.problems)
    else:
        assert np.all(np.isfinite(section.metric("revenue_usd_bn_per_month").value))


@given(st.text(max_size=300))
def test_malformed_data_files_raise_only_located_data_errors(text: str) -> None:
    path = Path("/tmp") / "guarantor-test-sanctions-malformed.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        sanctions.load_data(path)
    assert all(
        problem.file == str(path) or problem.file is None for problem in caught.value.problems
    )


def test_a_broken_data_file_names_file_line_and_field(tmp_path: Path) -> None:
    text = sanctions.DATA_FILE.read_text(encoding="utf-8")
    broken = text.replace(
        "crude_exports_mbd: {value: 4.6, unit: mb/d, source: iea-jul-2025-ogj}",
        "crude_exports_mbd: {value: 4.6, unit: mb/d, source: nowhere}",
    )
    broken = broken.replace(
        "seaborne_crude_share: {value: 0.72, low: 0.65",
        "seaborne_crude_share: {value: 0.9, low: 0.65",
    )
    path = tmp_path / "sanctions.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        sanctions.load_data(path)
    fields = {problem.field for problem in caught.value.problems}
    assert "exports.crude_exports_mbd.source" in fields
    assert "exports.seaborne_crude_share" in fields
    assert all(problem.line for problem in caught.value.problems)


# --- command line ------------------------------------------------------------------------


def test_cli_prints_json_and_writes_plots(tmp_path: Path) -> None:
    from guarantor.cli import app

    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "sanctions",
            "paris-declaration-2026",
            "--json",
            "--worlds",
            "200",
            "--plot",
            str(tmp_path / "levels.svg"),
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    names = {metric["name"] for metric in data["metrics"]}
    assert {"revenue_usd_bn_per_month", "violation_cost_usd_bn_per_month"} <= names
    chart = (tmp_path / "levels.svg").read_text()
    assert chart.startswith("<svg")
    assert "months after a violation" in chart
    assert chart.count("<polyline") == 2  # in peace, after a violation
    assert "lag" in chart and "<polygon" in chart  # the lag and the band
    html = runner.invoke(app, ["sanctions", "--plot", str(tmp_path / "levels.html")])
    assert html.exit_code == 0
    assert "plotly" in (tmp_path / "levels.html").read_text()[:200000].lower()
    bad = runner.invoke(app, ["sanctions", "--plot", str(tmp_path / "levels.png")])
    assert bad.exit_code == 1
    assert "Traceback" not in bad.output
    missing = runner.invoke(app, ["sanctions", "no-such-package", "--json"])
    assert missing.exit_code == 1
    assert json.loads(missing.stdout)["ok"] is False
