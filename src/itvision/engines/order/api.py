"""The order API: carts at /api/carts, orders at /api/orders.

A cart belongs to the signed-in customer, or to an anonymous visitor's session (the
`X-Cart-Session` header: the first answer gives one, the client keeps it); `POST
/api/carts/current/merge`
joins the session's cart to the customer's at sign-in. A customer checks out their cart
(`Idempotency-Key`) and sees only their own orders (404 otherwise); staff see and search them
all, cancel any before shipment, and record refunds after delivery."""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Response, status

from itvision.engines.order import queries
from itvision.engines.order.commands import (
    ApplyCartCode,
    CancelOrder,
    CartOwner,
    CheckoutMethod,
    ChooseDelivery,
    ExpireOrders,
    MergeCarts,
    RefundOrder,
    RemoveCartCode,
    RemoveCartLine,
    ReturnedLine,
    SetCartLine,
    SpendCartPoints,
)
from itvision.engines.order.models import Cart, Order
from itvision.engines.order.queries.orders import OrderSearch
from itvision.engines.order.rules.lifecycle import Status
from itvision.engines.order.schemas import (
    CancelCreate,
    CartCodeCreate,
    CartLineCreate,
    CartLineUpdate,
    CartPointsCreate,
    CartPublic,
    CheckoutCreate,
    DeliveryChoice,
    ExpiredPublic,
    OrderPublic,
    RefundCreate,
    RefundPublic,
    TimelineEntryPublic,
    TimelinePublic,
)
from itvision.engines.order.services import cancellation, carts, checkout, refunds
from itvision.platform.auth import Anyone, Principal, Role, Staff, require
from itvision.platform.deps import PlatformDep
from itvision.platform.errors import Forbidden
from itvision.platform.inputs import Moment
from itvision.platform.openapi import may_answer
from itvision.platform.pagination import Page, Paging

router = APIRouter()
cart_router = APIRouter()
MOUNTS = {"orders": router, "carts": cart_router}
"""Mounted at /api/orders and /api/carts, as the issue names them."""

Customer = Annotated[Principal, require(Role.CUSTOMER)]
CustomerOrStaff = Annotated[Principal, require(Role.ADMIN, Role.STAFF, Role.CUSTOMER)]


def _optional_not_null(schema: dict[str, Any]) -> None:
    """An optional header is left out, never `null` (a client would send the text "null")."""
    branches = schema.pop("anyOf", None)
    if branches:
        schema.update(next(b for b in branches if b != {"type": "null"}))


SESSION_HEADER = "X-Cart-Session"
SESSION_PATTERN = r"^[A-Za-z0-9_-]{16,100}$"
CartSession = Annotated[
    str | None,
    Header(
        alias=SESSION_HEADER,
        pattern=SESSION_PATTERN,
        json_schema_extra=_optional_not_null,
        description="An anonymous visitor's cart: the id the first answer gave (or one the "
        "client made: a UUID, hard to guess, as whoever sends it sees the cart); a signed-in "
        "customer's cart needs none",
    ),
]
MergedSession = Annotated[
    str,
    Header(
        alias=SESSION_HEADER,
        pattern=SESSION_PATTERN,
        description="The anonymous visit whose cart joins the signed-in customer's",
    ),
]
IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        pattern=r"^[!-~]{1,200}$",
        description="One per order the customer means to place (a UUID): the same key again "
        "answers the same order; with another body, 409",
    ),
]


# Carts ----------------------------------------------------------------------------------------


async def _cart_owner(response: Response, caller: Anyone, session: CartSession = None) -> CartOwner:
    """The signed-in customer's cart, or the anonymous session's. An anonymous visitor without
    a session starts one: its id comes back in the `X-Cart-Session` header (and the cart's
    `session_id`), to send with every later request."""
    if caller is None:
        if session is None:
            session = secrets.token_urlsafe(24)
            response.headers[SESSION_HEADER] = session
        return CartOwner(session_id=session)
    if caller.role != Role.CUSTOMER:
        raise Forbidden("carts are for customers", field="role")
    return CartOwner(customer_id=caller.subject)


Owner = Annotated[CartOwner, Depends(_cart_owner)]
CART_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {
        "headers": {
            SESSION_HEADER: {
                "description": "The visit's new cart session, when an anonymous caller sent none",
                "schema": {"type": "string", "pattern": SESSION_PATTERN},
            }
        }
    },
    **may_answer(403),
}


async def _cart(platform: PlatformDep, owner: CartOwner, changed: Cart | None = None) -> CartPublic:
    """The cart priced now: the one a change just left, or the owner's read."""
    return CartPublic.of(await queries.carts.priced_cart(platform, owner, changed))


@cart_router.get("/current", response_model=CartPublic, responses=CART_ANSWERS)
async def read_cart(platform: PlatformDep, owner: Owner) -> CartPublic:
    """The cart, priced now: lines, promotions (and why each refused code does not apply),
    shipping fee for the chosen address, total and VAT."""
    return await _cart(platform, owner)


@cart_router.post("/current/lines", response_model=CartPublic, responses=CART_ANSWERS)
async def add_cart_line(body: CartLineCreate, platform: PlatformDep, owner: Owner) -> CartPublic:
    """Put a SKU in the cart (its quantity is added to what is there): 404 on `body.sku` for an
    unknown one, 409 for one not on sale or without a price."""
    item = await queries.carts.sellable_item(platform, body.sku)
    cart = await carts.set_cart_line(platform, SetCartLine(owner, item, body.quantity, add=True))
    return await _cart(platform, owner, cart)


@cart_router.put("/current/lines/{sku}", response_model=CartPublic, responses=CART_ANSWERS)
async def set_cart_line(
    sku: str,
    body: CartLineUpdate,
    platform: PlatformDep,
    owner: Owner,
) -> CartPublic:
    """Set a line's quantity (the SKU is put in the cart if it was not)."""
    item = await queries.carts.sellable_item(platform, sku)
    cart = await carts.set_cart_line(platform, SetCartLine(owner, item, body.quantity))
    return await _cart(platform, owner, cart)


@cart_router.delete("/current/lines/{sku}", response_model=CartPublic, responses=CART_ANSWERS)
async def remove_cart_line(sku: str, platform: PlatformDep, owner: Owner) -> CartPublic:
    cart = await carts.remove_cart_line(platform, RemoveCartLine(owner, sku))
    return await _cart(platform, owner, cart)


@cart_router.post("/current/codes", response_model=CartPublic, responses=CART_ANSWERS)
async def apply_cart_code(body: CartCodeCreate, platform: PlatformDep, owner: Owner) -> CartPublic:
    """Type a promo code: it is kept, and the cart says whether it applies and, if not, why."""
    cart = await carts.apply_cart_code(platform, ApplyCartCode(owner, body.code))
    return await _cart(platform, owner, cart)


@cart_router.delete("/current/codes/{code}", response_model=CartPublic, responses=CART_ANSWERS)
async def remove_cart_code(code: str, platform: PlatformDep, owner: Owner) -> CartPublic:
    cart = await carts.remove_cart_code(platform, RemoveCartCode(owner, code))
    return await _cart(platform, owner, cart)


@cart_router.post("/current/points", response_model=CartPublic, responses=CART_ANSWERS)
async def spend_cart_points(
    body: CartPointsCreate, platform: PlatformDep, caller: Customer
) -> CartPublic:
    """Spend loyalty points (1 point = ITVISION_LOYALTY_POINT_VALUE F CFA): the cart shows what
    applies, at most the balance and ITVISION_LOYALTY_MAX_REDEEM_PERCENT % of the goods after
    promotions, as a discount; the loyalty engine debits them when the order is placed."""
    owner = CartOwner(customer_id=caller.subject)
    cart = await carts.spend_cart_points(platform, SpendCartPoints(owner, body.points))
    return await _cart(platform, owner, cart)


@cart_router.put("/current/delivery", response_model=CartPublic, responses=CART_ANSWERS)
async def choose_delivery(body: DeliveryChoice, platform: PlatformDep, owner: Owner) -> CartPublic:
    """Where the order goes (home delivery) or who collects it where (pickup): the cart then
    shows the shipping fee, or `shipping: null` when no delivery zone serves the address."""
    cart = await carts.choose_delivery(
        platform, ChooseDelivery(owner, body.method, body.address.address())
    )
    return await _cart(platform, owner, cart)


@cart_router.post("/current/merge", response_model=CartPublic)
async def merge_cart(platform: PlatformDep, caller: Customer, session: MergedSession) -> CartPublic:
    """At sign-in: the anonymous session's cart (`X-Cart-Session`) joins the customer's."""
    cart = await carts.merge_carts(platform, MergeCarts(caller.subject, session))
    return await _cart(platform, CartOwner(customer_id=caller.subject), cart)


# Orders ---------------------------------------------------------------------------------------


@router.post(
    "/checkout",
    status_code=status.HTTP_201_CREATED,
    response_model=OrderPublic,
    responses={
        201: {
            "headers": {
                "Idempotent-Replayed": {
                    "description": "`true` when the key had been used: this is its order",
                    "schema": {"type": "string", "enum": ["true"]},
                }
            }
        }
    },
)
async def check_out(
    body: CheckoutCreate,
    platform: PlatformDep,
    caller: Customer,
    response: Response,
    idempotency_key: IdempotencyKey,
) -> OrderPublic:
    """Order the cart at today's prices, discounts and shipping fee. The same
    `Idempotency-Key` again answers the same order (header `Idempotent-Replayed: true`); with
    another body, 409. 409 naming what keeps the cart from being ordered: `cart.lines` (empty),
    `cart.lines.N.sku` (no longer for sale), `cart.delivery` (no address),
    `delivery_address.city` (no delivery zone serves it)."""
    digest = _request_hash(body.payment_method)
    # Before the cart is priced: the checkout that made the order also emptied the cart.
    placement = await checkout.placed_before(platform, caller.subject, idempotency_key, digest)
    if placement is None:
        command = await queries.carts.order_to_place(
            platform, caller.subject, body.payment_method, idempotency_key, digest
        )
        placement = await checkout.place_order(platform, command)
    if placement.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return OrderPublic.of(placement.order)


def _request_hash(payment_method: CheckoutMethod) -> str:
    return hashlib.sha256(json.dumps({"payment_method": payment_method}).encode()).hexdigest()


@router.get("", response_model=Page[OrderPublic], responses=may_answer(403))
async def list_orders(
    platform: PlatformDep,
    caller: CustomerOrStaff,
    paging: Paging,
    status_: Annotated[Status | None, Query(alias="status")] = None,
    customer_id: Annotated[str | None, Query(max_length=200)] = None,
    payment_method: Annotated[CheckoutMethod | None, Query()] = None,
    placed_from: Annotated[Moment | None, Query(description="Placed at or after")] = None,
    placed_to: Annotated[Moment | None, Query(description="Placed before")] = None,
) -> Page[OrderPublic]:
    """Newest first. A customer lists their own orders (another `customer_id` is a 403)."""
    if not caller.is_staff:
        if customer_id is not None and customer_id != caller.subject:
            raise Forbidden("a customer lists only their own orders", field="query.customer_id")
        customer_id = caller.subject
    search = OrderSearch(status_, customer_id, payment_method, placed_from, placed_to)
    return OrderPublic.page(await queries.orders.list_orders(platform, search, paging))


@router.post("/expire", response_model=ExpiredPublic)
async def expire_orders(platform: PlatformDep, _: Staff) -> ExpiredPublic:
    """Cancel now the unpaid orders past their deadline (the job does it every 30 s)."""
    return ExpiredPublic(expired=await cancellation.expire_orders(platform, ExpireOrders()))


@router.get("/{order_id}", response_model=OrderPublic)
async def get_order(order_id: str, platform: PlatformDep, caller: CustomerOrStaff) -> OrderPublic:
    return OrderPublic.of(await _readable(platform, order_id, caller))


@router.get("/{order_id}/timeline", response_model=TimelinePublic)
async def get_timeline(
    order_id: str, platform: PlatformDep, caller: CustomerOrStaff
) -> TimelinePublic:
    """What happened to the order, when, and which engine said so, in the order it was
    learned."""
    order = await _readable(platform, order_id, caller)
    entries = await queries.orders.timeline(platform, order.id)
    return TimelinePublic(
        order_id=order.id,
        status=order.status,
        entries=[TimelineEntryPublic.of(e) for e in entries],
    )


@router.post("/{order_id}/cancel", response_model=OrderPublic)
async def cancel_order(
    order_id: str,
    platform: PlatformDep,
    caller: CustomerOrStaff,
    body: CancelCreate | None = None,
) -> OrderPublic:
    """Before shipment: a customer their own order, staff any (with a reason). Once shipped,
    409 `invalid_transition` with `current_status` and `allowed_statuses`."""
    body = body or CancelCreate()
    if caller.is_staff:
        command = CancelOrder(
            order_id, body.reason or "other", "merchant", caller.subject, body.note
        )
    else:
        if body.reason is not None and body.reason != "customer_request":
            raise Forbidden("a customer cancels at their own request", field="body.reason")
        command = CancelOrder(
            order_id, "customer_request", "customer", caller.subject, body.note, caller.subject
        )
    return OrderPublic.of(await cancellation.cancel_order(platform, command))


@router.post(
    "/{order_id}/refunds", status_code=status.HTTP_201_CREATED, response_model=RefundPublic
)
async def refund_order(
    order_id: str, body: RefundCreate, platform: PlatformDep, caller: Staff
) -> RefundPublic:
    """After delivery: the goods that came back (`lines`) and/or an `amount`. 409
    `invalid_transition` before delivery (cancel instead); 409 on `body.amount` or a line's
    quantity beyond what is left to refund."""
    command = RefundOrder(
        order_id=order_id,
        reason=body.reason,
        lines=tuple(ReturnedLine(line.sku, line.quantity) for line in body.lines),
        amount=body.amount,
        actor=caller.subject,
        note=body.note,
    )
    return RefundPublic.of(await refunds.refund_order(platform, command))


@router.get("/{order_id}/refunds", response_model=list[RefundPublic])
async def list_refunds(
    order_id: str, platform: PlatformDep, caller: CustomerOrStaff
) -> list[RefundPublic]:
    order = await _readable(platform, order_id, caller)
    return [RefundPublic.of(r) for r in await queries.orders.refunds_of(platform, order.id)]


async def _readable(platform: PlatformDep, order_id: str, caller: Principal) -> Order:
    customer = None if caller.is_staff else caller.subject
    return await queries.orders.get_order(platform, order_id, customer)
