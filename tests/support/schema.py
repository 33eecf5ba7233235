"""The test's database at the newest schema, fast: running every engine's migrations costs
about half a second, paid by nearly every test. A SQLite database starts as a copy of one
migrated once per test process; `migrations.upgrade` then finds nothing to do (and still runs,
so a test sees the schema exactly as `itvision migrate` leaves it)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from itvision import migrations
from itvision.platform.db import Database

_MIGRATED: Path | None = None


async def migrate(db: Database) -> None:
    """Bring `db` (not opened yet) to the newest schema."""
    if db.is_sqlite:
        _start_from(await _migrated_sqlite(), db.url.split("///", 1)[1])
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
