"""Cart evaluation: which promotions apply to a cart, for how much, and why each code that does
not apply was refused.

Stacking (cumul):
- Combinable promotions apply together, in priority order (higher first; older first among
  equals), each on what the previous ones left to pay: -10 % then -10 % is -19 %.
- An exclusive promotion applies alone. The customer gets the best outcome among "the
  combinable set" and "each exclusive promotion alone", measured by the total discount; a tie
  goes to the combinable set, then to the exclusive promotion that comes first in priority
  order. The codes that lose are refused as `not_combinable`.
- Conditions (dates, limits, minimum amount or quantity) are read on the cart as priced,
  before any discount. Automatic sales that do not apply are simply left out; only codes the
  customer typed are reported with a reason.

Limits count usages reserved by placed orders and usages counted for paid orders, so a code
already reserved up to its limit is refused before a new order can take it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from itvision.engines.promotion.rules import reasons
from itvision.engines.promotion.rules.carts import Cart
from itvision.engines.promotion.rules.discounts import Discount, Remaining, discount_of
from itvision.engines.promotion.rules.offers import Offer, normalize_code
from itvision.engines.promotion.rules.reasons import Refusal


@dataclass(frozen=True, slots=True)
class UsageCount:
    """Usages that count against the limits: reserved (order placed) or redeemed (paid)."""

    total: int = 0
    by_customer: int = 0


@dataclass(frozen=True, slots=True)
class Applied:
    offer: Offer
    discount: Discount


@dataclass(frozen=True, slots=True)
class RefusedCode:
    code: str
    offer_id: str | None
    refusal: Refusal


@dataclass(frozen=True, slots=True)
class Evaluation:
    cart: Cart
    applied: tuple[Applied, ...]
    refused: tuple[RefusedCode, ...]

    @property
    def items_discount(self) -> int:
        return sum(a.discount.items for a in self.applied)

    @property
    def shipping_discount(self) -> int:
        return sum(a.discount.shipping for a in self.applied)

    @property
    def discount_total(self) -> int:
        return self.items_discount + self.shipping_discount

    @property
    def total(self) -> int:
        return self.cart.total - self.discount_total


def refusal_before_discount(
    offer: Offer, cart: Cart, usage: UsageCount, now: datetime
) -> Refusal | None:
    """The first condition of `offer` that `cart` fails at `now`, in the order a customer
    would want to hear it."""
    if not offer.active:
        return reasons.inactive()
    if now < offer.starts_at:
        return reasons.not_started(offer.starts_at)
    if offer.ends_at is not None and now >= offer.ends_at:
        return reasons.expired()
    if offer.usage_limit is not None and usage.total >= offer.usage_limit:
        return reasons.usage_limit_reached()
    per_customer = offer.usage_limit_per_customer
    # Without a customer (an anonymous preview) the per-customer limit cannot be read; it is
    # checked again when the order is placed.
    if per_customer is not None and cart.customer_id and usage.by_customer >= per_customer:
        return reasons.customer_limit_reached(per_customer)
    if offer.min_order_amount is not None and cart.subtotal < offer.min_order_amount:
        return reasons.min_amount_not_reached(offer.min_order_amount)
    if offer.min_quantity is not None and offer.units_in_scope(cart.lines) < offer.min_quantity:
        return reasons.min_quantity_not_reached(offer.min_quantity)
    return None


def evaluate(
    cart: Cart,
    offers: Iterable[Offer],
    codes: Sequence[str],
    usage: Mapping[str, UsageCount],
    now: datetime,
) -> Evaluation:
    """Apply the automatic promotions among `offers` and those whose code is in `codes`."""
    offers = list(offers)
    by_code = {o.code: o for o in offers if o.code is not None}
    typed = list(dict.fromkeys(normalize_code(c) for c in codes if c.strip()))
    refused: dict[str, RefusedCode] = {}
    candidates: list[tuple[Offer, Discount]] = []

    def qualify(offer: Offer) -> Refusal | Discount:
        refusal = refusal_before_discount(offer, cart, usage.get(offer.id, UsageCount()), now)
        if refusal is not None:
            return refusal
        found = discount_of(offer, cart, Remaining.of(cart))
        if isinstance(found, Discount) and found.total == 0:
            return reasons.no_saving()
        return found

    for offer in offers:
        if offer.code is None and isinstance(found := qualify(offer), Discount):
            candidates.append((offer, found))
    for code in typed:
        coded = by_code.get(code)
        if coded is None:
            refused[code] = RefusedCode(code, None, reasons.unknown_code())
        elif isinstance(found := qualify(coded), Discount):
            candidates.append((coded, found))
        else:
            refused[code] = RefusedCode(code, coded.id, found)

    chosen = _best_outcome(cart, candidates)
    applied_ids = {a.offer.id for a in chosen}
    for offer, _ in candidates:
        if offer.code is not None and offer.id not in applied_ids:
            combinable_lost = not offer.exclusive and not any(a.offer.exclusive for a in chosen)
            refusal = reasons.no_saving() if combinable_lost else reasons.not_combinable()
            refused[offer.code] = RefusedCode(offer.code, offer.id, refusal)
    return Evaluation(
        cart, tuple(chosen), tuple(refused[code] for code in typed if code in refused)
    )


def _best_outcome(cart: Cart, candidates: list[tuple[Offer, Discount]]) -> list[Applied]:
    ordered = sorted(candidates, key=lambda c: c[0].redemption_order)
    best = _combined(cart, [offer for offer, _ in ordered if not offer.exclusive])
    best_total = sum(a.discount.total for a in best)
    for offer, alone in ordered:
        if offer.exclusive and alone.total > best_total:
            best, best_total = [Applied(offer, alone)], alone.total
    return best


def _combined(cart: Cart, offers: list[Offer]) -> list[Applied]:
    """Combinable promotions one after the other, each on what is left to pay."""
    left = Remaining.of(cart)
    applied: list[Applied] = []
    for offer in offers:
        found = discount_of(offer, cart, left)
        if isinstance(found, Discount) and found.total > 0:
            applied.append(Applied(offer, found))
            left = left.after(found)
    return applied
