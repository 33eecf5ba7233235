"""Events of the payment engine: payments through Orange Money, Wave, card or cash, and refunds.

`PaymentMethod` is shared with the order and billing contracts; it also names the provider
(`wave`, `orange_money`; `cash_on_delivery` is settled by the courier). Every event carries the
provider's reference and the fee the provider keeps (for profitability).
"""

from typing import Literal

from pydantic import Field

from itvision.platform.events import Amount, Currency, Payload, UtcDatetime
from itvision.platform.topics import Topic

SOURCE = "payment-engine"

PaymentMethod = Literal["orange_money", "wave", "cash_on_delivery", "card"]


class PaymentInitiated(Payload):
    payment_id: str
    order_id: str
    customer_id: str
    amount: Amount
    currency: Currency = "XOF"
    method: PaymentMethod
    provider_reference: str | None = None
    checkout_url: str | None = Field(
        default=None, description="Where the customer approves the payment (Wave launch URL…)"
    )
    fee: Amount = Field(default=0, description="What the provider will keep")
    expires_at: UtcDatetime | None = None
    initiated_at: UtcDatetime
    participation_id: str | None = Field(
        default=None,
        description="Set for a group-buy participation's payment: `order_id` is then the "
        "participation id (no order exists yet); order engines ignore these",
    )


class PaymentSucceeded(Payload):
    payment_id: str
    order_id: str
    customer_id: str
    amount: Amount
    fee: Amount = 0
    currency: Currency = "XOF"
    method: PaymentMethod
    provider_reference: str | None = None
    succeeded_at: UtcDatetime
    transaction_id: str | None = Field(
        default=None, description="The provider's transaction (Wave `T_…`, Orange Money txnid)"
    )
    participation_id: str | None = Field(
        default=None,
        description="Set for a group-buy participation's payment: `order_id` is then the "
        "participation id (no order exists yet); order engines ignore these",
    )


class PaymentFailed(Payload):
    payment_id: str
    order_id: str
    customer_id: str
    amount: Amount
    currency: Currency = "XOF"
    method: PaymentMethod
    reason: Literal[
        "insufficient_funds",
        "declined",
        "expired",
        "cancelled_by_customer",
        "amount_mismatch",
        "provider_error",
    ]
    provider_reference: str | None = None
    fee: Amount = 0
    failed_at: UtcDatetime
    participation_id: str | None = Field(
        default=None,
        description="Set for a group-buy participation's payment: `order_id` is then the "
        "participation id (no order exists yet); order engines ignore these",
    )


class RefundCompleted(Payload):
    refund_id: str
    payment_id: str
    order_id: str
    customer_id: str
    order_refund_id: str | None = Field(
        default=None,
        description="The `refundId` of the `order.order.refunded` it pays; None for the refund "
        "of a cancelled order",
    )
    amount: Amount
    currency: Currency = "XOF"
    method: PaymentMethod
    manual: bool = Field(
        default=False, description="Paid back by hand (Orange Money, cash) and recorded"
    )
    operator: str | None = Field(default=None, description="Who recorded a manual refund")
    provider_reference: str | None = None
    fee: Amount = 0
    completed_at: UtcDatetime
    participation_id: str | None = Field(
        default=None,
        description="Set for a group-buy participation's payment: `order_id` is then the "
        "participation id (no order exists yet); order engines ignore these",
    )


TOPICS: tuple[Topic, ...] = (
    Topic(
        "payment.payment.initiated",
        PaymentInitiated,
        SOURCE,
        "A payment was started with a provider (Paiement initié)",
        key="order_id",
    ),
    Topic(
        "payment.payment.succeeded",
        PaymentSucceeded,
        SOURCE,
        "A payment was confirmed by its provider (Paiement réussi)",
        key="order_id",
    ),
    Topic(
        "payment.payment.failed",
        PaymentFailed,
        SOURCE,
        "A payment failed or was abandoned (Paiement échoué)",
        key="order_id",
    ),
    Topic(
        "payment.refund.completed",
        RefundCompleted,
        SOURCE,
        "Money was returned to the customer (Remboursement effectué)",
        key="order_id",
    ),
)
