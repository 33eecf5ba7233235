"""The `itvision` command: serve, worker, migrate, topics, events, replay, dlq, tokens, demo,
and `itvision <engine> …` for each engine that has a `cli` module.

Building the command imports only typer and rich: each command imports what it needs when it
runs, and an engine's commands are imported only when `itvision <engine> …` runs (`--help`
stays fast; tests/cli/test_startup.py checks it).
"""

from __future__ import annotations

import ast
import gc
import importlib.util
import json
import os
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console
from typer.core import TyperCommand, TyperGroup

if TYPE_CHECKING:
    from typer import _click

    from itvision.platform.bus.tables import DeadLetter
    from itvision.platform.system import Platform
    from itvision.settings import Settings

ROLES = ("admin", "staff", "customer", "technician", "partner")


@cache
def engine_commands() -> dict[str, str]:
    """`{engine: one-line help}` for each engine package with a `cli` module, found on disk
    without importing the engine (its help is read from the module's source)."""
    from itvision.bootstrap import ENGINES

    found: dict[str, str] = {}
    for engine in ENGINES:
        spec = importlib.util.find_spec(f"itvision.engines.{engine}")
        for folder in (spec and spec.submodule_search_locations) or ():
            for source in (Path(folder) / "cli.py", Path(folder) / "cli" / "__init__.py"):
                if source.is_file():
                    found[engine] = _help_of(source) or f"The {engine} engine's commands."
                    break
            if engine in found:
                break
    return found


def _help_of(source: Path) -> str | None:
    """The `help=` of the module's `typer.Typer(...)`, else the first line of its docstring."""
    tree = ast.parse(source.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Typer":
            for keyword in node.keywords:
                if keyword.arg == "help" and isinstance(keyword.value, ast.Constant):
                    return str(keyword.value.value)
    docstring = ast.get_docstring(tree)
    return docstring.strip().splitlines()[0] if docstring else None


def _load_engine_command(name: str) -> _click.Command:
    """The engine's `cli.app` as a sub-command group, exactly as `add_typer` would mount it."""
    module = importlib.import_module(f"itvision.engines.{name}.cli")
    mount = typer.Typer()
    mount.add_typer(module.app, name=name)
    group = typer.main.get_command(mount)
    assert isinstance(group, TyperGroup)
    return group.commands[name]


class _Commands(TyperGroup):
    """The `itvision` group: its own commands, then one per engine, imported on first use. Help
    listings show a stand-in carrying the engine's help, so `--help` imports no engine."""

    def list_commands(self, ctx: Any) -> list[str]:
        own = super().list_commands(ctx)
        return [*own, *(e for e in engine_commands() if e not in own)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in engine_commands():
            return TyperCommand(cmd_name, help=engine_commands()[cmd_name], callback=None)
        return command

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] not in self.commands and args[0] in engine_commands():
            self.commands[args[0]] = _load_engine_command(args[0])
        return super().resolve_command(ctx, args)


app = typer.Typer(
    cls=_Commands,
    help="IT Vision engines: the marketplace's business backend.",
    no_args_is_help=True,
)
events_app = typer.Typer(help="Read the event log and the consumer groups.", no_args_is_help=True)
dlq_app = typer.Typer(help="The dead-letter store.", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens.", no_args_is_help=True)
app.add_typer(events_app, name="events")
app.add_typer(dlq_app, name="dlq")
app.add_typer(tokens_app, name="tokens")


class _Runner:
    """`ctx.obj` of every command, engines' included (see platform.commands)."""

    def run(self, work: Callable[[Platform], Awaitable[T]], *, migrate: bool = True) -> T:
        return _run(work, migrate=migrate)


@app.callback()
def _main(ctx: typer.Context) -> None:
    ctx.obj = _Runner()


console = Console()
err = Console(stderr=True)
T = TypeVar("T")
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print JSON (stable field names) instead of a table")
]
# Off a terminal a table is as wide as its widest row: a script sees whole values, one row a line.
UNBOUNDED_WIDTH = 1_000_000


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _print_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """A table on stdout. On a terminal a cell too long for its column folds onto more lines
    (never cut: the end of a topic name is what tells topics apart); elsewhere no line wraps."""
    from rich.table import Table

    table = Table(title=title)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    if console.is_terminal:
        console.print(table)
    else:
        Console(width=UNBOUNDED_WIDTH).print(table)


def _settings() -> Settings:
    from itvision.platform.errors import ITVisionError
    from itvision.platform.logs import configure_logging
    from itvision.settings import load_settings

    try:
        settings = load_settings()
    except ITVisionError as exc:
        err.print(f"[red]error:[/red] {exc.message}", soft_wrap=True)  # one line, even in a log
        raise typer.Exit(2) from None
    configure_logging(settings.log_level, settings.log_format)
    return settings


def _run(work: Callable[[Platform], Awaitable[T]], *, migrate: bool = True) -> T:
    """Run `work` against the platform of the current settings; errors print one line."""
    import asyncio

    from itvision import bootstrap, migrations
    from itvision.platform.errors import ITVisionError
    from itvision.platform.system import Platform

    settings = _settings()

    async def main() -> T:
        platform = Platform(
            settings, bootstrap.registry(), bootstrap.consumer_groups(), bootstrap.jobs()
        )
        try:
            if migrate:
                await migrations.upgrade(platform.db)
            return await work(platform)
        finally:
            await platform.close()

    try:
        return asyncio.run(main())
    except ITVisionError as exc:
        err.print(f"[red]error:[/red] {exc.message}")
        raise typer.Exit(1) from None


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on")] = None,
    consumers: Annotated[
        bool, typer.Option(help="Also run every engine's consumers and the relay (embedded)")
    ] = True,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="First load the demo shop (see `itvision demo`); orders are paid through the "
            "local Wave and Orange Money simulators",
        ),
    ] = False,
) -> None:
    """The HTTP API, every engine's consumers and the relay, in one process (with
    --no-consumers, only the API: workers consume). SIGTERM or SIGINT stops it cleanly
    (exit 0)."""
    import uvicorn

    from itvision.app import build_platform, create_app
    from itvision.http_protocol import server_options
    from itvision.http_server import HttpServer
    from itvision.platform.errors import ITVisionError

    settings = _settings()
    # Providers call back and send customers back here unless told otherwise (an explicit
    # setting wins: behind a proxy, the address the outside world reaches).
    os.environ.setdefault(
        "ITVISION_PAYMENT_PUBLIC_URL", f"http://{host or settings.host}:{port or settings.port}"
    )
    if demo:
        # A newcomer pays an order on one machine (an explicit setting still wins).
        os.environ.setdefault("ITVISION_PAYMENT_SIMULATORS", "true")
        _load_demo(
            settings.model_copy(
                update={"host": host or settings.host, "port": port or settings.port}
            )
        )
    try:
        platform = build_platform(settings)
    except ITVisionError as exc:
        err.print(f"[red]error:[/red] {exc.message}")
        raise typer.Exit(2) from None
    simulators = _payment_simulators(platform)
    typer.echo(
        f"IT Vision engines on http://{host or settings.host}:{port or settings.port} "
        f"(database {platform.db.engine.url.render_as_string(hide_password=True)}, "
        f"bus {platform.bus_name}); docs at /docs",
        err=True,
    )
    config = uvicorn.Config(
        create_app(platform, run_consumers=consumers),
        host=host or settings.host,
        port=port or settings.port,
        **server_options(settings),
    )
    server = HttpServer(config)
    _freeze_startup_objects()
    server.run()
    if simulators is not None:
        simulators.stop()
    if not server.started:
        raise typer.Exit(3)  # what uvicorn.run exits with when the app could not start


def _payment_simulators(platform: Platform) -> Any:
    """With ITVISION_PAYMENT_SIMULATORS=true, the Wave and Orange Money simulators the payment
    adapters are then pointed at, started in this process (a demo on one machine)."""
    from itvision.engines.payment.settings import PaymentSettings
    from itvision.simulators.server import start_for_demo

    simulators = start_for_demo(platform.settings_of(PaymentSettings))
    if simulators is not None:
        found = simulators.simulators
        typer.echo(
            f"payment simulators: Wave {found.wave_url}, Orange Money {found.orange_money_url}",
            err=True,
        )
    return simulators


@app.command()
def simulators(
    approve_at_once: Annotated[
        bool, typer.Option("--approve-at-once", help="Pay every session as soon as it is made")
    ] = False,
    messaging: Annotated[
        bool, typer.Option("--messaging", help="Also the WhatsApp and Orange SMS simulators")
    ] = False,
) -> None:
    """The Wave and Orange Money simulators on local ports (those of the payment settings),
    set up as the payment adapters expect with ITVISION_PAYMENT_SIMULATORS=true (with
    --messaging, WhatsApp and Orange SMS too, on free ports it prints); until Ctrl-C."""
    import signal
    import threading

    from itvision.engines.payment.settings import PaymentSettings
    from itvision.platform.engine_settings import read_settings
    from itvision.simulators.server import SimulatorThread, for_settings

    _settings()
    payment = read_settings(PaymentSettings, simulators=True)
    running = SimulatorThread(
        for_settings(payment, auto_approve=approve_at_once),
        payment.simulator_wave_port,
        payment.simulator_orange_money_port,
    ).start()
    found = running.simulators
    console.print(
        f"Wave simulator:         {found.wave_url}  (webhooks to {found.wave.webhook_url})"
    )
    console.print(f"Orange Money simulator: {found.orange_money_url}")
    console.print("point the API at them with ITVISION_PAYMENT_SIMULATORS=true; Ctrl-C to stop")
    chat = None
    if messaging:
        from itvision.engines.notification.settings import NotificationSettings
        from itvision.simulators.messaging import MessagingSimulators

        chat = MessagingSimulators(read_settings(NotificationSettings), payment.public_url)
        for name, value in chat.start().environment().items():
            console.print(f"export {name}={value}")
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    running.stop()
    if chat is not None:
        chat.stop()


@app.command()
def worker(
    engines: Annotated[
        str | None, typer.Option(help="Comma-separated engine codes; default all")
    ] = None,
    relay: Annotated[bool, typer.Option(help="Also relay the outbox to Kafka")] = True,
    metrics_port: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=65535,
            help="Serve this worker's Prometheus metrics (events consumed, failed and "
            "dead-lettered by its groups, SQL statements) at /metrics on this port of "
            "ITVISION_HOST; the groups' lag is in the API's /metrics",
        ),
    ] = None,
) -> None:
    """Only the consumers of the given engines (and the relay), until SIGTERM or SIGINT; the
    event in flight finishes and commits first."""
    import asyncio
    import signal
    import time

    import structlog
    from prometheus_client import start_http_server

    log = structlog.get_logger("itvision.worker")

    async def work(platform: Platform) -> None:
        names = [e.strip() for e in engines.split(",") if e.strip()] if engines else None
        if metrics_port is not None:
            try:
                start_http_server(metrics_port, addr=platform.settings.host)
            except OSError as exc:
                raise typer.BadParameter(
                    f"cannot listen on {platform.settings.host}:{metrics_port}: {exc.strerror}",
                    param_hint="--metrics-port",
                ) from None
        await platform.start(groups=names, relay=relay)
        _freeze_startup_objects()
        stop = asyncio.Event()
        received: list[signal.Signals] = []

        def stop_on(sig: signal.Signals) -> None:
            received.append(sig)
            stop.set()

        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop_on, sig)
        err.print(f"worker running ({platform.bus_name}); Ctrl-C to stop")
        await stop.wait()
        began = time.monotonic()
        log.info("stopping", signal=received[0].name, detail="finishing the events in flight")
        await platform.stop()
        log.info("stopped", seconds=round(time.monotonic() - began, 3))

    _run(work)


@app.command("demo")
def demo_command() -> None:
    """Load a demo IT shop through the API (categories, 48 products with specs, costs in XOF
    and variants, stock in Dakar and Abidjan, a sale and a promotion code), then print an
    admin token and URLs to try. Running it again adds nothing."""
    _load_demo(_settings())


def _load_demo(settings: Settings) -> None:
    import asyncio

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from itvision.demo import load_demo
    from itvision.platform.errors import ITVisionError

    columns = (TextColumn("{task.description:<24}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=err) as progress:
        tasks: dict[str, Any] = {}

        def say(what: str, done: int, total: int) -> None:
            if what not in tasks:
                tasks[what] = progress.add_task(what, total=total)
            progress.update(tasks[what], completed=done, total=total)

        try:
            report = asyncio.run(load_demo(settings, say))
        except (ITVisionError, RuntimeError) as exc:
            err.print(f"[red]error:[/red] {getattr(exc, 'message', exc)}")
            raise typer.Exit(1) from None
    err.print(
        f"demo: {report.categories_created} categories, {report.products_created} products "
        f"({report.products_skipped} already there), {report.receipts} stock receipts, "
        f"{report.promotions_created} promotions created"
    )
    console.print(f"admin token: [bold]{report.token}[/bold]", soft_wrap=True)
    console.print("to try:")
    for url in report.urls:
        console.print(f"  {url}", soft_wrap=True, markup=False, highlight=False)


def _freeze_startup_objects() -> None:
    """Keep what start-up created out of the garbage collector's way: a long-running process
    otherwise re-scans it on every collection (measured: ~20 % of consumer throughput). And
    collect the youngest objects less often: a bulk import creates tens of thousands of
    objects that live until it commits, and the default (every 700 allocations) rescans them
    so often that the import took 7.2 s instead of 4.0 s, with 470 ms stalls of the event loop
    instead of 240 ms (20,000 rows, measured)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 50, 100)


@app.command()
def migrate(
    revision: Annotated[
        str | None, typer.Option(help="Write a new migration with this message")
    ] = None,
) -> None:
    """Bring the database schema up to date (serve and worker also do it at start)."""
    from itvision import migrations

    async def work(platform: Platform) -> None:
        if revision:
            await migrations.upgrade(platform.db)
            await migrations.new_revision(platform.db, revision)
            return
        before, after = await migrations.upgrade(platform.db)
        console.print("schema up to date" if before == after else f"migrated {before} → {after}")

    _run(work, migrate=False)


@app.command()
def topics(
    as_json: JsonOption = False,
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print docs/events.md (envelope, payload fields)")
    ] = False,
    schemas: Annotated[
        Path | None, typer.Option(help="Write one JSON Schema per topic here")
    ] = None,
) -> None:
    """Every topic of the registry."""
    from itvision import bootstrap

    registry = bootstrap.registry()
    if schemas is not None:
        schemas.mkdir(parents=True, exist_ok=True)
        for t in registry:
            (schemas / f"{t.name}.json").write_text(json.dumps(t.json_schema(), indent=2) + "\n")
        err.print(f"{len(registry)} schemas written to {schemas}")
        return
    if markdown:
        from itvision.topic_docs import events_markdown

        typer.echo(events_markdown(registry), nl=False)
        return
    columns = ("name", "owner", "key", "version", "description")
    rows = [(t.name, t.owner, t.key, str(t.version), t.description) for t in registry]
    if as_json:
        _print_json(
            [dict(zip(columns, row, strict=True)) | {"version": int(row[3])} for row in rows]
        )
        return
    _print_table(f"{len(rows)} topics", columns, rows)


@events_app.command("groups")
def events_groups(as_json: JsonOption = False) -> None:
    """Each consumer group's position, lag, parked events, dead letters and current owner."""
    from dataclasses import asdict

    from itvision.platform.bus import operations

    async def work(platform: Platform) -> None:
        statuses = await operations.group_statuses(platform)
        if as_json:
            _print_json([asdict(s) for s in statuses])
            return
        if not statuses:
            console.print("no consumer groups yet")
            return
        _print_table(
            f"consumer groups ({platform.bus_name})",
            ("group", "topics", "position", "lag", "parked", "dead letters", "owner"),
            [
                (
                    s.group,
                    str(len(s.topics)),
                    str(s.position),
                    str(s.lag),
                    str(s.parked),
                    str(s.dead_letters),
                    s.owner or "-",
                )
                for s in statuses
            ],
        )

    _run(work)


@events_app.command("parked")
def events_parked(
    group: Annotated[str | None, typer.Option(help="Only this group")] = None,
    as_json: JsonOption = False,
) -> None:
    """Events waiting for what they depend on, oldest first (a dead letter past the deadline)."""
    from itvision.platform.bus import operations

    parked = _run(lambda p: operations.list_parked(p, group, 1000))
    rows = [
        {
            "id": e.id,
            "group": e.group,
            "topic": e.topic,
            "key": e.key,
            "reason": e.reason,
            "parked_at": e.parked_at.isoformat(timespec="seconds"),
            "deadline": e.deadline.isoformat(timespec="seconds"),
            "error": e.error,
        }
        for e in parked
    ]
    if as_json:
        _print_json(rows)
        return
    _print_table(
        f"{len(parked)} parked events",
        ("id", "group", "topic", "key", "reason", "parked at", "deadline", "why"),
        [tuple(str(value) for value in row.values()) for row in rows],
    )


@events_app.command("tail")
def events_tail(
    topic: Annotated[
        list[str] | None,
        typer.Option(help="Only this topic (repeat it, or give a comma-separated list)"),
    ] = None,
    last: Annotated[
        int, typer.Option(min=0, help="Start this many events back (of those topics)")
    ] = 10,
    follow: Annotated[bool, typer.Option(help="Keep printing new events")] = True,
) -> None:
    """Print events of the log as JSON lines (the envelopes as on the wire), then follow new
    ones; with --no-follow, every event up to now and stop."""
    import asyncio

    from itvision.platform.bus import operations

    topics = (
        [t.strip() for value in topic for t in value.split(",") if t.strip()] if topic else None
    )

    async def work(platform: Platform) -> None:
        after = await operations.position_before_last(platform, last, topics)
        while True:
            page = await operations.log_page(platform, after=after, topics=topics, limit=500)
            for m in page.messages:
                typer.echo(m.value if isinstance(m.value, str) else m.value.decode())
            after = page.next
            if page.more:
                continue
            if not follow:
                return
            await asyncio.sleep(0.5)

    try:
        _run(work)
    except KeyboardInterrupt:
        pass


@app.command()
def replay(
    group: Annotated[str, typer.Option(help="Consumer group (engine code)")],
    from_offset: Annotated[int | None, typer.Option(help="Re-read from this offset")] = None,
    from_time: Annotated[datetime | None, typer.Option(help="Re-read from this time (UTC)")] = None,
) -> None:
    """Reset a consumer group so that it applies events again from an offset or a time."""
    if (from_offset is None) == (from_time is None):
        err.print("[red]error:[/red] give exactly one of --from-offset and --from-time")
        raise typer.Exit(2)
    from itvision.platform.bus import operations

    when = from_time.replace(tzinfo=from_time.tzinfo or UTC) if from_time else None
    console.print(
        _run(lambda p: operations.reset_group(p, group, from_offset=from_offset, from_time=when))
    )


@dlq_app.command("list")
def dlq_list(
    group: Annotated[str | None, typer.Option(help="Only this group")] = None,
    as_json: JsonOption = False,
) -> None:
    """Dead letters, oldest first (the table shows the last line of each error; --json has
    everything, with the HTTP API's field names)."""
    from itvision.platform.bus import operations

    letters = _run(lambda p: operations.list_dead_letters(p, group, 1000))
    if as_json:
        _print_json([_dead_letter_fields(d) for d in letters])
        return
    _print_table(
        f"{len(letters)} dead letters",
        ("id", "group", "topic", "reason", "attempts", "failed at", "error"),
        [
            (
                str(d.id),
                d.group,
                d.topic,
                d.reason,
                str(d.attempts),
                d.failed_at.isoformat(timespec="seconds"),
                _last_line(d.error),
            )
            for d in letters
        ],
    )


@dlq_app.command("show")
def dlq_show(letter_id: int, as_json: JsonOption = False) -> None:
    """One dead letter with its message and full error."""
    from itvision.platform.bus import operations

    d = _run(lambda p: operations.get_dead_letter(p, letter_id))
    fields = _dead_letter_fields(d)
    if as_json:
        _print_json(fields)
        return
    message, error = fields.pop("message"), fields.pop("error")
    console.print_json(data=fields)
    console.print("[bold]message[/bold]")
    console.print(message, markup=False)
    console.print("[bold]error[/bold]")
    console.print(error, markup=False)


def _dead_letter_fields(letter: DeadLetter) -> dict[str, Any]:
    """A dead letter as JSON, with the field names of `/api/events/dead-letters`."""
    columns = ("id", "group", "event_id", "topic", "key", "partition", "offset", "reason")
    fields: dict[str, Any] = {c: getattr(letter, c) for c in columns}
    return fields | {
        "attempts": letter.attempts,
        "failed_at": letter.failed_at.isoformat(),
        "error": letter.error,
        "message": letter.message,
    }


def _last_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[-1] if lines else ""


@dlq_app.command("replay")
def dlq_replay(letter_id: int) -> None:
    """Apply a dead letter again with its group's handler; it leaves the store on success."""
    from itvision.platform.bus import operations

    _run(lambda p: operations.replay_dead_letter(p, letter_id))
    console.print(f"dead letter {letter_id} replayed")


@dlq_app.command("drop")
def dlq_drop(letter_id: int) -> None:
    """Delete a dead letter for good."""
    from itvision.platform.bus import operations

    _run(lambda p: operations.drop_dead_letter(p, letter_id))
    console.print(f"dead letter {letter_id} dropped")


def _role(value: str) -> str:
    if value not in ROLES:
        raise typer.BadParameter(f"expected one of {', '.join(ROLES)}")
    return value


@tokens_app.command("create")
def tokens_create(
    role: Annotated[
        str,
        typer.Option(
            help=f"What the bearer may do: {', '.join(ROLES)}", callback=_role, show_default=False
        ),
    ],
    subject: Annotated[str, typer.Option(help="Who the bearer is (customer id, staff login…)")],
    name: Annotated[str, typer.Option(help="A note to recognise the token by")] = "",
) -> None:
    """Create an API token; it is printed once and stored only as a hash."""
    from itvision.platform.auth import Role, create_api_token

    token = _run(lambda p: create_api_token(p.db, Role(role), subject, name))
    typer.echo(token)
