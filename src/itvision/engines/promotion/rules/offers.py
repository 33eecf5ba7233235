"""What a promotion offers and to whom: the definition staff write, as the rules read it.

Kinds: `percentage` (a rate off the items in scope), `fixed_amount` (an amount off the items in
scope), `free_shipping` (the shipping fee is waived), `bundle` (these items together for this
price), `buy_x_get_y` (buy X units in scope, get Y more free — or at `discount_rate` off).
A promotion with a `code` applies when the customer types it; without, it is an automatic sale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from itvision.engines.promotion.rules.carts import CartLine
from itvision.platform.errors import InvalidInput


class Kind(StrEnum):
    PERCENTAGE = "percentage"
    FIXED_AMOUNT = "fixed_amount"
    FREE_SHIPPING = "free_shipping"
    BUNDLE = "bundle"
    BUY_X_GET_Y = "buy_x_get_y"


@dataclass(frozen=True, slots=True)
class BundleItem:
    product_id: str
    quantity: int


@dataclass(frozen=True)
class Offer:
    id: str
    name: str
    kind: Kind
    starts_at: datetime
    ends_at: datetime | None = None
    code: str | None = None
    active: bool = True
    discount_rate: Decimal | None = None
    discount_amount: int | None = None
    max_discount_amount: int | None = None
    min_order_amount: int | None = None
    min_quantity: int | None = None
    product_ids: frozenset[str] = frozenset()
    category_ids: frozenset[str] = frozenset()
    brands: frozenset[str] = frozenset()
    bundle_items: tuple[BundleItem, ...] = ()
    bundle_price: int | None = None
    buy_quantity: int | None = None
    get_quantity: int | None = None
    usage_limit: int | None = None
    usage_limit_per_customer: int | None = None
    exclusive: bool = False
    priority: int = 0

    @property
    def is_scoped(self) -> bool:
        return bool(self.product_ids or self.category_ids or self.brands)

    def covers(self, line: CartLine) -> bool:
        """A line is in scope when its product, one of its categories (any level) or its brand
        is named; a promotion that names none covers every line."""
        if not self.is_scoped:
            return True
        if line.product_id in self.product_ids:
            return True
        if self.category_ids.intersection(line.category_path):
            return True
        brands = {b.casefold() for b in self.brands}
        return line.brand is not None and line.brand.casefold() in brands

    def units_in_scope(self, lines: tuple[CartLine, ...]) -> int:
        return sum(line.quantity for line in lines if self.covers(line))

    @property
    def redemption_order(self) -> tuple[int, str]:
        """Higher priority first; ids are time-ordered, so older first among equals."""
        return (-self.priority, self.id)


def normalize_code(code: str) -> str:
    """Codes are read without regard to case or surrounding spaces: ' bienvenue' = 'BIENVENUE'."""
    return code.strip().upper()


# The fields each kind reads besides the common ones; any other kind-specific field set on a
# promotion is refused rather than silently ignored.
_KIND_FIELDS: dict[Kind, frozenset[str]] = {
    Kind.PERCENTAGE: frozenset({"discount_rate", "max_discount_amount"}),
    Kind.FIXED_AMOUNT: frozenset({"discount_amount"}),
    Kind.FREE_SHIPPING: frozenset(),
    Kind.BUNDLE: frozenset({"bundle_items", "bundle_price"}),
    Kind.BUY_X_GET_Y: frozenset({"buy_quantity", "get_quantity", "discount_rate"}),
}
_REQUIRED: dict[Kind, tuple[str, ...]] = {
    Kind.PERCENTAGE: ("discount_rate",),
    Kind.FIXED_AMOUNT: ("discount_amount",),
    Kind.FREE_SHIPPING: (),
    Kind.BUNDLE: ("bundle_items", "bundle_price"),
    Kind.BUY_X_GET_Y: ("buy_quantity", "get_quantity"),
}
_SCOPE_FIELDS = ("product_ids", "category_ids", "brands")
_ALL_KIND_FIELDS = frozenset().union(*_KIND_FIELDS.values())


def _is_set(offer: Offer, name: str) -> bool:
    value = getattr(offer, name)
    return value is not None and value != () and value != frozenset()


def check_offer(offer: Offer) -> None:
    """Refuse a definition that cannot be applied as written, naming the offending field.

    Ranges of single fields are checked where the input is read; this checks what depends on
    several fields: the kind's own fields, dates, and limits (which need a code: a usage is
    counted per order that typed the code)."""
    for name in _REQUIRED[offer.kind]:
        if not _is_set(offer, name):
            raise InvalidInput(f"a {offer.kind} promotion needs {name}", field=name)
    for name in sorted(_ALL_KIND_FIELDS - _KIND_FIELDS[offer.kind]):
        if _is_set(offer, name):
            raise InvalidInput(f"{name} does not apply to a {offer.kind} promotion", field=name)
    if offer.kind is Kind.BUNDLE:
        for name in _SCOPE_FIELDS:
            if _is_set(offer, name):
                raise InvalidInput(
                    f"a bundle names its products in bundle_items, not {name}", field=name
                )
        ids = [item.product_id for item in offer.bundle_items]
        if len(set(ids)) != len(ids):
            raise InvalidInput("a product appears twice in bundle_items", field="bundle_items")
        if sum(item.quantity for item in offer.bundle_items) < 2:
            raise InvalidInput("a bundle holds at least two units", field="bundle_items")
    if offer.discount_rate is not None and not (0 < offer.discount_rate <= 1):
        raise InvalidInput(
            "discount_rate is a fraction above 0 and at most 1 (0.15 is 15 %)",
            field="discount_rate",
        )
    if offer.ends_at is not None and offer.ends_at <= offer.starts_at:
        raise InvalidInput("ends_at must be after starts_at", field="ends_at")
    for name in ("usage_limit", "usage_limit_per_customer"):
        if getattr(offer, name) is not None and offer.code is None:
            raise InvalidInput(f"{name} needs a code: usages are counted per code", field=name)
    if (
        offer.usage_limit is not None
        and offer.usage_limit_per_customer is not None
        and offer.usage_limit_per_customer > offer.usage_limit
    ):
        raise InvalidInput(
            "usage_limit_per_customer cannot exceed usage_limit", field="usage_limit_per_customer"
        )
