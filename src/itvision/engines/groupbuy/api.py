"""The group-buy API, mounted at /api/group-buys. Anyone reads the groups; staff open them; a
customer joins one (then pays the participation with POST /api/payments
{participation_id}), reads their participations and leaves before the deadline; staff read
every participation of a group."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from itvision.engines.groupbuy import queries
from itvision.engines.groupbuy.commands import JoinGroup, LeaveGroup, OpenGroup
from itvision.engines.groupbuy.rules import GroupStatus, ParticipationStatus, Tier
from itvision.engines.groupbuy.schemas import (
    GroupCreate,
    GroupPublic,
    JoinCreate,
    ParticipationPublic,
)
from itvision.engines.groupbuy.services import groups, participations
from itvision.platform.auth import Anyone, Principal, Role, Staff, require
from itvision.platform.deps import PlatformDep
from itvision.platform.errors import InvalidInput
from itvision.platform.openapi import may_answer
from itvision.platform.pagination import Page, Paging

PATH = "group-buys"
router = APIRouter()

Customer = Annotated[Principal, require(Role.CUSTOMER)]
Member = Annotated[Principal, require(Role.ADMIN, Role.STAFF, Role.CUSTOMER)]
GroupId = Annotated[str, Path(min_length=1, max_length=40)]
ParticipationId = Annotated[str, Path(min_length=1, max_length=40)]


@router.post("", status_code=201, response_model=GroupPublic)
async def open_group(platform: PlatformDep, body: GroupCreate, caller: Staff) -> GroupPublic:
    """Open a group for a SKU: tiers by participants or units, the minimum to succeed, the
    deadline and the caps. 422 names the offending field (tiers out of order, an unknown SKU…)."""
    known = await queries.sku_to_group(platform, body.sku)
    unit_price = body.unit_price or known.unit_price
    if unit_price is None:
        raise InvalidInput(f"{body.sku} has no price yet: give unit_price", field="unit_price")
    command = OpenGroup(
        sku=body.sku,
        product_id=known.product_id,
        name=body.name or known.name,
        basis=body.basis,
        tiers=tuple(Tier(t.threshold, t.unit_price) for t in body.tiers),
        minimum=body.minimum,
        deadline=body.deadline,
        max_participants=body.max_participants,
        max_total_quantity=body.max_total_quantity,
        max_quantity_per_person=body.max_quantity_per_person,
        unit_price=unit_price,
        actor=caller.subject,
    )
    group = await groups.open_group(platform, command)
    return GroupPublic.of(queries.view_of(group))


@router.get("", response_model=Page[GroupPublic])
async def list_groups(
    platform: PlatformDep,
    _: Anyone,
    paging: Paging,
    status: GroupStatus | None = None,
    sku: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
) -> Page[GroupPublic]:
    """Groups, newest first."""
    views, total = await queries.groups(
        platform, paging, status=status, sku=sku.upper() if sku else None
    )
    return Page.of([GroupPublic.of(v) for v in views], total, paging)


@router.get("/participations", response_model=Page[ParticipationPublic])
async def list_my_participations(
    platform: PlatformDep,
    caller: Member,
    paging: Paging,
    status: ParticipationStatus | None = None,
    customer_id: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
) -> Page[ParticipationPublic]:
    """A customer's participations (staff: anyone's, or one customer's), oldest first."""
    who = customer_id if caller.is_staff else caller.subject
    rows, total = await queries.participations(
        platform, paging, customer_id=who, statuses=(status,) if status else ()
    )
    return Page.of([ParticipationPublic.of(r) for r in rows], total, paging)


@router.get(
    "/participations/{participation_id}",
    response_model=ParticipationPublic,
    responses=may_answer(404),
)
async def read_participation(
    platform: PlatformDep, participation_id: ParticipationId, caller: Member
) -> ParticipationPublic:
    """One participation: its payment, order price and refund (the customer's own)."""
    row = await queries.participation(platform, participation_id)
    caller.ensure_owns(row.customer_id, "participation")
    return ParticipationPublic.of(row)


@router.post(
    "/participations/{participation_id}/leave",
    response_model=ParticipationPublic,
    responses=may_answer(404),
)
async def leave_group(
    platform: PlatformDep, participation_id: ParticipationId, caller: Member
) -> ParticipationPublic:
    """Leave a group before its deadline: the seat is freed and what was paid refunded (409
    once the group stopped taking changes)."""
    row = await participations.leave_group(platform, LeaveGroup(participation_id, caller))
    return ParticipationPublic.of(row)


@router.get("/{group_id}", response_model=GroupPublic, responses=may_answer(404))
async def read_group(platform: PlatformDep, group_id: GroupId, _: Anyone) -> GroupPublic:
    """A group, its current price and the next tier to reach."""
    return GroupPublic.of(await queries.group(platform, group_id))


@router.post(
    "/{group_id}/participations",
    status_code=201,
    response_model=ParticipationPublic,
    responses=may_answer(404),
)
async def join_group(
    platform: PlatformDep, group_id: GroupId, body: JoinCreate, caller: Customer
) -> ParticipationPublic:
    """Join with a quantity at the group's current price; pay it with POST /api/payments
    {participation_id} before `pay_by`. 409 `group_full`, `already_joined`, or
    `invalid_transition` when the group no longer takes joins."""
    command = JoinGroup(
        group_id=group_id,
        customer_id=caller.subject,
        quantity=body.quantity,
        payment_method=body.payment_method,
        delivery_method=body.delivery_method,
        delivery_address=body.address(),
    )
    return ParticipationPublic.of(await participations.join_group(platform, command))


@router.get(
    "/{group_id}/participations",
    response_model=Page[ParticipationPublic],
    responses=may_answer(404),
)
async def list_group_participations(
    platform: PlatformDep,
    group_id: GroupId,
    _: Staff,
    paging: Paging,
    status: ParticipationStatus | None = None,
) -> Page[ParticipationPublic]:
    """Every participation of a group, oldest first, with its payment and refund."""
    await queries.group(platform, group_id)
    rows, total = await queries.participations(
        platform, paging, group_id=group_id, statuses=(status,) if status else ()
    )
    return Page.of([ParticipationPublic.of(r) for r in rows], total, paging)
