"""Periodic jobs run in `serve`/`worker`, in one process at a time."""

from __future__ import annotations

import asyncio

from itvision.platform.jobs import PeriodicJob
from itvision.platform.system import Platform
from tests.demo_engine import registry


async def test_a_job_runs_periodically_in_one_process_at_a_time(make_platform, backend_settings):
    runs: list[str] = []

    def job(process: str) -> PeriodicJob:
        async def tick(_: Platform) -> None:
            runs.append(process)

        return PeriodicJob("demo-tick", 0.1, tick)

    first = await make_platform()
    first.jobs.append(job("first"))
    second = Platform(backend_settings, registry(), jobs=[job("second")])
    try:
        await first.start()
        await asyncio.sleep(0.05)
        await second.start()
        await asyncio.sleep(0.6)
        assert runs.count("first") >= 3
        assert "second" not in runs
        await first.stop()
        runs.clear()
        # The survivor takes over once the stopped process has released the job.
        await asyncio.sleep(0.6)
        assert runs and set(runs) == {"second"}
    finally:
        await second.close()
