"""A request waiting for a change of its own process hears of it when the change commits (not
when it rolls back), even when it commits between the request's read and its wait."""

from __future__ import annotations

import asyncio

import pytest

from itvision.platform.system import Platform


async def test_a_listener_hears_a_commit_and_not_a_rollback(make_platform) -> None:
    platform: Platform = await make_platform()
    async with platform.news.listening("order:1") as heard:
        with pytest.raises(RuntimeError):
            async with platform.uows("test") as uow:
                uow.tell("order:1")
                raise RuntimeError("the change fails")
        async with platform.uows("test") as uow:
            uow.tell("order:2")
        await asyncio.sleep(0)
        assert not heard.done()

        async with platform.uows("test") as uow:
            uow.tell("order:1")
        await asyncio.wait_for(heard, 1)


async def test_a_commit_before_the_wait_is_not_missed(make_platform) -> None:
    platform: Platform = await make_platform()
    async with platform.news.listening("order:1") as heard:
        # The listener read the state here, then the change commits before it waits.
        async with platform.uows("test") as uow:
            uow.tell("order:1")
        await asyncio.wait_for(heard, 1)
    async with platform.news.listening("order:1") as again:
        assert not again.done()  # each listening hears what comes after it
