"""The promotion API, mounted at /api/promotions.

Staff define promotions; anyone evaluates a cart (a customer as themself, staff for any
customer); a customer reads only their own code usages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from itvision.engines.promotion import campaigns, usages
from itvision.engines.promotion.campaigns import PromotionRecord
from itvision.engines.promotion.cart import Cart, CartLine
from itvision.engines.promotion.checkout import evaluate_cart
from itvision.engines.promotion.evaluation import Evaluation
from itvision.engines.promotion.offers import Offer
from itvision.engines.promotion.schemas import (
    AppliedPublic,
    BundleItemPublic,
    CartEvaluate,
    EvaluationPublic,
    LineDiscountPublic,
    PromotionCreate,
    PromotionPublic,
    PromotionUpdate,
    RejectedCodePublic,
    SalePublic,
    UsagePublic,
    UsageSummaryPublic,
    offer_fields,
)
from itvision.platform.auth import Anyone, Principal, Role, Staff, require
from itvision.platform.deps import PlatformDep
from itvision.platform.errors import Forbidden, ITVisionError, Unauthenticated
from itvision.platform.events import utcnow
from itvision.platform.pagination import Page, Paging

router = APIRouter()
PATH = "promotions"  # mounted at /api/promotions, as the issue names it

CustomerOrStaff = Annotated[Principal, require(Role.ADMIN, Role.STAFF, Role.CUSTOMER)]


@router.get("/usages", response_model=Page[UsagePublic])
async def list_usages(
    platform: PlatformDep,
    caller: CustomerOrStaff,
    paging: Paging,
    customer_id: Annotated[str | None, Query(max_length=200)] = None,
) -> Page[UsagePublic]:
    """Staff: every usage (or one customer's); a customer: their own, never anyone else's."""
    if not caller.is_staff:
        if customer_id is not None and customer_id != caller.subject:
            raise Forbidden("a customer reads only their own usages", field="query.customer_id")
        customer_id = caller.subject
    return _usages(await usages.list_usages(platform, paging, customer_id=customer_id))


@router.get("/sales", response_model=list[SalePublic])
async def list_running_sales(platform: PlatformDep, _: Anyone) -> list[dict[str, Any]]:
    """Automatic sales running now (codes are not listed)."""
    return [_sale(offer) for offer in await campaigns.running_sales(platform)]


@router.post("/evaluate", response_model=EvaluationPublic)
async def evaluate(body: CartEvaluate, platform: PlatformDep, caller: Anyone) -> dict[str, Any]:
    """The promotions that apply to this priced cart, with the amount of each, and the reason
    (French and English) each code does not apply. Nothing is reserved."""
    customer_id = _customer_of(caller, body.customer_id)
    cart = Cart(
        tuple(CartLine(ln.sku, ln.product_id, ln.quantity, ln.unit_price) for ln in body.lines),
        body.shipping_fee,
        customer_id,
    )
    now = utcnow()
    return _evaluation(await evaluate_cart(platform, cart, body.codes, now), now)


@router.post("", response_model=PromotionPublic, status_code=status.HTTP_201_CREATED)
async def create_promotion(
    body: PromotionCreate, platform: PlatformDep, caller: Staff
) -> dict[str, Any]:
    """Create a promo code (with `code`) or an automatic sale (without)."""
    with _body_fields():
        record = await campaigns.create_promotion(platform, offer_fields(body), by=caller.subject)
    return _promotion(record)


@router.get("", response_model=Page[PromotionPublic])
async def list_promotions(
    platform: PlatformDep,
    _: Staff,
    paging: Paging,
    active: bool | None = None,
    code: Annotated[str | None, Query(max_length=40)] = None,
) -> dict[str, Any]:
    page = await campaigns.list_promotions(platform, paging, active=active, code=code)
    return {**page.model_dump(exclude={"items"}), "items": [_promotion(r) for r in page.items]}


@router.get("/{promotion_id}", response_model=PromotionPublic)
async def get_promotion(promotion_id: str, platform: PlatformDep, _: Staff) -> dict[str, Any]:
    return _promotion(await campaigns.get_promotion(platform, promotion_id))


@router.patch("/{promotion_id}", response_model=PromotionPublic)
async def update_promotion(
    promotion_id: str, body: PromotionUpdate, platform: PlatformDep, _: Staff
) -> dict[str, Any]:
    with _body_fields():
        record = await campaigns.update_promotion(platform, promotion_id, offer_fields(body))
    return _promotion(record)


@router.post("/{promotion_id}/activate", response_model=PromotionPublic)
async def activate_promotion(promotion_id: str, platform: PlatformDep, _: Staff) -> dict[str, Any]:
    return _promotion(await campaigns.set_active(platform, promotion_id, True))


@router.post("/{promotion_id}/deactivate", response_model=PromotionPublic)
async def deactivate_promotion(
    promotion_id: str, platform: PlatformDep, _: Staff
) -> dict[str, Any]:
    return _promotion(await campaigns.set_active(platform, promotion_id, False))


@router.get("/{promotion_id}/usages", response_model=Page[UsagePublic])
async def list_promotion_usages(
    promotion_id: str, platform: PlatformDep, _: Staff, paging: Paging
) -> Page[UsagePublic]:
    await campaigns.get_promotion(platform, promotion_id)
    return _usages(await usages.list_usages(platform, paging, promotion_id=promotion_id))


def _customer_of(caller: Principal | None, asked: str | None) -> str | None:
    """Staff evaluate for any customer (or none); anyone else as themself."""
    if caller is None:
        if asked is not None:
            raise Unauthenticated("sign in to evaluate as a customer", field="body.customer_id")
        return None
    if caller.is_staff:
        return asked
    if asked is not None and asked != caller.subject:
        raise Forbidden("you may evaluate a cart only as yourself", field="body.customer_id")
    return caller.subject


@contextmanager
def _body_fields() -> Iterator[None]:
    """Rule errors name body fields the way validation errors do: `body.<field>`."""
    try:
        yield
    except ITVisionError as exc:
        if exc.field and not exc.field.startswith("body.") and exc.field != "promotion_id":
            exc.field = f"body.{exc.field}"
        raise


def _usages(page: Page[Any]) -> Page[UsagePublic]:
    return Page(
        items=[UsagePublic.model_validate(u, from_attributes=True) for u in page.items],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


def _sale(offer: Offer) -> dict[str, Any]:
    return {
        "id": offer.id,
        "name": offer.name,
        "kind": offer.kind,
        "discount_rate": offer.discount_rate,
        "discount_amount": offer.discount_amount,
        "max_discount_amount": offer.max_discount_amount,
        "min_order_amount": offer.min_order_amount,
        "min_quantity": offer.min_quantity,
        "product_ids": sorted(offer.product_ids),
        "category_ids": sorted(offer.category_ids),
        "brands": sorted(offer.brands),
        "bundle_items": [
            BundleItemPublic(product_id=i.product_id, quantity=i.quantity)
            for i in offer.bundle_items
        ],
        "bundle_price": offer.bundle_price,
        "buy_quantity": offer.buy_quantity,
        "get_quantity": offer.get_quantity,
        "exclusive": offer.exclusive,
        "priority": offer.priority,
        "starts_at": offer.starts_at,
        "ends_at": offer.ends_at,
    }


def _promotion(record: PromotionRecord) -> dict[str, Any]:
    offer = record.offer
    return {
        **_sale(offer),
        "description": record.description,
        "code": offer.code,
        "usage_limit": offer.usage_limit,
        "usage_limit_per_customer": offer.usage_limit_per_customer,
        "active": offer.active,
        "live": record.live,
        "usage": UsageSummaryPublic(
            reserved=record.usage.reserved,
            redeemed=record.usage.redeemed,
            discount_total=record.usage.discount_total,
        ),
        "created_by": record.created_by,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
    }


def _evaluation(result: Evaluation, now: Any) -> dict[str, Any]:
    lines = result.cart.lines
    return {
        "customer_id": result.cart.customer_id,
        "subtotal": result.cart.subtotal,
        "shipping_fee": result.cart.shipping_fee,
        "items_discount": result.items_discount,
        "shipping_discount": result.shipping_discount,
        "discount_total": result.discount_total,
        "total": result.total,
        "applied": [
            AppliedPublic(
                promotion_id=a.offer.id,
                name=a.offer.name,
                kind=a.offer.kind,
                code=a.offer.code,
                exclusive=a.offer.exclusive,
                amount=a.discount.total,
                items_amount=a.discount.items,
                shipping_amount=a.discount.shipping,
                lines=[
                    LineDiscountPublic(sku=line.sku, product_id=line.product_id, amount=off)
                    for line, off in zip(lines, a.discount.lines, strict=True)
                    if off
                ],
            )
            for a in result.applied
        ],
        "rejected_codes": [
            RejectedCodePublic(
                code=r.code,
                reason=r.refusal.reason.value,
                message_fr=r.refusal.message_fr,
                message_en=r.refusal.message_en,
            )
            for r in result.refused
        ],
        "evaluated_at": now,
    }
