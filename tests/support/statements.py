"""The SQL statements a database is sent, for tests that hold code to what it costs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from itvision.platform.db import Database


@contextmanager
def statements_sent(db: Database) -> Iterator[list[str]]:
    """The statements `db` is sent while the block runs, in order, by every connection."""
    sent: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        sent.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", seen)
    try:
        yield sent
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", seen)
