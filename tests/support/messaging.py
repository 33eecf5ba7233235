"""The messaging providers in tests: the WhatsApp Cloud API and Orange SMS simulators and a
real SMTP server (aiosmtpd), started in-process on free 127.0.0.1 ports, with the notification
engine's adapters of the system under test pointed at them and WhatsApp's status webhooks
delivered to the app under test (its ASGI client).

In a conftest:

    from tests.support.messaging import api, messaging, system  # noqa: F401
"""

from __future__ import annotations

import asyncio
import email
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from email.message import Message as EmailMessage
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller

from itvision import bootstrap
from itvision.engines.notification.settings import NotificationSettings
from itvision.platform.system import Platform
from itvision.settings import Settings
from itvision.simulators.orange_sms import OrangeSmsSimulator
from itvision.simulators.server import Running, bound_socket, serve
from itvision.simulators.webpush import WebPushSimulator
from itvision.simulators.whatsapp import WhatsAppSimulator
from tests.support.api import ApiClient, app_of
from tests.support.schema import migrate

PUBLIC_URL = "http://test"
SIMULATED = {
    "whatsapp_token": "wa-test-token",
    "whatsapp_phone_number_id": "1098765432",
    "whatsapp_app_secret": "wa-app-secret",
    "whatsapp_verify_token": "wa-verify",
    "orange_sms_client_id": "sms-client",
    "orange_sms_client_secret": "sms-secret",
    "orange_sms_sender": "+221770000000",
    # a P-256 private key (base64url, raw), made for the tests
    "vapid_private_key": "Lkm4vT9-6pV2xN0mKc1sCw3kVqk5wYQ6m3G1H8yq2ZU",
}


@dataclass
class Mailbox:
    """What the SMTP server received."""

    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


@dataclass
class Messaging:
    whatsapp: WhatsAppSimulator
    sms: OrangeSmsSimulator
    mailbox: Mailbox
    push: WebPushSimulator
    whatsapp_url: str
    sms_url: str
    smtp_port: int

    def settings(self, **overrides: Any) -> NotificationSettings:
        values: dict[str, Any] = {
            **SIMULATED,
            "whatsapp_base_url": self.whatsapp_url,
            "orange_sms_base_url": self.sms_url,
            "smtp_host": "127.0.0.1",
            "smtp_port": self.smtp_port,
            "attempts_per_channel": 2,
            **overrides,
        }
        return NotificationSettings(**values)


@asynccontextmanager
async def running_messaging() -> AsyncIterator[Messaging]:
    wa_socket, sms_socket, push_socket = bound_socket(), bound_socket(), bound_socket()
    push = WebPushSimulator("http://{}:{}".format(*push_socket.getsockname()[:2]))
    wa_url = "http://{}:{}".format(*wa_socket.getsockname()[:2])
    sms_url = "http://{}:{}".format(*sms_socket.getsockname()[:2])
    whatsapp = WhatsAppSimulator(
        token=SIMULATED["whatsapp_token"],
        phone_number_id=SIMULATED["whatsapp_phone_number_id"],
        app_secret=SIMULATED["whatsapp_app_secret"],
        webhook_url=f"{PUBLIC_URL}/api/notifications/webhooks/whatsapp",
    )
    sms = OrangeSmsSimulator(
        client_id=SIMULATED["orange_sms_client_id"],
        client_secret=SIMULATED["orange_sms_client_secret"],
        public_url=sms_url,
    )
    mailbox = Mailbox()
    smtp_port = bound_socket().getsockname()[1]
    controller = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    await asyncio.to_thread(controller.start)
    servers: list[Running] = [await serve(whatsapp.app, wa_socket)]
    try:
        servers.append(await serve(sms.app, sms_socket))
        servers.append(await serve(push.app, push_socket))
        yield Messaging(whatsapp, sms, mailbox, push, wa_url, sms_url, smtp_port)
    finally:
        for server in servers:
            await server.stop()
        await whatsapp.close()
        await asyncio.to_thread(controller.stop)


@pytest.fixture
async def messaging() -> AsyncIterator[Messaging]:
    async with running_messaging() as running:
        yield running


@pytest.fixture
def notification_overrides() -> dict[str, Any]:
    """Notification settings a test changes (parametrize this name to change them)."""
    return {}


@pytest.fixture
async def system(
    backend_settings: Settings, messaging: Messaging, notification_overrides: dict[str, Any]
) -> AsyncIterator[Platform]:
    """The real system (as tests/conftest.py's), its messaging adapters on the simulators."""
    platform = Platform(
        backend_settings,
        bootstrap.registry(),
        bootstrap.consumer_groups(),
        bootstrap.jobs(),
        engine_settings=[messaging.settings(**notification_overrides)],
    )
    await migrate(platform.db)
    await platform.start()
    yield platform
    await platform.close()


@pytest.fixture
async def api(system: Platform, messaging: Messaging) -> AsyncIterator[ApiClient]:
    transport = httpx.ASGITransport(app=app_of(system))
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as client:
        messaging.whatsapp.sender.client = client
        yield ApiClient(client, system)
        messaging.whatsapp.sender.client = None
