"""Shipping engine (`shipping-engine`): delivery fees, shipments and tracking.
Its public contract is `events`."""

__all__: list[str] = []
