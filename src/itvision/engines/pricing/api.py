"""The pricing API, mounted at /api/pricing.

Anyone reads the prices of active products and gets quotes; a customer reads back only their
own quotes; staff read everything with its breakdown; only admins change settings and margins.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel

from itvision.engines.pricing.commands import (
    CartLine,
    QuoteCart,
    RemoveOverrides,
    SetOverrides,
    UpdateGlobalSettings,
)
from itvision.engines.pricing.queries.prices import find_price, price_history, price_page
from itvision.engines.pricing.queries.quotes import find_quote, quote_page
from itvision.engines.pricing.queries.settings import settings_snapshot
from itvision.engines.pricing.rules.formula import FORMULA
from itvision.engines.pricing.rules.scopes import Overrides, category_scope, product_scope
from itvision.engines.pricing.rules.tiers import Tier
from itvision.engines.pricing.schemas import (
    GlobalSettingsPublic,
    GlobalSettingsUpdate,
    PriceBreakdownPublic,
    PricePublic,
    PriceRecordPublic,
    QuoteBreakdownPublic,
    QuoteCreate,
    QuotePublic,
    ScopeSettingsPublic,
    ScopeSettingsUpdate,
    TierCreate,
    present_global_settings,
    present_price,
    present_quote,
    present_record,
    present_scope_settings,
)
from itvision.engines.pricing.services.quotes import quote_cart
from itvision.engines.pricing.services.settings import (
    remove_overrides,
    set_overrides,
    update_global_settings,
)
from itvision.platform.auth import Admin, Anyone, Principal, Role, Staff, require
from itvision.platform.deps import PlatformDep
from itvision.platform.errors import Forbidden, InvalidInput, NotFound
from itvision.platform.inputs import Moment
from itvision.platform.openapi import may_answer
from itvision.platform.pagination import Page, Paging

router = APIRouter()

Caller = Annotated[Principal, require(*Role)]
"""Any authenticated caller: quotes are read back by their owner (or staff)."""
CategoryId = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._/-]+$")]
ProductId = CategoryId


def _with_formula(summary: str) -> str:
    return f"{summary}\n\n**How a unit price is made**\n\n```text\n{FORMULA}```"


def _is_staff(caller: Principal | None) -> bool:
    return caller is not None and caller.is_staff


def _answer(model: BaseModel, status_code: int = 200) -> Response:
    """The model as JSON, as it is: the route's response_model documents it, and validating
    again what the engine just built would cost as much as pricing the cart."""
    return Response(model.model_dump_json(), status_code, media_type="application/json")


# Prices ------------------------------------------------------------------------------------


@router.get("/prices", response_model=Page[PriceBreakdownPublic] | Page[PricePublic])
async def list_prices(
    platform: PlatformDep,
    caller: Anyone,
    paging: Paging,
    category_id: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
) -> Response:
    """Unit prices of one unit, page by page; staff also see inactive SKUs and breakdowns."""
    staff = _is_staff(caller)
    views, total = await price_page(
        platform,
        include_inactive=staff,
        category_id=category_id,
        limit=paging.limit,
        offset=paging.offset,
    )
    page = Page[PriceBreakdownPublic] if staff else Page[PricePublic]
    return _answer(
        page(
            items=[present_price(v, staff=staff) for v in views],
            total=total,
            limit=paging.limit,
            offset=paging.offset,
        )
    )


@router.get(
    "/prices/{sku}",
    response_model=PriceBreakdownPublic | PricePublic,
    description=_with_formula(
        "The unit price of `quantity` units now (tier included), or of one unit at `at` "
        "(from the price history). Staff see the breakdown; others the prices and the VAT."
    ),
)
async def get_price(
    platform: PlatformDep,
    caller: Anyone,
    sku: Annotated[str, Path(max_length=100)],
    quantity: Annotated[int, Query(ge=1, le=100_000)] = 1,
    at: Annotated[Moment | None, Query(description="A past moment, RFC 3339 with its zone")] = None,
) -> Response:
    if at is not None and quantity != 1:
        raise InvalidInput("a past price is the price of one unit", field="quantity")
    staff = _is_staff(caller)
    view = await find_price(platform, sku, include_inactive=staff, quantity=quantity, at=at)
    if view is None:
        raise NotFound(f"no price for SKU {sku}", field="sku")
    return _answer(present_price(view, staff=staff))


@router.get("/prices/{sku}/history", response_model=Page[PriceRecordPublic])
async def get_price_history(
    platform: PlatformDep, _: Staff, sku: Annotated[str, Path(max_length=100)], paging: Paging
) -> Page[PriceRecordPublic]:
    """Every price the SKU has had, newest first, with when it took effect."""
    rows, total = await price_history(platform, sku, paging.limit, paging.offset)
    if total == 0:
        raise NotFound(f"no price history for SKU {sku}", field="sku")
    return Page.of([present_record(r) for r in rows], total, paging)


# Quotes ------------------------------------------------------------------------------------


@router.post(
    "/quotes",
    status_code=201,
    response_model=QuoteBreakdownPublic | QuotePublic,
    responses=may_answer(403),
    description=_with_formula(
        "Price a cart (lines of SKU × quantity) and keep the quote: `GET /quotes/{id}` answers "
        "exactly this. A customer's quote is theirs; an anonymous quote is kept too, but only "
        "staff can read it back. Staff see each line's breakdown."
    ),
)
async def create_quote(platform: PlatformDep, caller: Anyone, body: QuoteCreate) -> Response:
    if body.group_id is not None and not _is_staff(caller):
        raise Forbidden("only staff quote for a group buy", field="group_id")
    command = QuoteCart(
        lines=tuple(CartLine(line.sku, line.quantity) for line in body.lines),
        owner_subject=caller.subject if caller else None,
        group_id=body.group_id,
    )
    stored = await quote_cart(platform, command)
    return _answer(present_quote(stored, staff=_is_staff(caller)), 201)


@router.get("/quotes", response_model=Page[QuoteBreakdownPublic] | Page[QuotePublic])
async def list_quotes(platform: PlatformDep, caller: Caller, paging: Paging) -> Response:
    """The caller's quotes, newest first (staff: everyone's)."""
    owner = None if caller.is_staff else caller.subject
    rows, total = await quote_page(platform, owner, paging.limit, paging.offset)
    page = Page[QuoteBreakdownPublic] if caller.is_staff else Page[QuotePublic]
    return _answer(
        page(
            items=[present_quote(q, staff=caller.is_staff) for q in rows],
            total=total,
            limit=paging.limit,
            offset=paging.offset,
        )
    )


@router.get("/quotes/{quote_id}", response_model=QuoteBreakdownPublic | QuotePublic)
async def get_quote(
    platform: PlatformDep, caller: Caller, quote_id: Annotated[str, Path(max_length=36)]
) -> Response:
    """The quote exactly as it was given (prices, breakdown, expiry)."""
    stored = await find_quote(platform, quote_id)
    # An anonymous quote belongs to no one: only staff read it back.
    if stored is None or (stored.owner_subject is None and not caller.is_staff):
        raise NotFound("quote not found", field="quote_id")
    caller.ensure_owns(stored.owner_subject or "", "quote")
    return _answer(present_quote(stored, staff=caller.is_staff))


# Settings ----------------------------------------------------------------------------------


@router.get("/settings", response_model=GlobalSettingsPublic)
async def get_settings(platform: PlatformDep, _: Staff) -> GlobalSettingsPublic:
    snapshot = await settings_snapshot(platform, [])
    return present_global_settings(snapshot.settings)


@router.patch("/settings", response_model=GlobalSettingsPublic)
async def update_settings(
    platform: PlatformDep, caller: Admin, body: GlobalSettingsUpdate
) -> GlobalSettingsPublic:
    """Change global settings; every price they change is recomputed and announced."""
    # The body refuses nulls: a field not given is None, and stays as it is.
    command = UpdateGlobalSettings(
        changed_by=caller.subject,
        default_margin_rate=body.default_margin_rate,
        service_fee_rate=body.service_fee_rate,
        insurance_rate=body.insurance_rate,
        min_margin_rate=body.min_margin_rate,
        vat_rate=body.vat_rate,
        rounding_step=body.rounding_step,
        rounding_mode=body.rounding_mode,
        quote_validity_hours=body.quote_validity_hours,
        tiers=None if body.tiers is None else _tiers(body.tiers),
    )
    return present_global_settings(await update_global_settings(platform, command))


@router.get("/categories/{category_id}/settings", response_model=ScopeSettingsPublic)
async def get_category_settings(
    platform: PlatformDep, _: Staff, category_id: CategoryId
) -> ScopeSettingsPublic:
    """What the category sets (null: inherited from its parent categories or the globals)."""
    return await _scope_settings(platform, category_scope(category_id))


@router.put("/categories/{category_id}/settings", response_model=ScopeSettingsPublic)
async def set_category_settings(
    platform: PlatformDep, caller: Admin, category_id: CategoryId, body: ScopeSettingsUpdate
) -> ScopeSettingsPublic:
    return await _set_scope(platform, caller, category_scope(category_id), body)


@router.delete("/categories/{category_id}/settings", status_code=204)
async def remove_category_settings(
    platform: PlatformDep, caller: Admin, category_id: CategoryId
) -> Response:
    return await _remove_scope(platform, caller, category_scope(category_id))


@router.get("/products/{product_id}/settings", response_model=ScopeSettingsPublic)
async def get_product_settings(
    platform: PlatformDep, _: Staff, product_id: ProductId
) -> ScopeSettingsPublic:
    """What the product (and its variants) sets (null: inherited from its categories)."""
    return await _scope_settings(platform, product_scope(product_id))


@router.put("/products/{product_id}/settings", response_model=ScopeSettingsPublic)
async def set_product_settings(
    platform: PlatformDep, caller: Admin, product_id: ProductId, body: ScopeSettingsUpdate
) -> ScopeSettingsPublic:
    return await _set_scope(platform, caller, product_scope(product_id), body)


@router.delete("/products/{product_id}/settings", status_code=204)
async def remove_product_settings(
    platform: PlatformDep, caller: Admin, product_id: ProductId
) -> Response:
    return await _remove_scope(platform, caller, product_scope(product_id))


async def _scope_settings(platform: PlatformDep, scope: str) -> ScopeSettingsPublic:
    snapshot = await settings_snapshot(platform, [scope])
    return present_scope_settings(scope, snapshot.overrides.get(scope))


async def _set_scope(
    platform: PlatformDep, caller: Principal, scope: str, body: ScopeSettingsUpdate
) -> ScopeSettingsPublic:
    overrides = Overrides(
        margin_rate=body.margin_rate,
        service_fee_rate=body.service_fee_rate,
        insurance_rate=body.insurance_rate,
        tiers=None if body.tiers is None else _tiers(body.tiers),
    )
    saved = await set_overrides(platform, SetOverrides(scope, overrides, caller.subject))
    return present_scope_settings(scope, saved)


async def _remove_scope(platform: PlatformDep, caller: Principal, scope: str) -> Response:
    await remove_overrides(platform, RemoveOverrides(scope, caller.subject))
    return Response(status_code=204)


def _tiers(tiers: list[TierCreate]) -> tuple[Tier, ...]:
    return tuple(Tier(t.min_quantity, t.discount_rate) for t in tiers)
