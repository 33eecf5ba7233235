"""Periodic jobs run in `serve`/`worker`, in one process at a time."""

from __future__ import annotations

from itvision.platform.jobs import PeriodicJob
from itvision.platform.system import Platform
from tests.conftest import eventually
from tests.demo_engine import registry


async def test_a_job_runs_periodically_in_one_process_at_a_time(make_platform, backend_settings):
    runs: list[str] = []

    def job(process: str) -> PeriodicJob:
        async def tick(_: Platform) -> None:
            runs.append(process)

        return PeriodicJob("demo-tick", 0.1, tick)

    async def ran(process: str, times: int) -> None:
        async def counted() -> bool:
            return runs.count(process) >= times

        await eventually(counted, timeout=30, what=f"{process} to run the job {times} times")

    first = await make_platform()
    first.jobs.append(job("first"))
    second = Platform(backend_settings, registry(), jobs=[job("second")])
    try:
        await first.start()
        await ran("first", 1)  # the first process holds the job's lease
        await second.start()
        # The first keeps running it, again and again, while the second only tries.
        await ran("first", runs.count("first") + 3)
        assert "second" not in runs
        await first.stop()
        runs.clear()
        # The survivor takes over once the stopped process has released the job.
        await ran("second", 3)
        assert set(runs) == {"second"}
    finally:
        await second.close()


async def test_inbox_rows_older_than_the_retention_are_pruned(make_platform):
    from datetime import timedelta

    from sqlalchemy import insert, select

    from itvision.platform.bus.retention import prune_inbox
    from itvision.platform.bus.tables import InboxEntry
    from itvision.platform.events import utcnow

    platform = await make_platform()
    now = utcnow()
    rows = [("old", now - timedelta(days=8)), ("recent", now - timedelta(days=1))]
    async with platform.db.writes() as session, session.begin():
        for event_id, when in rows:
            await session.execute(
                insert(InboxEntry).values(
                    group="demo-engine", event_id=event_id, topic="demo.note.added",
                    partition=0, offset=1, event_time=when,
                )
            )  # fmt: skip
    assert await prune_inbox(platform) == 1
    async with platform.db.reads() as session:
        assert list(await session.scalars(select(InboxEntry.event_id))) == ["recent"]
