"""The `itvision` command: serve, worker, migrate, topics, events, replay, dlq, tokens."""

from __future__ import annotations

import asyncio
import gc
import json
import signal
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from itvision import bootstrap, migrations
from itvision.platform.auth import Role, create_api_token
from itvision.platform.bus import operations
from itvision.platform.errors import ITVisionError
from itvision.platform.logs import configure_logging
from itvision.platform.system import Platform
from itvision.settings import Settings, load_settings

app = typer.Typer(
    help="IT Vision engines: the marketplace's business backend.", no_args_is_help=True
)
events_app = typer.Typer(help="Read the event log and the consumer groups.", no_args_is_help=True)
dlq_app = typer.Typer(help="The dead-letter store.", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens.", no_args_is_help=True)
app.add_typer(events_app, name="events")
app.add_typer(dlq_app, name="dlq")
app.add_typer(tokens_app, name="tokens")
for _engine, _commands in bootstrap.commands():
    app.add_typer(_commands, name=_engine)


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


def _settings() -> Settings:
    try:
        settings = load_settings()
    except ITVisionError as exc:
        err.print(f"[red]error:[/red] {exc.message}")
        raise typer.Exit(2) from None
    configure_logging(settings.log_level, settings.log_format)
    return settings


def _run(work: Callable[[Platform], Awaitable[T]], *, migrate: bool = True) -> T:
    """Run `work` against the platform of the current settings; errors print one line."""
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
) -> None:
    """The HTTP API, every engine's consumers and the relay, in one process (with
    --no-consumers, only the API: workers consume)."""
    import uvicorn

    from itvision.app import build_platform, create_app

    settings = _settings()
    try:
        platform = build_platform(settings)
    except ITVisionError as exc:
        err.print(f"[red]error:[/red] {exc.message}")
        raise typer.Exit(2) from None
    typer.echo(
        f"IT Vision engines on http://{host or settings.host}:{port or settings.port} "
        f"(database {platform.db.engine.url.render_as_string(hide_password=True)}, "
        f"bus {platform.bus_name}); docs at /docs",
        err=True,
    )
    _freeze_startup_objects()
    uvicorn.run(
        create_app(platform, run_consumers=consumers),
        host=host or settings.host,
        port=port or settings.port,
        log_config=None,
        access_log=False,
    )


@app.command()
def worker(
    engines: Annotated[
        str | None, typer.Option(help="Comma-separated engine codes; default all")
    ] = None,
    relay: Annotated[bool, typer.Option(help="Also relay the outbox to Kafka")] = True,
) -> None:
    """Only the consumers of the given engines (and the relay), until SIGTERM or SIGINT; the
    event in flight finishes and commits first."""

    async def work(platform: Platform) -> None:
        names = [e.strip() for e in engines.split(",") if e.strip()] if engines else None
        await platform.start(groups=names, relay=relay)
        _freeze_startup_objects()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        err.print(f"worker running ({platform.bus_name}); Ctrl-C to stop")
        await stop.wait()
        err.print("stopping: finishing the events in flight")
        await platform.stop()

    _run(work)


def _freeze_startup_objects() -> None:
    """Keep what start-up created out of the garbage collector's way: a long-running process
    otherwise re-scans it on every collection (measured: ~20 % of consumer throughput)."""
    gc.collect()
    gc.freeze()


@app.command()
def migrate(
    revision: Annotated[
        str | None, typer.Option(help="Write a new migration with this message")
    ] = None,
) -> None:
    """Bring the database schema up to date (serve and worker also do it at start)."""

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
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines")] = False,
    schemas: Annotated[
        Path | None, typer.Option(help="Write one JSON Schema per topic here")
    ] = None,
) -> None:
    """Every topic of the registry."""
    registry = bootstrap.registry()
    if schemas is not None:
        schemas.mkdir(parents=True, exist_ok=True)
        for t in registry:
            (schemas / f"{t.name}.json").write_text(json.dumps(t.json_schema(), indent=2) + "\n")
        err.print(f"{len(registry)} schemas written to {schemas}")
        return
    rows = [
        {
            "name": t.name,
            "owner": t.owner,
            "key": t.key,
            "version": t.version,
            "description": t.description,
        }
        for t in registry
    ]
    if as_json:
        console.print_json(data=rows)
        return
    table = Table(title=f"{len(rows)} topics")
    for column in ("name", "owner", "key", "version", "description"):
        table.add_column(column)
    for r in rows:
        table.add_row(r["name"], r["owner"], r["key"], str(r["version"]), r["description"])
    console.print(table)


@events_app.command("groups")
def events_groups() -> None:
    """Each consumer group's position, lag, dead letters and current owner."""

    async def work(platform: Platform) -> None:
        statuses = await operations.group_statuses(platform)
        table = Table(title=f"consumer groups ({platform.bus_name})")
        for column in ("group", "topics", "position", "lag", "dead letters", "owner"):
            table.add_column(column)
        for s in statuses:
            table.add_row(
                s.group,
                str(len(s.topics)),
                str(s.position),
                str(s.lag),
                str(s.dead_letters),
                s.owner or "-",
            )
        console.print(table if statuses else "no consumer groups yet")

    _run(work)


@events_app.command("tail")
def events_tail(
    topic: Annotated[str | None, typer.Option(help="Only this topic")] = None,
    last: Annotated[int, typer.Option(help="Start this many events back")] = 10,
    follow: Annotated[bool, typer.Option(help="Keep printing new events")] = True,
) -> None:
    """Print events of the log as JSON lines, then follow new ones."""

    async def work(platform: Platform) -> None:
        after = max(await operations.last_position(platform) - last, 0)
        while True:
            for m in await operations.read_log(platform, after=after, topic=topic, limit=500):
                typer.echo(m.value if isinstance(m.value, str) else m.value.decode())
                after = m.offset
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
    when = from_time.replace(tzinfo=from_time.tzinfo or UTC) if from_time else None
    console.print(
        _run(lambda p: operations.reset_group(p, group, from_offset=from_offset, from_time=when))
    )


@dlq_app.command("list")
def dlq_list(group: Annotated[str | None, typer.Option(help="Only this group")] = None) -> None:
    """Dead letters, oldest first."""
    letters = _run(lambda p: operations.list_dead_letters(p, group, 1000))
    table = Table(title=f"{len(letters)} dead letters")
    for column in ("id", "group", "topic", "reason", "attempts", "failed at", "error"):
        table.add_column(column)
    for d in letters:
        table.add_row(
            str(d.id),
            d.group,
            d.topic,
            d.reason,
            str(d.attempts),
            d.failed_at.isoformat(timespec="seconds"),
            d.error.strip().splitlines()[-1][:80],
        )
    console.print(table)


@dlq_app.command("show")
def dlq_show(letter_id: int) -> None:
    """One dead letter with its message and full error."""
    d = _run(lambda p: operations.get_dead_letter(p, letter_id))
    fields: dict[str, Any] = {
        c: getattr(d, c)
        for c in (
            "id",
            "group",
            "event_id",
            "topic",
            "key",
            "partition",
            "offset",
            "reason",
            "attempts",
        )
    }
    fields["failed_at"] = d.failed_at.isoformat()
    console.print_json(data=fields)
    console.print("[bold]message[/bold]")
    console.print(d.message, markup=False)
    console.print("[bold]error[/bold]")
    console.print(d.error, markup=False)


@dlq_app.command("replay")
def dlq_replay(letter_id: int) -> None:
    """Apply a dead letter again with its group's handler; it leaves the store on success."""
    _run(lambda p: operations.replay_dead_letter(p, letter_id))
    console.print(f"dead letter {letter_id} replayed")


@dlq_app.command("drop")
def dlq_drop(letter_id: int) -> None:
    """Delete a dead letter for good."""
    _run(lambda p: operations.drop_dead_letter(p, letter_id))
    console.print(f"dead letter {letter_id} dropped")


@tokens_app.command("create")
def tokens_create(
    role: Annotated[Role, typer.Option(help="What the bearer may do")],
    subject: Annotated[str, typer.Option(help="Who the bearer is (customer id, staff login…)")],
    name: Annotated[str, typer.Option(help="A note to recognise the token by")] = "",
) -> None:
    """Create an API token; it is printed once and stored only as a hash."""
    token = _run(lambda p: create_api_token(p.db, role, subject, name))
    typer.echo(token)
