"""Notification engine (`notification-engine`): email, SMS, push and WhatsApp messages about an
order's life, payments, invoices, loyalty and group buys, in French or English, by each
customer's preferred channels with fallback. Its public contract is `events`; other engines
may read a message's delivery status through `delivery_status`."""

from __future__ import annotations

from dataclasses import dataclass

from itvision.platform.system import Platform

__all__ = ["MessageStatus", "delivery_status"]


@dataclass(frozen=True)
class MessageStatus:
    id: str
    kind: str
    channel: str
    status: str


async def delivery_status(platform: Platform, order_id: str) -> list[MessageStatus]:
    """The messages sent about an order and where each one stands."""
    from itvision.engines.notification import queries

    found = await queries.messages(platform, order_id=order_id)
    return [MessageStatus(m.id, m.kind, m.channel, m.status) for m in found]
