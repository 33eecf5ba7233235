"""The test's database at the newest schema, fast: running every engine's migrations costs
about half a second, paid by nearly every test. A SQLite database starts as a copy of one
migrated once per test process, and so does a PostgreSQL one (a template database);
`migrations.upgrade` then finds nothing to do (and still runs, so a test sees the schema
exactly as `itvision migrate` leaves it)."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

import asyncpg

from itvision import migrations
from itvision.platform.db import Database

_MIGRATED: Path | None = None


async def migrate(db: Database) -> None:
    """Bring `db` (not opened yet) to the newest schema."""
    if db.is_sqlite:
        _start_from(await _migrated_sqlite(), db.url.split("///", 1)[1])
    else:
        await _start_postgres_from_template(db)
    await migrations.upgrade(db)


def _start_from(template: Path, path: str) -> None:
    if not os.path.exists(path):  # a database the test made already is the test's
        shutil.copyfile(template, path)


async def _migrated_sqlite() -> Path:
    global _MIGRATED
    if _MIGRATED is None:
        template = Path(tempfile.mkdtemp(prefix="itvision-schema-")) / "migrated.db"
        db = Database(f"sqlite+aiosqlite:///{template}")
        try:
            await migrations.upgrade(db)
        finally:
            await db.dispose()
        _MIGRATED = template
    return _MIGRATED


_POSTGRES_TEMPLATES: dict[str, str] = {}  # server URL -> this process's migrated database


async def _start_postgres_from_template(db: Database) -> None:
    """A PostgreSQL database the test created empty is made again as a copy of one migrated
    once per process (`CREATE DATABASE … TEMPLATE`, which needs the template unused)."""
    server, name = db.url.rsplit("/", 1)
    template = _POSTGRES_TEMPLATES.get(server)
    if template is None:
        template = f"schema_{uuid.uuid4().hex[:12]}"
        await _admin(server, f'CREATE DATABASE "{template}"')
        migrated = Database(f"{server}/{template}")
        try:
            await migrations.upgrade(migrated)
        finally:
            await migrated.dispose()
        _POSTGRES_TEMPLATES[server] = template
    if await migrations.current(db):
        return  # not the empty database the test made: the test's own
    await db.dispose()
    await _admin(server, f'DROP DATABASE "{name}"')
    await _admin(server, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


async def _admin(server: str, statement: str) -> None:
    conn = await asyncpg.connect(server.replace("postgresql+asyncpg", "postgresql") + "/postgres")
    try:
        await conn.execute(statement)
    finally:
        await conn.close()
