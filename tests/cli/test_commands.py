"""The `itvision` command, run as a user runs it (in this process: tests/support/cli.py; the
wrong setting in a process of its own, `python -m itvision` as a user starts it)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest

from tests.support.cli import Ran, itvision


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    return {"ITVISION_DATA_DIR": str(tmp_path / "data"), "ITVISION_LOG_FORMAT": "json"}


@pytest.fixture
def run(env):
    def run(*args: str) -> Ran:
        return itvision(*args, env=env)

    return run


def test_topics_as_json_and_as_schemas(run, tmp_path):
    listed = run("topics", "--json")
    assert listed.returncode == 0, listed.stderr
    topics = json.loads(listed.stdout)
    assert len(topics) >= 70
    assert {"name": "order.order.placed", "owner": "order-engine"}.items() <= next(
        t for t in topics if t["name"] == "order.order.placed"
    ).items()
    schemas = tmp_path / "schemas"
    assert run("topics", "--schemas", str(schemas)).returncode == 0
    assert len(list(schemas.glob("*.json"))) == len(topics)
    schema = json.loads((schemas / "pricing.price.calculated.json").read_text())
    assert "finalPrice" in schema["properties"]


def test_a_wrong_setting_stops_with_one_line_naming_the_variable(env):
    # A process of its own: `python -m itvision` as a user starts it, and everything the whole
    # process writes to stderr (start-up included) is the one line.
    result = subprocess.run(
        [sys.executable, "-m", "itvision", "migrate"],
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("ITVISION_")},
            **env,
            "ITVISION_BUS_URL": "rabbitmq://localhost",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "ITVISION_BUS_URL" in lines[0] and "kafka://" in lines[0]


def test_migrate_then_operate(run):
    first = run("migrate")
    assert first.returncode == 0, first.stderr
    assert "migrated" in first.stdout
    assert "up to date" in run("migrate").stdout
    token = run("tokens", "create", "--role", "staff", "--subject", "awa")
    assert token.returncode == 0, token.stderr
    assert token.stdout.strip().startswith("itv_")
    assert run("tokens", "create", "--role", "king", "--subject", "x").returncode == 2
    assert run("dlq", "list").returncode == 0
    missing = run("dlq", "show", "42")
    assert missing.returncode == 1
    assert "no dead letter 42" in missing.stderr
    assert run("events", "groups").returncode == 0
    parked = run("events", "parked")
    assert parked.returncode == 0, parked.stderr
    assert "0 parked events" in parked.stdout
    assert run("events", "tail", "--no-follow").returncode == 0
    assert run("replay", "--group", "x").returncode == 2


def test_a_worker_whose_metrics_port_is_taken_says_so_and_exits_2(run):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        ran = run("worker", "--engines", "pricing", "--metrics-port", str(port))
    assert ran.returncode == 2
    assert "--metrics-port" in ran.stderr
    assert f"127.0.0.1:{port}" in ran.stderr
