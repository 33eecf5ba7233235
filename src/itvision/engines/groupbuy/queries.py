"""Reads of the group-buy engine: groups (with their current price and what the next tier
needs) and participations, on the platform or a use case's unit of work."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select

from itvision.engines import catalog, pricing
from itvision.engines.groupbuy import rules
from itvision.engines.groupbuy.models import GroupBuy, Participation
from itvision.engines.groupbuy.services.group_book import terms_of
from itvision.platform.errors import InvalidInput, NotFound
from itvision.platform.events import utcnow
from itvision.platform.pagination import PageParams
from itvision.platform.system import Platform
from itvision.platform.uow import Runner, read_session


@dataclass(frozen=True, slots=True)
class GroupView:
    group: GroupBuy
    current_unit_price: int
    next_tier: rules.Tier | None
    """The next tier not reached yet by the seats held, if any."""


def view_of(group: GroupBuy) -> GroupView:
    terms = terms_of(group)
    count = rules.counted(terms.basis, group.participants, group.quantity)
    reached = rules.tier_reached(terms.tiers, count)
    following = 0 if reached is None else reached + 1
    return GroupView(
        group,
        rules.unit_price_at(terms, count),
        terms.tiers[following] if following < len(terms.tiers) else None,
    )


async def group(on: Runner, group_id: str) -> GroupView:
    async with read_session(on) as session:
        found = await session.get(GroupBuy, group_id)
    if found is None:
        raise NotFound("group buy not found", field="group_id")
    return view_of(found)


async def groups(
    on: Runner, paging: PageParams, *, status: str | None = None, sku: str | None = None
) -> tuple[list[GroupView], int]:
    query = select(GroupBuy)
    if status is not None:
        query = query.where(GroupBuy.status == status)
    if sku is not None:
        query = query.where(GroupBuy.sku == sku)
    async with read_session(on) as session:
        total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = await session.scalars(
            query.order_by(GroupBuy.created_at.desc(), GroupBuy.id)
            .limit(paging.limit)
            .offset(paging.offset)
        )
        return [view_of(g) for g in rows], total


async def participation(on: Runner, participation_id: str) -> Participation:
    async with read_session(on) as session:
        found = await session.get(Participation, participation_id)
    if found is None:
        raise NotFound("participation not found", field="participation_id")
    return found


async def participations(
    on: Runner,
    paging: PageParams,
    *,
    group_id: str | None = None,
    customer_id: str | None = None,
    statuses: Sequence[str] = (),
) -> tuple[list[Participation], int]:
    query = select(Participation)
    if group_id is not None:
        query = query.where(Participation.group_id == group_id)
    if customer_id is not None:
        query = query.where(Participation.customer_id == customer_id)
    if statuses:
        query = query.where(Participation.status.in_(statuses))
    async with read_session(on) as session:
        total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = await session.scalars(
            query.order_by(Participation.joined_at, Participation.id)
            .limit(paging.limit)
            .offset(paging.offset)
        )
        return list(rows), total


@dataclass(frozen=True, slots=True)
class SkuToGroup:
    sku: str
    product_id: str
    name: str
    unit_price: int | None
    """Its current price, VAT included, if pricing has one."""


async def sku_to_group(platform: Platform, sku: str) -> SkuToGroup:
    """What the catalog and pricing say of a SKU a group is opened for; 422 if unknown."""
    item = (await catalog.get_skus(platform, [sku])).get(sku)
    if item is None:
        raise InvalidInput(f"the catalog has no SKU {sku}", field="sku")
    product_id, name = item.product_id, item.name
    price = (await pricing.prices_at(platform, [item.sku], utcnow())).get(item.sku)
    return SkuToGroup(item.sku, product_id, name, price.price_incl_vat if price else None)
