"""WhatsApp statuses that come before the sender recorded the message's id (Meta's webhook
racing the send's answer): parked, then applied once the id is recorded; never lost.

The race is made certain by a proxy in front of the WhatsApp simulator that holds each send's
answer until the simulator's status webhooks for it were parked by the app under test."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI, Request, Response
from sqlalchemy import select

from itvision import bootstrap, migrations
from itvision.engines.loyalty.events import SOURCE as LOYALTY
from itvision.engines.notification.commands import ApplyParkedStatuses
from itvision.engines.notification.models import ParkedStatus
from itvision.engines.notification.services.statuses import apply_parked_statuses
from itvision.platform.events import utcnow
from itvision.platform.system import Platform
from itvision.settings import Settings
from itvision.simulators.server import bound_socket, serve
from tests.conftest import eventually
from tests.engines.notification.support import emit, set_contact, tier_upgraded, wait_message
from tests.support.messaging import Messaging

WEBHOOK = "/api/notifications/webhooks/whatsapp"


async def parked(platform: Platform, provider_message_id: str | None = None) -> list[str]:
    query = select(ParkedStatus.status).order_by(ParkedStatus.received_at)
    if provider_message_id is not None:
        query = query.where(ParkedStatus.provider_message_id == provider_message_id)
    async with platform.db.reads() as session:
        return list(await session.scalars(query))


class LateAnswers:
    """Forwards sends to the WhatsApp simulator; answers each one only once its statuses
    (`sent`, `delivered`, and `also` when set: reported by the simulator while the answer is
    held) are parked by the app."""

    def __init__(self, messaging: Messaging) -> None:
        self.messaging = messaging
        self.platform: Platform | None = None
        self.also: str | None = None
        self.url = ""
        self.app = FastAPI()
        self.app.post("/{version}/{phone_number_id}/messages")(self.forward)

    async def forward(self, version: str, phone_number_id: str, request: Request) -> Response:
        async with httpx.AsyncClient(base_url=self.messaging.whatsapp_url) as client:
            answer = await client.post(
                request.url.path, content=await request.body(), headers=dict(request.headers)
            )
        if answer.status_code == 200 and self.platform is not None:
            message_id = answer.json()["messages"][0]["id"]
            expected = ["sent", "delivered"]
            if self.also is not None:
                sent = next(m for m in self.messaging.whatsapp.messages if m.id == message_id)
                await asyncio.sleep(0.5)  # after the simulator's own statuses
                await self.messaging.whatsapp.report(sent, self.also)
                expected.append(self.also)
            platform = self.platform

            async def all_parked() -> bool:
                return sorted(await parked(platform, message_id)) == sorted(expected)

            await eventually(all_parked, 5, "the statuses parked before the answer")
        return Response(answer.content, answer.status_code, media_type="application/json")


@pytest.fixture
async def late_answers(messaging: Messaging) -> AsyncIterator[LateAnswers]:
    proxy = LateAnswers(messaging)
    running = await serve(proxy.app, bound_socket())
    proxy.url = running.url
    try:
        yield proxy
    finally:
        await running.stop()


@pytest.fixture
async def system(
    backend_settings: Settings, messaging: Messaging, late_answers: LateAnswers
) -> AsyncIterator[Platform]:
    """The real system, its WhatsApp adapter behind the proxy that answers late."""
    platform = Platform(
        backend_settings,
        bootstrap.registry(),
        bootstrap.consumer_groups(),
        bootstrap.jobs(),
        engine_settings=[messaging.settings(whatsapp_base_url=late_answers.url)],
    )
    late_answers.platform = platform
    await migrations.upgrade(platform.db)
    await platform.start()
    yield platform
    await platform.close()


async def test_statuses_that_beat_the_send_s_answer_are_applied_once_it_is_recorded(
    api, system, messaging
):
    await set_contact(api, "cust-race")
    await emit(system, LOYALTY, tier_upgraded("cust-race"))
    delivered = await wait_message(
        api, "cust-race", lambda m: m["status"] == "delivered", "the parked delivery applied"
    )
    [sent] = messaging.whatsapp.messages
    assert delivered["provider_message_id"] == sent.id and sent.statuses == ["sent", "delivered"]
    assert await parked(system) == []


async def test_a_failure_that_beat_the_answer_hands_the_message_to_sms(
    api, system, messaging, late_answers
):
    late_answers.also = "failed"
    await set_contact(api, "cust-race")
    await emit(system, LOYALTY, tier_upgraded("cust-race"))
    sms = await wait_message(
        api, "cust-race", lambda m: (m["channel"], m["status"]) == ("sms", "sent"), "the SMS"
    )
    assert "131026" in sms["last_error"]
    [text] = messaging.sms.messages
    assert "niveau Or" in text.text
    assert await parked(system) == []


async def test_a_status_of_a_message_never_recorded_is_forgotten_after_a_while(
    api, system, messaging
):
    body = json.dumps(
        {"entry": [{"changes": [{"value": {"statuses": [{"id": "wamid.old", "status": "read"}]}}]}]}
    ).encode()
    signed = {**messaging.whatsapp.signed(body), "Content-Type": "application/json"}
    answer = await api.post(WEBHOOK, content=body, headers=signed)
    assert answer.json() == {"applied": 0, "parked": 1}
    assert await apply_parked_statuses(system, ApplyParkedStatuses()) == 0
    assert await parked(system) == ["read"]
    later = ApplyParkedStatuses(as_of=utcnow() + timedelta(hours=2))
    assert await apply_parked_statuses(system, later) == 0
    assert await parked(system) == []
