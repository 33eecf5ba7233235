"""The promotion API, mounted at /api/promotions.

Staff define promotions; anyone evaluates a cart (a customer as themself, staff for any
customer); a customer reads only their own code usages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from itvision.engines.promotion.commands import ActivatePromotion, DeactivatePromotion
from itvision.engines.promotion.queries import promotions, usages
from itvision.engines.promotion.queries.carts import evaluate_cart
from itvision.engines.promotion.rules.carts import Cart, CartLine
from itvision.engines.promotion.schemas import (
    CartEvaluate,
    EvaluationPublic,
    PromotionCreate,
    PromotionPublic,
    PromotionUpdate,
    SalePublic,
    UsagePublic,
)
from itvision.engines.promotion.services import campaigns
from itvision.platform.auth import Anyone, Principal, Role, Staff, require
from itvision.platform.deps import PlatformDep
from itvision.platform.errors import Forbidden, Unauthenticated
from itvision.platform.events import utcnow
from itvision.platform.openapi import may_answer
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
    return UsagePublic.page(await usages.list_usages(platform, paging, customer_id=customer_id))


@router.get("/sales", response_model=list[SalePublic])
async def list_running_sales(platform: PlatformDep, _: Anyone) -> list[SalePublic]:
    """Automatic sales running now (codes are not listed)."""
    return [SalePublic.of_offer(offer) for offer in await promotions.running_sales(platform)]


@router.post("/evaluate", response_model=EvaluationPublic, responses=may_answer(403))
async def evaluate(body: CartEvaluate, platform: PlatformDep, caller: Anyone) -> EvaluationPublic:
    """The promotions that apply to this priced cart, with the amount of each, and the reason
    (French and English) each code does not apply. Nothing is reserved."""
    customer_id = _customer_of(caller, body.customer_id)
    cart = Cart(
        tuple(CartLine(ln.sku, ln.product_id, ln.quantity, ln.unit_price) for ln in body.lines),
        body.shipping_fee,
        customer_id,
    )
    now = utcnow()
    return EvaluationPublic.of(await evaluate_cart(platform, cart, body.codes, now=now), now)


@router.post("", response_model=PromotionPublic, status_code=status.HTTP_201_CREATED)
async def create_promotion(
    body: PromotionCreate, platform: PlatformDep, caller: Staff
) -> PromotionPublic:
    """Create a promo code (with `code`) or an automatic sale (without)."""
    record = await campaigns.create_promotion(platform, body.command(created_by=caller.subject))
    return PromotionPublic.of(record)


@router.get("", response_model=Page[PromotionPublic])
async def list_promotions(
    platform: PlatformDep,
    _: Staff,
    paging: Paging,
    active: bool | None = None,
    code: Annotated[str | None, Query(max_length=40)] = None,
) -> Page[PromotionPublic]:
    page = await promotions.list_promotions(platform, paging, active=active, code=code)
    return page.map(PromotionPublic.of)


@router.get("/{promotion_id}", response_model=PromotionPublic)
async def get_promotion(promotion_id: str, platform: PlatformDep, _: Staff) -> PromotionPublic:
    return PromotionPublic.of(await promotions.get_promotion(platform, promotion_id))


@router.patch("/{promotion_id}", response_model=PromotionPublic)
async def update_promotion(
    promotion_id: str, body: PromotionUpdate, platform: PlatformDep, _: Staff
) -> PromotionPublic:
    record = await campaigns.update_promotion(platform, body.command(promotion_id))
    return PromotionPublic.of(record)


@router.post("/{promotion_id}/activate", response_model=PromotionPublic)
async def activate_promotion(promotion_id: str, platform: PlatformDep, _: Staff) -> PromotionPublic:
    return PromotionPublic.of(
        await campaigns.activate_promotion(platform, ActivatePromotion(promotion_id))
    )


@router.post("/{promotion_id}/deactivate", response_model=PromotionPublic)
async def deactivate_promotion(
    promotion_id: str, platform: PlatformDep, _: Staff
) -> PromotionPublic:
    command = DeactivatePromotion(promotion_id)
    return PromotionPublic.of(await campaigns.deactivate_promotion(platform, command))


@router.get("/{promotion_id}/usages", response_model=Page[UsagePublic])
async def list_promotion_usages(
    promotion_id: str, platform: PlatformDep, _: Staff, paging: Paging
) -> Page[UsagePublic]:
    await promotions.get_promotion(platform, promotion_id)
    return UsagePublic.page(await usages.list_usages(platform, paging, promotion_id=promotion_id))


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
