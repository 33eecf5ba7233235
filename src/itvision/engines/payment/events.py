"""Events of the payment engine: payments through Orange Money, Wave, card or cash, and refunds.

`PaymentMethod` is shared with the order and billing contracts.
"""

from typing import Literal

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
    checkout_url: str | None = None
    initiated_at: UtcDatetime


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
    failed_at: UtcDatetime


class RefundCompleted(Payload):
    refund_id: str
    payment_id: str
    order_id: str
    customer_id: str
    amount: Amount
    currency: Currency = "XOF"
    method: PaymentMethod
    provider_reference: str | None = None
    completed_at: UtcDatetime


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
