"""Every engine has the shape `docs/architecture.md` (§5) describes, so the next engine copies
one shape by construction: the same module names, the facade in `__init__` with `__all__`, the
engine's code spelled once, use cases `verb_noun(on, command)` that own their unit of work, and
routes, consumers, jobs and the CLI that reach state only through them."""

from __future__ import annotations

import ast
import inspect
import pkgutil
import re
import types
import typing
from importlib import import_module
from pathlib import Path

import pytest

from itvision import bootstrap
from itvision.platform.bus.consumer import ConsumerGroup
from itvision.platform.system import Platform
from itvision.platform.uow import Runner

ENGINES_DIR = Path(import_module("itvision.engines").__file__ or "").parent
MODULES = {
    "__init__",
    "events",
    "models",
    "commands",
    "services",
    "queries",
    "rules",
    "consumers",
    "jobs",
    "api",
    "schemas",
    "cli",
    "settings",
}
PACKAGES = {"services", "queries", "rules"}
# Where the outside world comes in: these modules call use cases and queries, nothing deeper.
ENTRY_POINTS = ("api", "cli", "consumers", "jobs")
ENGINE_CODE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*-engine$")
USE_CASE_NAME = re.compile(r"^[a-z]+(_[a-z0-9]+)+$")


def engine_packages() -> list[str]:
    return list(bootstrap.ENGINES)


def built_engines() -> list[str]:
    """Engines with more than their contract (events) and facade."""
    return [
        e
        for e in engine_packages()
        if {p.stem for p in (ENGINES_DIR / e).iterdir()} - {"__init__", "events", "__pycache__"}
    ]


def sources(engine: str) -> list[Path]:
    return sorted((ENGINES_DIR / engine).rglob("*.py"))


def submodules(engine: str, package: str) -> list[types.ModuleType]:
    """`engine.package` and, when it is a package, its modules."""
    name = f"itvision.engines.{engine}.{package}"
    try:
        module = import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            return []
        raise
    found = [module]
    if hasattr(module, "__path__"):
        found += [import_module(f"{name}.{m.name}") for m in pkgutil.iter_modules(module.__path__)]
    return found


def test_every_seed_engine_has_a_package():
    assert len(engine_packages()) == 19
    for engine in engine_packages():
        assert (ENGINES_DIR / engine / "events.py").is_file(), engine


@pytest.mark.parametrize("engine", engine_packages())
def test_modules_are_named_as_in_every_engine(engine):
    root = ENGINES_DIR / engine
    for path in root.rglob("*.py"):
        top = path.relative_to(root).parts[0].removesuffix(".py")
        assert top in MODULES, f"{engine}: {path.relative_to(root)} is not a module of the shape"
        if path.parent != root:
            assert path.relative_to(root).parts[0] in PACKAGES, path


@pytest.mark.parametrize("engine", engine_packages())
def test_the_engine_code_is_spelled_once_in_its_events(engine):
    events = import_module(f"itvision.engines.{engine}.events")
    assert ENGINE_CODE.match(events.SOURCE), events.SOURCE
    assert {t.owner for t in events.TOPICS} <= {events.SOURCE}
    for path in sources(engine):
        if path.name == "events.py" and path.parent.name == engine:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert not ENGINE_CODE.match(node.value), (
                    f"{path.name} spells {node.value!r}: use {engine}.events.SOURCE"
                )


@pytest.mark.parametrize("engine", engine_packages())
def test_the_facade_lists_what_it_offers_and_takes_the_platform(engine):
    facade = import_module(f"itvision.engines.{engine}")
    assert facade.__doc__, f"{engine}: the facade says what the engine offers"
    assert isinstance(getattr(facade, "__all__", None), list), f"{engine}: no __all__"
    for name in facade.__all__:
        offered = getattr(facade, name)
        if inspect.isfunction(offered):
            first = next(iter(inspect.signature(offered).parameters.values()))
            hints = typing.get_type_hints(offered)
            assert first.name == "platform" and hints["platform"] is Platform, (
                f"{engine}.{name} takes the platform first"
            )


@pytest.mark.parametrize("engine", built_engines())
def test_use_cases_take_typed_commands_and_own_their_unit_of_work(engine):
    commands = {
        obj
        for module in submodules(engine, "commands")
        for obj in vars(module).values()
        if inspect.isclass(obj) and obj.__module__ == module.__name__
    }
    schemas = tuple(m.__name__ for m in submodules(engine, "schemas"))
    use_cases = [
        (module, name, fn)
        for module in submodules(engine, "services")
        for name, fn in vars(module).items()
        if inspect.iscoroutinefunction(fn)
        and fn.__module__ == module.__name__
        and not name.startswith("_")
    ]
    assert use_cases, f"{engine} has no use cases in services"
    for module, name, fn in use_cases:
        where = f"{module.__name__}.{name}"
        assert USE_CASE_NAME.match(name), f"{where}: name use cases verb_noun"
        params = list(inspect.signature(fn).parameters.values())
        hints = typing.get_type_hints(fn)
        assert params[0].name == "on" and hints["on"] == Runner, f"{where}: first (on: Runner)"
        for param in params[1:]:
            hint = hints.get(param.name)
            assert hint is not None, f"{where}: {param.name} has no type"
            for part in _parts(hint):
                assert part not in (dict, typing.Any) and typing.get_origin(part) is not dict, (
                    f"{where}: {param.name} is a dict, not a command"
                )
                assert getattr(part, "__module__", "") not in schemas, (
                    f"{where}: {param.name} is an API schema, not a command"
                )
        source = inspect.getsource(fn)
        assert "uows(" not in source, f"{where}: open the unit of work with unit_of_work(on, …)"
    assert commands, f"{engine}: use cases take the commands of {engine}.commands"


@pytest.mark.parametrize("engine", built_engines())
def test_entry_points_reach_state_only_through_use_cases_and_queries(engine):
    for module in ENTRY_POINTS:
        path = ENGINES_DIR / engine / f"{module}.py"
        if not path.exists():
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute):
                assert node.attr not in ("uows", "db", "session"), (
                    f"{engine}/{module}.py line {node.lineno} reaches .{node.attr}: "
                    "call a use case or a query"
                )
            if isinstance(node, ast.Name):
                assert node.id not in ("unit_of_work", "read_session"), (
                    f"{engine}/{module}.py line {node.lineno}: units of work belong to services"
                )


@pytest.mark.parametrize("engine", built_engines())
def test_consumers_and_jobs_are_declared_under_the_engine_code(engine):
    source = import_module(f"itvision.engines.{engine}.events").SOURCE
    for module in submodules(engine, "consumers"):
        assert isinstance(module.GROUP, ConsumerGroup)
        assert module.GROUP.name == source
    for module in submodules(engine, "jobs"):
        assert module.JOBS


def test_engine_settings_are_read_through_the_platform():
    for engine in engine_packages():
        for path in sources(engine):
            text = path.read_text()
            if "BaseSettings" in text:
                assert "lru_cache" not in text and "functools.cache" not in text, (
                    f"{path}: engine settings come from platform.settings_of, not a cached global"
                )


def _parts(hint: object) -> list[object]:
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return [p for a in args for p in _parts(a)]
    return [hint]
