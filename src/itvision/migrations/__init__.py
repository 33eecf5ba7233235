"""Schema migrations (Alembic). The platform's tables are revision 0001; each engine keeps its
own branch from there (`branch_labels = ("catalog",)`, `down_revision = "0001"`), so engines
add tables without touching each other's history, and so does the platform after 0001 (branch
`platform`, from `platform_0002`). `upgrade` brings every branch to its head."""

from __future__ import annotations

import functools
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from itvision.platform.db import Database

HERE = Path(__file__).parent


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", str(HERE / "versions"))
    config.attributes["connection"] = connection
    return config


@functools.cache
def heads() -> frozenset[str]:
    """The newest revision of each branch. Reading the scripts costs about 70 ms, and they
    change only through `new_revision` (which forgets this), so once per process is enough."""
    return frozenset(ScriptDirectory.from_config(_config()).get_heads())


async def current(db: Database) -> frozenset[str]:
    async with db.engine.connect() as conn:
        return await conn.run_sync(
            lambda c: frozenset(MigrationContext.configure(c).get_current_heads())
        )


async def upgrade(db: Database) -> tuple[frozenset[str], frozenset[str]]:
    """Bring every branch of the schema to its newest revision; returns (before, after)."""
    before = await current(db)
    if before != heads():
        async with db.engine.begin() as conn:
            await conn.run_sync(lambda c: command.upgrade(_config(c), "heads"))
    return before, heads()


async def new_revision(db: Database, message: str, branch: str | None = None) -> None:
    """Write a migration for the difference between the models and the database; `branch`
    starts an engine's own branch from the platform revision, or extends it."""

    def write(c: Connection) -> None:
        config = _config(c)
        config.attributes["table_prefix"] = f"{branch}_" if branch else None
        if branch is None:
            command.revision(config, message=message, autogenerate=True, head="platform@head")
        elif branch in _labels():
            command.revision(config, message=message, autogenerate=True, head=f"{branch}@head")
        else:
            command.revision(
                config,
                message=message,
                autogenerate=True,
                head="0001",
                splice=True,
                branch_label=branch,
                rev_id=f"{branch}_0001",
            )

    async with db.engine.begin() as conn:
        await conn.run_sync(write)
    heads.cache_clear()


def _labels() -> set[str]:
    script = ScriptDirectory.from_config(_config())
    return {label for rev in script.walk_revisions() for label in rev.branch_labels}
