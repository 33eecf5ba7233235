"""Building the `itvision` command (and printing its help) imports neither the web stack, the
database drivers, the broker client nor any engine's internals: those load when a command runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys

HEAVY = (
    "fastapi",
    "uvicorn",
    "sqlalchemy.ext.asyncio",
    "alembic",
    "aiokafka",
    "aiosqlite",
    "asyncpg",
    "itvision.app",
    "itvision.platform.system",
)


def _modules_after(*argv: str) -> set[str]:
    """The modules loaded once `itvision ARGV` has run, in a fresh interpreter."""
    script = (
        "import json, sys\n"
        "from itvision.cli import app\n"
        "try:\n"
        f"    app({list(argv)!r}, prog_name='itvision')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("ITVISION_")}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def _heavy(modules: set[str]) -> set[str]:
    engines = {m for m in modules if m.startswith("itvision.engines.") and m.count(".") >= 3}
    return {m for m in modules if m in HEAVY} | engines


def test_importing_the_command_loads_nothing_heavy():
    script = "import json, sys, itvision.cli; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert _heavy(set(json.loads(done.stdout))) == set()


def test_help_lists_every_command_and_engine_without_importing_them():
    modules = _modules_after("--help")
    assert _heavy(modules) == set()


def test_an_engine_command_is_imported_when_it_runs():
    modules = _modules_after("catalog", "--help")
    assert "itvision.engines.catalog.cli" in modules
    assert "itvision.engines.pricing.cli" not in modules


def test_help_names_the_engines_with_their_help():
    from typer.testing import CliRunner

    from itvision.cli import app

    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for command in ("serve", "demo", "topics", "tokens", "catalog", "pricing", "inventory"):
        assert f" {command} " in result.output
