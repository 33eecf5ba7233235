"""Small builders of carts and offers for the promotion tests."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from itvision.engines.promotion.rules.carts import Cart, CartLine
from itvision.engines.promotion.rules.offers import BundleItem, Kind, Offer

T0 = datetime(2026, 11, 1, tzinfo=UTC)
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)

_ids = iter(range(1, 10_000))


def line(
    product_id: str,
    quantity: int,
    unit_price: int,
    *,
    path: tuple[str, ...] = (),
    brand: str | None = None,
    sku: str | None = None,
) -> CartLine:
    return CartLine(sku or f"SKU-{product_id}", product_id, quantity, unit_price, path, brand)


def cart(*lines: CartLine, shipping_fee: int = 0, customer_id: str | None = "cust-1") -> Cart:
    return Cart(tuple(lines), shipping_fee, customer_id)


def offer(kind: Kind | str = Kind.PERCENTAGE, **fields: Any) -> Offer:
    kind = Kind(kind)
    defaults: dict[str, Any] = {
        Kind.PERCENTAGE: {"discount_rate": Decimal("0.10")},
        Kind.FIXED_AMOUNT: {"discount_amount": 5_000},
        Kind.FREE_SHIPPING: {},
        Kind.BUNDLE: {"bundle_items": (BundleItem("p1", 1), BundleItem("p2", 1))},
        Kind.BUY_X_GET_Y: {"buy_quantity": 2, "get_quantity": 1},
    }[kind]
    if kind is Kind.BUNDLE:
        defaults["bundle_price"] = 100_000
    for name in ("product_ids", "category_ids", "brands"):
        if name in fields:
            fields[name] = frozenset(fields[name])
    number = next(_ids)
    return Offer(
        **{
            "id": f"promo-{number:04d}",
            "name": f"Promo {number}",
            "kind": kind,
            "starts_at": T0,
            **defaults,
            **fields,
        }
    )
