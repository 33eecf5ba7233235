"""Staff adjustments: points given or taken by hand, each with an external reference (a
complaint ticket, a campaign). Retried with the same reference, an adjustment is found, not
written again; the same reference for different points is a conflict."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from itvision.engines.loyalty.commands import AdjustPoints
from itvision.engines.loyalty.events import SOURCE, PointsEarned, PointsReversed
from itvision.engines.loyalty.models import Entry
from itvision.engines.loyalty.services.book import Cause, PointsBook
from itvision.platform.errors import Conflict
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, UnitOfWork, unit_of_work


class NotEnoughPoints(Conflict):
    pass


async def adjust_points(on: Runner, command: AdjustPoints) -> tuple[Entry, bool]:
    """The adjustment's entry, and whether this call wrote it (False: a retry found it)."""
    try:
        return await _adjust(on, command)
    except IntegrityError:
        if isinstance(on, UnitOfWork):
            raise
        # The same reference sent twice at once, for a customer new to the programme: both
        # created the member (PostgreSQL runs them side by side); the other one won, and its
        # entry is found now.
        return await _adjust(on, command)


async def _adjust(on: Runner, command: AdjustPoints) -> tuple[Entry, bool]:
    async with unit_of_work(on, SOURCE) as uow:
        book = PointsBook(uow)
        at = utcnow()
        member = await book.member(command.customer_id, at)
        done = await book.find("adjustment", command.reference)
        if done is not None:
            if (done.customer_id, done.points) != (command.customer_id, command.points):
                raise Conflict(
                    f"reference {command.reference} already adjusted another balance",
                    field="reference",
                )
            return done, False
        balance = await book.balance(command.customer_id)
        if balance + command.points < 0:
            raise NotEnoughPoints(
                f"the balance is {balance} points: {-command.points} cannot be taken",
                field="points",
            )
        cause = Cause(command.actor, note=command.note)
        entry = await book.write(
            command.customer_id, "available", command.points, "adjustment", command.reference,
            cause, at,
        )  # fmt: skip
        assert entry is not None  # not found above, in this locked unit of work
        if command.points > 0:
            uow.emit(
                PointsEarned(
                    customer_id=command.customer_id,
                    points=command.points,
                    balance=balance + command.points,
                    source="adjustment",
                    expires_at=entry.expires_at,
                    earned_at=at,
                )
            )
        else:
            uow.emit(
                PointsReversed(
                    customer_id=command.customer_id,
                    points=-command.points,
                    balance=balance + command.points,
                    direction="debit",
                    reason="adjustment",
                    reversed_at=at,
                )
            )
        member.updated_at = at
        return entry, True
