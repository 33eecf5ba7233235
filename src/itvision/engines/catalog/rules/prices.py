"""The rule of the price projection (pure)."""

from __future__ import annotations

from datetime import datetime


def is_newer_price(stored_at: datetime | None, calculated_at: datetime) -> bool:
    """A price calculated before the one kept is stale (events of different runs may arrive
    out of order after a replay); one calculated at the same time replaces it."""
    return stored_at is None or calculated_at >= stored_at
