"""`itvision serve` and `itvision worker` stop cleanly on SIGTERM (what a process supervisor,
Docker or Kubernetes sends): they say so in the log, say how long stopping took, and exit 0."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ITVISION_")}
    env |= {"ITVISION_DATA_DIR": str(tmp_path / "data"), "ITVISION_LOG_FORMAT": "json"}
    return subprocess.Popen(
        [sys.executable, "-m", "itvision", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_until(ready, process: subprocess.Popen[str], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"exited {process.returncode} before {what}: {process.stderr.read()}")
        if ready():
            return
        time.sleep(0.1)
    process.kill()
    pytest.fail(f"not {what} after {timeout} s")


def _stop(process: subprocess.Popen[str]) -> tuple[int, list[dict]]:
    process.send_signal(signal.SIGTERM)
    try:
        _, stderr = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    lines = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    return process.returncode, lines


def _assert_stopping_then_stopped(lines: list[dict]) -> None:
    said = [line["event"] for line in lines]
    assert "stopping" in said and "stopped" in said, said
    assert said.index("stopping") < said.index("stopped")
    stopping = lines[said.index("stopping")]
    stopped = lines[said.index("stopped")]
    assert stopping["signal"] == "SIGTERM"
    assert 0 <= stopped["seconds"] < 30


def test_serve_stops_on_sigterm_saying_so_and_exits_0(tmp_path):
    port = _free_port()
    process = _start(tmp_path, "serve", "--port", str(port))

    def healthy() -> bool:
        try:
            return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    _wait_until(healthy, process, "healthy")
    returncode, lines = _stop(process)
    assert returncode == 0, lines
    _assert_stopping_then_stopped(lines)


def test_a_worker_serves_its_metrics_and_stops_on_sigterm_saying_so(tmp_path):
    port = _free_port()
    process = _start(tmp_path, "worker", "--engines", "pricing", "--metrics-port", str(port))
    assert process.stderr is not None
    seen: list[str] = []

    def running() -> bool:
        seen.append(process.stderr.readline())
        return any("worker running" in line for line in seen)

    _wait_until(running, process, "running")
    # Its own counters, which the API process's /metrics cannot show.
    metrics = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    assert "itvision_sql_statements_total" in metrics
    assert "itvision_events_consumed_total" in metrics
    returncode, lines = _stop(process)
    assert returncode == 0, lines
    _assert_stopping_then_stopped(lines)
