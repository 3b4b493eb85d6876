"""The web app: pages, JSON endpoints, errors located like the CLI's, limits and safe names."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from guarantor.packages.loader import package_path
from guarantor.report import embedded_assessment
from guarantor.web import create_app
from guarantor.web.app import MAX_BODY_BYTES
from guarantor.web.editor import apply_form, package_form
from guarantor.yamlio import load_yaml_text

WORLDS = 12


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    app = create_app(stores=tmp_path_factory.mktemp("stores"), allowed_hosts=["testserver"])
    return TestClient(app)


def test_cli_json_report_and_web_show_the_same_numbers(client: TestClient, tmp_path: Path) -> None:
    cli = subprocess.run(
        [
            sys.executable,
            "-m",
            "guarantor",
            "assess",
            "--json",
            "--worlds",
            str(WORLDS),
            "--seed",
            "4",
            "--report",
            str(tmp_path / "r.html"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    from_cli = json.loads(cli.stdout)
    from_report = embedded_assessment((tmp_path / "r.html").read_text(encoding="utf-8"))
    web = client.get(f"/api/assess/paris-declaration-2026?worlds={WORLDS}&seed=4")
    assert web.status_code == 200
    from_web = web.json()
    assert from_cli == from_report == from_web
    page = client.get(f"/assess?package=paris-declaration-2026&worlds={WORLDS}&seed=4").text
    assert embedded_assessment(page) == from_web
    metric = from_web["sections"][0]["metrics"][0]
    assert metric["value"] is not None and metric["unit"]


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/assess?worlds=8",
        "/packages/edit",
        "/compare",
        "/sweeps",
        "/roe",
        "/docs",
        "/compare?package=sky-shield-2025&package=minsk-monitors&worlds=4",
    ],
)
def test_every_page_renders(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "https://cdn" not in response.text and "unpkg" not in response.text


def test_pages_load_scripts_from_the_app_only(client: TestClient) -> None:
    html = client.get("/").text
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith(("/static/", "data:")) for s in sources)
    for name in ("leaflet.js", "leaflet.css", "plotly.min.js", "guarantor.js", "app.js"):
        assert client.get(f"/static/{name}").status_code == 200
    assert "Leaflet 1.9.4" in client.get("/static/leaflet.js").text
    assert client.get("/static/..%2Fapp.py").status_code == 404


def test_openapi_documents_the_json_endpoints(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    assert {
        "/api/assess",
        "/api/assess/{name}",
        "/api/compare",
        "/api/packages/validate",
        "/api/roe/decide",
        "/api/sweeps/{name}",
        "/api/theatre",
    } <= paths
    assert not any(path.startswith(("/static", "/packages/edit")) for path in paths)
    error = spec["paths"]["/api/assess"]["post"]["responses"]["422"]
    assert error["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")


def test_bad_package_text_comes_back_located(client: TestClient) -> None:
    text = package_path("sky-shield-2025").read_text().replace("actor: POL", "actor: NOBODY", 1)
    response = client.post("/api/assess", json={"text": text, "worlds": 2})
    assert response.status_code == 422
    problem = response.json()["problems"][0]
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "actor: NOBODY" in row)
    assert problem["file"] == "package.yaml" and problem["line"] == line
    assert problem["field"].endswith(".actor") and problem["received"] == "NOBODY"
    checked = client.post("/api/packages/validate", json={"text": text, "name": "mine"}).json()
    assert checked["ok"] is False and checked["problems"][0]["file"] == "mine.yaml"


def test_names_never_become_paths(client: TestClient, tmp_path: Path) -> None:
    outside = tmp_path / "evil.yaml"
    outside.write_text(package_path("sky-shield-2025").read_text())
    for name in (str(outside), "../packages/data/sky-shield-2025", "sky-shield-2025.yaml"):
        response = client.post("/api/assess", json={"package": name, "worlds": 1})
        assert response.status_code == 422
        assert response.json()["ok"] is False
    assert client.get("/api/sweeps/..").status_code in {404, 422}
    response = client.get("/api/sweeps/..%2F..%2Fetc")
    assert response.status_code in {404, 422}


def test_request_bodies_are_limited(client: TestClient) -> None:
    response = client.post(
        "/api/packages/validate",
        content=b'{"text": "' + b"a" * (MAX_BODY_BYTES + 10) + b'"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["problems"][0]["field"] == "body"


def test_request_errors_are_json_with_fields(client: TestClient) -> None:
    response = client.post("/api/assess", json={"package": "sky-shield-2025", "worlds": 0})
    assert response.status_code == 422
    problem = response.json()["problems"][0]
    assert problem["field"] == "worlds" and problem["file"] == "<request>"
    both = client.post("/api/assess", json={"package": "sky-shield-2025", "text": "x"})
    assert both.status_code == 422 and both.json()["problems"][0]["field"] == "package"


def _csrf(client: TestClient) -> str:
    """The editor form's token (the client keeps the matching cookie)."""
    page = client.get("/packages/edit").text
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def test_editing_the_form_changes_the_assessment(client: TestClient) -> None:
    before = client.get("/api/assess/paris-declaration-2026?worlds=4&seed=1").json()
    land = next(s for s in before["sections"] if s["name"] == "land")
    pledged = next(m for m in land["metrics"] if m["name"] == "troops_pledged")["value"]
    text = package_path("paris-declaration-2026").read_text()
    response = client.post(
        "/packages/edit",
        data={
            "csrf": _csrf(client),
            "name": "paris-declaration-2026",
            "text": text,
            "action": "form",
            "form": "1",
            "worlds": "4",
            "seed": "1",
            "commitments.0.troops": "5000",
        },
    )
    assert response.status_code == 200
    after = embedded_assessment(response.text)
    land = next(s for s in after["sections"] if s["name"] == "land")
    assert (
        next(m for m in land["metrics"] if m["name"] == "troops_pledged")["value"] == pledged - 2500
    )


def test_form_rewrites_amounts_conditions_and_roe() -> None:
    text = package_path("paris-declaration-2026").read_text()
    forms, roe = package_form(text, "p.yaml", ["air-policing", "maritime-escort"])
    uk = forms[0]
    assert uk.id == "uk-reassurance-force"
    assert uk.fields[0].name == "commitments.0.troops"
    assert len(uk.conditions) == 2
    assert roe.value == "air: air-policing, sea: maritime-escort, land: reassurance-force"
    assert roe.value in roe.options
    unchanged = apply_form(text, "p.yaml", {"form": "1", "roe": roe.value})
    assert load_yaml_text(unchanged, "p.yaml")[0]["roe"] == {
        "air": "air-policing",
        "sea": "maritime-escort",
        "land": "reassurance-force",
    }
    rewritten = apply_form(
        text,
        "p.yaml",
        {
            "form": "1",
            "commitments.0.troops": "6000",
            "keep:commitments.0.conditions.0": "on",
            "roe": "maritime-escort",
            "commitments.3.aircraft.0.count": "five",
        },
    )
    data, _ = load_yaml_text(rewritten, "p.yaml")
    assert data["commitments"][0]["troops"]["value"] == 6000
    assert data["commitments"][0]["troops"]["source"] == "times-15000"
    assert data["commitments"][0]["conditions"] == [{"ceasefire_agreed": True}]
    assert "conditions" not in data["commitments"][1]
    assert data["roe"] == "maritime-escort"
    assert data["commitments"][3]["aircraft"][0]["count"]["value"] == "five"


def test_editor_shows_problems_inline_with_lines(client: TestClient) -> None:
    text = package_path("sky-shield-2025").read_text() + "\nbogus_field: 1\n"
    response = client.post(
        "/packages/edit",
        data={"csrf": _csrf(client), "name": "mine", "text": text, "action": "validate"},
    )
    assert response.status_code == 200
    line = len(text.splitlines())
    assert f"mine.yaml:{line}" in response.text and 'class="g-problems"' in response.text


def test_roe_explorer_decides_with_reasons(client: TestClient) -> None:
    incident = {
        "domain": "air",
        "act": "airspace_violation",
        "zone": "nato_airspace",
        "distance_km": 30,
        "actor": "russia",
        "platform": "drone",
        "authority": "mission_commander",
    }
    response = client.post(
        "/api/roe/decide", json={"ruleset": "air-policing", "incident": incident}
    )
    decision = response.json()
    assert response.status_code == 200 and decision["response"] == "monitor"
    assert decision["rule"] == "report-every-violation" and decision["trace"]
    page = client.get("/roe", params={"ruleset": "air-policing", **incident}).text
    assert 'data-response="monitor"' in page
    bad = client.post(
        "/api/roe/decide",
        json={"ruleset": "air-policing", "incident": {"domain": "sky", "act": "x"}},
    )
    assert bad.status_code == 422
    assert {p["field"] for p in bad.json()["problems"]} >= {"domain"}


@settings(max_examples=25, deadline=None)
@given(text=st.text(max_size=300))
def test_any_text_gives_a_verdict_never_a_server_error(client: TestClient, text: str) -> None:
    response = client.post("/api/packages/validate", json={"text": text})
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is False and body["problems"]


# -- limits: a queue, 429 with Retry-After, a time limit -----------------------------------------


def test_work_beyond_the_queue_is_refused_with_a_retry_time() -> None:
    import asyncio
    import threading

    from guarantor.web.service import BusyError, Limiter, Limits, TimeLimitError

    release = threading.Event()
    limiter = Limiter(Limits(concurrent=1, queued=1, time_limit_s=30))

    async def scenario() -> tuple[list[object], int]:
        first = asyncio.ensure_future(limiter.run(lambda: release.wait(10) and 1))
        second = asyncio.ensure_future(limiter.run(lambda: 2))
        await asyncio.sleep(0.1)
        assert limiter.admitted == 2
        try:
            await limiter.run(lambda: 3)
        except BusyError as busy:
            retry = busy.retry_after_s
        release.set()
        return list(await asyncio.gather(first, second)), retry

    results, retry = asyncio.run(scenario())
    assert results == [1, 2] and retry >= 1 and limiter.admitted == 0
    slow = Limiter(Limits(concurrent=1, queued=0, time_limit_s=0.2))
    with pytest.raises(TimeLimitError):
        asyncio.run(slow.run(lambda: threading.Event().wait(1.0)))
    assert slow.admitted == 1  # the slot stays taken until the work really ends
    slow.shutdown()
    assert slow.admitted == 0
    limiter.shutdown()


def test_busy_and_slow_requests_are_documented_json_errors(tmp_path: Path) -> None:
    from guarantor.web.service import Limits

    app = create_app(
        stores=tmp_path, allowed_hosts=["testserver"], limits=Limits(1, 0, time_limit_s=0.01)
    )
    client = TestClient(app)
    response = client.get("/api/assess/sky-shield-2025?worlds=50&seed=77")
    assert response.status_code == 504
    assert response.json()["problems"][0]["field"] == "worlds"
    busy = client.get("/api/assess/sky-shield-2025?worlds=50&seed=78")
    assert busy.status_code == 429 and int(busy.headers["retry-after"]) >= 1
    spec = client.get("/openapi.json").json()["paths"]["/api/assess"]["post"]["responses"]
    assert {"422", "429", "504"} <= set(spec)


def test_text_may_name_shipped_rule_sets_only(client: TestClient, tmp_path: Path) -> None:
    from guarantor.roe.loader import ruleset_path

    copy = tmp_path / "rules.yaml"
    copy.write_text(ruleset_path("air-policing").read_text())
    text = package_path("sky-shield-2025").read_text()
    for roe in (str(copy), str(tmp_path / "missing.yaml")):
        answer = client.post("/api/packages/validate", json={"text": text.replace(
            "  air: air-policing", f"  air: {roe}")}).json()  # fmt: skip
        assert answer["ok"] is False
        assert answer["problems"][0]["expected"].startswith("one of [")
    from guarantor.packages import parse_package

    assert parse_package(text.replace("  air: air-policing", f"  air: {copy}"), "p.yaml").roe


def test_serve_refuses_a_non_loopback_address_unless_told() -> None:
    from typer.testing import CliRunner

    from guarantor.cli import app
    from guarantor.cli.serve import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4")
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 1 and "--allow-remote" in result.output
    assert "Traceback" not in result.output


def test_serve_warns_loudly_and_answers_only_its_host_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import uvicorn
    from typer.testing import CliRunner

    from guarantor.cli import app

    served: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda web, **options: served.update(web=web, **options))
    args = ["serve", "--host", "0.0.0.0", "--allow-remote", "--allow-host", "guarantor.lan"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "WARNING" in result.output and "non-loopback" in result.output
    client = TestClient(served["web"])  # type: ignore[arg-type]
    assert client.get("/api/packages", headers={"Host": "guarantor.lan"}).status_code == 200
    assert client.get("/api/packages", headers={"Host": "evil.example"}).status_code == 400


def test_frontier_json_and_page_show_the_engines_frontier(client: TestClient) -> None:
    from guarantor.explore.frontier import deter_sign_frontier

    query = {"package": ["sky-shield-2025", "istanbul-2022"], "worlds": 6, "population": 4}
    query["generations"] = 1
    answer = client.get("/api/frontier", params=query)
    assert answer.status_code == 200
    data = answer.json()
    engine = deter_sign_frontier(
        ["sky-shield-2025", "istanbul-2022"], worlds=6, population=4, generations=1
    ).to_dict()
    strip = ("seconds",)
    assert {k: v for k, v in data.items() if k not in strip} == json.loads(
        json.dumps({k: v for k, v in engine.items() if k not in strip})
    )
    page = client.get("/frontier", params=query)
    assert page.status_code == 200
    assert page.text.count('<tr data-start="') == len(data["points"])
    assert "Tick the packages" in client.get("/frontier").text  # nothing computed unasked
    bad = client.get("/api/frontier", params={"package": "nowhere", "worlds": 4})
    assert bad.status_code == 422
    assert bad.json()["problems"][0]["field"] == "package"
