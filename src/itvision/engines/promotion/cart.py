"""A priced cart as the promotion rules see it: lines with their price, the product's category
path and brand (from our catalog projection), the shipping fee and who the customer is."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CartLine:
    sku: str
    product_id: str
    quantity: int
    unit_price: int
    # Every category the product sits in, root to leaf: a sale on a parent covers its subtree.
    category_path: tuple[str, ...] = ()
    brand: str | None = None

    @property
    def amount(self) -> int:
        return self.quantity * self.unit_price


@dataclass(frozen=True, slots=True)
class Cart:
    lines: tuple[CartLine, ...]
    shipping_fee: int = 0
    customer_id: str | None = None

    @property
    def subtotal(self) -> int:
        """What the items cost before any discount (shipping excluded)."""
        return sum(line.amount for line in self.lines)

    @property
    def total(self) -> int:
        return self.subtotal + self.shipping_fee
