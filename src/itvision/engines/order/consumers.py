"""What the order engine reacts to: the saga's answers about its orders (inventory's
reservation, payment's outcome and refunds, shipping's dispatch and delivery), billing's
accepted quotes and closed group buys, which become orders. Each handler turns the event into
a command and runs its use case in the unit of work that also marks the event applied (once
per event). An answer about an order not placed yet raises NotYet: the event is parked until
the order exists (see `services.progress`)."""

from __future__ import annotations

from typing import Any

from itvision.engines.billing.events import QuoteAccepted
from itvision.engines.groupbuy.events import GroupClosed
from itvision.engines.inventory.events import ReservationConfirmed, ReservationRefused
from itvision.engines.order.commands import (
    Address,
    PlaceGroupOrder,
    PlaceQuotedOrder,
    QuotedLine,
    RecordDelivery,
    RecordDispatch,
    RecordPayment,
    RecordPaymentFailure,
    RecordRefundPayment,
    RecordRefusal,
    RecordReservation,
    Said,
)
from itvision.engines.order.events import SOURCE
from itvision.engines.order.services import checkout, group_orders, progress
from itvision.engines.payment.events import PaymentFailed, PaymentSucceeded, RefundCompleted
from itvision.engines.shipping.events import ShipmentDelivered, ShipmentDispatched
from itvision.platform.bus.consumer import ConsumerGroup
from itvision.platform.events import Event
from itvision.platform.uow import UnitOfWork

GROUP = ConsumerGroup(SOURCE)


def _said(event: Event[Any]) -> Said:
    return Said(
        topic=event.type,
        event_id=str(event.id),
        engine=event.envelope.source,
        at=event.envelope.timestamp,
    )


@GROUP.on("inventory.reservation.confirmed")
async def stock_reserved(event: Event[ReservationConfirmed], uow: UnitOfWork) -> None:
    answer = event.payload
    command = RecordReservation(_said(event), answer.order_id, answer.reservation_id)
    await progress.record_reservation(uow, command)


@GROUP.on("inventory.reservation.refused")
async def stock_refused(event: Event[ReservationRefused], uow: UnitOfWork) -> None:
    answer = event.payload
    await progress.record_refusal(uow, RecordRefusal(_said(event), answer.order_id, answer.reason))


@GROUP.on("payment.payment.succeeded")
async def payment_succeeded(event: Event[PaymentSucceeded], uow: UnitOfWork) -> None:
    payment = event.payload
    if payment.participation_id is not None:
        return  # a group-buy participation's money, not an order's
    command = RecordPayment(
        said=_said(event),
        order_id=payment.order_id,
        payment_id=payment.payment_id,
        amount=payment.amount,
        method=payment.method,
        provider_reference=payment.provider_reference,
    )
    await progress.record_payment(uow, command)


@GROUP.on("payment.payment.failed")
async def payment_failed(event: Event[PaymentFailed], uow: UnitOfWork) -> None:
    payment = event.payload
    if payment.participation_id is not None:
        return  # a group-buy participation's money, not an order's
    command = RecordPaymentFailure(
        said=_said(event),
        order_id=payment.order_id,
        payment_id=payment.payment_id,
        method=payment.method,
        reason=payment.reason,
    )
    await progress.record_payment_failure(uow, command)


@GROUP.on("payment.refund.completed")
async def refund_paid(event: Event[RefundCompleted], uow: UnitOfWork) -> None:
    refund = event.payload
    if refund.participation_id is not None:
        return  # a group-buy participation's money, not an order's
    command = RecordRefundPayment(
        said=_said(event),
        order_id=refund.order_id,
        payment_refund_id=refund.refund_id,
        order_refund_id=refund.order_refund_id,
        amount=refund.amount,
        method=refund.method,
        manual=refund.manual,
        operator=refund.operator,
    )
    await progress.record_refund_payment(uow, command)


@GROUP.on("shipping.shipment.dispatched")
async def shipment_dispatched(event: Event[ShipmentDispatched], uow: UnitOfWork) -> None:
    shipment = event.payload
    command = RecordDispatch(
        said=_said(event),
        order_id=shipment.order_id,
        shipment_id=shipment.shipment_id,
        carrier=shipment.carrier,
        tracking_number=shipment.tracking_number,
        estimated_delivery_at=shipment.estimated_delivery_at,
    )
    await progress.record_dispatch(uow, command)


@GROUP.on("shipping.shipment.delivered")
async def shipment_delivered(event: Event[ShipmentDelivered], uow: UnitOfWork) -> None:
    shipment = event.payload
    command = RecordDelivery(
        said=_said(event),
        order_id=shipment.order_id,
        shipment_id=shipment.shipment_id,
        cash_collected=shipment.cash_collected,
    )
    await progress.record_delivery(uow, command)


@GROUP.on("billing.quote.accepted")
async def quote_accepted(event: Event[QuoteAccepted], uow: UnitOfWork) -> None:
    quote = event.payload
    address = quote.delivery_address
    command = PlaceQuotedOrder(
        said=_said(event),
        quote_id=quote.quote_id,
        quote_number=quote.quote_number,
        customer_id=quote.customer_id,
        lines=tuple(
            QuotedLine(
                sku=line.sku,
                product_id=line.product_id,
                description=line.description,
                quantity=line.quantity,
                unit_price_excl_vat=line.unit_price,
            )
            for line in quote.lines
        ),
        vat_rate=quote.vat_rate,
        vat_amount=quote.vat_amount,
        total=quote.total,
        payment_method=quote.payment_method,
        delivery_method=quote.delivery_method,
        address=Address(**address.model_dump()) if address is not None else None,
    )
    await checkout.place_quoted_order(uow, command)


@GROUP.on("groupbuy.group.closed")
async def group_closed(event: Event[GroupClosed], uow: UnitOfWork) -> None:
    group = event.payload
    for participant in group.participants:
        if participant.participation_id is None:
            continue  # a group closed before participations were paid through payment
        address = participant.delivery_address
        command = PlaceGroupOrder(
            said=_said(event),
            group_id=group.group_id,
            group_name=group.name,
            participation_id=participant.participation_id,
            customer_id=participant.customer_id,
            sku=group.sku,
            product_id=group.product_id,
            quantity=participant.quantity,
            unit_price=participant.unit_price or group.final_unit_price,
            payment_method=participant.payment_method or "wave",
            delivery_method=participant.delivery_method,
            address=Address(**address.model_dump()) if address is not None else None,
        )
        await group_orders.place_group_order(uow, command)
