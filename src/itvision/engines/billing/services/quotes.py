"""Quotes (devis): staff, or a customer for themselves, price catalog products before VAT for
a buyer, valid until a date (`DEV-<year>-<n>`); the customer, or staff for them, accepts an
open quote with how it will be paid and delivered, and `billing.quote.accepted` carries what
the order engine needs to place the order at the quoted prices. An accepted or expired quote
cannot be accepted (409 `quote_accepted` / `quote_expired`)."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import timedelta

from sqlalchemy import select

from itvision.engines.billing.commands import AcceptQuote, CreateQuote
from itvision.engines.billing.events import (
    SOURCE,
    QuoteAccepted,
    QuoteCreated,
    QuoteLine,
)
from itvision.engines.billing.models import Quote
from itvision.engines.billing.rules import states
from itvision.engines.billing.rules.amounts import PricedLine, quote_totals
from itvision.engines.billing.rules.numbering import QUOTE
from itvision.engines.billing.services.numbering import DocumentNumbers
from itvision.engines.billing.settings import BillingSettings
from itvision.engines.order.events import DeliveryAddress
from itvision.platform.errors import InvalidInput, NotFound
from itvision.platform.events import utcnow
from itvision.platform.money import VAT_RATE, XOF
from itvision.platform.uow import Runner, unit_of_work


async def create_quote(on: Runner, command: CreateQuote) -> Quote:
    async with unit_of_work(on, SOURCE) as uow:
        settings = uow.settings_of(BillingSettings)
        now = utcnow()
        valid_until = command.valid_until or now + timedelta(days=settings.quote_validity_days)
        if valid_until <= now:
            raise InvalidInput("a quote is valid until a moment to come", field="valid_until")
        priced = [
            PricedLine(li.quantity, li.unit_price, li.discount_percent) for li in command.lines
        ]
        totals = quote_totals(priced, VAT_RATE)
        quote = Quote(
            id=str(uuid.uuid4()),
            number=await DocumentNumbers(uow.session).take(QUOTE, now.year),
            customer_id=command.customer_id,
            buyer=asdict(command.buyer),
            lines=[asdict(line) for line in command.lines],
            gross=totals.gross,
            discount_total=totals.discount_total,
            subtotal=totals.subtotal,
            vat_rate=VAT_RATE,
            vat_amount=totals.vat_amount,
            total=totals.total,
            currency=XOF,
            valid_until=valid_until,
            note=command.note,
            created_by=command.caller.subject,
            created_at=now,
        )
        uow.session.add(quote)
        uow.emit(
            QuoteCreated(
                quote_id=quote.id,
                quote_number=quote.number,
                customer_id=quote.customer_id,
                lines=_event_lines(quote),
                subtotal=quote.subtotal,
                discount_total=quote.discount_total,
                vat_rate=quote.vat_rate,
                vat_amount=quote.vat_amount,
                total=quote.total,
                currency=quote.currency,
                valid_until=quote.valid_until,
                document_url=f"{settings.public_url}/api/billing/quotes/{quote.id}/pdf",
                created_at=now,
            )
        )
        return quote


async def accept_quote(on: Runner, command: AcceptQuote) -> Quote:
    async with unit_of_work(on, SOURCE) as uow:
        quote = await uow.session.scalar(
            select(Quote).where(Quote.id == command.quote_id).with_for_update()
        )
        if quote is None:
            raise NotFound("quote not found", field="quote_id")
        command.caller.ensure_owns(quote.customer_id, "quote")
        now = utcnow()
        states.ensure_open(quote.number, quote.valid_until, quote.accepted_at, now)
        address = asdict(command.delivery_address) if command.delivery_address else None
        quote.accepted_at = now
        quote.accepted_by = command.caller.subject
        quote.payment_method = command.payment_method
        quote.delivery_method = command.delivery_method
        quote.delivery_address = address
        uow.emit(
            QuoteAccepted(
                quote_id=quote.id,
                quote_number=quote.number,
                customer_id=quote.customer_id,
                lines=_event_lines(quote),
                subtotal=quote.subtotal,
                discount_total=quote.discount_total,
                vat_rate=quote.vat_rate,
                vat_amount=quote.vat_amount,
                total=quote.total,
                currency=quote.currency,
                payment_method=command.payment_method,
                delivery_method=command.delivery_method,
                delivery_address=DeliveryAddress(**address) if address else None,
                accepted_by=command.caller.subject,
                accepted_at=now,
            )
        )
        return quote


def _event_lines(quote: Quote) -> list[QuoteLine]:
    """Each line at its unit price after the discount, before VAT."""
    return [
        QuoteLine(
            sku=line["sku"],
            product_id=line["product_id"],
            description=line["description"],
            quantity=line["quantity"],
            unit_price=PricedLine(
                line["quantity"], line["unit_price"], line["discount_percent"]
            ).net_unit_price,
        )
        for line in quote.lines
    ]
