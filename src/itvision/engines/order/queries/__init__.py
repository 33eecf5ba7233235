"""Reads of the order engine: `carts` (a cart priced live through the pricing, promotion and
shipping facades) and `orders` (orders, their timeline and refunds, searches)."""

from itvision.engines.order.queries import carts, orders

__all__ = ["carts", "orders"]
