"""The `itvision` command run in this process as a user runs it in a fresh one: its arguments,
an environment of its own, and back its exit code, stdout and stderr (apart, as a process's).

A fresh `python -m itvision` costs 1–2 s of start-up (the whole app imported again) for what is
often a few milliseconds of command; tests of a command's behaviour run it here instead. Tests
of the process itself (`python -m itvision` at all, signals, start-up imports) still start one:
tests/cli/test_stopping.py, tests/cli/test_startup.py, and the one-line error of
tests/cli/test_commands.py.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import importlib
import os
import sys
import traceback
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import structlog
import typer
from rich.console import Console
from typer.testing import CliRunner


@dataclass(frozen=True)
class Ran:
    """A finished run of the command (the fields of `subprocess.CompletedProcess` it replaces)."""

    returncode: int
    stdout: str
    stderr: str


def itvision(*args: str, env: Mapping[str, str | None]) -> Ran:
    """Run `itvision ARGS` with this process's environment less every ITVISION_* variable, plus
    `env` (a None there unsets that variable), as a subprocess run with that environment would.

    From a coroutine (an async test) it runs on a thread of its own and blocks until the command
    ends, like `subprocess.run`: the commands start their own event loop (`asyncio.run`)."""
    overrides = {k: None for k in os.environ if k.startswith("ITVISION_")} | dict(env)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _run(list(args), overrides)
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="itvision") as thread:
        return thread.submit(_run, list(args), overrides).result()


def _run(args: list[str], env: Mapping[str, str | None]) -> Ran:
    from itvision.cli import app, engine_commands

    if args and args[0] in engine_commands():
        # imported now, so that its consoles are made again below as in a fresh process
        importlib.import_module(f"itvision.engines.{args[0]}.cli")
    command = typer.main.get_command(app)
    with CliRunner().isolation(env=env) as (stdout, stderr, _), _as_in_a_fresh_process():
        try:
            command.main(args=args, prog_name="itvision")
            code = 0
        except SystemExit as stopped:  # standalone mode: how every command ends
            code = _exit_status(stopped.code)
        except Exception:
            traceback.print_exc()  # what Python prints of an uncaught exception, exit status 1
            code = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
        return Ran(code, _text(stdout.getvalue()), _text(stderr.getvalue()))


def _exit_status(code: Any) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)  # as Python does with `sys.exit("message")`
    return 1


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace").replace("\r\n", "\n")


@contextmanager
def _as_in_a_fresh_process() -> Iterator[None]:
    """What a fresh process starts without, and this one keeps from one run (or test) to the
    next, made anew for the run and put back after it:

    - the commands' rich consoles, made when their module is imported: they keep the width
      (COLUMNS), colours and terminal-ness of that moment, not of this run's environment and
      stdout (a pipe, for a script);
    - structlog's configuration, which each command sets (its level and format). The run's
      loggers do not cache it (they would keep it after the run), so it is all put back."""
    consoles = [
        (module, name, value)
        for module in _command_modules()
        for name, value in vars(module).items()
        if isinstance(value, Console)
    ]
    for module, name, console in consoles:
        setattr(module, name, Console(stderr=console.stderr))
    configured = structlog.is_configured()
    config = structlog.get_config()
    configure = structlog.configure

    def configure_uncached(**settings: Any) -> None:
        configure(**{**settings, "cache_logger_on_first_use": False})

    structlog.configure = configure_uncached
    try:
        yield
    finally:
        structlog.configure = configure
        for module, name, console in consoles:
            setattr(module, name, console)
        if configured:
            structlog.configure(**config)
        else:
            structlog.reset_defaults()


def _command_modules() -> list[ModuleType]:
    return [
        module
        for name, module in list(sys.modules.items())
        if name == "itvision.cli"
        or (name.startswith("itvision.engines.") and "cli" in name.split("."))
    ]
