"""Inventory engine (`inventory-engine`): stock levels, reservations, low-stock alerts and reorders.
Its public contract is `events`."""
