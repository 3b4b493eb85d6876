"""The web app as a stranger meets it: a real server process (``guarantor serve`` on 127.0.0.1).

Path leaks, Host and Origin checks, CSRF on the editor, YAML bombs and deep nesting, security
headers, and a load test: 20 concurrent 2,000-world assessments, each answered 200 or 429, the
server's peak memory under :data:`PEAK_RSS_MB` and its resident size back under
:data:`AFTER_RSS_MB` once they are done.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from guarantor.packages.loader import package_path

PEAK_RSS_MB = 1200
"""Most memory the server may hold at once while 20 big assessments arrive (2 run at a time)."""
AFTER_RSS_MB = 600
"""Most memory the server may keep once the load test is over."""
BOMB_SECONDS = 1.0
SECRET = "guarantor-secret-7f3a"


@dataclass
class Server:
    """A running ``guarantor serve``."""

    process: subprocess.Popen[bytes]
    port: int

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        form: dict[str, str] | None = None,
        timeout: float = 600.0,
    ) -> tuple[int, dict[str, str], str]:
        """Send one request; return status, headers (lower-case names) and text."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        sent = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        data: bytes | None = None
        if form is not None:
            data = urlencode(form).encode()
            sent.setdefault("Content-Type", "application/x-www-form-urlencoded")
        elif body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            sent.setdefault("Content-Type", "application/json")
        try:
            connection.request(method, path, body=data, headers=sent)
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
            return response.status, {k.lower(): v for k, v in response.getheaders()}, text
        finally:
            connection.close()

    def rss_mb(self) -> tuple[float, float]:
        """The server's resident size now and at its peak, in MB."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        now = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
        peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
        return now / 1024, peak / 1024


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if not Path("/proc/self/status").exists():  # pragma: no cover - Linux only
        pytest.skip("reads the server's memory from /proc")
    port = _free_port()
    stores = tmp_path_factory.mktemp("stores")
    command = ["serve", "--port", str(port), "--stores", str(stores), "--concurrent", "2"]
    process = subprocess.Popen(
        [sys.executable, "-m", "guarantor", *command, "--queue", "0", "--time-limit", "600"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    running = Server(process, port)
    deadline = time.monotonic() + 120
    while True:
        try:
            if running.request("GET", "/api/packages", timeout=5)[0] == 200:
                break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(process.stderr.read().decode() if process.stderr else "no server")
        time.sleep(0.3)
    yield running
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:  # pragma: no cover
        process.kill()
    stderr = process.stderr.read().decode() if process.stderr else ""
    assert "Traceback" not in stderr, stderr[-3000:]


def _package(roe: str) -> str:
    text = package_path("sky-shield-2025").read_text(encoding="utf-8")
    return text.replace("  air: air-policing", f"  air: {roe}")


# -- names, never paths -------------------------------------------------------------------------


def test_a_path_in_package_text_is_refused_the_same_whether_or_not_it_exists(
    server: Server, tmp_path: Path
) -> None:
    secret = tmp_path / "secret-rules.yaml"
    secret.write_text(f"name: {SECRET}\ntitle: {SECRET}\nrules: [{{id: {SECRET}}}]\n")
    missing = tmp_path / "no-such-rules.yaml"
    answers = {}
    for label, path in (("exists", secret), ("missing", missing), ("passwd", Path("/etc/passwd"))):
        status, _, text = server.request(
            "POST", "/api/packages/validate", {"text": _package(str(path)), "name": "p"}
        )
        assert status == 200 and SECRET not in text and "root:" not in text
        body = json.loads(text)
        assert body["ok"] is False
        answers[label] = json.dumps(body).replace(str(path), "PATH")
        status, _, text = server.request("POST", "/api/assess", {"text": _package(str(path))})
        assert status == 422 and SECRET not in text and "root:" not in text
    assert answers["exists"] == answers["missing"] == answers["passwd"]
    problem = json.loads(answers["exists"])["problems"][0]
    assert problem["field"] == "roe.air" and problem["line"] is not None


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/assess", {"package": "/etc/passwd"}),
        ("POST", "/api/assess", {"package": "../../etc/passwd"}),
        ("GET", "/api/packages/..%2F..%2F..%2Fetc%2Fpasswd", None),
        ("GET", "/api/assess/%2Fetc%2Fpasswd", None),
        ("GET", "/api/sweeps/..%2F..%2F..%2Fetc", None),
        ("GET", "/sweeps/..%2F..", None),
        ("POST", "/api/roe/decide", {"ruleset": "/etc/passwd", "incident": {"domain": "air"}}),
        ("POST", "/api/jobs", {"kind": "sweep", "packages": ["sky-shield-2025"], "store": "../x"}),
        ("GET", "/static/..%2F..%2Fweb%2Fapp.py", None),
        ("GET", "/packages/edit?package=..%2F..%2F..%2Fetc%2Fpasswd", None),
    ],
)
def test_names_that_are_paths_leak_nothing(
    server: Server, method: str, path: str, body: Any
) -> None:
    status, _, text = server.request(method, path, body)
    assert status in {404, 422}, text[:300]
    assert "root:" not in text and "def create_app" not in text


# -- Host, Origin, CSRF, headers ----------------------------------------------------------------


@pytest.mark.parametrize("host", ["evil.example", "evil.example:80", "127.0.0.1.nip.io", ""])
def test_a_foreign_host_header_is_refused(server: Server, host: str) -> None:
    status, _, text = server.request("GET", "/api/packages", headers={"Host": host})
    assert status == 400 and json.loads(text)["problems"][0]["field"] == "Host"


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]"])
def test_loopback_names_are_served(server: Server, host: str) -> None:
    port = f":{server.port}"
    assert server.request("GET", "/api/packages", headers={"Host": host + port})[0] == 200


@pytest.mark.parametrize("origin", ["http://evil.example", "null", "http://127.0.0.1.evil.example"])
def test_a_cross_site_post_is_refused(server: Server, origin: str) -> None:
    status, _, text = server.request(
        "POST", "/api/packages/validate", {"text": "x: 1"}, headers={"Origin": origin}
    )
    assert status == 403 and json.loads(text)["problems"][0]["field"] == "Origin"
    same = f"http://127.0.0.1:{server.port}"
    assert server.request("POST", "/api/packages/validate", {"text": "x: 1"},
                          headers={"Origin": same})[0] == 200  # fmt: skip


def test_the_editor_form_needs_its_token(server: Server) -> None:
    status, headers, page = server.request("GET", "/packages/edit")
    assert status == 200
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    cookie = headers["set-cookie"].split(";")[0]
    assert "samesite=strict" in headers["set-cookie"].lower()
    assert "httponly" in headers["set-cookie"].lower()
    form = {"name": "p", "text": _package("air-policing"), "action": "validate"}
    for sent, cookies in (({}, ""), ({"csrf": "forged"}, cookie), ({"csrf": token}, "")):
        status, _, text = server.request(
            "POST", "/packages/edit", form={**form, **sent}, headers={"Cookie": cookies}
        )
        assert status == 403, text[:300]
    status, _, text = server.request(
        "POST", "/packages/edit", form={**form, "csrf": token}, headers={"Cookie": cookie}
    )
    assert status == 200 and 'id="valid"' in text


def test_every_response_carries_the_security_headers(server: Server) -> None:
    for path in ("/", "/api/packages", "/no-such-page", "/static/app.js"):
        _, headers, _ = server.request("GET", path)
        policy = headers["content-security-policy"]
        script = next(part for part in policy.split(";") if "script-src" in part)
        assert "'self'" in script and "unsafe-inline" not in script and "unsafe-eval" not in script
        assert "frame-ancestors 'none'" in policy
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"


def test_pages_have_no_inline_script(server: Server) -> None:
    for path in ("/", "/packages/edit", "/assess?worlds=2", "/roe", "/sweeps", "/docs"):
        _, _, page = server.request("GET", path)
        for attributes, content in re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S):
            assert "src=" in attributes or 'type="application/json"' in attributes, path
            assert "src=" not in attributes or not content.strip(), path
        assert not re.search(r"\son[a-z]+=", page), path


# -- YAML bombs and nesting ---------------------------------------------------------------------


def _laughs(levels: int = 9) -> str:
    rows = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    rows += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, levels)]
    return "\n".join(rows) + "\n"


HOSTILE = {
    "billion-laughs": _laughs(),
    "laughs-in-a-package": _package("air-policing") + _laughs(),
    "nested-lists": "[" * 1000 + "]" * 1000,
    "nested-maps": "{a: " * 1000 + "1" + "}" * 1000,
    "nested-block": "".join(" " * n + "- \n" for n in range(300)),
    "recursive-alias": "&a [*a]\n",
    "merge-keys": "base: &b {x: 1}\nother:\n  <<: *b\n",
    "long-flat": "x: [" + ", ".join(["1"] * 60_000) + "]\n",
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_yaml_bombs_and_nesting_are_refused_within_a_second(server: Server, name: str) -> None:
    text = HOSTILE[name]
    before, _ = server.rss_mb()
    for path, body, expected in (
        ("/api/packages/validate", {"text": text}, 200),
        ("/api/assess", {"text": text, "worlds": 2}, 422),
        ("/api/jobs", {"kind": "assess", "text": text, "worlds": 2}, 422),
    ):
        start = time.perf_counter()
        status, _, answer = server.request("POST", path, body)
        elapsed = time.perf_counter() - start
        assert status == expected, answer[:300]
        assert elapsed <= BOMB_SECONDS, f"{name} on {path}: {elapsed:.2f} s"
        problems = json.loads(answer)["problems"]
        assert problems and problems[0]["file"] == "package.yaml"
    after, _ = server.rss_mb()
    assert after - before < 50, f"{name} cost {after - before:.0f} MB"


def test_deep_json_bodies_are_client_errors(server: Server) -> None:
    deep = ('{"ruleset": "air-policing", "incident": ' + "[" * 50_000 + "]" * 50_000 + "}").encode()
    status, _, text = server.request("POST", "/api/roe/decide", deep)
    assert 400 <= status < 500, text[:300]
    status, _, _ = server.request("POST", "/api/assess", b"{" * 200_000)
    assert 400 <= status < 500


# -- bounded service ----------------------------------------------------------------------------


def test_twenty_concurrent_big_assessments_are_answered_within_memory(server: Server) -> None:
    answers: list[tuple[int, dict[str, str], float]] = []
    peak_seen = [0.0]
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            peak_seen[0] = max(peak_seen[0], server.rss_mb()[0])
            time.sleep(0.2)

    def ask(seed: int) -> None:
        start = time.perf_counter()
        status, headers, _ = server.request(
            "POST",
            "/api/assess",
            {"package": "paris-declaration-2026", "worlds": 2000, "seed": 1000 + seed},
        )
        answers.append((status, headers, time.perf_counter() - start))

    watcher = threading.Thread(target=watch)
    watcher.start()
    askers = [threading.Thread(target=ask, args=(seed,)) for seed in range(20)]
    for asker in askers:
        asker.start()
    for asker in askers:
        asker.join()
    done.set()
    watcher.join()
    statuses = sorted(status for status, _, _ in answers)
    assert len(answers) == 20 and set(statuses) <= {200, 429}, statuses
    assert statuses.count(200) >= 2  # the two slots did work
    for status, headers, seconds in answers:
        if status == 429:
            assert int(headers["retry-after"]) >= 1 and seconds < 5
    time.sleep(1.0)
    now, peak = server.rss_mb()
    print(f"load test: {statuses.count(200)} × 200, {statuses.count(429)} × 429; server RSS peak "
          f"{peak:.0f} MB (sampled {peak_seen[0]:.0f}), after {now:.0f} MB")  # fmt: skip
    assert peak < PEAK_RSS_MB
    assert now < AFTER_RSS_MB


def test_a_sweep_job_runs_and_its_store_is_shown(server: Server) -> None:
    status, _, text = server.request(
        "POST",
        "/api/jobs",
        {"kind": "sweep", "packages": ["sky-shield-2025"], "worlds": 20, "store": "web-sweep"},
    )
    assert status == 202, text[:300]
    job = json.loads(text)
    assert job["state"] in {"queued", "running"} and job["store"] == "web-sweep"
    deadline = time.monotonic() + 300
    progress = []
    while job["state"] in {"queued", "running"} and time.monotonic() < deadline:
        time.sleep(0.5)
        job = json.loads(server.request("GET", f"/api/jobs/{job['id']}")[2])
        progress.append(job["progress"])
    assert job["state"] == "done", job
    assert progress == sorted(progress) and progress[-1] == 1.0
    status, _, text = server.request("GET", f"/api/jobs/{job['id']}/result")
    result = json.loads(text)
    assert status == 200 and result["summary"]["progress"]["state"] == "finished"
    assert result["run"]["experiments_run"] == 20
    assert "web-sweep" in json.loads(server.request("GET", "/api/sweeps")[2])["stores"]
    again = server.request(
        "POST",
        "/api/jobs",
        {"kind": "sweep", "packages": ["sky-shield-2025"], "worlds": 20, "store": "web-sweep"},
    )
    assert again[0] == 422 and "exists" in again[2]


def test_an_assessment_job_gives_the_same_numbers_as_the_api(server: Server) -> None:
    body = {"kind": "assess", "packages": ["minsk-monitors"], "worlds": 6, "seed": 11}
    status, _, text = server.request("POST", "/api/jobs", body)
    assert status == 202, text[:300]
    job = json.loads(text)
    deadline = time.monotonic() + 300
    while job["state"] in {"queued", "running"} and time.monotonic() < deadline:
        time.sleep(0.5)
        job = json.loads(server.request("GET", f"/api/jobs/{job['id']}")[2])
    assert job["state"] == "done" and job["progress"] == 1.0, job
    from_job = json.loads(server.request("GET", f"/api/jobs/{job['id']}/result")[2])
    direct = json.loads(server.request("GET", "/api/assess/minsk-monitors?worlds=6&seed=11")[2])
    assert from_job == direct
    listed = json.loads(server.request("GET", "/api/jobs")[2])["jobs"]
    assert job["id"] in {item["id"] for item in listed}
    missing = server.request("GET", "/api/jobs/0123456789abcdef/result")
    assert missing[0] == 422 and "no such job" in missing[2]
