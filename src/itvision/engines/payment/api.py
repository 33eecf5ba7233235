"""The payment API, mounted at /api/payments. A customer pays their own orders and reads their
own payments (staff: any); staff read refunds and record those paid back by hand; Wave and
Orange Money call the webhook routes, which answer at once and process after."""

from __future__ import annotations

from html import escape
from typing import Annotated, Literal

import structlog
from fastapi import APIRouter, BackgroundTasks, Header, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from itvision.engines.payment import queries
from itvision.engines.payment.commands import (
    CompleteRefund,
    ProcessNotification,
    ReceiveNotification,
    ReconcilePayments,
    StartPayment,
)
from itvision.engines.payment.events import PaymentMethod
from itvision.engines.payment.rules.states import NotPayable, PaymentStatus
from itvision.engines.payment.schemas import (
    PaymentCreate,
    PaymentPublic,
    ReconcileReportPublic,
    RefundCompletion,
    RefundPublic,
    RefundStatus,
    WebhookAck,
)
from itvision.engines.payment.services import notifications, payments, reconciliation, refunds
from itvision.platform.auth import Anyone, Principal, Role, Staff, require
from itvision.platform.deps import PlatformDep
from itvision.platform.openapi import may_answer
from itvision.platform.pagination import Page, Paging
from itvision.platform.problems import problem
from itvision.platform.system import Platform

log = structlog.get_logger("itvision.payment")
PATH = "payments"
router = APIRouter()

Payer = Annotated[Principal, require(Role.CUSTOMER, Role.STAFF, Role.ADMIN)]
IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description="Yours, one per payment attempt: the same key again gives the same payment",
    ),
]
WEBHOOK_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


@router.post(
    "",
    status_code=201,
    response_model=PaymentPublic,
    responses={
        **may_answer(502),
        200: {"description": "The payment this key (or the order's open one) made before"},
    },
)
async def pay(
    platform: PlatformDep,
    body: PaymentCreate,
    caller: Payer,
    idempotency_key: IdempotencyKey,
    response: Response,
) -> PaymentPublic | JSONResponse:
    """Pay an order (or a group-buy participation, `participation_id`) by its payment method
    (Wave, Orange Money): the answer's `checkout_url` is where the customer approves it. 409
    `not_payable` with the order's `state` when it cannot be paid (stock still not reserved
    after a short wait, paid, cancelled, cash on delivery…); 502 when the provider gave no
    session (send the same request again)."""
    command = StartPayment(body.payable_id, caller, idempotency_key)
    try:
        started = await payments.start_payment(platform, command)
    except NotPayable as exc:
        return problem(409, exc.code, exc.message, field=body.field, state=exc.state)
    if not started.created:
        response.status_code = 200
    return PaymentPublic.model_validate(started.payment)


@router.get("", response_model=Page[PaymentPublic])
async def list_payments(
    platform: PlatformDep,
    caller: Payer,
    paging: Paging,
    order_id: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    status: PaymentStatus | None = None,
    method: PaymentMethod | None = None,
) -> Page[PaymentPublic]:
    """Payments, newest first; a customer sees only their own."""
    rows, total = await queries.payments(
        platform,
        paging,
        order_id=order_id,
        customer_id=None if caller.is_staff else caller.subject,
        status=status,
        method=method,
    )
    return Page.of([PaymentPublic.model_validate(r) for r in rows], total, paging)


@router.get("/refunds", response_model=Page[RefundPublic])
async def list_refunds(
    platform: PlatformDep,
    _: Staff,
    paging: Paging,
    status: RefundStatus | None = None,
    order_id: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
) -> Page[RefundPublic]:
    """Refunds, newest first: `awaiting_operator` ones are to be paid back by hand."""
    rows, total = await queries.refunds(platform, paging, status=status, order_id=order_id)
    return Page.of([RefundPublic.model_validate(r) for r in rows], total, paging)


@router.post("/refunds/{refund_id}/complete", response_model=RefundPublic)
async def complete_refund(
    platform: PlatformDep, refund_id: str, body: RefundCompletion, caller: Staff
) -> RefundPublic:
    """The money was paid back by hand (Orange Money transfer, cash): record it, with the
    caller as operator → `payment.refund.completed`. 409 unless the refund waits for it."""
    command = CompleteRefund(refund_id, caller.subject, body.note, body.reference)
    return RefundPublic.model_validate(await refunds.complete_refund(platform, command))


@router.post("/reconcile", response_model=ReconcileReportPublic)
async def reconcile_now(
    platform: PlatformDep,
    _: Staff,
    all_pending: Annotated[
        bool, Query(alias="all", description="Every pending payment, however recent")
    ] = False,
) -> ReconcileReportPublic:
    """Ask the providers about pending payments now (as `itvision payment reconcile`)."""
    command = ReconcilePayments(min_age_minutes=0 if all_pending else None)
    return ReconcileReportPublic.of(await reconciliation.reconcile_payments(platform, command))


@router.post(
    "/webhooks/wave",
    response_model=WebhookAck,
    openapi_extra=WEBHOOK_BODY,
    responses=may_answer(403),
    tags=["webhooks"],
)
async def wave_webhook(
    platform: PlatformDep, request: Request, tasks: BackgroundTasks, _: Anyone
) -> WebhookAck:
    """Wave's webhook (`checkout.session.completed`, `checkout.session.payment_failed`),
    proved by `Wave-Signature` (or the shared secret as bearer token): stored and answered at
    once, applied after. 403 when it does not prove itself or is older than five minutes, 422
    when it disagrees with the payment; either changes nothing."""
    return await _receive(platform, "wave", request, tasks)


@router.post(
    "/webhooks/orange-money",
    response_model=WebhookAck,
    openapi_extra=WEBHOOK_BODY,
    responses=may_answer(403),
    tags=["webhooks"],
)
async def orange_money_notification(
    platform: PlatformDep, request: Request, tasks: BackgroundTasks, _: Anyone
) -> WebhookAck:
    """Orange Money's notification (`status`, `notif_token`, `txnid`): stored and answered at
    once; believed only once `transactionstatus` confirms it. 403 when its `notif_token` is no
    payment's."""
    return await _receive(platform, "orange_money", request, tasks)


async def _receive(
    platform: Platform, method: str, request: Request, tasks: BackgroundTasks
) -> WebhookAck:
    # Headers as Starlette keeps them: read whatever case the provider wrote them in.
    command = ReceiveNotification(method, request.headers, await request.body())
    received = await notifications.receive_notification(platform, command)
    if received.notification_id is not None and not received.duplicate:
        processing = ProcessNotification(received.notification_id, believed=received.believed)
        tasks.add_task(_process, platform, processing)
    return WebhookAck(duplicate=received.duplicate, ignored=received.ignored)


async def _process(platform: Platform, command: ProcessNotification) -> None:
    try:
        await notifications.process_notification(platform, command)
    except Exception:  # the job `payment-notifications` tries again
        log.exception("notification not processed", notification_id=command.notification_id)


@router.get("/{payment_id}", response_model=PaymentPublic)
async def read_payment(platform: PlatformDep, payment_id: str, caller: Payer) -> PaymentPublic:
    payment = await queries.payment(platform, payment_id)
    caller.ensure_owns(payment.customer_id, "payment")
    return PaymentPublic.model_validate(payment)


RETURN_TEXT = {
    "succeeded": ("Paiement reçu", "Merci ! Votre paiement est confirmé."),
    "failed": ("Paiement non abouti", "Le paiement n'a pas abouti. Vous pouvez réessayer."),
    "cancelled": ("Commande annulée", "Cette commande a été annulée."),
}
WAITING = ("Paiement en cours", "Votre paiement est en cours de confirmation.")


@router.get("/{payment_id}/return", response_class=HTMLResponse)
async def payment_return(
    platform: PlatformDep,
    payment_id: str,
    _: Anyone,
    result: Literal["success", "error"] = "success",
) -> HTMLResponse:
    """Where the provider sends the customer back (`success_url`, `error_url`): a page, in
    French, saying how the payment stands."""
    payment = await queries.payment(platform, payment_id)
    shown = "failed" if payment.status == "pending" and result == "error" else payment.status
    title, text = RETURN_TEXT.get(shown, WAITING)
    amount = f"{payment.amount:,}".replace(",", "\u202f")  # 389 400 F CFA
    return HTMLResponse(
        '<!doctype html><html lang="fr"><meta charset="utf-8">'
        f"<title>{escape(title)}</title><h1>{escape(title)}</h1><p>{escape(text)}</p>"
        f"<p>Commande {escape(payment.order_id)} : {amount} F CFA</p></html>"
    )
