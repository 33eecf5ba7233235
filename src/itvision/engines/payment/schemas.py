"""What the payment API reads and answers. A customer sees their own payments; staff see every
payment and refund. The Orange Money `notif_token` is never shown."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from itvision.engines.payment.events import PaymentMethod
from itvision.engines.payment.rules.states import FailureReason, OrderState, PaymentStatus
from itvision.engines.payment.services.reconciliation import ReconcileReport
from itvision.platform.inputs import InputModel, nonblank

OrderId = Annotated[str, nonblank(100), Field(description="The order to pay")]
RefundStatus = Literal["pending", "awaiting_operator", "completed"]


class PaymentCreate(InputModel):
    """An order to pay, or a group-buy participation (exactly one of them)."""

    participation_id: (
        Annotated[str, nonblank(100), Field(description="The group-buy participation to pay")]
        | None
    ) = None
    order_id: OrderId | None = Field(default=None, validate_default=True)

    @field_validator("order_id")
    @classmethod
    def _one_thing_to_pay(cls, order_id: str | None, info: ValidationInfo) -> str | None:
        # Declared after `participation_id`, so that one is known here (when it was valid).
        if (order_id is None) == (info.data.get("participation_id") is None):
            raise ValueError("give either order_id or participation_id")
        return order_id

    @property
    def payable_id(self) -> str:
        """The payment engine keys a participation like an order."""
        return self.order_id or self.participation_id or ""

    @property
    def field(self) -> str:
        return "body.order_id" if self.order_id else "body.participation_id"


class PaymentPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    order_id: str = Field(description="The order paid, or the participation id")
    participation_id: str | None = Field(description="Set for a group-buy participation")
    customer_id: str
    amount: int
    currency: str
    method: PaymentMethod
    status: PaymentStatus
    checkout_url: str | None = Field(description="Where the customer approves the payment")
    provider_reference: str | None
    transaction_id: str | None
    fee: int = Field(description="What the provider keeps (expected, until it succeeds)")
    refunded: int = Field(description="Given back, or being given back")
    failure_reason: FailureReason | None
    expires_at: datetime | None
    created_at: datetime
    settled_at: datetime | None


class NotPayableProblem(BaseModel):
    """409 `not_payable`: the problem names the order's state."""

    state: OrderState


class RefundPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    payment_id: str
    order_id: str
    customer_id: str
    order_refund_id: str | None
    amount: int
    currency: str
    method: PaymentMethod
    status: RefundStatus
    manual: bool = Field(description="Paid back by hand, then recorded by an operator")
    operator: str | None
    note: str | None
    provider_reference: str | None
    attempts: int
    last_error: str | None
    created_at: datetime
    completed_at: datetime | None


class RefundCompletion(InputModel):
    """How the money went back (by hand: Orange Money transfer, cash)."""

    note: Annotated[str, nonblank(500)] | None = None
    reference: (
        Annotated[str, nonblank(200), Field(description="The transfer's reference, if any")] | None
    ) = None


class WebhookAck(BaseModel):
    received: bool = True
    duplicate: bool = Field(default=False, description="Received before: applied once")
    ignored: bool = Field(default=False, description="An event this API does not act on")


class ReconcileReportPublic(BaseModel):
    checked: int
    results: dict[str, int] = Field(
        description="How many came out succeeded, failed, pending, unreachable, abandoned"
    )

    @classmethod
    def of(cls, report: ReconcileReport) -> ReconcileReportPublic:
        return cls(checked=report.checked, results=dict(report.results))


class ReturnPage(BaseModel):
    payment_id: str
    status: PaymentStatus
