"""Build the serving image, run it, and call /health and /score against it.

Uses a Docker engine that answers (``docker info``); otherwise starts the
private one from ``../shared/tools/docker-local``; otherwise skips with the
reason. CI has ../shared/, so CI always runs this.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCKER_LOCAL = ROOT.parent / "shared" / "tools" / "docker-local"

pytestmark = pytest.mark.docker


def _docker_env() -> dict[str, str] | None:
    if shutil.which("docker") is None and not DOCKER_LOCAL.exists():
        return None
    env = dict(os.environ)
    if (
        shutil.which("docker")
        and subprocess.run(["docker", "info"], capture_output=True, env=env, timeout=60).returncode == 0
    ):
        env.setdefault("BASE_IMAGE", "python:3.11-slim")
        return env
    if not DOCKER_LOCAL.exists():
        return None
    up = subprocess.run([str(DOCKER_LOCAL), "up"], capture_output=True, text=True, timeout=1500)
    if up.returncode != 0:
        pytest.fail(f"docker-local up failed: {up.stderr[-2000:]}")
    for name, value in re.findall(r"(\w+)=(\S+)", up.stdout.strip().splitlines()[-1]):
        env[name] = value
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def container() -> Iterator[str]:
    env = _docker_env()
    if env is None:
        pytest.skip("no Docker engine answers and ../shared/tools/docker-local is absent")
    tag = f"claim-risk-test:{uuid.uuid4().hex[:8]}"
    build = subprocess.run(
        ["docker", "build", "--network", "host", "--build-arg", f"BASE_IMAGE={env['BASE_IMAGE']}", "-t", tag, "."],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1500,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    port = _free_port()
    name = f"claim-risk-test-{uuid.uuid4().hex[:8]}"
    run = subprocess.run(
        [
            "docker",
            "run",
            "-d",
            "--name",
            name,
            "--network",
            "host",
            "--read-only",
            "--tmpfs",
            "/tmp",
            "-e",
            f"UVICORN_PORT={port}",
            "-e",
            "UVICORN_HOST=127.0.0.1",
            tag,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                logs = subprocess.run(["docker", "logs", name], env=env, capture_output=True, text=True)
                pytest.fail(f"container never became healthy:\n{logs.stdout[-2000:]}{logs.stderr[-2000:]}")
            time.sleep(0.5)
        user = subprocess.run(["docker", "exec", name, "id", "-u"], env=env, capture_output=True, text=True)
        assert user.stdout.strip() == "10001", "the service must not run as root"
        yield base
    finally:
        subprocess.run(["docker", "rm", "-f", name], env=env, capture_output=True)
        subprocess.run(["docker", "rmi", "-f", tag], env=env, capture_output=True)


def test_health(container: str) -> None:
    body = httpx.get(f"{container}/health", timeout=5).json()
    assert body["status"] == "ok" and body["model_version"]


def test_score(container: str) -> None:
    text = "Our capsules cure insomnia for good. Store them somewhere dry."
    r = httpx.post(f"{container}/score", json={"documents": [{"id": "d1", "text": text}]}, timeout=10)
    assert r.status_code == 200
    (result,) = r.json()["results"]
    assert result["id"] == "d1" and len(result["sentences"]) == 2
    first, second = result["sentences"]
    assert text[first["start"] : first["end"]] == first["text"]
    assert first["risk"] > second["risk"]
    assert httpx.post(f"{container}/score", json={"text": 3}, timeout=10).status_code == 422
