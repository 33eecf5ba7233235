"""Quotes, invoices and credit notes as PDF files: what each says (`rules.documents`), drawn by
`rules.pdf` in a worker thread (rendering is CPU work that would hold the event loop).

An invoice and a credit note print the seller and the buyer as the invoice recorded them when
it was issued; the QR code links to the public verification of the document."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from itvision.engines.billing.queries.credit_notes import CreditNoteView, credit_note_by_number
from itvision.engines.billing.queries.invoices import InvoiceView, invoice_by_number
from itvision.engines.billing.queries.quotes import QuoteView, quote_by_number, quote_number
from itvision.engines.billing.rules.amounts import PricedLine
from itvision.engines.billing.rules.amounts import format_amount as money
from itvision.engines.billing.rules.documents import (
    CREDIT_REASONS,
    Document,
    Party,
    Total,
    country_name,
    deducted,
    discount_text,
    format_date,
    in_words,
    invoice_terms,
    label,
    party_details,
    vat_label,
)
from itvision.engines.billing.rules.numbering import CREDIT_NOTE, INVOICE, parse_number
from itvision.engines.billing.rules.pdf import render_pdf
from itvision.engines.billing.rules.words import Language
from itvision.engines.billing.settings import BillingSettings
from itvision.platform.errors import NotFound
from itvision.platform.uow import Runner


def verification_url(settings: BillingSettings, number: str, token: str) -> str:
    return f"{settings.public_url}/api/billing/verify/{number}?t={token}"


async def invoice_pdf(on: Runner, view: InvoiceView, lang: Language) -> bytes:
    invoice = view.invoice
    quoted = await quote_number(on, invoice.quote_id) if invoice.quote_id else None
    settings = on.settings_of(BillingSettings)
    seller, buyer = invoice.seller, invoice.buyer
    facts = [(label(lang, "date"), format_date(invoice.issued_at, lang))]
    if invoice.due_at.date() != invoice.issued_at.date():
        facts.append((label(lang, "due"), format_date(invoice.due_at, lang)))
    facts.append((label(lang, "order"), invoice.order_id))
    if quoted:
        facts.append((label(lang, "quote_ref"), quoted))
    totals = [Total(label(lang, "subtotal_incl"), money(invoice.subtotal))]
    if invoice.discount_total:
        totals.append(Total(label(lang, "discounts"), deducted(money(invoice.discount_total))))
    if invoice.shipping_fee:
        totals.append(Total(label(lang, "shipping"), money(invoice.shipping_fee)))
    totals += [
        Total(label(lang, "total_excl"), money(invoice.amount_excl_vat)),
        Total(vat_label(invoice.vat_rate, lang), money(invoice.vat_amount)),
        Total(label(lang, "net_to_pay"), money(invoice.total), emphasis=True),
    ]
    document = Document(
        lang=lang,
        title=label(lang, "invoice"),
        number=invoice.number,
        facts=tuple(facts),
        seller=_seller(seller, lang),
        buyer_heading=label(lang, "billed_to"),
        buyer=_buyer(buyer, invoice.customer_id, lang),
        columns=_columns(lang, "unit_price_incl", "amount_incl"),
        rows=tuple(
            (
                line["sku"],
                line["description"],
                str(line["quantity"]),
                money(line["unit_price"]),
                money(line["discount"]) if line["discount"] else "",
                money(line["amount"]),
            )
            for line in invoice.lines
        ),
        totals=tuple(totals),
        in_words=in_words("invoice", invoice.total, lang),
        terms_heading=label(lang, "terms"),
        terms=invoice_terms(
            lang=lang,
            payment_method=invoice.payment_method,
            is_business=invoice.is_business,
            terms_days=(invoice.due_at - invoice.issued_at).days,
            due=invoice.due_at,
            bank_account=seller.get("bank_account") or "",
        ),
        qr_url=verification_url(settings, invoice.number, invoice.verification_token),
        qr_caption=label(lang, "verify"),
        footer=_footer(seller, lang),
    )
    return await asyncio.to_thread(render_pdf, document)


async def credit_note_pdf(on: Runner, view: CreditNoteView, lang: Language) -> bytes:
    note = view.note
    settings = on.settings_of(BillingSettings)
    rows = []
    for line in note.lines:
        description = line["description"]
        if line["kind"] != "goods":
            title = label(lang, f"{line['kind']}_line")
            description = f"{title}{_colon(lang)}{description}" if description else title
        rows.append((line["sku"], description, str(line["quantity"]), money(line["amount"])))
    document = Document(
        lang=lang,
        title=label(lang, "credit_note"),
        number=note.number,
        facts=(
            (label(lang, "date"), format_date(note.issued_at, lang)),
            (label(lang, "invoice_ref"), view.invoice_number),
            (label(lang, "order"), note.order_id),
        ),
        seller=_seller(view.seller, lang),
        buyer_heading=label(lang, "customer"),
        buyer=_buyer(view.buyer, note.customer_id, lang),
        columns=(
            label(lang, "ref"),
            label(lang, "description"),
            label(lang, "quantity"),
            label(lang, "amount_incl"),
        ),
        rows=tuple(rows),
        totals=(
            Total(label(lang, "total_excl"), money(note.amount - note.vat_amount)),
            Total(vat_label(view.vat_rate, lang), money(note.vat_amount)),
            Total(label(lang, "credited"), money(note.amount), emphasis=True),
        ),
        in_words=in_words("credit_note", note.amount, lang),
        terms=(
            label(
                lang,
                "credit_of",
                invoice=view.invoice_number,
                date=format_date(view.invoice_issued_at, lang),
                reason=CREDIT_REASONS[lang][note.reason],  # type: ignore[index]
            ),
            label(lang, "credit_refund"),
        ),
        qr_url=verification_url(settings, note.number, note.verification_token),
        qr_caption=label(lang, "verify"),
        footer=_footer(view.seller, lang),
    )
    return await asyncio.to_thread(render_pdf, document)


async def quote_pdf(on: Runner, view: QuoteView, lang: Language) -> bytes:
    quote = view.quote
    settings = on.settings_of(BillingSettings)
    seller = settings.seller()
    facts = [
        (label(lang, "date"), format_date(quote.created_at, lang)),
        (label(lang, "valid_until"), format_date(quote.valid_until, lang)),
    ]
    if quote.accepted_at is not None:
        facts.append((label(lang, "accepted_on"), format_date(quote.accepted_at, lang)))
    rows = []
    for line in quote.lines:
        priced = PricedLine(line["quantity"], line["unit_price"], line["discount_percent"])
        rows.append(
            (
                line["sku"],
                line["description"],
                str(line["quantity"]),
                money(line["unit_price"]),
                discount_text(line["discount_percent"]),
                money(priced.amount),
            )
        )
    totals = []
    if quote.discount_total:
        totals += [
            Total(label(lang, "gross_excl"), money(quote.gross)),
            Total(label(lang, "discounts"), deducted(money(quote.discount_total))),
        ]
    totals += [
        Total(label(lang, "total_excl"), money(quote.subtotal)),
        Total(vat_label(quote.vat_rate, lang), money(quote.vat_amount)),
        Total(label(lang, "total_incl"), money(quote.total), emphasis=True),
    ]
    rate = format(quote.vat_rate * 100, "f").rstrip("0").rstrip(".")
    document = Document(
        lang=lang,
        title=label(lang, "quote"),
        number=quote.number,
        facts=tuple(facts),
        seller=_seller(seller, lang),
        buyer_heading=label(lang, "customer"),
        buyer=_buyer(quote.buyer, quote.customer_id, lang),
        columns=_columns(lang, "unit_price_excl", "amount_excl"),
        rows=tuple(rows),
        totals=tuple(totals),
        in_words=in_words("quote", quote.total, lang),
        terms_heading=label(lang, "terms"),
        terms=(
            label(lang, "quote_validity", date=format_date(quote.valid_until, lang), rate=rate),
            label(lang, "quote_accept"),
        ),
        note=quote.note,
        signature=label(lang, "signature"),
        footer=_footer(seller, lang),
    )
    return await asyncio.to_thread(render_pdf, document)


def _columns(lang: Language, unit_price: str, amount: str) -> tuple[str, ...]:
    return tuple(
        label(lang, key)
        for key in ("ref", "description", "quantity", unit_price, "discount", amount)
    )


def _seller(seller: dict[str, Any], lang: Language) -> Party:
    return Party(
        seller["name"],
        party_details(
            lang,
            address=seller.get("address"),
            phone=seller.get("phone"),
            email=seller.get("email"),
            ninea=seller.get("ninea"),
            rccm=seller.get("rccm"),
        ),
    )


def _buyer(buyer: dict[str, Any], customer_id: str, lang: Language) -> Party:
    """A company first, its contact below it; else the person."""
    company = buyer.get("company")
    address = buyer.get("address")
    if buyer.get("country"):
        country = country_name(buyer["country"], lang)
        address = f"{address}, {country}" if address else country
    details = party_details(
        lang,
        address=address,
        phone=buyer.get("phone"),
        email=buyer.get("email"),
        ninea=buyer.get("ninea"),
        rccm=buyer.get("rccm"),
        extra=(label(lang, "customer_id", id=customer_id),),
    )
    return Party(company or buyer["name"], ((buyer["name"],) if company else ()) + details)


def _colon(lang: Language) -> str:
    return " : " if lang == "fr" else ": "


def _footer(seller: dict[str, Any], lang: Language) -> str:
    return label(
        lang,
        "footer",
        seller=seller["name"],
        ninea=seller.get("ninea") or "—",
        rccm=seller.get("rccm") or "—",
    )


async def pdf_by_number(on: Runner, number: str, lang: Language, now: datetime) -> bytes:
    """The PDF of the quote, invoice or credit note with this number."""
    parsed = parse_number(number)
    if parsed is not None and parsed.series == INVOICE:
        invoice = await invoice_by_number(on, number, now)
        if invoice is not None:
            return await invoice_pdf(on, invoice, lang)
    elif parsed is not None and parsed.series == CREDIT_NOTE:
        credit = await credit_note_by_number(on, number)
        if credit is not None:
            return await credit_note_pdf(on, credit, lang)
    elif parsed is not None:
        quote = await quote_by_number(on, number, now)
        if quote is not None:
            return await quote_pdf(on, quote, lang)
    raise NotFound(f"no document numbered {number}", field="number")
