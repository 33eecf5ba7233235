"""Placing orders: a customer's cart checked out (once per `Idempotency-Key`), or a quote the
customer accepted (once per quote). The order keeps what it was sold at — each line's unit
price and discount, the shipping fee, the VAT, the total — and `order.order.placed` (version 2:
`promotion_codes` only) starts the saga."""

from __future__ import annotations

import base64
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from itvision.engines.order import queries
from itvision.engines.order.commands import Address, PlacedLine, PlaceOrder, PlaceQuotedOrder
from itvision.engines.order.events import SOURCE, CartUpdated, DeliveryAddress, OrderLine
from itvision.engines.order.events import OrderPlaced as OrderPlacedEvent
from itvision.engines.order.models import Cart, CartLine, Checkout, Order
from itvision.engines.order.models import OrderLine as OrderLineRow
from itvision.engines.order.rules import quotes
from itvision.engines.order.rules import timeline as says
from itvision.engines.order.rules.totals import LineAmount, Totals
from itvision.engines.order.services.order_book import OrderBook
from itvision.engines.order.settings import OrderSettings
from itvision.platform.errors import Conflict, InvalidPayload
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, UnitOfWork, unit_of_work

MOBILE_MONEY = frozenset({"wave", "orange_money"})


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"

    def __init__(self) -> None:
        super().__init__(
            "this Idempotency-Key was used for another checkout: use a new key for a new order",
            field="header.Idempotency-Key",
        )


@dataclass(frozen=True, slots=True)
class Placement:
    order: Order
    replayed: bool  # the key had been seen: this is the order it made then


def new_order_id() -> str:
    """`CMD-` and 12 characters (60 random bits): short enough to read out on the phone."""
    return "CMD-" + base64.b32encode(secrets.token_bytes(8)).decode()[:12]


async def place_order(on: Runner, command: PlaceOrder) -> Placement:
    try:
        return await _place_checked_out(on, command)
    except IntegrityError:
        # Two requests with the same key at once (PostgreSQL runs them side by side): the
        # other one made the order, answer it.
        earlier = await placed_before(
            on, command.customer_id, command.idempotency_key, command.request_hash
        )
        if earlier is None:
            raise
        return earlier


async def placed_before(
    on: Runner, customer_id: str, idempotency_key: str, request_hash: str
) -> Placement | None:
    """The order a checkout with this key already placed (409 if the key came with another
    request), or None."""
    earlier = await queries.orders.checkout_of(on, customer_id, idempotency_key)
    return None if earlier is None else await _replay(on, earlier, request_hash)


async def _place_checked_out(on: Runner, command: PlaceOrder) -> Placement:
    # The API looked for the key before pricing the cart; a request with the same key that
    # placed its order since then makes the checkout row's insert fail (`place_order`).
    async with unit_of_work(on, SOURCE) as uow:
        now = utcnow()
        totals = Totals(
            command.subtotal,
            command.discount_total,
            command.shipping_fee,
            command.vat_total,
            command.total,
        )
        order = new_order(
            uow,
            now,
            customer_id=command.customer_id,
            payment_method=command.payment_method,
            delivery_method=command.delivery_method,
            address=command.address,
            lines=command.lines,
            totals=totals,
            shipping_zone=command.shipping_zone,
            promotion_codes=list(command.promotion_codes),
            points_redeemed=command.points_redeemed,
            points_discount=command.points_discount,
        )
        await uow.session.flush()  # the order before its checkout, which refers to it
        uow.session.add(
            Checkout(
                customer_id=command.customer_id,
                idempotency_key=command.idempotency_key,
                request_hash=command.request_hash,
                order_id=order.id,
                created_at=now,
            )
        )
        await uow.session.flush()
        announce(OrderBook(uow, now), order, None)
        await _empty_cart(uow, command.cart_id, now)
        return Placement(order, replayed=False)


async def _replay(on: Runner, earlier: Checkout, request_hash: str) -> Placement:
    if earlier.request_hash != request_hash:
        raise IdempotencyKeyReused()
    return Placement(await queries.orders.get_order(on, earlier.order_id), replayed=True)


async def place_quoted_order(on: Runner, command: PlaceQuotedOrder) -> Order:
    """The order of an accepted quote; the same quote again (a redelivered event) changes
    nothing."""
    async with unit_of_work(on, SOURCE) as uow:
        existing = await uow.session.scalar(select(Order).where(Order.quote_id == command.quote_id))
        if existing is not None:
            return existing
        if not command.lines:
            # An order needs goods: the event is retried, then kept as a dead letter to look at.
            raise InvalidPayload(f"quote {command.quote_number} has no lines", field="lines")
        now = utcnow()
        lines = tuple(
            PlacedLine(
                sku=line.sku,
                product_id=line.product_id,
                variant_id=None,
                name=line.description,
                quantity=line.quantity,
                unit_price=quotes.price_incl_vat(line.unit_price_excl_vat, command.vat_rate),
                unit_price_excl_vat=line.unit_price_excl_vat,
                discount=0,
            )
            for line in command.lines
        )
        totals = quotes.quote_totals(
            [LineAmount(line.quantity, line.unit_price) for line in lines],
            command.total,
            command.vat_amount,
            command.vat_rate,
        )
        order = new_order(
            uow,
            now,
            customer_id=command.customer_id,
            payment_method=command.payment_method,
            delivery_method=command.delivery_method,
            address=command.address,
            lines=lines,
            totals=totals,
            quote_id=command.quote_id,
        )
        await uow.session.flush()
        book = OrderBook(uow, now)
        book.write(order, command.said, f"Devis {command.quote_number} accepté")
        announce(book, order, command.quote_number)
        return order


def new_order(
    uow: UnitOfWork,
    now: datetime,
    *,
    customer_id: str,
    payment_method: str,
    delivery_method: str,
    address: Address | None,
    lines: tuple[PlacedLine, ...],
    totals: Totals,
    **origin: Any,
) -> Order:
    """A placed order, added to the unit of work, payable by mobile money until `pay_by`;
    `origin` holds what only some orders carry: a checkout's shipping zone, codes and points,
    a quote's id, a group buy's participation."""
    minutes = uow.settings_of(OrderSettings).payment_minutes
    order = Order(
        id=new_order_id(),
        customer_id=customer_id,
        status="placed",
        payment_method=payment_method,
        delivery_method=delivery_method,
        delivery_address=asdict(address) if address is not None else None,
        currency="XOF",
        pay_by=now + timedelta(minutes=minutes) if payment_method in MOBILE_MONEY else None,
        placed_at=now,
        updated_at=now,
        refunded_total=0,
        paid_back_total=0,
        lines=_rows_of(lines),
        **_amounts_of(totals),
        **{"shipping_zone": None, "promotion_codes": [], **origin},
    )
    uow.session.add(order)
    return order


def _rows_of(lines: tuple[PlacedLine, ...]) -> list[OrderLineRow]:
    return [
        OrderLineRow(position=index, refunded_quantity=0, **asdict(line))
        for index, line in enumerate(lines, start=1)
    ]


def _amounts_of(totals: Totals) -> dict[str, int]:
    return {
        "subtotal": totals.subtotal,
        "discount_total": totals.discount_total,
        "shipping_fee": totals.shipping_fee,
        "vat_total": totals.vat_total,
        "total": totals.total,
    }


def announce(
    book: OrderBook, order: Order, quote_number: str | None, group: str | None = None
) -> None:
    units = sum(line.quantity for line in order.lines)
    book.emit(
        order,
        placed_event(order),
        says.placed(units, order.total, order.payment_method, quote_number, group),
    )


def placed_event(order: Order) -> OrderPlacedEvent:
    address = order.delivery_address
    return OrderPlacedEvent(
        order_id=order.id,
        customer_id=order.customer_id,
        lines=[
            OrderLine(
                sku=line.sku,
                product_id=line.product_id,
                variant_id=line.variant_id,
                name=line.name,
                quantity=line.quantity,
                unit_price=line.unit_price,
                unit_price_excl_vat=line.unit_price_excl_vat,
                discount=line.discount,
            )
            for line in order.lines
        ],
        subtotal=order.subtotal,
        discount_total=order.discount_total,
        points_redeemed=order.points_redeemed or 0,
        points_discount=order.points_discount or 0,
        shipping_fee=order.shipping_fee,
        vat_total=order.vat_total,
        total=order.total,
        currency=order.currency,
        payment_method=order.payment_method,
        delivery_method=order.delivery_method,
        delivery_address=DeliveryAddress(**address) if address else None,
        promotion_codes=list(order.promotion_codes),
        quote_id=order.quote_id,
        group_id=order.group_id,
        participation_id=order.participation_id,
        pay_by=order.pay_by,
        placed_at=order.placed_at,
    )


async def _empty_cart(uow: UnitOfWork, cart_id: str, now: datetime) -> None:
    """The cart that was checked out starts again empty (its delivery choice is kept)."""
    emptied = await uow.session.execute(
        update(Cart)
        .where(Cart.id == cart_id)
        .values(codes=[], points_requested=0, updated_at=now)
        .returning(Cart.customer_id, Cart.session_id)
    )
    owner = emptied.one_or_none()
    if owner is None:
        return
    await uow.session.execute(delete(CartLine).where(CartLine.cart_id == cart_id))
    uow.emit(
        CartUpdated(
            cart_id=cart_id,
            customer_id=owner.customer_id,
            session_id=owner.session_id,
            lines=[],
            subtotal=0,
            updated_at=now,
        )
    )
