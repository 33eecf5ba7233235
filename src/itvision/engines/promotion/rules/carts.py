"""A priced cart as the promotion rules see it: lines with their price, the product's category
path and brand (from our catalog projection), the shipping fee and who the customer is."""

from __future__ import annotations

from collections.abc import Mapping
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


@dataclass(frozen=True, slots=True)
class Scope:
    """What our catalog projection knows of a product: its category path and its brand."""

    category_path: tuple[str, ...]
    brand: str | None


def with_scopes(cart: Cart, scopes: Mapping[str, Scope]) -> Cart:
    """The cart with each line's categories and brand; a product the catalog never told us
    about matches only promotions that name it (or none)."""
    return Cart(
        tuple(_with_scope(line, scopes.get(line.product_id)) for line in cart.lines),
        cart.shipping_fee,
        cart.customer_id,
    )


def _with_scope(line: CartLine, scope: Scope | None) -> CartLine:
    if scope is None:
        return line
    return CartLine(
        line.sku, line.product_id, line.quantity, line.unit_price, scope.category_path, scope.brand
    )
