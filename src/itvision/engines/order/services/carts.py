"""Carts: a customer's (by their subject) or an anonymous session's (by its `X-Cart-Session`),
created on first use. Each change emits `order.cart.updated` with the lines at the price last
seen; the cart is priced again, live, whenever it is read (`queries.carts`)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from itvision.engines.order.commands import (
    ApplyCartCode,
    CartOwner,
    ChooseDelivery,
    MergeCarts,
    RemoveCartCode,
    RemoveCartLine,
    SetCartLine,
    SpendCartPoints,
)
from itvision.engines.order.events import SOURCE, CartUpdated, OrderLine
from itvision.engines.order.models import Cart, CartLine
from itvision.engines.order.rules import carts as rules
from itvision.platform.errors import NotFound
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, UnitOfWork, unit_of_work

Change = Callable[[UnitOfWork, Cart, datetime], Awaitable[None]]


async def set_cart_line(on: Runner, command: SetCartLine) -> Cart:
    async def change(uow: UnitOfWork, cart: Cart, now: datetime) -> None:
        item = command.item
        line = next((ln for ln in cart.lines if ln.sku == item.sku), None)
        quantity = rules.line_quantity(
            line.quantity if line else 0, command.quantity, add=command.add
        )
        if line is None:
            line = CartLine(sku=item.sku, added_at=now)
            cart.lines.append(line)
            rules.check_room(len(cart.lines), len(cart.codes))
        line.product_id = item.product_id
        line.variant_id = item.variant_id
        line.name = item.name
        line.weight_grams = item.weight_grams
        line.unit_price = item.unit_price
        line.quantity = quantity

    return await _changing(on, command.owner, change)


async def remove_cart_line(on: Runner, command: RemoveCartLine) -> Cart:
    async def change(uow: UnitOfWork, cart: Cart, now: datetime) -> None:
        line = next((ln for ln in cart.lines if ln.sku == command.sku), None)
        if line is None:
            raise NotFound(f"{command.sku!r} is not in the cart", field="sku")
        cart.lines.remove(line)

    return await _changing(on, command.owner, change)


async def apply_cart_code(on: Runner, command: ApplyCartCode) -> Cart:
    """The code is kept even if it does not apply (yet): reading the cart says why."""

    async def change(uow: UnitOfWork, cart: Cart, now: datetime) -> None:
        code = rules.normalize_code(command.code)
        if code not in cart.codes:
            cart.codes = [*cart.codes, code]
            rules.check_room(len(cart.lines), len(cart.codes))

    return await _changing(on, command.owner, change)


async def remove_cart_code(on: Runner, command: RemoveCartCode) -> Cart:
    async def change(uow: UnitOfWork, cart: Cart, now: datetime) -> None:
        code = rules.normalize_code(command.code)
        if code not in cart.codes:
            raise NotFound(f"{code!r} is not applied to the cart", field="code")
        cart.codes = [c for c in cart.codes if c != code]

    return await _changing(on, command.owner, change)


async def spend_cart_points(on: Runner, command: SpendCartPoints) -> Cart:
    async def change(uow: UnitOfWork, cart: Cart, now: datetime) -> None:
        cart.points_requested = command.points

    return await _changing(on, command.owner, change)


async def choose_delivery(on: Runner, command: ChooseDelivery) -> Cart:
    async def change(uow: UnitOfWork, cart: Cart, now: datetime) -> None:
        cart.delivery_method = command.method
        cart.delivery_address = asdict(command.address)

    return await _changing(on, command.owner, change)


async def merge_carts(on: Runner, command: MergeCarts) -> Cart:
    """The session's lines are added to the customer's (quantities summed, up to the limit),
    its codes joined, its delivery choice taken when the customer had none; the session's
    cart is then gone. Merging an unknown or already merged session changes nothing."""

    async def change(uow: UnitOfWork, cart: Cart, now: datetime) -> None:
        anonymous = await uow.session.scalar(
            select(Cart).where(Cart.session_id == command.session_id).with_for_update()
        )
        if anonymous is None:
            return
        mine = {line.sku: line for line in cart.lines}
        for line in anonymous.lines:
            if line.sku in mine:
                total = mine[line.sku].quantity + line.quantity
                mine[line.sku].quantity = min(total, rules.MAX_LINE_QUANTITY)
            elif len(cart.lines) < rules.MAX_LINES:
                cart.lines.append(
                    CartLine(
                        sku=line.sku,
                        product_id=line.product_id,
                        variant_id=line.variant_id,
                        name=line.name,
                        weight_grams=line.weight_grams,
                        quantity=line.quantity,
                        unit_price=line.unit_price,
                        added_at=line.added_at,
                    )
                )
        codes = list(dict.fromkeys([*cart.codes, *anonymous.codes]))
        cart.codes = codes[: rules.MAX_CODES]
        if cart.delivery_method is None:
            cart.delivery_method = anonymous.delivery_method
            cart.delivery_address = anonymous.delivery_address
        await uow.session.delete(anonymous)

    return await _changing(on, CartOwner(customer_id=command.customer_id), change)


async def _changing(on: Runner, owner: CartOwner, change: Change) -> Cart:
    try:
        return await _change(on, owner, change)
    except IntegrityError:
        if not isinstance(on, UnitOfWork):
            # Two first requests of the same owner at once both created its cart (PostgreSQL
            # runs them side by side): the other one won; change that cart.
            return await _change(on, owner, change)
        raise


async def _change(on: Runner, owner: CartOwner, change: Change) -> Cart:
    async with unit_of_work(on, SOURCE) as uow:
        now = utcnow()
        cart = await _cart_of(uow, owner, now)
        await change(uow, cart, now)
        cart.updated_at = now
        await uow.session.flush()
        uow.emit(
            CartUpdated(
                cart_id=cart.id,
                customer_id=cart.customer_id,
                session_id=cart.session_id,
                lines=[
                    OrderLine(
                        sku=line.sku,
                        product_id=line.product_id,
                        variant_id=line.variant_id,
                        name=line.name,
                        quantity=line.quantity,
                        unit_price=line.unit_price,
                    )
                    for line in cart.lines
                ],
                subtotal=sum(line.quantity * line.unit_price for line in cart.lines),
                updated_at=now,
            )
        )
        return cart


async def _cart_of(uow: UnitOfWork, owner: CartOwner, now: datetime) -> Cart:
    if owner.customer_id is not None:
        where = Cart.customer_id == owner.customer_id
    else:
        where = Cart.session_id == owner.session_id
    # The lines are read by a second statement, after the lock: joined to the locked row, a
    # PostgreSQL read that waited for the lock would see them as they were before it waited.
    cart = await uow.session.scalar(
        select(Cart).where(where).with_for_update().execution_options(populate_existing=True)
    )
    if cart is None:
        cart = Cart(
            id=str(uuid.uuid4()),
            customer_id=owner.customer_id,
            session_id=None if owner.customer_id is not None else owner.session_id,
            codes=[],
            created_at=now,
            updated_at=now,
            lines=[],
        )
        uow.session.add(cart)
        await uow.session.flush()
    return cart
