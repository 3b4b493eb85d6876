"""A built wheel installs in a fresh virtual environment and runs offline, with data and assets.

How the fresh environment gets its dependencies: ``uv pip install --offline`` of the wheel, with
the pinned versions of ``requirements.lock`` as constraints, from uv's cache (filled when
``scripts/dev.sh`` set up ``.venv``). That is a real installation: the wheel's own metadata
decides what is installed, and nothing of the source tree or of ``.venv`` is on the new
environment's path (a ``--system-site-packages`` layer over ``.venv`` would put the editable
install of the source tree back on it, and prove nothing about the wheel's package data).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "guarantor"
UV = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(UV is None, reason="uv is installed by scripts/dev.sh"),
]


def _run(
    *args: str | Path | None, cwd: Path, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    return subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=env,
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a clean copy of the sources (no build/ or egg-info in the tree)."""
    work = tmp_path_factory.mktemp("wheel")
    copy = work / "source"
    copy.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, copy / name)
    shutil.copytree(
        ROOT / "src",
        copy / "src",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc"),
    )
    built = _run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "--disable-pip-version-check",
        "-w",
        work / "dist",
        copy,
        cwd=work,
    )
    assert built.returncode == 0, built.stderr
    (path,) = (work / "dist").glob("guarantor-*.whl")
    return path


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel installed, offline; returns its bin folder."""
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    made = _run(UV, "venv", "--quiet", "--python", sys.executable, venv, cwd=venv.parent)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    done = _run(
        UV,
        "pip",
        "install",
        "--quiet",
        "--offline",
        "--python",
        python,
        wheel,
        "-c",
        ROOT / "requirements.lock",
        cwd=venv.parent,
    )
    assert done.returncode == 0, done.stderr
    return venv / "bin"


def test_the_wheel_holds_every_data_file_and_asset(wheel: Path) -> None:
    shipped = {
        path.relative_to(SOURCE.parent).as_posix()
        for path in SOURCE.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }
    with zipfile.ZipFile(wheel) as archive:
        packed = {name for name in archive.namelist() if name.startswith("guarantor/")}
    assert shipped - packed == set()
    kinds = {Path(name).suffix for name in packed}
    assert {".py", ".yaml", ".geojson", ".csv", ".j2", ".js", ".css"} <= kinds
    assert "guarantor/py.typed" in packed


def test_guarantor_assess_runs_from_the_fresh_environment(installed: Path, tmp_path: Path) -> None:
    where = _run(
        installed / "python", "-c", "import guarantor; print(guarantor.__file__)", cwd=tmp_path
    )
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(installed.parent)  # the wheel, not src/
    report = tmp_path / "report.html"
    result = _run(
        installed / "guarantor",
        "assess",
        "sky-shield-2025",
        "--worlds",
        "6",
        "--json",
        "--report",
        report,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    names = {section["name"] for section in data["sections"]}
    assert {"air", "sea", "land", "sanctions", "acceptability", "durability"} <= names
    assert data["unavailable"] == []
    page = report.read_text(encoding="utf-8")
    assert "Plotly" in page and 'data-g-map="map-spec-a"' in page  # assets inlined
    checked = _run(installed / "guarantor", "roe", "check", "air-policing", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_web_app_serves_its_pages_and_assets_from_the_fresh_environment(
    installed: Path, tmp_path: Path
) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [str(installed / "guarantor"), "serve", "--port", str(port), "--stores", str(tmp_path)],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/packages", timeout=5) as response:
                    packages = json.loads(response.read())
                    break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
                assert time.monotonic() < deadline, "the server did not answer"
                time.sleep(0.5)
        assert len(packages["packages"]) == 5
        for path in (
            "/",
            "/static/leaflet.js",
            "/static/plotly.min.js",
            "/static/app.js",
            "/static/guarantor.css",
            "/roe",
        ):
            with urllib.request.urlopen(base + path, timeout=60) as response:
                assert response.status == 200
                assert len(response.read()) > 500, path
    finally:
        server.terminate()
        server.wait(timeout=20)
