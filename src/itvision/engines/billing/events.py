"""Events of the billing engine: quotes, invoices and credit notes.

Document numbers (`invoice_number`...) are the legal, gap-free numbers printed on the documents;
the `*_id` fields are internal identifiers.
"""

from decimal import Decimal
from typing import Literal

from pydantic import Field

from itvision.engines.order.events import DeliveryAddress
from itvision.engines.payment.events import PaymentMethod
from itvision.platform.events import Amount, Currency, Payload, Rate, UtcDatetime
from itvision.platform.topics import Topic

SOURCE = "billing-engine"


class QuoteLine(Payload):
    sku: str
    product_id: str
    description: str
    quantity: int = Field(gt=0)
    unit_price: Amount = Field(description="One unit, before VAT, after discounts")


class QuoteCreated(Payload):
    quote_id: str
    quote_number: str
    customer_id: str
    lines: list[QuoteLine] = Field(min_length=1)
    subtotal: Amount = Field(description="Before VAT, after discounts")
    discount_total: Amount = 0
    vat_rate: Rate
    vat_amount: Amount
    total: Amount = Field(description="VAT included")
    currency: Currency = "XOF"
    valid_until: UtcDatetime
    document_url: str | None = None
    created_at: UtcDatetime


class QuoteAccepted(Payload):
    """Carries what the order engine needs to make the order at the quoted prices."""

    quote_id: str
    quote_number: str
    customer_id: str
    lines: list[QuoteLine] = Field(default_factory=list)
    subtotal: Amount = Field(default=0, description="Before VAT, after discounts")
    discount_total: Amount = 0
    vat_rate: Rate = Decimal("0.18")
    vat_amount: Amount = 0
    total: Amount
    currency: Currency = "XOF"
    payment_method: PaymentMethod = "cash_on_delivery"
    delivery_method: Literal["home_delivery", "pickup"] = "pickup"
    delivery_address: DeliveryAddress | None = None
    accepted_by: str | None = None
    accepted_at: UtcDatetime


class InvoiceGenerated(Payload):
    invoice_id: str
    invoice_number: str
    order_id: str
    customer_id: str
    quote_id: str | None = None
    subtotal: Amount = Field(description="Before VAT, after discounts")
    vat_rate: Rate
    vat_amount: Amount
    total: Amount = Field(description="VAT included")
    currency: Currency = "XOF"
    issued_at: UtcDatetime
    due_at: UtcDatetime
    document_url: str | None = None


class InvoicePaid(Payload):
    invoice_id: str
    invoice_number: str
    order_id: str
    customer_id: str
    amount_paid: Amount
    currency: Currency = "XOF"
    payment_id: str | None = None
    payment_method: PaymentMethod
    paid_at: UtcDatetime


class InvoiceOverdue(Payload):
    invoice_id: str
    invoice_number: str
    order_id: str
    customer_id: str
    amount_due: Amount
    currency: Currency = "XOF"
    due_at: UtcDatetime
    days_overdue: int = Field(ge=1)


class CreditIssued(Payload):
    credit_note_id: str
    credit_note_number: str
    invoice_id: str
    invoice_number: str
    order_id: str
    customer_id: str
    amount: Amount = Field(description="VAT included")
    currency: Currency = "XOF"
    reason: Literal["refund", "return", "billing_error", "commercial_gesture"]
    order_refund_id: str | None = Field(
        default=None,
        description="The `refundId` of the `order.order.refunded` it credits; None when it "
        "credits a cancelled order",
    )
    document_url: str | None = None
    issued_at: UtcDatetime


TOPICS: tuple[Topic, ...] = (
    Topic(
        "billing.quote.created",
        QuoteCreated,
        SOURCE,
        "A quote was issued to a customer (Devis créé)",
        key="quote_id",
    ),
    Topic(
        "billing.quote.accepted",
        QuoteAccepted,
        SOURCE,
        "A customer accepted a quote (Devis accepté)",
        key="quote_id",
    ),
    Topic(
        "billing.invoice.generated",
        InvoiceGenerated,
        SOURCE,
        "An invoice was issued for an order (Facture générée)",
        key="order_id",
    ),
    Topic(
        "billing.invoice.paid",
        InvoicePaid,
        SOURCE,
        "An invoice was paid (Facture payée)",
        key="order_id",
    ),
    Topic(
        "billing.invoice.overdue",
        InvoiceOverdue,
        SOURCE,
        "An invoice passed its due date unpaid (Facture en retard)",
        key="order_id",
    ),
    Topic(
        "billing.credit.issued",
        CreditIssued,
        SOURCE,
        "A credit note was issued against an invoice (Avoir émis)",
        key="order_id",
    ),
)
