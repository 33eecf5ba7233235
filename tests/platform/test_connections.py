"""PostgreSQL connections closed by the server while they sat idle in the pool (a restart, a
proxy's idle timeout) are replaced before use: the next request does not fail."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from itvision.platform import db
from itvision.platform.db import Database

pytestmark = pytest.mark.postgres


async def test_a_connection_the_server_closed_while_idle_is_replaced(postgres_server, monkeypatch):
    database, operator = (
        Database(postgres_server + "/postgres"),
        Database(postgres_server + "/postgres"),
    )
    try:
        async with database.reads() as session:
            first = await session.scalar(text("SELECT pg_backend_pid()"))
        async with operator.reads() as session:
            await session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        monkeypatch.setattr(db, "IDLE_PING_SECONDS", 0.0)
        async with database.reads() as session:
            second = await session.scalar(text("SELECT pg_backend_pid()"))
        assert second != first
    finally:
        await database.dispose()
        await operator.dispose()
