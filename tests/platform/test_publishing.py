"""Publishing is refused at the call site when the topic or the payload is wrong, and the
envelope is what the seed's KafkaJS consumers read."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from itvision import bootstrap
from itvision.engines.pricing.events import PriceCalculated
from itvision.platform.bus.processor import Message, Unreadable, decode
from itvision.platform.bus.tables import LoggedEvent
from itvision.platform.errors import InvalidPayload
from itvision.platform.topics import Topic, TopicRegistry
from tests.conftest import COMBINATIONS
from tests.demo_engine import NoteAdded, registry

PRICE = PriceCalculated(
    product_id="prod-1",
    base_cost=250_000,
    margin_rate=Decimal("0.25"),
    service_fee_rate=Decimal("0.05"),
    insurance_rate=Decimal("0.02"),
    final_price=330_000,
    calculated_at=datetime(2026, 11, 25, 10, tzinfo=UTC),
)


@pytest.mark.parametrize("backend_settings", COMBINATIONS[:2], indirect=True)
async def test_a_payload_no_topic_carries_is_refused_where_it_is_published(make_platform):
    platform = await make_platform()

    class PriceGuessed(PriceCalculated):
        pass

    guessed = PriceGuessed.model_validate(PRICE.model_dump())
    with pytest.raises(InvalidPayload, match="no topic carries PriceGuessed") as refused:
        async with platform.uows("pricing-engine") as uow:
            uow.emit(guessed)
    assert refused.value.field == "payload"
    async with platform.db.reads() as session:
        assert (await session.scalars(select(LoggedEvent))).all() == []


def test_a_payload_model_belongs_to_one_topic():
    first = Topic("demo.note.added", NoteAdded, "demo-engine", "a note", key="stream")
    with pytest.raises(ValueError, match="share the payload model NoteAdded"):
        TopicRegistry([first, Topic("demo.note.copied", NoteAdded, "demo-engine", "x", "stream")])


def test_an_event_takes_the_topic_of_its_payload_model():
    assert bootstrap.registry().of(PRICE).name == "pricing.price.calculated"


@pytest.mark.parametrize("backend_settings", COMBINATIONS[:1], indirect=True)
async def test_an_event_reads_like_the_seed_example(make_platform):
    platform = await make_platform()
    async with platform.uows("pricing-engine") as uow:
        uow.emit(PRICE)
    async with platform.db.reads() as session:
        row = await session.scalar(select(LoggedEvent))
    # What the seed's consumer does: JSON.parse(message.value), switch on type, read payload.
    event = json.loads(row.envelope)
    assert event["type"] == "pricing.price.calculated"
    assert event["timestamp"].endswith("Z")
    assert event["payload"] == {
        "productId": "prod-1",
        "baseCost": 250000,
        "marginRate": 0.25,
        "serviceFeeRate": 0.05,
        "insuranceRate": 0.02,
        "finalPrice": 330000,
        "currency": "XOF",
        "calculatedAt": "2026-11-25T10:00:00Z",
    }
    assert row.key == event["key"] == "prod-1"
    assert {"id", "version", "source", "correlationId", "causationId"} <= set(event)


def test_an_event_written_like_the_seed_producer_is_read():
    # emitPriceCalculated in the seed: only type, payload and timestamp.
    value = json.dumps(
        {
            "type": "pricing.price.calculated",
            "payload": {
                "productId": "prod-9",
                "baseCost": 1000,
                "marginRate": 0.3,
                "serviceFeeRate": 0,
                "insuranceRate": 0.01,
                "finalPrice": 1310,
                "currency": "XOF",
                "calculatedAt": "2026-01-08T09:00:00.000Z",
            },
            "timestamp": "2026-01-08T09:00:00.000Z",
        }
    )
    message = Message("pricing.price.calculated", 2, 41, "prod-9", value)
    event = decode(registry(), message)
    assert not isinstance(event, Unreadable)
    assert event.payload.margin_rate == Decimal("0.3")
    assert event.key == "prod-9"
    # Read twice from the same place, it has the same id: the inbox recognises it.
    assert decode(registry(), message).id == event.id


def test_the_registry_holds_every_seed_topic_and_checks_names():
    names = bootstrap.registry().names()
    assert len(names) >= 70
    assert "loyalty.points.earned" in names
    with pytest.raises(ValueError, match="domain"):
        Topic("Pricing.Price", NoteAdded, "demo-engine", "bad", key="stream")
    with pytest.raises(ValueError, match="twice"):
        TopicRegistry([*registry(), *registry()])
    with pytest.raises(ValueError, match="key field"):
        Topic("demo.note.moved", NoteAdded, "demo-engine", "bad key", key="nope")
