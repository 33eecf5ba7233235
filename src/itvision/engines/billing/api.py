"""The billing API, mounted at /api/billing: quotes (staff, or a customer for themselves),
invoices and credit notes (a customer reads their own, staff all), each as a PDF in French or
English, and the public verification of a document that its QR code links to. Issued invoices
and credit notes are never changed: there is no route to change or delete one."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from itvision.engines.billing import queries
from itvision.engines.billing.commands import FlagOverdueInvoices
from itvision.engines.billing.queries.documents import verification_url
from itvision.engines.billing.queries.invoices import InvoiceFilters
from itvision.engines.billing.rules.numbering import NUMBER_PATTERN
from itvision.engines.billing.rules.states import InvoiceStatus, QuoteStatus
from itvision.engines.billing.schemas import (
    CreditNotePublic,
    CustomerId,
    InvoicePublic,
    OverdueReport,
    QuoteAcceptance,
    QuoteCreate,
    QuotePublic,
    VerificationPublic,
)
from itvision.engines.billing.services import invoices, quotes
from itvision.engines.billing.settings import BillingSettings
from itvision.engines.catalog import get_skus
from itvision.platform.auth import Anyone, Principal, Role, Staff, require
from itvision.platform.deps import PlatformDep
from itvision.platform.events import utcnow
from itvision.platform.inputs import Moment
from itvision.platform.openapi import may_answer
from itvision.platform.pagination import Page, Paging

router = APIRouter()

Reader = Annotated[Principal, require(Role.ADMIN, Role.STAFF, Role.CUSTOMER)]
Id = Annotated[str, Path(min_length=1, max_length=36)]
Lang = Annotated[
    Literal["fr", "en"], Query(description="The document's language: French unless `en`")
]
Number = Annotated[
    str, Path(pattern=NUMBER_PATTERN, max_length=30, description="FAC-2026-000001, AV-…")
]


class PdfResponse(Response):
    """A PDF document, documented as such in OpenAPI."""

    media_type = "application/pdf"


def _pdf(content: bytes, number: str) -> PdfResponse:
    return PdfResponse(content, headers={"Content-Disposition": f'inline; filename="{number}.pdf"'})


def _own(caller: Principal, customer_id: str | None) -> str | None:
    """The customer whose records the caller lists: their own, unless staff."""
    return customer_id if caller.is_staff else caller.subject


# Quotes --------------------------------------------------------------------------------------


@router.post("/quotes", status_code=201, response_model=QuotePublic)
async def create_quote(platform: PlatformDep, body: QuoteCreate, caller: Reader) -> QuotePublic:
    """A quote (devis) for catalog products at prices before VAT; staff name the customer, a
    customer quotes for themselves. 422 on `lines.N.sku` for a SKU the catalog does not sell."""
    catalog = await get_skus(platform, [line.sku for line in body.lines])
    quote = await quotes.create_quote(platform, body.command(caller, catalog))
    return QuotePublic.of(queries.quotes.view_of(quote, utcnow()))


@router.get("/quotes", response_model=Page[QuotePublic])
async def list_quotes(
    platform: PlatformDep,
    caller: Reader,
    paging: Paging,
    customer_id: Annotated[CustomerId | None, Query(description="Staff only")] = None,
    status: QuoteStatus | None = None,
) -> Page[QuotePublic]:
    """Quotes, newest first; a customer sees their own."""
    rows, total = await queries.quotes.quotes(
        platform, paging, utcnow(), customer_id=_own(caller, customer_id), status=status
    )
    return Page.of([QuotePublic.of(r) for r in rows], total, paging)


@router.get("/quotes/{quote_id}", response_model=QuotePublic)
async def read_quote(platform: PlatformDep, quote_id: Id, caller: Reader) -> QuotePublic:
    view = await queries.quotes.quote(platform, quote_id, utcnow())
    caller.ensure_owns(view.quote.customer_id, "quote")
    return QuotePublic.of(view)


@router.get("/quotes/{quote_id}/pdf", response_class=PdfResponse)
async def quote_pdf(
    platform: PlatformDep, quote_id: Id, caller: Reader, lang: Lang = "fr"
) -> PdfResponse:
    view = await queries.quotes.quote(platform, quote_id, utcnow())
    caller.ensure_owns(view.quote.customer_id, "quote")
    return _pdf(await queries.documents.quote_pdf(platform, view, lang), view.quote.number)


@router.post("/quotes/{quote_id}/accept", response_model=QuotePublic)
async def accept_quote(
    platform: PlatformDep, quote_id: Id, body: QuoteAcceptance, caller: Reader
) -> QuotePublic:
    """The customer (or staff for them) accepts an open quote, saying how it will be paid and
    delivered: the order engine then places the order at the quoted prices. 409
    `quote_accepted` or `quote_expired` otherwise."""
    quote = await quotes.accept_quote(platform, body.command(quote_id, caller))
    return QuotePublic.of(queries.quotes.view_of(quote, utcnow()))


# Invoices ------------------------------------------------------------------------------------


@router.get("/invoices", response_model=Page[InvoicePublic])
async def list_invoices(
    platform: PlatformDep,
    caller: Reader,
    paging: Paging,
    customer_id: Annotated[CustomerId | None, Query(description="Staff only")] = None,
    status: InvoiceStatus | None = None,
    order_id: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    number: Annotated[str | None, Query(max_length=30)] = None,
    business: Annotated[bool | None, Query(description="Business invoices only, or none")] = None,
    issued_from: Annotated[Moment | None, Query(description="Issued at or after")] = None,
    issued_to: Annotated[Moment | None, Query(description="Issued before")] = None,
) -> Page[InvoicePublic]:
    """Invoices, newest first; a customer sees their own."""
    filters = InvoiceFilters(
        customer_id=_own(caller, customer_id),
        status=status,
        order_id=order_id,
        number=number,
        business=business,
        issued_from=issued_from,
        issued_to=issued_to,
    )
    rows, total = await queries.invoices.invoices(platform, paging, filters, utcnow())
    settings = platform.settings_of(BillingSettings)
    return Page.of(
        [
            InvoicePublic.of(
                r, verification_url(settings, r.invoice.number, r.invoice.verification_token)
            )
            for r in rows
        ],
        total,
        paging,
    )


@router.get("/invoices/{invoice_id}", response_model=InvoicePublic)
async def read_invoice(platform: PlatformDep, invoice_id: Id, caller: Reader) -> InvoicePublic:
    view = await queries.invoices.invoice(platform, invoice_id, utcnow())
    caller.ensure_owns(view.invoice.customer_id, "invoice")
    settings = platform.settings_of(BillingSettings)
    url = verification_url(settings, view.invoice.number, view.invoice.verification_token)
    return InvoicePublic.of(view, url)


@router.get("/invoices/{invoice_id}/pdf", response_class=PdfResponse)
async def invoice_pdf(
    platform: PlatformDep, invoice_id: Id, caller: Reader, lang: Lang = "fr"
) -> PdfResponse:
    view = await queries.invoices.invoice(platform, invoice_id, utcnow())
    caller.ensure_owns(view.invoice.customer_id, "invoice")
    return _pdf(await queries.documents.invoice_pdf(platform, view, lang), view.invoice.number)


@router.post("/overdue", response_model=OverdueReport)
async def flag_overdue(platform: PlatformDep, _: Staff) -> OverdueReport:
    """Announce the business invoices unpaid a day past their due date now (the daily job
    `billing-overdue` does it too); each is announced once."""
    return OverdueReport(
        flagged=await invoices.flag_overdue_invoices(platform, FlagOverdueInvoices())
    )


# Credit notes --------------------------------------------------------------------------------


@router.get("/credit-notes", response_model=Page[CreditNotePublic])
async def list_credit_notes(
    platform: PlatformDep,
    caller: Reader,
    paging: Paging,
    customer_id: Annotated[CustomerId | None, Query(description="Staff only")] = None,
    invoice_id: Annotated[str | None, Query(min_length=1, max_length=36)] = None,
    order_id: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
) -> Page[CreditNotePublic]:
    """Credit notes (avoirs), newest first; a customer sees their own."""
    rows, total = await queries.credit_notes.credit_notes(
        platform,
        paging,
        customer_id=_own(caller, customer_id),
        invoice_id=invoice_id,
        order_id=order_id,
    )
    settings = platform.settings_of(BillingSettings)
    return Page.of(
        [
            CreditNotePublic.of(
                r, verification_url(settings, r.note.number, r.note.verification_token)
            )
            for r in rows
        ],
        total,
        paging,
    )


@router.get("/credit-notes/{credit_note_id}", response_model=CreditNotePublic)
async def read_credit_note(
    platform: PlatformDep, credit_note_id: Id, caller: Reader
) -> CreditNotePublic:
    view = await queries.credit_notes.credit_note(platform, credit_note_id)
    caller.ensure_owns(view.note.customer_id, "credit_note")
    settings = platform.settings_of(BillingSettings)
    url = verification_url(settings, view.note.number, view.note.verification_token)
    return CreditNotePublic.of(view, url)


@router.get("/credit-notes/{credit_note_id}/pdf", response_class=PdfResponse)
async def credit_note_pdf(
    platform: PlatformDep, credit_note_id: Id, caller: Reader, lang: Lang = "fr"
) -> PdfResponse:
    view = await queries.credit_notes.credit_note(platform, credit_note_id)
    caller.ensure_owns(view.note.customer_id, "credit_note")
    return _pdf(await queries.documents.credit_note_pdf(platform, view, lang), view.note.number)


# Verification --------------------------------------------------------------------------------


@router.get("/verify/{number}", response_model=VerificationPublic, responses=may_answer(404))
async def verify(
    platform: PlatformDep,
    number: Number,
    _: Anyone,
    t: Annotated[str, Query(min_length=1, max_length=64, description="The document's token")],
) -> VerificationPublic:
    """Open to anyone holding a document's QR link: that the invoice or credit note exists as
    issued, its total and status; nothing personal. 404 for an unknown number or token."""
    found = await queries.verification.verify_document(platform, number, t, utcnow())
    return VerificationPublic.of(found)
