"""The engines' event contracts: the seed's topic names, owners, and the seed's
`PriceCalculatedEvent` as the KafkaJS producers write it."""

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from itvision.engines.analytics.events import TOPICS as ANALYTICS
from itvision.engines.billing.events import TOPICS as BILLING
from itvision.engines.catalog.events import TOPICS as CATALOG
from itvision.engines.customer.events import TOPICS as CUSTOMER
from itvision.engines.fraud.events import TOPICS as FRAUD
from itvision.engines.groupbuy.events import TOPICS as GROUPBUY
from itvision.engines.inventory.events import TOPICS as INVENTORY
from itvision.engines.loyalty.events import TOPICS as LOYALTY
from itvision.engines.notification.events import TOPICS as NOTIFICATION
from itvision.engines.order.events import TOPICS as ORDER
from itvision.engines.payment.events import TOPICS as PAYMENT
from itvision.engines.pricing.events import TOPICS as PRICING
from itvision.engines.pricing.events import PriceCalculated
from itvision.engines.profitability.events import TOPICS as PROFITABILITY
from itvision.engines.promotion.events import TOPICS as PROMOTION
from itvision.engines.recommendation.events import TOPICS as RECOMMENDATION
from itvision.engines.review.events import TOPICS as REVIEW
from itvision.engines.search.events import TOPICS as SEARCH
from itvision.engines.shipping.events import TOPICS as SHIPPING
from itvision.engines.technician.events import TOPICS as TECHNICIAN
from itvision.platform.topics import Topic, TopicRegistry

# package -> (engine code, topics)
ENGINES: dict[str, tuple[str, tuple[Topic, ...]]] = {
    "pricing": ("pricing-engine", PRICING),
    "catalog": ("catalog-engine", CATALOG),
    "order": ("order-engine", ORDER),
    "billing": ("billing-engine", BILLING),
    "inventory": ("inventory-engine", INVENTORY),
    "loyalty": ("loyalty-engine", LOYALTY),
    "profitability": ("profitability-engine", PROFITABILITY),
    "recommendation": ("recommendation-engine", RECOMMENDATION),
    "promotion": ("promotion-engine", PROMOTION),
    "groupbuy": ("group-buy-engine", GROUPBUY),
    "notification": ("notification-engine", NOTIFICATION),
    "payment": ("payment-engine", PAYMENT),
    "shipping": ("shipping-engine", SHIPPING),
    "technician": ("technician-engine", TECHNICIAN),
    "review": ("review-engine", REVIEW),
    "analytics": ("analytics-engine", ANALYTICS),
    "search": ("search-engine", SEARCH),
    "fraud": ("fraud-engine", FRAUD),
    "customer": ("customer-engine", CUSTOMER),
}

ALL_TOPICS = [topic for _, topics in ENGINES.values() for topic in topics]
REGISTRY = TopicRegistry(ALL_TOPICS)

# Copied from seed/architecture-moteurs-metier.md, "Topics par domaine".
SEED_TOPICS = """
catalog.product.created
catalog.product.updated
catalog.product.deleted
catalog.product.viewed
catalog.variant.created
catalog.category.updated
pricing.price.calculated
pricing.margin.updated
pricing.settings.changed
pricing.tier.activated
order.cart.updated
order.order.placed
order.order.confirmed
order.order.shipped
order.order.delivered
order.order.cancelled
order.order.refunded
billing.quote.created
billing.quote.accepted
billing.invoice.generated
billing.invoice.paid
billing.invoice.overdue
billing.credit.issued
loyalty.points.earned
loyalty.points.redeemed
loyalty.tier.upgraded
loyalty.tier.downgraded
loyalty.reward.unlocked
groupbuy.group.created
groupbuy.participant.joined
groupbuy.threshold.reached
groupbuy.group.closed
groupbuy.group.expired
inventory.stock.updated
inventory.stock.low
inventory.stock.depleted
inventory.reorder.suggested
notification.email.sent
notification.sms.sent
notification.push.sent
notification.whatsapp.sent
technician.mission.created
technician.bid.placed
technician.mission.assigned
technician.mission.completed
analytics.event.tracked
analytics.conversion.recorded
analytics.session.started
analytics.session.ended
""".split()


def test_seed_lists_49_topics() -> None:
    assert len(SEED_TOPICS) == len(set(SEED_TOPICS)) == 49


@pytest.mark.parametrize("name", SEED_TOPICS)
def test_every_seed_topic_is_registered(name: str) -> None:
    assert name in REGISTRY


def test_registry_has_every_engine_topic() -> None:
    assert len(REGISTRY) == len(ALL_TOPICS) >= 70


@pytest.mark.parametrize("package", sorted(ENGINES))
def test_topics_belong_to_their_package_engine(package: str) -> None:
    code, topics = ENGINES[package]
    assert topics
    for topic in topics:
        assert topic.domain == package, topic.name
        assert topic.owner == code, topic.name


def test_seed_topics_are_owned_by_the_engine_of_their_domain() -> None:
    owners = {package: code for package, (code, _) in ENGINES.items()}
    for name in SEED_TOPICS:
        assert REGISTRY.get(name).owner == owners[name.split(".")[0]]


@pytest.mark.parametrize("topic", ALL_TOPICS, ids=lambda t: t.name)
def test_every_payload_has_a_json_schema(topic: Topic) -> None:
    schema = topic.json_schema()
    json.dumps(schema)
    assert schema["type"] == "object"
    assert schema["$id"] == f"urn:itvision:topic:{topic.name}:v{topic.version}"
    assert topic.key in topic.payload.model_fields


def test_price_calculated_on_the_wire_is_the_seed_contract() -> None:
    event = PriceCalculated(
        product_id="prod-123",
        base_cost=250_000,
        margin_rate=Decimal("0.25"),
        service_fee_rate=Decimal("0.05"),
        insurance_rate=Decimal("0.02"),
        final_price=330_000,
        calculated_at=datetime(2026, 1, 8, 10, 30, tzinfo=UTC),
    )
    wire = event.model_dump(mode="json", by_alias=True)
    assert set(wire) == {
        "productId",
        "baseCost",
        "marginRate",
        "serviceFeeRate",
        "insuranceRate",
        "finalPrice",
        "currency",
        "calculatedAt",
    }
    for rate in ("marginRate", "serviceFeeRate", "insuranceRate"):
        assert isinstance(wire[rate], int | float) and not isinstance(wire[rate], bool)
    assert wire["marginRate"] == 0.25
    assert wire["baseCost"] == 250_000 and isinstance(wire["baseCost"], int)
    assert wire["finalPrice"] == 330_000 and isinstance(wire["finalPrice"], int)
    assert wire["currency"] == "XOF"
    assert PriceCalculated.model_validate(wire) == event


def test_price_calculated_as_the_seed_kafkajs_producer_writes_it() -> None:
    message_value = json.dumps(
        {
            "type": "pricing.price.calculated",
            "payload": {
                "productId": "prod-123",
                "baseCost": 250000,
                "marginRate": 0.25,
                "serviceFeeRate": 0.05,
                "insuranceRate": 0.02,
                "finalPrice": 330000,
                "currency": "XOF",
                "calculatedAt": "2026-01-08T10:30:00.000Z",
            },
            "timestamp": "2026-01-08T10:30:00.123Z",
        }
    )
    raw = json.loads(message_value)["payload"]

    for event in (
        PriceCalculated.model_validate(raw),
        PriceCalculated.model_validate_json(json.dumps(raw)),
    ):
        assert event.product_id == "prod-123"
        assert event.base_cost == 250_000 and type(event.base_cost) is int
        assert event.final_price == 330_000 and type(event.final_price) is int
        assert event.margin_rate == Decimal("0.25") and isinstance(event.margin_rate, Decimal)
        assert event.service_fee_rate == Decimal("0.05")
        assert event.insurance_rate == Decimal("0.02")
        assert event.currency == "XOF"
        assert event.calculated_at == datetime(2026, 1, 8, 10, 30, tzinfo=UTC)
        assert event.calculated_at.tzinfo is UTC


def test_order_placed_version_1_is_read_with_its_code_in_promotion_codes() -> None:
    from itvision.engines.order.events import OrderPlaced

    version_1 = {"orderId": "o1", "customerId": "c1", "subtotal": 1000, "total": 1000,
                 "lines": [{"sku": "S", "productId": "p", "quantity": 1, "unitPrice": 1000}],
                 "paymentMethod": "wave", "promotionCode": "TABASKI", "promotionCodes": [],
                 "placedAt": "2026-11-30T10:00:00Z"}  # fmt: skip
    placed = OrderPlaced.model_validate(version_1)
    assert placed.promotion_codes == ["TABASKI"]
    assert "promotionCode" not in placed.model_dump(by_alias=True)
    assert REGISTRY.get("order.order.placed").version == 2


def test_loyalty_topics_as_the_seed_kafkajs_code_writes_and_reads_them() -> None:
    """The seed's `startLoyaltyConsumer` subscribes to order.order.placed and delivered and
    reads `JSON.parse(message.value)`; KafkaJS producers write `{type, payload, timestamp}`
    without an id. Both directions hold for loyalty's topics and the ones it follows."""
    from itvision import bootstrap
    from itvision.engines.loyalty.consumers import GROUP
    from itvision.platform.bus.decoding import Unreadable, decode
    from itvision.platform.bus.messages import Message

    assert {"order.order.placed", "order.order.delivered"} <= set(GROUP.topics)
    registry = bootstrap.registry()
    written = {
        "order.order.placed": {
            "orderId": "o1", "customerId": "c1", "subtotal": 50000, "total": 52000,
            "shippingFee": 2000, "paymentMethod": "wave", "placedAt": "2026-01-08T10:30:00.000Z",
            "lines": [{"sku": "S", "productId": "p", "quantity": 1, "unitPrice": 50000}],
        },
        "order.order.delivered": {
            "orderId": "o1", "customerId": "c1", "total": 52000,
            "deliveredAt": "2026-01-09T10:30:00.000Z",
        },
        "loyalty.points.earned": {
            "customerId": "c1", "points": 500, "balance": 500, "source": "order",
            "orderId": "o1", "earnedAt": "2026-01-09T10:30:00.000Z",
        },
        "loyalty.points.redeemed": {
            "customerId": "c1", "points": 200, "balance": 300, "value": 200,
            "redeemedAt": "2026-01-09T10:30:00.000Z",
        },
        "loyalty.tier.upgraded": {
            "customerId": "c1", "previousTier": "bronze", "tier": "silver",
            "qualifyingPoints": 10000, "upgradedAt": "2026-01-09T10:30:00.000Z",
        },
        "loyalty.reward.unlocked": {
            "customerId": "c1", "rewardId": "r1", "kind": "voucher", "value": 5000,
            "unlockedAt": "2026-01-09T10:30:00.000Z",
        },
        "loyalty.points.expired": {
            "customerId": "c1", "points": 100, "balance": 0,
            "expiredAt": "2027-01-09T10:30:00.000Z",
        },
    }  # fmt: skip
    for offset, (topic, payload) in enumerate(written.items()):
        value = {"type": topic, "payload": payload, "timestamp": "2026-01-09T10:30:00.123Z"}
        message = Message(topic, 0, offset, "c1", json.dumps(value))
        event = decode(registry, message)
        assert not isinstance(event, Unreadable), (topic, event)
        assert decode(registry, message).id == event.id  # read again: recognised
        # What a KafkaJS consumer reads back from our envelope: type and camelCase payload.
        assert event.envelope.type == topic
        wire = event.payload.model_dump(mode="json", by_alias=True)
        assert {k: wire[k] for k in payload if k != "lines"} == {
            k: (v.replace(".000Z", "Z") if isinstance(v, str) and v.endswith(".000Z") else v)
            for k, v in payload.items()
            if k != "lines"
        }
        for line, sent in zip(wire.get("lines", []), payload.get("lines", []), strict=True):
            assert {k: line[k] for k in sent} == sent
