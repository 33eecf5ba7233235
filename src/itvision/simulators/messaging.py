"""The messaging simulators (WhatsApp Cloud API, Orange SMS) served from a thread with its own
event loop, for `itvision simulators --messaging`: set up as the notification settings in
force describe them (token, phone number id, app secret, OAuth client), WhatsApp's status
webhooks going to the API at `public_url`. `environment()` says how to point the adapters at
them."""

from __future__ import annotations

import asyncio
import threading

from itvision.engines.notification.settings import NotificationSettings
from itvision.simulators.orange_sms import OrangeSmsSimulator
from itvision.simulators.server import bound_socket, serve
from itvision.simulators.whatsapp import WhatsAppSimulator


class MessagingSimulators:
    def __init__(self, settings: NotificationSettings, public_url: str) -> None:
        self._sockets = [bound_socket(), bound_socket()]
        self.urls = ["http://{}:{}".format(*s.getsockname()[:2]) for s in self._sockets]
        self.whatsapp = WhatsAppSimulator(
            token=settings.whatsapp_token.get_secret_value(),
            phone_number_id=settings.whatsapp_phone_number_id,
            app_secret=settings.whatsapp_app_secret.get_secret_value(),
            webhook_url=f"{public_url.rstrip('/')}/api/notifications/webhooks/whatsapp",
        )
        self.sms = OrangeSmsSimulator(
            client_id=settings.orange_sms_client_id,
            client_secret=settings.orange_sms_client_secret.get_secret_value(),
            public_url=self.urls[1],
        )
        self._loop = asyncio.new_event_loop()
        self._started = threading.Event()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="messaging", daemon=True)

    def environment(self) -> dict[str, str]:
        return {
            "ITVISION_NOTIFICATION_WHATSAPP_BASE_URL": self.urls[0],
            "ITVISION_NOTIFICATION_ORANGE_SMS_BASE_URL": self.urls[1],
        }

    def start(self) -> MessagingSimulators:
        self._thread.start()
        self._started.wait(10)
        return self

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._main())

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        apps = (self.whatsapp.app, self.sms.app)
        running = [await serve(app, sock) for app, sock in zip(apps, self._sockets, strict=True)]
        self._started.set()
        await self._stop.wait()
        for server in running:
            await server.stop()
        await self.whatsapp.close()

    def stop(self) -> None:
        if self._stop is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop.set)
            self._thread.join(10)
