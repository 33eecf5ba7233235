"""The order engine's migration creates exactly the tables its models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from itvision import migrations
from itvision.engines.order import models
from itvision.platform.db import Base


async def test_the_migration_matches_the_models(engine):
    await migrations.upgrade(engine.db)
    order_tables = {t for name, t in Base.metadata.tables.items() if name.startswith("order_")}
    assert {t.name for t in order_tables} == {
        m.__tablename__ for m in vars(models).values() if hasattr(m, "__tablename__")
    }

    def differences(connection):  # type: ignore[no-untyped-def]
        context = MigrationContext.configure(
            connection, opts={"include_object": _ours, "compare_type": True}
        )
        return compare_metadata(context, Base.metadata)

    async with engine.db.engine.connect() as conn:
        found = await conn.run_sync(differences)
    assert found == []


def _ours(item, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    table = name if type_ == "table" else getattr(getattr(item, "table", None), "name", "")
    return str(table).startswith("order_")
