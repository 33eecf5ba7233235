"""The SQLite driver: writers of a process take turns (no lost update, no 'database is locked'
under load), also those of two engines on one file, a failed transaction gives its turn back,
reads are not held up by writers, and neither a long write transaction nor another process's
lock on the file stops the rest of the process."""

from __future__ import annotations

import asyncio
import itertools
import sys
import time
from collections.abc import Awaitable

import pytest
from sqlalchemy import text

from itvision.platform.db import Database


@pytest.fixture
async def db(tmp_path):
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    async with database.engine.begin() as conn:
        await conn.execute(text("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER)"))
        await conn.execute(text("INSERT INTO counter VALUES (1, 0)"))
    yield database
    await database.dispose()


async def increment(db: Database) -> None:
    """Read, then write what was read plus one: a lost update if two ran at once."""
    async with db.writes() as session, session.begin():
        n = await session.scalar(text("SELECT n FROM counter WHERE id = 1"))
        await asyncio.sleep(0)  # let every other writer try to get in between
        await session.execute(text("UPDATE counter SET n = :n WHERE id = 1"), {"n": n + 1})


async def count(db: Database) -> int:
    async with db.reads() as session:
        return int(await session.scalar(text("SELECT n FROM counter WHERE id = 1")) or 0)


async def test_concurrent_writers_take_turns_and_lose_nothing(db):
    await asyncio.gather(*(increment(db) for _ in range(200)))
    assert await count(db) == 200


async def test_writers_of_two_engines_on_one_file_take_turns_without_stopping_the_process(
    db, tmp_path
):
    # Two platforms of one process on one file (a worker and the API in one test, say): a
    # writer of the second that met the first's lock in SQLite's busy handler would block the
    # event loop the first needs to finish, until the 30 s busy timeout.
    other = Database(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    holding = asyncio.Event()

    async def slow_writer() -> None:
        async with db.writes() as session, session.begin():
            await session.execute(text("UPDATE counter SET n = n + 1 WHERE id = 1"))
            holding.set()
            await asyncio.sleep(0.3)

    try:
        first = asyncio.create_task(slow_writer())
        await holding.wait()
        await asyncio.wait_for(increment(other), 10)
        await first
    finally:
        await other.dispose()
    assert await count(db) == 2


async def test_a_failed_write_gives_its_turn_back(db):
    with pytest.raises(ZeroDivisionError):
        async with db.writes() as session, session.begin():
            await session.execute(text("UPDATE counter SET n = 41 WHERE id = 1"))
            1 / 0  # noqa: B018
    await asyncio.wait_for(increment(db), 5)
    assert await count(db) == 1


async def test_reads_see_committed_state_while_a_writer_holds_its_turn(db):
    await increment(db)
    async with db.writes() as session, session.begin():
        await session.execute(text("UPDATE counter SET n = 99 WHERE id = 1"))
        assert await asyncio.wait_for(count(db), 5) == 1
    assert await count(db) == 99


async def while_ticking(work: Awaitable[object]) -> tuple[float, float]:
    """Await `work` while a task ticks every millisecond: how long it took, and the longest
    the event loop went without a tick meanwhile."""
    ticks: list[float] = []
    done = asyncio.Event()

    async def heartbeat() -> None:
        while not done.is_set():
            ticks.append(time.perf_counter())
            await asyncio.sleep(0.001)

    beat = asyncio.create_task(heartbeat())
    await asyncio.sleep(0.01)
    started = time.perf_counter()
    await work
    ended = time.perf_counter()
    done.set()
    await beat
    during = [started, *(t for t in ticks if started < t < ended), ended]
    return ended - started, max(b - a for a, b in itertools.pairwise(during))


async def test_a_long_write_transaction_lets_the_process_run(db):
    async with db.engine.begin() as conn:
        await conn.execute(text("CREATE TABLE rows_ (id INTEGER PRIMARY KEY, v TEXT)"))

    async def write_long() -> None:
        async with db.writes() as session, session.begin():
            for i in range(20_000):
                await session.execute(text("INSERT INTO rows_ (v) VALUES (:v)"), {"v": str(i)})

    took, longest_stall = await while_ticking(write_long())
    assert took > 0.3, "long enough for the check to mean something"
    assert longest_stall < 0.2


HOLD_THE_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("UPDATE counter SET n = n + 1 WHERE id = 1")
print("holding", flush=True)
time.sleep(1.0)
conn.execute("COMMIT")
"""


async def test_waiting_for_another_process_s_lock_lets_the_process_run(db, tmp_path):
    # A CLI command beside `serve` holds the file's write lock for a second.
    other = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        HOLD_THE_LOCK,
        str(tmp_path / "driver.db"),
        stdout=asyncio.subprocess.PIPE,
    )
    assert other.stdout is not None
    assert await other.stdout.readline() == b"holding\n"
    took, longest_stall = await while_ticking(asyncio.wait_for(increment(db), 10))
    await other.wait()
    assert took > 0.3, "it waited for the other process's commit"
    assert longest_stall < 0.2
    assert await count(db) == 2
