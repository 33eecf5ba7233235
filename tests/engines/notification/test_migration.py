"""The notification tables the migration makes are the ones the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from itvision import bootstrap, migrations
from itvision.platform.db import Database


async def test_the_migration_makes_the_models_tables(tmp_path):
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")
    try:
        await migrations.upgrade(db)
        async with db.engine.connect() as conn:
            differences = await conn.run_sync(
                lambda c: compare_metadata(MigrationContext.configure(c), bootstrap.metadata())
            )
    finally:
        await db.dispose()
    ours = [d for d in differences if "notification_" in repr(d)]
    assert ours == []
