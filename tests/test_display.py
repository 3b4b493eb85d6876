# pandas-stubs types a frame cell as a union of every scalar pandas can hold, so comparing one
# with a number is an "operator" error although the cells here are floats; checked at run time.
# mypy: disable-error-code="operator,arg-type"
"""Results show themselves: offline HTML for notebooks, text for terminals, tidy frames."""

from __future__ import annotations

import html
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import guarantor
from guarantor import display
from guarantor.assessment import Assessment
from guarantor.report import embedded_assessment
from guarantor.section import Metric, Section

EXTERNAL = re.compile(
    r"<(?:script|img|iframe|link|source)\b[^>]*\b(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//",
    re.IGNORECASE,
)


def inner(frame_html: str) -> str:
    """The document a notebook frame shows (its ``srcdoc``)."""
    match = re.fullmatch(r'<iframe [^>]*srcdoc="([^"]*)"></iframe>', frame_html, re.S)
    assert match is not None, frame_html[:200]
    return html.unescape(match.group(1))


@pytest.fixture(scope="module")
def assessment() -> Assessment:
    return guarantor.assess("paris-declaration-2026", worlds=12, seed=3)


def test_assessment_html_is_the_report_offline(assessment: Assessment) -> None:
    shown = assessment._repr_html_()
    assert EXTERNAL.search(shown) is None
    page = inner(shown)
    assert EXTERNAL.search(page) is None
    assert embedded_assessment(page) == assessment.to_dict()
    for section in assessment.sections:
        assert html.escape(section.verdict, quote=False) in page
    assert 'data-g-map="map-spec-a"' in page
    charts = re.search(r'data-g-charts="charts-a"\s+data-charts="(\d+)"', page)
    assert charts is not None and int(charts.group(1)) >= 4
    assert "L.map" in page or "Leaflet" in page  # Leaflet inlined
    assert "Plotly" in page  # plotly.js inlined


def test_assessment_text_names_every_verdict(assessment: Assessment) -> None:
    text = display.view_text(display.assessment_view(assessment), width=2000)
    for section in assessment.sections:
        assert section.verdict in text
    for item in assessment.unavailable:
        assert item.reason in text
    assert repr(assessment).startswith(assessment.package.title)


def test_metrics_frame_matches_each_metrics_summary(assessment: Assessment) -> None:
    frame = assessment.to_pandas()
    assert len(frame) == sum(len(section.metrics) for section in assessment.sections)
    for row in frame.sample(20, random_state=0).itertuples():
        summary = assessment.metric(row.section, row.metric).summary()
        assert row.value == pytest.approx(summary["value"], nan_ok=True)
        assert row.low == pytest.approx(summary["low"], nan_ok=True)
        assert row.high == pytest.approx(summary["high"], nan_ok=True)


def test_worlds_frame_has_every_world_of_every_metric_and_its_parameters(
    assessment: Assessment,
) -> None:
    frame = assessment.to_pandas("worlds")
    metrics = sum(len(section.metrics) for section in assessment.sections)
    assert len(frame) == metrics * assessment.n_worlds
    assert set(frame["world"]) == set(range(assessment.n_worlds))
    name = next(iter(assessment.worlds))
    by_world = frame.drop_duplicates("world").set_index("world")[name]
    assert np.allclose(by_world.sort_index().to_numpy(), assessment.worlds[name])
    sea = frame[(frame.section == "sea") & (frame.metric == "throughput_mt_per_month")]
    assert np.allclose(sea["value"], assessment.metric("sea", "throughput_mt_per_month").value)


def test_survival_frame_is_the_assessments_curve(assessment: Assessment) -> None:
    curve = assessment.to_pandas("survival")
    extras = assessment.extras["survival"]
    assert list(curve["share"]) == pytest.approx(extras["share"])
    assert (np.diff(curve["share"]) <= 0).all()  # the peace never comes back to life
    with pytest.raises(ValueError, match="unknown frame"):
        assessment.to_pandas("nothing")


def test_section_html_draws_its_layers_and_charts(assessment: Assessment) -> None:
    sea = assessment.section("sea")
    page = inner(sea._repr_html_())
    assert EXTERNAL.search(page) is None
    drawn = re.search(r'data-g-map="map-spec-section-2" data-layers="(\d+)"', page)
    assert drawn is not None and int(drawn.group(1)) == len(sea.layers)
    counted = display.section_view(sea, drawn=False)
    assert [block.map for block in counted.blocks if block.heading == "Map"] == [None]
    durability = assessment.section("durability")
    charts = display.views.section_charts(durability)
    assert "survival" in [chart["id"] for chart in charts]
    assert sea.verdict in repr(sea).replace("\n", " ") or sea.title in repr(sea)


def test_comparison_shows_verdicts_side_by_side() -> None:
    comparison = guarantor.compare("sky-shield-2025", "minsk-monitors", worlds=4)
    page = inner(comparison._repr_html_())
    assert EXTERNAL.search(page) is None
    assert page.count('class="g-compare"') == 1
    assert page.count('class="g-compare-verdicts"') == 1
    assert 'class="g-rows"' not in page  # the text-only tables stay out of the HTML
    text = display.view_text(display.comparison_view(comparison), width=2000)
    for assessment in comparison.assessments:
        assert assessment.section("air").verdict in text


def test_store_and_roe_views(tmp_path: Path) -> None:
    store = guarantor.sweep(["minsk-monitors"], store=tmp_path / "s", worlds=50, months=24)
    page = inner(store._repr_html_())
    assert EXTERNAL.search(page) is None
    assert page.count('class="g-outcomes"') == 1  # the report's fragment, not a second table
    assert "finished" in repr(store)
    verdict = guarantor.decide(
        "air-policing",
        {
            "domain": "air",
            "actor": "russia",
            "platform": "drone",
            "act": "presence",
            "zone": "near_russian_territory",
            "distance_km": 40,
        },
    )
    page = inner(verdict._repr_html_())
    assert verdict.response in page
    assert all(item.rule in page for item in verdict.decision.trace)
    assert repr(verdict).startswith(verdict.response)


def test_view_text_escapes_nothing_it_should_show() -> None:
    view = display.View("k", "title", blocks=(display.Block("b", rows=[{"label": "a[x=1]"}]),))
    assert "a[x=1]" in display.view_text(view)
    page = display.page(view)
    assert "a[x=1]" in page
    hostile = display.View("k", "<script>alert(1)</script>")
    assert "<script>alert(1)</script>" not in display.page(hostile)


@given(
    arrays(np.float64, st.integers(1, 40), elements=st.floats(-1e6, 1e6)),
    st.booleans(),
)
def test_metric_rows_keep_the_median_inside_the_band(values: np.ndarray, nan: bool) -> None:
    if nan:
        values = values.copy()
        values[0] = np.nan
    section = Section("s", "S", "v", (Metric.of("m", values, "1", "r"),))
    (row,) = display.metrics_frame([section]).itertuples()
    if np.isfinite(values).any():
        assert row.low <= row.value <= row.high
        finite = values[np.isfinite(values)]
        assert row.mean == pytest.approx(finite.mean())
        assert finite.min() <= row.low and row.high <= finite.max()
    else:
        assert np.isnan(row.value)
    frame = display.worlds_frame([section])
    assert len(frame) == values.size
    assert np.array_equal(frame["value"].to_numpy(), values, equal_nan=True)
