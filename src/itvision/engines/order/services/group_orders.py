"""A closed group buy's orders: one per participant (`groupbuy.group.closed`), at the group's
price for that participant, VAT included, delivered as the participant chose, free of
shipping (the group's price is the deal). The order names its participation: inventory takes
the stock the participation held, payment pays it from the participation's payment, and the
saga goes on as for any paid order. The same participation again (a redelivered event)
changes nothing."""

from __future__ import annotations

from sqlalchemy import select

from itvision.engines.order.commands import PlacedLine, PlaceGroupOrder
from itvision.engines.order.events import SOURCE
from itvision.engines.order.models import Order
from itvision.engines.order.rules.quotes import excl_vat
from itvision.engines.order.rules.totals import Totals, vat_inside
from itvision.engines.order.services.checkout import announce, new_order
from itvision.engines.order.services.order_book import OrderBook
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, unit_of_work


async def place_group_order(on: Runner, command: PlaceGroupOrder) -> Order:
    async with unit_of_work(on, SOURCE) as uow:
        existing = await uow.session.scalar(
            select(Order).where(Order.participation_id == command.participation_id)
        )
        if existing is not None:
            return existing
        now = utcnow()
        line = PlacedLine(
            sku=command.sku,
            product_id=command.product_id,
            variant_id=None,
            name=command.group_name or command.sku,
            quantity=command.quantity,
            unit_price=command.unit_price,
            unit_price_excl_vat=excl_vat(command.unit_price),
            discount=0,
        )
        total = command.unit_price * command.quantity
        order = new_order(
            uow,
            now,
            customer_id=command.customer_id,
            payment_method=command.payment_method,
            delivery_method=command.delivery_method,
            address=command.address,
            lines=(line,),
            totals=Totals(total, 0, 0, vat_inside(total), total),
            group_id=command.group_id,
            participation_id=command.participation_id,
        )
        await uow.session.flush()
        book = OrderBook(uow, now)
        book.write(order, command.said, "Achat groupé clôturé")
        announce(book, order, None, command.group_name or command.group_id)
        return order
