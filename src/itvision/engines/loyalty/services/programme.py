"""The programme staff manage: earn multipliers (per product, category or brand), rewards and
their thresholds; and the member profile the bonuses need (birthday, referrer)."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from itvision.engines.loyalty.commands import (
    CreateEarnRule,
    CreateReward,
    RemoveEarnRule,
    UpdateProfile,
)
from itvision.engines.loyalty.events import SOURCE
from itvision.engines.loyalty.models import EarnRuleRow, Member, Reward
from itvision.engines.loyalty.services.book import PointsBook
from itvision.platform.errors import Conflict, NotFound
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, unit_of_work


async def create_earn_rule(on: Runner, command: CreateEarnRule) -> EarnRuleRow:
    async with unit_of_work(on, SOURCE) as uow:
        taken = await uow.session.scalar(
            select(EarnRuleRow).where(
                EarnRuleRow.scope == command.scope, EarnRuleRow.target == command.target
            )
        )
        if taken is not None:
            raise Conflict(f"a rule for {command.scope} {command.target} exists", field="target")
        rule = EarnRuleRow(
            id=str(uuid.uuid4()),
            scope=command.scope,
            target=command.target,
            multiplier_percent=int(command.multiplier * 100),
            active=True,
            created_at=utcnow(),
        )
        uow.session.add(rule)
        await uow.session.flush()
        return rule


async def remove_earn_rule(on: Runner, command: RemoveEarnRule) -> None:
    async with unit_of_work(on, SOURCE) as uow:
        rule = await uow.session.get(EarnRuleRow, command.rule_id)
        if rule is None:
            raise NotFound("rule not found", field="rule_id")
        await uow.session.delete(rule)


async def create_reward(on: Runner, command: CreateReward) -> Reward:
    async with unit_of_work(on, SOURCE) as uow:
        reward = Reward(
            id=str(uuid.uuid4()),
            name=command.name,
            threshold=command.threshold,
            kind=command.kind,
            value=command.value,
            active=True,
            created_at=utcnow(),
        )
        uow.session.add(reward)
        await uow.session.flush()
        return reward


async def update_profile(on: Runner, command: UpdateProfile) -> Member:
    async with unit_of_work(on, SOURCE) as uow:
        member = await PointsBook(uow).member(command.customer_id, utcnow())
        if "referrer_id" in command.fields and command.referrer_id != member.referrer_id:
            if command.referrer_id == command.customer_id:
                raise Conflict("a customer cannot refer themselves", field="referrer_id")
            if member.referrer_id is not None or member.first_order_id is not None:
                raise Conflict(
                    "the referrer is set before the first order, once", field="referrer_id"
                )
            member.referrer_id = command.referrer_id
        if "birthday" in command.fields:
            member.birthday = command.birthday
        member.updated_at = utcnow()
        await uow.session.flush()
        return member
