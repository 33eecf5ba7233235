"""What the billing API reads and answers. A customer reads only their own documents; the
public verification answers no personal data."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Discriminator, Field, StringConstraints, Tag

from itvision.engines.billing.commands import (
    AcceptQuote,
    Address,
    Buyer,
    CreateQuote,
    QuotedLine,
)
from itvision.engines.billing.queries.credit_notes import CreditNoteView
from itvision.engines.billing.queries.invoices import InvoiceView
from itvision.engines.billing.queries.quotes import QuoteView
from itvision.engines.billing.queries.verification import Verification
from itvision.engines.billing.rules.amounts import PricedLine
from itvision.engines.billing.rules.states import CreditReason, InvoiceStatus, QuoteStatus
from itvision.engines.billing.rules.words import amount_in_words
from itvision.engines.catalog import CatalogSku
from itvision.engines.payment.events import PaymentMethod
from itvision.platform.auth import Principal
from itvision.platform.errors import InvalidInput
from itvision.platform.events import Rate
from itvision.platform.inputs import InputModel, Moment, nonblank

Sku = Annotated[str, nonblank(100)]
CustomerId = Annotated[str, nonblank(100)]
DeliveryMethod = Literal["home_delivery", "pickup"]


class BuyerIn(InputModel):
    """Who the quote is made out to: a person, or a company (its NINEA and RCCM printed)."""

    name: Annotated[str, nonblank(200)] = Field(description="The person, or the company's contact")
    company: Annotated[str, nonblank(200)] | None = Field(
        default=None, description="A company: its invoice is a business invoice, with terms"
    )
    ninea: Annotated[str, nonblank(40)] | None = None
    rccm: Annotated[str, nonblank(60)] | None = None
    phone: Annotated[str, nonblank(40)] | None = None
    email: Annotated[str, nonblank(200)] | None = None
    address: Annotated[str, nonblank(300)] | None = None


class QuoteLineIn(InputModel):
    sku: Sku = Field(description="A product or variant of the catalog")
    description: Annotated[str, nonblank(300)] | None = Field(
        default=None, description="The catalog's name when left out"
    )
    quantity: Annotated[int, Field(ge=1, le=100_000)]
    unit_price: Annotated[int, Field(ge=1, le=1_000_000_000)] = Field(
        description="One unit before VAT, in XOF"
    )
    discount_percent: Annotated[int, Field(ge=0, le=90)] = 0


class QuoteCreate(InputModel):
    customer_id: CustomerId | None = Field(
        default=None, description="Staff name the customer; a customer quotes for themselves"
    )
    buyer: BuyerIn
    lines: list[QuoteLineIn] = Field(min_length=1, max_length=100)
    valid_until: Moment | None = Field(
        default=None, description="A moment to come; by default the engine's validity period"
    )
    note: Annotated[str, nonblank(1000)] | None = None

    def command(self, caller: Principal, catalog: dict[str, CatalogSku]) -> CreateQuote:
        """The quote to create: each line a catalog SKU, on one line only."""
        if caller.is_staff and self.customer_id is None:
            raise InvalidInput("name the customer the quote is for", field="customer_id")
        if not caller.is_staff and self.customer_id not in (None, caller.subject):
            raise InvalidInput("a customer asks quotes for themselves", field="customer_id")
        seen: set[str] = set()
        lines = []
        for index, line in enumerate(self.lines):
            field = f"lines.{index}.sku"
            if line.sku in seen:
                raise InvalidInput(f"SKU {line.sku} is on two lines", field=field)
            seen.add(line.sku)
            item = catalog.get(line.sku)
            if item is None:
                raise InvalidInput(f"SKU {line.sku} is not in the catalog", field=field)
            lines.append(
                QuotedLine(
                    sku=line.sku,
                    product_id=item.product_id,
                    description=line.description or item.name,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    discount_percent=line.discount_percent,
                )
            )
        return CreateQuote(
            customer_id=self.customer_id or caller.subject,
            buyer=Buyer(**self.buyer.model_dump()),
            lines=tuple(lines),
            caller=caller,
            valid_until=self.valid_until,
            note=self.note,
        )


class AddressIn(InputModel):
    recipient_name: Annotated[str, nonblank(200)]
    phone: Annotated[str, nonblank(40)]
    city: Annotated[str, nonblank(100)]
    area: Annotated[str, nonblank(100)] | None = Field(
        default=None, description="Neighbourhood (quartier)"
    )
    address_line: Annotated[str, nonblank(300)] | None = None
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] = "SN"


class PickupIn(InputModel):
    method: Literal["pickup"] = Field(description="At the store")


class HomeDeliveryIn(InputModel):
    method: Literal["home_delivery"]
    address: AddressIn


def _delivery_method(value: Any) -> str | None:
    method = value.get("method") if isinstance(value, dict) else getattr(value, "method", None)
    return method if isinstance(method, str) else None


Delivery = Annotated[
    Annotated[PickupIn, Tag("pickup")] | Annotated[HomeDeliveryIn, Tag("home_delivery")],
    Discriminator(
        _delivery_method,
        custom_error_type="delivery_method",
        custom_error_message="method is pickup or home_delivery",
    ),
]


class QuoteAcceptance(InputModel):
    payment_method: PaymentMethod
    delivery: Delivery = Field(
        default_factory=lambda: PickupIn(method="pickup"),
        description="Picked up at the store unless delivered home, at the address given",
    )

    def command(self, quote_id: str, caller: Principal) -> AcceptQuote:
        delivery = self.delivery
        address = delivery.address if isinstance(delivery, HomeDeliveryIn) else None
        return AcceptQuote(
            quote_id=quote_id,
            caller=caller,
            payment_method=self.payment_method,
            delivery_address=Address(**address.model_dump()) if address else None,
        )


# Answers -------------------------------------------------------------------------------------


class BuyerPublic(BaseModel):
    name: str
    company: str | None = None
    ninea: str | None = None
    rccm: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    country: str | None = None


class QuoteLinePublic(BaseModel):
    sku: str
    product_id: str
    description: str
    quantity: int
    unit_price: int = Field(description="One unit before VAT and discount")
    discount_percent: int
    net_unit_price: int = Field(description="One unit before VAT, after the discount")
    amount: int = Field(description="The line before VAT, after the discount")


class QuotePublic(BaseModel):
    id: str
    number: str
    customer_id: str
    status: QuoteStatus
    buyer: BuyerPublic
    lines: list[QuoteLinePublic]
    gross: int = Field(description="Before discounts and VAT")
    discount_total: int
    subtotal: int = Field(description="Before VAT, after discounts")
    vat_rate: Rate
    vat_amount: int
    total: int = Field(description="VAT included")
    total_in_words: str
    currency: str
    valid_until: datetime
    note: str | None
    created_by: str
    created_at: datetime
    accepted_at: datetime | None
    accepted_by: str | None
    payment_method: PaymentMethod | None
    delivery_method: DeliveryMethod | None
    order_id: str | None = Field(description="The order the accepted quote became, once placed")

    @classmethod
    def of(cls, view: QuoteView) -> QuotePublic:
        quote = view.quote
        lines = []
        for line in quote.lines:
            priced = PricedLine(line["quantity"], line["unit_price"], line["discount_percent"])
            lines.append(
                QuoteLinePublic(**line, net_unit_price=priced.net_unit_price, amount=priced.amount)
            )
        return cls(
            id=quote.id,
            number=quote.number,
            customer_id=quote.customer_id,
            status=view.status,
            buyer=BuyerPublic(**quote.buyer),
            lines=lines,
            gross=quote.gross,
            discount_total=quote.discount_total,
            subtotal=quote.subtotal,
            vat_rate=quote.vat_rate,
            vat_amount=quote.vat_amount,
            total=quote.total,
            total_in_words=amount_in_words(quote.total),
            currency=quote.currency,
            valid_until=quote.valid_until,
            note=quote.note,
            created_by=quote.created_by,
            created_at=quote.created_at,
            accepted_at=quote.accepted_at,
            accepted_by=quote.accepted_by,
            payment_method=quote.payment_method,
            delivery_method=quote.delivery_method,
            order_id=quote.order_id,
        )


class InvoiceLinePublic(BaseModel):
    sku: str
    description: str
    quantity: int
    unit_price: int = Field(description="One unit, VAT included, before the discount")
    discount: int = Field(description="On the whole line, VAT included")
    amount: int = Field(description="The line, VAT included, after the discount")


class InvoicePublic(BaseModel):
    id: str
    number: str
    order_id: str
    customer_id: str
    quote_id: str | None
    status: InvoiceStatus
    is_business: bool
    buyer: BuyerPublic
    lines: list[InvoiceLinePublic]
    subtotal: int = Field(description="The lines, VAT included, before discounts")
    discount_total: int
    shipping_fee: int
    amount_excl_vat: int
    vat_rate: Rate
    vat_amount: int
    total: int = Field(description="VAT included")
    total_in_words: str
    currency: str
    payment_method: PaymentMethod
    paid_amount: int
    credited_amount: int
    balance_due: int
    issued_at: datetime
    due_at: datetime
    paid_at: datetime | None
    verification_url: str

    @classmethod
    def of(cls, view: InvoiceView, verification_url: str) -> InvoicePublic:
        invoice = view.invoice
        return cls(
            id=invoice.id,
            number=invoice.number,
            order_id=invoice.order_id,
            customer_id=invoice.customer_id,
            quote_id=invoice.quote_id,
            status=view.status,
            is_business=invoice.is_business,
            buyer=BuyerPublic(**invoice.buyer),
            lines=[InvoiceLinePublic(**line) for line in invoice.lines],
            subtotal=invoice.subtotal,
            discount_total=invoice.discount_total,
            shipping_fee=invoice.shipping_fee,
            amount_excl_vat=invoice.amount_excl_vat,
            vat_rate=invoice.vat_rate,
            vat_amount=invoice.vat_amount,
            total=invoice.total,
            total_in_words=amount_in_words(invoice.total),
            currency=invoice.currency,
            payment_method=invoice.payment_method,
            paid_amount=view.paid,
            credited_amount=view.credited,
            balance_due=view.balance_due,
            issued_at=invoice.issued_at,
            due_at=invoice.due_at,
            paid_at=view.paid_at,
            verification_url=verification_url,
        )


class CreditLinePublic(BaseModel):
    kind: Literal["goods", "shipping", "refund", "balance"]
    sku: str
    description: str
    quantity: int
    amount: int = Field(description="VAT included")


class CreditNotePublic(BaseModel):
    id: str
    number: str
    invoice_id: str
    invoice_number: str
    order_id: str
    customer_id: str
    reason: CreditReason
    order_refund_id: str | None
    lines: list[CreditLinePublic]
    amount: int = Field(description="VAT included")
    amount_excl_vat: int
    vat_amount: int
    amount_in_words: str
    currency: str
    issued_at: datetime
    verification_url: str

    @classmethod
    def of(cls, view: CreditNoteView, verification_url: str) -> CreditNotePublic:
        note = view.note
        return cls(
            id=note.id,
            number=note.number,
            invoice_id=note.invoice_id,
            invoice_number=view.invoice_number,
            order_id=note.order_id,
            customer_id=note.customer_id,
            reason=note.reason,
            order_refund_id=note.order_refund_id,
            lines=[CreditLinePublic(**line) for line in note.lines],
            amount=note.amount,
            amount_excl_vat=note.amount - note.vat_amount,
            vat_amount=note.vat_amount,
            amount_in_words=amount_in_words(note.amount),
            currency=note.currency,
            issued_at=note.issued_at,
            verification_url=verification_url,
        )


class VerificationPublic(BaseModel):
    """What anyone holding a document's QR link may know of it: that it exists, as issued."""

    valid: Literal[True] = True
    kind: Literal["invoice", "credit_note"]
    number: str
    issued_at: datetime
    total: int = Field(description="VAT included")
    currency: str
    status: str = Field(description="An invoice's: issued, paid, overdue or credited")
    seller_name: str
    invoice_number: str | None = Field(description="For a credit note, the invoice it credits")

    @classmethod
    def of(cls, found: Verification) -> VerificationPublic:
        return cls(
            kind=found.kind,
            number=found.number,
            issued_at=found.issued_at,
            total=found.total,
            currency=found.currency,
            status=found.status,
            seller_name=found.seller_name,
            invoice_number=found.invoice_number,
        )


class OverdueReport(BaseModel):
    flagged: int = Field(description="Invoices announced overdue by this run")
