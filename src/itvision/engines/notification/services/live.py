"""In-app messages, live: a Socket.IO endpoint (python-socketio, mounted in the API at
`/socket.io`) where a signed-in customer, technician or staff member receives their messages
(`notification`) and their orders' status changes (`order_status`) as they happen.

- The client signs in at connect with the API's bearer token (`auth: {token}` or an
  `Authorization` header), checked exactly as the API checks it; a connection without a valid
  token is refused. Each connection joins its subject's room only, so a customer never
  receives another customer's news; staff also join the `staff` room (every order's status).
- With several API processes, the fan-out goes through Redis
  (`ITVISION_NOTIFICATION_LIVE_REDIS_URL`, python-socketio's `AsyncRedisManager`): the
  process that sends publishes, every process delivers to the clients it holds. Without it,
  one process's clients only.
- The sender pushes a message live when it first hands it to its channel, outside any
  transaction (at least once: a crash between the push and its record pushes it again).
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

import socketio
import structlog

from itvision.engines.notification.models import Message
from itvision.engines.notification.settings import NotificationSettings
from itvision.platform.auth import authenticate, bearer_token
from itvision.platform.errors import ITVisionError
from itvision.platform.system import Platform

log = structlog.get_logger("itvision.notification.live")
ORDER_STATUS = {
    "order_placed": "placed",
    "order_confirmed": "confirmed",
    "order_shipped": "shipped",
    "order_out_for_delivery": "out_for_delivery",
    "order_delivered": "delivered",
    "order_cancelled": "cancelled",
}
STAFF_ROOM = "staff"


def room_of(subject: str) -> str:
    return f"user:{subject}"


class LiveHub:
    """The Socket.IO server of one platform."""

    def __init__(self, platform: Platform) -> None:
        settings = platform.settings_of(NotificationSettings)
        manager = (
            socketio.AsyncRedisManager(settings.live_redis_url, channel=settings.live_channel)
            if settings.live_redis_url
            else None
        )
        self.platform = platform
        self.server = socketio.AsyncServer(
            async_mode="asgi",
            client_manager=manager,
            cors_allowed_origins=settings.live_allowed_origins or [],
            logger=False,
            engineio_logger=False,
        )
        self.server.on("connect", self._connect)
        self.asgi = socketio.ASGIApp(self.server, socketio_path="socket.io")

    async def _connect(self, sid: str, environ: dict[str, Any], auth: Any) -> bool:
        token = auth.get("token") if isinstance(auth, dict) else None
        token = token or bearer_token(environ.get("HTTP_AUTHORIZATION"))
        if not token:
            return False
        try:
            principal = await authenticate(str(token), self.platform.settings, self.platform.db)
        except ITVisionError:
            return False
        await self.server.enter_room(sid, room_of(principal.subject))
        if principal.is_staff:
            await self.server.enter_room(sid, STAFF_ROOM)
        return True

    async def publish(self, message: Message) -> None:
        """The message to its recipient, and its order's new status to them and to staff."""
        try:
            await self.server.emit(
                "notification",
                {
                    "id": message.id,
                    "kind": message.kind,
                    "subject": message.subject,
                    "body": message.body,
                    "order_id": message.order_id,
                    "created_at": message.created_at.isoformat(),
                },
                room=room_of(message.customer_id),
            )
            status = ORDER_STATUS.get(message.kind)
            if status and message.order_id:
                change = {"order_id": message.order_id, "status": status}
                await self.server.emit(
                    "order_status", change, room=[room_of(message.customer_id), STAFF_ROOM]
                )
        except Exception as exc:  # live news is best effort: the message still goes
            log.warning("live push failed", message_id=message.id, error=repr(exc))


_HUBS: WeakKeyDictionary[Platform, LiveHub] = WeakKeyDictionary()


def hub_of(platform: Platform) -> LiveHub:
    """The platform's hub, made once (the API mounts it, the sender publishes through it)."""
    hub = _HUBS.get(platform)
    if hub is None:
        hub = _HUBS[platform] = LiveHub(platform)
    return hub
