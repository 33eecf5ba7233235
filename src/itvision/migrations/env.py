"""Alembic environment. Migrations run through `itvision migrate` (or at `serve`/`worker`
start), which hands Alembic an open connection of the configured database."""

from alembic import context

from itvision.bootstrap import metadata

connection = context.config.attributes.get("connection")
if connection is None or context.is_offline_mode():
    raise SystemExit("run migrations with `itvision migrate`")

context.configure(
    connection=connection,
    target_metadata=metadata(),
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
