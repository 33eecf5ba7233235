"""The group-buy rules as pure functions: terms, tiers, seats, states, prices at close."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from itvision.engines.groupbuy import rules
from itvision.engines.groupbuy.rules import Counts, Terms, Tier
from itvision.platform.errors import InvalidInput

NOW = datetime(2026, 12, 1, 10, tzinfo=UTC)
TERMS = Terms(
    basis="participants",
    unit_price=100_000,
    tiers=(Tier(3, 90_000), Tier(5, 80_000)),
    minimum=2,
    max_participants=10,
    max_total_quantity=None,
    max_quantity_per_person=3,
)


def terms(**changes) -> Terms:
    return Terms(**{**{f: getattr(TERMS, f) for f in TERMS.__dataclass_fields__}, **changes})


def test_valid_terms_are_kept():
    assert rules.validate_terms(TERMS) == TERMS


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"tiers": ()}, "tiers"),
        ({"tiers": (Tier(3, 90_000), Tier(3, 80_000))}, "tiers.1.threshold"),
        ({"tiers": (Tier(3, 90_000), Tier(5, 95_000))}, "tiers.1.unit_price"),
        ({"tiers": (Tier(3, 100_000),)}, "tiers.0.unit_price"),
        ({"tiers": tuple(Tier(i + 1, 1_000 - i) for i in range(11))}, "tiers"),
        ({"max_total_quantity": 2}, "max_quantity_per_person"),
        ({"minimum": 11}, "minimum"),
        ({"basis": "quantity", "minimum": 31}, "minimum"),
        ({"basis": "quantity", "max_total_quantity": 5, "minimum": 6}, "minimum"),
    ],
)
def test_bad_terms_name_their_field(changes, field):
    with pytest.raises(InvalidInput) as caught:
        rules.validate_terms(terms(**changes))
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("count", "index", "price"),
    [(0, None, 100_000), (2, None, 100_000), (3, 0, 90_000), (4, 0, 90_000), (5, 1, 80_000),
     (50, 1, 80_000)],
)  # fmt: skip
def test_the_highest_tier_reached_gives_the_price(count, index, price):
    assert rules.tier_reached(TERMS.tiers, count) == index
    assert rules.unit_price_at(TERMS, count) == price


def test_the_basis_says_what_is_counted():
    assert rules.counted("participants", 4, 9) == 4
    assert rules.counted("quantity", 4, 9) == 9


def test_a_join_fits_within_every_cap_and_before_the_deadline():
    deadline = NOW + timedelta(hours=1)
    open_seats = Counts(3, 5, 1, 1)
    assert rules.join_refusal(TERMS, open_seats, 3, deadline, NOW) is None
    assert rules.join_refusal(TERMS, open_seats, 4, deadline, NOW).field == "quantity"
    assert rules.join_refusal(TERMS, Counts(10, 10, 0, 0), 1, deadline, NOW).message == (
        "the group is full"
    )
    assert rules.join_refusal(TERMS, open_seats, 1, NOW, NOW).field == "group_id"
    capped = terms(max_total_quantity=6)
    refused = rules.join_refusal(capped, open_seats, 2, deadline, NOW)
    assert (refused.field, refused.message) == ("quantity", "only 1 units are left in the group")


def test_full_by_participants_or_by_units():
    assert rules.is_full(TERMS, Counts(10, 10, 0, 0))
    assert not rules.is_full(TERMS, Counts(9, 27, 0, 0))
    assert rules.is_full(terms(max_total_quantity=6), Counts(2, 6, 0, 0))


def step(status, counts, *, passed=False, refunds=0, t=TERMS):
    return rules.next_step(status, t, counts, deadline_passed=passed, refunds_pending=refunds)


def test_an_open_group_waits_for_its_deadline_or_to_be_full():
    assert step("open", Counts(3, 3, 3, 3)) == "wait"
    assert step("open", Counts(10, 10, 10, 10)) == "succeed"
    assert step("open", Counts(3, 3, 2, 2), passed=True) == "succeed"


def test_below_the_minimum_at_the_deadline_a_group_expires_once_nothing_is_pending():
    assert step("open", Counts(2, 2, 1, 1), passed=True) == "wait"
    assert step("open", Counts(1, 1, 1, 1), passed=True) == "expire"
    assert step("open", Counts(0, 0, 0, 0), passed=True) == "expire"
    # Full but not paid enough: it waits for the payments (or for seats to free).
    assert step("open", Counts(10, 10, 1, 1)) == "wait"


def test_a_succeeded_group_closes_when_no_payment_is_pending():
    assert step("succeeded", Counts(4, 4, 3, 3)) == "wait"
    assert step("succeeded", Counts(3, 3, 3, 3)) == "close"


def test_an_expired_group_is_refunded_when_every_refund_is_done_and_never_succeeds():
    assert step("expired", Counts(3, 3, 3, 3), passed=True, refunds=2) == "wait"
    assert step("expired", Counts(3, 3, 3, 3), passed=True, refunds=0) == "refund"
    for status in ("closed", "refunded"):
        assert step(status, Counts(10, 10, 10, 10), passed=True) == "wait"


def test_a_participant_never_pays_more_than_when_they_joined():
    assert rules.order_unit_price(90_000, 80_000) == 80_000
    assert rules.order_unit_price(90_000, 100_000) == 90_000
