"""When a watched product is back: a stock movement that takes a SKU's available quantity
(on hand less reserved, at one warehouse) from nothing to something."""

from __future__ import annotations


def back_in_stock(available: int, on_hand_delta: int, reserved_delta: int) -> bool:
    """True when the movement made the SKU available again: available now, none before it.
    Before the movement, `available - on_hand_delta + reserved_delta` were available, so a
    delivery (on hand up) and a released reservation (reserved down) both count."""
    before = available - on_hand_delta + reserved_delta
    return available > 0 and before <= 0
