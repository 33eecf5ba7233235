"""Notification engine (`notification-engine`): email, SMS, push and WhatsApp messages.
Its public contract is `events`."""

__all__: list[str] = []
