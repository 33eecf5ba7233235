"""Operations on the bus over HTTP, at /api/events: topics (anyone), the event log and consumer
groups (staff), parked events, dead letters and replays (admin)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field, model_validator

from itvision.platform.auth import Admin, Anyone, Staff
from itvision.platform.bus import operations
from itvision.platform.deps import PlatformDep
from itvision.platform.errors import ConfigurationError, InvalidInput, NotFound
from itvision.platform.events import Envelope
from itvision.platform.inputs import InputModel, Moment, Omittable
from itvision.platform.system import Platform

router = APIRouter()
LetterId = Annotated[int, Path(ge=1, le=2**62, description="Dead letter id")]


class TopicPublic(BaseModel):
    name: str
    owner: str
    description: str
    key: str
    version: int


class GroupPublic(BaseModel):
    group: str
    topics: list[str]
    position: int
    lag: int
    dead_letters: int
    owner: str | None
    parked: int = Field(description="Events waiting for what they depend on (see /parked)")


class ParkedPublic(BaseModel):
    id: int
    group: str
    event_id: str
    topic: str
    key: str
    partition: int
    offset: int
    reason: str = Field(
        description="not_yet: its handler said so; behind: a parked event of "
        "the same topic and key came first"
    )
    error: str
    parked_at: datetime
    deadline: datetime = Field(description="When a not_yet event becomes a dead letter")
    message: str


class DeadLetterPublic(BaseModel):
    id: int
    group: str
    event_id: str | None
    topic: str
    key: str
    partition: int
    offset: int
    reason: str
    error: str
    attempts: int
    failed_at: datetime
    message: str


class LoggedEventPublic(BaseModel):
    position: int = Field(description="Where the event is in the log (positions only grow)")
    event: Envelope = Field(description="The event as it travels (the envelope's JSON)")


class EventLogPage(BaseModel):
    items: list[LoggedEventPublic] = Field(description="Events in log order")
    next: int = Field(
        description="Pass it as `after` for the next page; when none followed, it is the `after` "
        "asked for, to poll for new events"
    )
    more: bool = Field(description="More events follow this page already")


class ReplayRequest(InputModel):
    model_config = ConfigDict(
        json_schema_extra={"oneOf": [{"required": ["from_offset"]}, {"required": ["from_time"]}]}
    )

    from_offset: Omittable[Annotated[int, Field(ge=0, le=2**62)]] = None
    from_time: Omittable[Moment] = None

    @model_validator(mode="after")
    def _one_of(self) -> ReplayRequest:
        if (self.from_offset is None) == (self.from_time is None):
            raise ValueError("give exactly one of from_offset and from_time")
        return self


@router.get("/topics", response_model=list[TopicPublic])
async def list_topics(platform: PlatformDep, _: Anyone) -> list[dict[str, Any]]:
    """Every topic of the registry."""
    return [
        {
            "name": t.name,
            "owner": t.owner,
            "description": t.description,
            "key": t.key,
            "version": t.version,
        }
        for t in platform.registry
    ]


@router.get("/log", response_model=EventLogPage)
async def read_event_log(
    platform: PlatformDep,
    _: Staff,
    topic: Annotated[
        list[str] | None,
        Query(
            description="Only these topics: repeat the parameter or give a comma-separated "
            "list (see /api/events/topics). Default: every topic."
        ),
    ] = None,
    after: Annotated[
        int | None,
        Query(ge=0, le=2**62, description="Events after this position (a page's `next`)"),
    ] = None,
    since: Annotated[
        Moment | None,
        Query(description="Events logged at or after this RFC 3339 time (instead of `after`)"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500, description="Events per page")] = 100,
) -> EventLogPage:
    """The event log, oldest first: the events of some topics after a position or from a time,
    one page at a time. Without `after` nor `since` it starts at the beginning."""
    if after is not None and since is not None:
        raise InvalidInput("give at most one of after and since", field="query.since")
    page = await operations.log_page(
        platform, after=after or 0, since=since, topics=_topics(platform, topic), limit=limit
    )
    return EventLogPage(
        items=[
            LoggedEventPublic(position=m.offset, event=Envelope.model_validate_json(m.value))
            for m in page.messages
        ],
        next=page.next,
        more=page.more,
    )


def _topics(platform: Platform, values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    names = [name.strip() for value in values for name in value.split(",") if name.strip()]
    if not names:
        raise InvalidInput("name at least one topic, or leave topic out", field="query.topic")
    unknown = [name for name in names if name not in platform.registry]
    if unknown:
        raise InvalidInput(
            f"not in the registry: {', '.join(unknown)} (see /api/events/topics)",
            field="query.topic",
        )
    return list(dict.fromkeys(names))


@router.get("/groups", response_model=list[GroupPublic])
async def list_groups(platform: PlatformDep, _: Staff) -> list[Any]:
    """Each consumer group's position, lag, parked events and dead letters."""
    return await operations.group_statuses(platform)


@router.get("/parked", response_model=list[ParkedPublic])
async def list_parked(
    platform: PlatformDep,
    _: Admin,
    group: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[Any]:
    """Events taken in and not applied yet, oldest first: their handler said what they depend
    on has not arrived (or they wait behind such an event of their topic and key)."""
    return await operations.list_parked(platform, group, limit)


@router.post("/groups/{group}/replay")
async def replay_group(
    platform: PlatformDep, group: str, body: ReplayRequest, _: Admin
) -> dict[str, str]:
    """Reset a group to an offset or a time; its events are applied again from there."""
    try:
        platform.group(group)
    except ConfigurationError as exc:
        raise NotFound(exc.message, field="group") from None
    done = await operations.reset_group(
        platform, group, from_offset=body.from_offset, from_time=body.from_time
    )
    return {"status": done}


@router.get("/dead-letters", response_model=list[DeadLetterPublic])
async def list_dead_letters(
    platform: PlatformDep,
    _: Admin,
    group: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[Any]:
    return await operations.list_dead_letters(platform, group, limit)


@router.get("/dead-letters/{letter_id}", response_model=DeadLetterPublic)
async def show_dead_letter(platform: PlatformDep, letter_id: LetterId, _: Admin) -> Any:
    return await operations.get_dead_letter(platform, letter_id)


@router.post("/dead-letters/{letter_id}/replay")
async def replay_dead_letter(
    platform: PlatformDep, letter_id: LetterId, _: Admin
) -> dict[str, str]:
    """Apply the event again with its group's handler; on success it leaves the store."""
    await operations.replay_dead_letter(platform, letter_id)
    return {"status": "replayed"}


@router.delete("/dead-letters/{letter_id}", status_code=204)
async def drop_dead_letter(platform: PlatformDep, letter_id: LetterId, _: Admin) -> None:
    await operations.drop_dead_letter(platform, letter_id)
