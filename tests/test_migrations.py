"""`itvision migrate` makes exactly the tables, columns, types and indexes that every engine's
models describe, on SQLite and PostgreSQL (a model changed without its migration fails here)."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from itvision import bootstrap, migrations
from itvision.platform.db import Database
from itvision.settings import Settings
from tests.conftest import COMBINATIONS
from tests.demo_engine import AppliedNote

TEST_ONLY = {AppliedNote.__tablename__}  # the tests' demo engine has no migration


@pytest.mark.parametrize("backend_settings", COMBINATIONS[:2], indirect=True)
async def test_the_migrations_make_the_models_tables(backend_settings: Settings) -> None:
    db = Database(backend_settings.database)
    try:
        await migrations.upgrade(db)
        async with db.engine.connect() as conn:
            differences = await conn.run_sync(
                lambda c: compare_metadata(
                    MigrationContext.configure(
                        c, opts={"compare_type": True, "include_object": _not_test_only}
                    ),
                    bootstrap.metadata(),
                )
            )
    finally:
        await db.dispose()
    assert differences == []


def _not_test_only(item, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    return not (type_ == "table" and name in TEST_ONLY)
