"""Alembic environment. Migrations run through `itvision migrate` (or at `serve`/`worker`
start), which hands Alembic an open connection of the configured database."""

from alembic import context

from itvision.bootstrap import metadata
from itvision.platform.db import UtcDateTime

connection = context.config.attributes.get("connection")
if connection is None or context.is_offline_mode():
    raise SystemExit("run migrations with `itvision migrate`")

# `itvision migrate --revision MSG --engine E` writes only engine E's tables (named `E_…`).
prefix = context.config.attributes.get("table_prefix")


def include_object(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
    if prefix is None:
        return True
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", "")
    return str(table).startswith(prefix)


def render_item(type_, obj, autogen_context):  # type: ignore[no-untyped-def]
    """Write the platform's column types as `UtcDateTime()`, imported, not by module path."""
    if type_ == "type" and isinstance(obj, UtcDateTime):
        autogen_context.imports.add("from itvision.platform.db import UtcDateTime")
        return "UtcDateTime()"
    return False


context.configure(
    connection=connection,
    target_metadata=metadata(),
    include_object=include_object,
    render_item=render_item,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
