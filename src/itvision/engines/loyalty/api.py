"""The loyalty API, mounted at /api/loyalty. A customer reads their own balance, ledger and
rewards and sets their birthday and referrer; staff read anyone's, adjust balances (idempotent
by external reference), manage earn rules and rewards, and run expiry and the tier review now.
Anyone reads the tiers and the rewards on offer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from itvision.engines.loyalty import queries
from itvision.engines.loyalty.commands import (
    AdjustPoints,
    CreateEarnRule,
    CreateReward,
    ExpirePoints,
    RemoveEarnRule,
    ReviewTiers,
    UpdateProfile,
)
from itvision.engines.loyalty.schemas import (
    BalancePublic,
    EarnRuleCreate,
    EarnRulePublic,
    EntryPublic,
    LoyaltyTierPublic,
    PointsAdjustmentCreate,
    PointsExpiryReport,
    ProfileUpdate,
    RewardCreate,
    RewardPublic,
    TierReviewReport,
    UnlockedPublic,
)
from itvision.engines.loyalty.services import adjustments, expiry, programme, tiers
from itvision.engines.loyalty.services.book import ladder_of
from itvision.engines.loyalty.settings import LoyaltySettings
from itvision.platform.auth import Anyone, Principal, Role, Staff, require
from itvision.platform.deps import PlatformDep
from itvision.platform.openapi import may_answer
from itvision.platform.pagination import Page, Paging

router = APIRouter()

Member = Annotated[Principal, require(Role.ADMIN, Role.STAFF, Role.CUSTOMER)]
CustomerPath = Annotated[str, Path(min_length=1, max_length=100)]


def _owned(caller: Principal, customer_id: str) -> None:
    caller.ensure_owns(customer_id, "customer")


@router.get("/customers/{customer_id}", response_model=BalancePublic, responses=may_answer(404))
async def read_balance(
    platform: PlatformDep, customer_id: CustomerPath, caller: Member
) -> BalancePublic:
    """Available and pending points, their worth, the tier and what the next one needs."""
    _owned(caller, customer_id)
    settings = platform.settings_of(LoyaltySettings)
    view = await queries.balance_of(platform, customer_id, settings)
    return BalancePublic.model_validate(view)


@router.get(
    "/customers/{customer_id}/ledger", response_model=Page[EntryPublic], responses=may_answer(404)
)
async def read_ledger(
    platform: PlatformDep, customer_id: CustomerPath, caller: Member, paging: Paging
) -> Page[EntryPublic]:
    """Every entry of the customer's points (relevé de points), newest first."""
    _owned(caller, customer_id)
    rows, total = await queries.ledger(platform, customer_id, paging)
    return Page(
        items=[EntryPublic.model_validate(r) for r in rows],
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.patch(
    "/customers/{customer_id}/profile",
    response_model=BalancePublic,
    responses=may_answer(404, 409),
)
async def update_profile(
    platform: PlatformDep, customer_id: CustomerPath, body: ProfileUpdate, caller: Member
) -> BalancePublic:
    """The birthday (a bonus on the birthday month's first order) and the referrer (set once,
    before the first order)."""
    _owned(caller, customer_id)
    command = UpdateProfile(
        customer_id, body.birthday, body.referrer_id, frozenset(body.model_fields_set)
    )
    await programme.update_profile(platform, command)
    settings = platform.settings_of(LoyaltySettings)
    return BalancePublic.model_validate(await queries.balance_of(platform, customer_id, settings))


@router.post(
    "/customers/{customer_id}/adjustments",
    status_code=201,
    response_model=EntryPublic,
    responses={
        201: {
            "headers": {
                "Idempotent-Replayed": {
                    "description": "`true` when the reference had been used: this is its entry",
                    "schema": {"type": "string", "enum": ["true"]},
                }
            }
        },
        **may_answer(409),
    },
)
async def adjust(
    platform: PlatformDep,
    customer_id: CustomerPath,
    body: PointsAdjustmentCreate,
    caller: Staff,
    response: Response,
) -> EntryPublic:
    """Give or take points by hand. Sent again with the same reference, it answers the same
    entry (header `Idempotent-Replayed: true`) without changing the balance."""
    command = AdjustPoints(customer_id, body.points, body.reference, body.note, caller.subject)
    entry, written = await adjustments.adjust_points(platform, command)
    if not written:
        response.headers["Idempotent-Replayed"] = "true"
    return EntryPublic.model_validate(entry)


@router.get(
    "/customers/{customer_id}/rewards",
    response_model=list[UnlockedPublic],
    responses=may_answer(404),
)
async def read_unlocked(
    platform: PlatformDep, customer_id: CustomerPath, caller: Member
) -> list[UnlockedPublic]:
    _owned(caller, customer_id)
    found = await queries.unlocked_rewards(platform, customer_id)
    return [UnlockedPublic.model_validate(u) for u in found]


@router.get("/tiers", response_model=list[LoyaltyTierPublic])
async def list_tiers(platform: PlatformDep, _: Anyone) -> list[LoyaltyTierPublic]:
    """Bronze, Silver, Gold: the points over 12 months each needs and its benefits."""
    ladder = ladder_of(platform.settings_of(LoyaltySettings))
    return [
        LoyaltyTierPublic(
            name=t.name,
            threshold=t.threshold,
            earn_multiplier=float(t.earn_multiplier),
            free_shipping=t.free_shipping,
        )
        for t in ladder
    ]


@router.post("/tiers/review", response_model=TierReviewReport)
async def review_now(platform: PlatformDep, _: Staff) -> TierReviewReport:
    """Run the yearly review of the members due now (also run daily)."""
    return TierReviewReport(downgraded=await tiers.review_tiers(platform, ReviewTiers()))


@router.post("/expiry", response_model=PointsExpiryReport)
async def expire_now(platform: PlatformDep, _: Staff) -> PointsExpiryReport:
    """Expire the points due now and warn of those due soon (also run hourly)."""
    return PointsExpiryReport(points_expired=await expiry.expire_points(platform, ExpirePoints()))


@router.get("/rules", response_model=list[EarnRulePublic])
async def list_rules(platform: PlatformDep, _: Staff) -> list[EarnRulePublic]:
    return [EarnRulePublic.of(r) for r in await queries.earn_rules(platform)]


@router.post("/rules", status_code=201, response_model=EarnRulePublic, responses=may_answer(409))
async def create_rule(platform: PlatformDep, body: EarnRuleCreate, _: Staff) -> EarnRulePublic:
    """A multiplier for a product, a category or a brand (the best matching one applies)."""
    command = CreateEarnRule(body.scope, body.target, body.multiplier)
    return EarnRulePublic.of(await programme.create_earn_rule(platform, command))


@router.delete("/rules/{rule_id}", status_code=204, responses=may_answer(404))
async def delete_rule(
    platform: PlatformDep, rule_id: Annotated[str, Path(max_length=36)], _: Staff
) -> Response:
    await programme.remove_earn_rule(platform, RemoveEarnRule(rule_id))
    return Response(status_code=204)


@router.get("/rewards", response_model=list[RewardPublic])
async def list_rewards(platform: PlatformDep, _: Anyone) -> list[RewardPublic]:
    return [RewardPublic.model_validate(r) for r in await queries.rewards(platform)]


@router.post("/rewards", status_code=201, response_model=RewardPublic)
async def create_reward(platform: PlatformDep, body: RewardCreate, _: Staff) -> RewardPublic:
    """A reward unlocked when a customer's lifetime earned points reach `threshold`."""
    command = CreateReward(body.name, body.threshold, body.kind, body.value)
    return RewardPublic.model_validate(await programme.create_reward(platform, command))
