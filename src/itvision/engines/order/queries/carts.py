"""A cart, priced live: each line at the pricing engine's price now (VAT included), discounted
by the promotions the promotion engine applies (and why each code it does not apply was
refused), with the shipping fee the shipping engine quotes for the chosen address, the total
and the VAT it holds (`rules.totals`). The same reading, checked, is what a checkout places.

All of it reads other engines through their facades, with the platform; nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from itvision.engines.catalog import get_skus
from itvision.engines.loyalty import redemption_terms
from itvision.engines.order.commands import (
    Address,
    CartItem,
    CartOwner,
    CheckoutMethod,
    DeliveryMethod,
    PlacedLine,
    PlaceOrder,
)
from itvision.engines.order.models import Cart, CartLine
from itvision.engines.order.rules.totals import (
    LineAmount,
    Totals,
    cart_weight,
    line_discounts,
    totals_of,
)
from itvision.engines.pricing import SkuPrice, prices_at
from itvision.engines.promotion import Cart as PromotionCart
from itvision.engines.promotion import CartLine as PromotionLine
from itvision.engines.promotion import Evaluation, evaluate_cart
from itvision.engines.shipping import Destination, quote_fee
from itvision.platform.errors import Conflict, NotFound
from itvision.platform.events import utcnow
from itvision.platform.system import Platform
from itvision.platform.uow import Runner, read_session


@dataclass(frozen=True, slots=True)
class PricedLine:
    sku: str
    product_id: str
    variant_id: str | None
    name: str
    quantity: int
    unit_price: int  # now; the price last seen when the SKU has none now (`priced` False)
    unit_price_excl_vat: int | None
    weight_grams: int | None
    discount: int
    priced: bool

    @property
    def total(self) -> int:
        return self.quantity * self.unit_price - self.discount


@dataclass(frozen=True, slots=True)
class AppliedPromotion:
    promotion_id: str
    name: str
    code: str | None  # None: an automatic sale
    discount: int


@dataclass(frozen=True, slots=True)
class RefusedCode:
    code: str
    reason: str
    message_fr: str
    message_en: str


@dataclass(frozen=True, slots=True)
class ShippingQuote:
    zone: str
    zone_name: str
    fee: int
    free_from: int | None
    estimated_days: int


@dataclass(frozen=True, slots=True)
class SpentPoints:
    """Loyalty points spent on the cart: those asked for, those that apply (no more than the
    balance, nor than the programme's share of the goods after promotions), what they pay."""

    requested: int
    redeemed: int
    discount: int
    available: int


@dataclass(frozen=True, slots=True)
class PricedCart:
    cart_id: str | None  # None: nothing was put in it yet
    customer_id: str | None
    session_id: str | None
    lines: tuple[PricedLine, ...]
    codes: tuple[str, ...]
    promotions: tuple[AppliedPromotion, ...]
    refused_codes: tuple[RefusedCode, ...]
    delivery_method: DeliveryMethod | None
    address: Address | None
    shipping: ShippingQuote | None  # None: no address yet, or no zone serves it
    totals: Totals
    weight_grams: int
    updated_at: datetime | None
    points: SpentPoints | None = None  # None: no points asked for

    @property
    def deliverable(self) -> bool:
        """An address was chosen and a shipping zone serves it."""
        return self.address is not None and self.shipping is not None


async def cart_of(on: Runner, owner: CartOwner) -> Cart | None:
    if owner.customer_id is not None:
        where = Cart.customer_id == owner.customer_id
    else:
        where = Cart.session_id == owner.session_id
    async with read_session(on) as session:
        # With its lines in the same statement (a change reads them after taking the lock).
        return await session.scalar(select(Cart).where(where).options(joinedload(Cart.lines)))


async def sellable_item(platform: Platform, sku: str) -> CartItem:
    """A SKU a customer may put in a cart: known to the catalog, on sale (active), priced.
    404 on `sku` for an unknown SKU, 409 for one not on sale or without a price."""
    item = (await get_skus(platform, [sku])).get(sku)
    if item is None:
        raise NotFound(f"no product has the SKU {sku!r}", field="sku")
    if item.status != "active":
        raise Conflict(f"{sku!r} is not on sale", field="sku")
    price = (await prices_at(platform, [item.sku], utcnow())).get(item.sku)
    if price is None:
        raise Conflict(f"{sku!r} has no price yet", field="sku")
    return CartItem(
        sku=item.sku,
        product_id=item.product_id,
        variant_id=item.variant_id,
        name=item.name,
        weight_grams=item.weight_grams,
        unit_price=price.price_incl_vat,
    )


async def priced_cart(platform: Platform, owner: CartOwner, cart: Cart | None = None) -> PricedCart:
    """The owner's cart priced now; `cart` is the owner's cart as a change just left it (not
    read again)."""
    if cart is None:
        cart = await cart_of(platform, owner)
    if cart is None:
        return _empty(owner)
    now = utcnow()
    prices = await prices_at(platform, [line.sku for line in cart.lines], now)
    lines = [_priced_line(line, prices.get(line.sku)) for line in cart.lines]
    address = Address(**cart.delivery_address) if cart.delivery_address else None
    method: DeliveryMethod | None = cart.delivery_method  # type: ignore[assignment]
    weight = cart_weight((line.quantity, line.weight_grams) for line in lines)
    on_sale = [line for line in lines if line.priced]
    goods = sum(line.quantity * line.unit_price for line in on_sale)
    destination = (
        Destination(address.country, address.city, address.area, method)
        if address is not None and method is not None
        else None
    )
    # The fee depends on the goods after discounts (free delivery from an amount) and a
    # free-shipping promotion on the fee: quote on the goods, apply the promotions, and quote
    # again on what the discounts left (and apply them again only if the fee changed).
    customer = cart.customer_id  # a loyalty tier may deliver them free
    shipping = (
        await _shipping(platform, destination, weight, goods, customer) if destination else None
    )
    evaluation = await _promotions(platform, on_sale, shipping, owner, cart.codes, now)
    if destination is not None and evaluation is not None and evaluation.items_discount:
        left = goods - evaluation.items_discount
        discounted = await _shipping(platform, destination, weight, left, customer)
        if _fee(discounted) != _fee(shipping):
            evaluation = await _promotions(platform, on_sale, discounted, owner, cart.codes, now)
        shipping = discounted
    promotions: tuple[AppliedPromotion, ...] = ()
    refused: tuple[RefusedCode, ...] = ()
    shipping_discount = 0
    if evaluation is not None:
        discounts = iter(
            line_discounts(len(on_sale), (a.discount.lines for a in evaluation.applied))
        )
        lines = [replace(ln, discount=next(discounts)) if ln.priced else ln for ln in lines]
        shipping_discount = evaluation.shipping_discount
        promotions = tuple(
            AppliedPromotion(a.offer.id, a.offer.name, a.offer.code, a.discount.total)
            for a in evaluation.applied
        )
        refused = tuple(
            RefusedCode(r.code, r.refusal.reason.value, r.refusal.message_fr, r.refusal.message_en)
            for r in evaluation.refused
        )
    fee = _fee(shipping)
    left_to_pay = sum(ln.total for ln in lines if ln.priced)
    points = await _points(platform, cart, left_to_pay)
    totals = totals_of(
        (LineAmount(ln.quantity, ln.unit_price, ln.discount) for ln in lines if ln.priced),
        fee,
        shipping_discount,
        points_discount=points.discount if points else 0,
    )
    return PricedCart(
        cart_id=cart.id,
        customer_id=cart.customer_id,
        session_id=cart.session_id,
        lines=tuple(lines),
        codes=tuple(cart.codes),
        promotions=promotions,
        refused_codes=refused,
        delivery_method=method,
        address=address,
        shipping=shipping,
        totals=totals,
        weight_grams=weight,
        updated_at=cart.updated_at,
        points=points,
    )


async def _points(platform: Platform, cart: Cart, goods_left: int) -> SpentPoints | None:
    """What the points the customer asked to spend pay, read from the loyalty engine now."""
    if not cart.points_requested or cart.customer_id is None:
        return None
    terms = await redemption_terms(platform, cart.customer_id)
    redeemed, discount = terms.redeemable(cart.points_requested, goods_left)
    return SpentPoints(cart.points_requested, redeemed, discount, terms.available)


async def order_to_place(
    platform: Platform,
    customer_id: str,
    payment_method: CheckoutMethod,
    idempotency_key: str,
    request_hash: str,
) -> PlaceOrder:
    """The customer's cart as an order to place, at today's prices; 409 naming what keeps it
    from being ordered (empty, a line without a price, no address, an address no zone serves).
    """
    cart = await priced_cart(platform, CartOwner(customer_id=customer_id))
    if cart.cart_id is None or not cart.lines:
        raise Conflict("the cart is empty", field="cart.lines")
    for index, line in enumerate(cart.lines):
        if not line.priced:
            raise Conflict(f"{line.sku!r} is no longer for sale", field=f"cart.lines.{index}.sku")
    if cart.address is None or cart.delivery_method is None:
        raise Conflict("choose a delivery address or a pickup first", field="cart.delivery")
    if cart.shipping is None:
        raise Conflict(
            f"no delivery zone serves {cart.address.city}"
            + (f" ({cart.address.area})" if cart.address.area else ""),
            field="delivery_address.city",
        )
    return PlaceOrder(
        customer_id=customer_id,
        idempotency_key=idempotency_key,
        request_hash=request_hash,
        cart_id=cart.cart_id,
        lines=tuple(
            PlacedLine(
                sku=line.sku,
                product_id=line.product_id,
                variant_id=line.variant_id,
                name=line.name,
                quantity=line.quantity,
                unit_price=line.unit_price,
                unit_price_excl_vat=line.unit_price_excl_vat,
                discount=line.discount,
            )
            for line in cart.lines
        ),
        subtotal=cart.totals.subtotal,
        discount_total=cart.totals.discount_total,
        shipping_fee=cart.totals.shipping_fee,
        vat_total=cart.totals.vat_total,
        total=cart.totals.total,
        payment_method=payment_method,
        delivery_method=cart.delivery_method,
        address=cart.address,
        shipping_zone=cart.shipping.zone,
        promotion_codes=tuple(p.code for p in cart.promotions if p.code is not None),
        points_redeemed=cart.points.redeemed if cart.points else 0,
        points_discount=cart.points.discount if cart.points else 0,
    )


def _empty(owner: CartOwner) -> PricedCart:
    return PricedCart(
        cart_id=None,
        customer_id=owner.customer_id,
        session_id=owner.session_id,
        lines=(),
        codes=(),
        promotions=(),
        refused_codes=(),
        delivery_method=None,
        address=None,
        shipping=None,
        totals=totals_of(()),
        weight_grams=0,
        updated_at=None,
    )


def _priced_line(line: CartLine, price: SkuPrice | None) -> PricedLine:
    return PricedLine(
        sku=line.sku,
        product_id=line.product_id,
        variant_id=line.variant_id,
        name=line.name,
        quantity=line.quantity,
        unit_price=price.price_incl_vat if price is not None else line.unit_price,
        unit_price_excl_vat=price.price_excl_vat if price is not None else None,
        weight_grams=line.weight_grams,
        discount=0,
        priced=price is not None,
    )


def _fee(shipping: ShippingQuote | None) -> int:
    return shipping.fee if shipping is not None else 0


async def _promotions(
    platform: Platform,
    lines: list[PricedLine],
    shipping: ShippingQuote | None,
    owner: CartOwner,
    codes: list[str],
    now: datetime,
) -> Evaluation | None:
    """What the promotion engine applies to the lines on sale (None: nothing to discount)."""
    if not lines:
        return None
    cart = PromotionCart(
        tuple(PromotionLine(ln.sku, ln.product_id, ln.quantity, ln.unit_price) for ln in lines),
        _fee(shipping),
        owner.customer_id,
    )
    return await evaluate_cart(platform, cart, codes, now=now)


async def _shipping(
    platform: Platform,
    destination: Destination,
    weight: int,
    subtotal: int,
    customer_id: str | None,
) -> ShippingQuote | None:
    fee = await quote_fee(platform, destination, weight, subtotal, customer_id)
    if fee is None:
        return None
    return ShippingQuote(fee.zone, fee.zone_name, fee.fee, fee.free_from, fee.estimated_days)
