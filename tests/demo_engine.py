"""A small test-only engine that drives the platform: it follows `demo.note.added` and keeps a
projection of the notes it applied, one row per application, so a double effect shows as two
rows. Its handler can be told to fail a number of times for a given note.

With `tags=True` it also follows `demo.note.tagged`, which depends on its note (as a variant
depends on its product): a tag whose note it has not applied yet is "not yet". Applied tags are
kept as notes of the group `<name>:tags`."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pydantic import Field
from sqlalchemy import Integer, String, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column

from itvision import bootstrap
from itvision.platform.bus.consumer import ConsumerGroup
from itvision.platform.db import Base
from itvision.platform.errors import NotYet
from itvision.platform.events import Event, Payload
from itvision.platform.topics import Topic, TopicRegistry
from itvision.platform.uow import UnitOfWork

OWNER = "demo-engine"


class NoteAdded(Payload):
    stream: str
    seq: int = Field(ge=0)
    text: str = ""


class NoteEchoed(Payload):
    stream: str
    seq: int


class NoteTagged(Payload):
    stream: str
    seq: int
    tag: str


TOPICS = (
    Topic("demo.note.added", NoteAdded, OWNER, "A note was added to a stream", key="stream"),
    Topic("demo.note.echoed", NoteEchoed, OWNER, "A consumer echoed a note", key="stream"),
    Topic("demo.note.tagged", NoteTagged, OWNER, "A note of a stream was tagged", key="stream"),
)


class AppliedNote(Base):
    __tablename__ = "demo_applied_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    group: Mapped[str] = mapped_column(String(100))
    stream: Mapped[str] = mapped_column(String(100))
    seq: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(200))


def registry() -> TopicRegistry:
    return TopicRegistry([*bootstrap.topics(), *TOPICS])


class DemoGroup:
    """A consumer group over demo topics with scripted failures."""

    def __init__(
        self, name: str = "demo-engine", *, echo: bool = False, tags: bool = False
    ) -> None:
        self.name = name
        self.failures: dict[int, int] = defaultdict(int)
        self.always_fail: set[int] = set()
        self.calls: dict[int, int] = defaultdict(int)
        self.slow_seconds = 0.0
        self.group = ConsumerGroup(name, rebuild=self._rebuild)
        self.group.on("demo.note.added")(self._on_note)
        if tags:
            self.group.on("demo.note.tagged")(self._on_tag)
        self.echo = echo

    async def _on_note(self, event: Event[NoteAdded], uow: UnitOfWork) -> None:
        import asyncio

        seq = event.payload.seq
        self.calls[seq] += 1
        if seq in self.always_fail:
            raise RuntimeError(f"note {seq} can never be applied")
        if self.failures[seq] > 0:
            self.failures[seq] -= 1
            raise RuntimeError(f"note {seq} fails this time")
        if self.slow_seconds:
            await asyncio.sleep(self.slow_seconds)
        uow.session.add(
            AppliedNote(
                group=self.name, stream=event.payload.stream, seq=seq, text=event.payload.text
            )
        )
        if self.echo:
            uow.emit(NoteEchoed(stream=event.payload.stream, seq=seq))

    async def _on_tag(self, event: Event[NoteTagged], uow: UnitOfWork) -> None:
        tag = event.payload
        known = await uow.session.scalar(
            select(func.count())
            .select_from(AppliedNote)
            .where(
                AppliedNote.group == self.name,
                AppliedNote.stream == tag.stream,
                AppliedNote.seq == tag.seq,
            )
        )
        if not known:
            raise NotYet(f"note {tag.stream}/{tag.seq} not applied yet")
        uow.session.add(
            AppliedNote(group=f"{self.name}:tags", stream=tag.stream, seq=tag.seq, text=tag.tag)
        )

    async def _rebuild(self, session: Any) -> None:
        await session.execute(delete(AppliedNote).where(AppliedNote.group == self.name))


async def applied(platform: Any, group: str) -> list[tuple[str, int, str]]:
    async with platform.db.reads() as session:
        rows = await session.execute(
            select(AppliedNote.stream, AppliedNote.seq, AppliedNote.text)
            .where(AppliedNote.group == group)
            .order_by(AppliedNote.id)
        )
        return [tuple(r) for r in rows]


async def applied_count(platform: Any, group: str) -> int:
    async with platform.db.reads() as session:
        return int(
            await session.scalar(
                select(func.count()).select_from(AppliedNote).where(AppliedNote.group == group)
            )
        )
