"""The states of quotes and invoices, derived from what happened to them: an issued invoice is
never changed, so whether it is paid, overdue or credited is read from its payments, its
credit notes and the clock."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from itvision.platform.errors import Conflict

QuoteStatus = Literal["open", "accepted", "expired"]
InvoiceStatus = Literal["issued", "paid", "overdue", "credited"]
CreditReason = Literal["refund", "return", "billing_error", "commercial_gesture"]
RefundReason = Literal["cancelled", "returned", "damaged", "not_delivered", "commercial_gesture"]


def quote_status(valid_until: datetime, accepted_at: datetime | None, now: datetime) -> QuoteStatus:
    if accepted_at is not None:
        return "accepted"
    return "expired" if now > valid_until else "open"


class QuoteNotOpen(Conflict):
    """A quote accepted already, or past its validity, cannot be accepted (again): the code
    says which (`quote_accepted`, `quote_expired`)."""

    def __init__(self, number: str, status: QuoteStatus, since: datetime) -> None:
        when = since.date().isoformat()
        what = f"was accepted on {when}" if status == "accepted" else f"expired on {when}"
        super().__init__(f"quote {number} {what}: it cannot be accepted", field="quote_id")
        self.code = f"quote_{status}"
        self.quote_status = status


def ensure_open(
    number: str, valid_until: datetime, accepted_at: datetime | None, now: datetime
) -> None:
    status = quote_status(valid_until, accepted_at, now)
    if status == "accepted" and accepted_at is not None:
        raise QuoteNotOpen(number, status, accepted_at)
    if status == "expired":
        raise QuoteNotOpen(number, status, valid_until)


def due_at(issued_at: datetime, *, is_business: bool, due_days: int, terms_days: int) -> datetime:
    """A consumer pays when ordering or on delivery (`due_days`, 0 by default); a business
    pays within its payment terms."""
    return issued_at + timedelta(days=terms_days if is_business else due_days)


def days_overdue(due: datetime, now: datetime) -> int:
    """Whole days past the due time (0 while not past by a full day)."""
    return max((now - due).days, 0)


def invoice_status(
    *,
    total: int,
    paid: int,
    credited: int,
    is_business: bool,
    due: datetime,
    now: datetime,
) -> InvoiceStatus:
    if total > 0 and credited >= total:
        return "credited"
    if paid + credited >= total:
        return "paid"
    if is_business and days_overdue(due, now) >= 1:
        return "overdue"
    return "issued"


def credit_reason(refund_reason: RefundReason) -> CreditReason:
    """Why a refund's credit note is issued: goods that came back are a return."""
    if refund_reason in ("returned", "damaged"):
        return "return"
    if refund_reason == "commercial_gesture":
        return "commercial_gesture"
    return "refund"
