"""The shipping rules as pure functions: which zone serves an address, what a parcel costs,
which status a shipment may take, what a delivery says about cash, and a carrier's signature."""

from __future__ import annotations

import pytest

from itvision.engines.shipping.rules import shipments
from itvision.engines.shipping.rules.fees import Band, bands_problem, shipping_fee, weight_fee
from itvision.engines.shipping.rules.signatures import InvalidSignature, sign, verify
from itvision.engines.shipping.rules.zones import Place, fold, place_keys, zone_for
from itvision.platform.errors import InvalidInput

# Zones -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "folded"),
    [
        ("Sacré-Cœur", "sacre coeur"),
        ("MÉDINA", "medina"),
        ("  Fann-Point E-Amitié ", "fann point e amitie"),
        ("Patte d'Oie", "patte d oie"),
        ("Port-Bouët", "port bouet"),
        ("Keur  Massar", "keur massar"),
        (None, ""),
        ("", ""),
    ],
)
def test_names_fold_to_one_form(name, folded):
    assert fold(name) == folded


def _places() -> list[Place]:
    def place(zone: str, country: str, city: str | None, area: str | None = None) -> Place:
        return Place(zone, country, fold(city), fold(area))

    return [
        place("plateau", "SN", "Dakar", "Plateau"),
        place("pikine", "SN", "Dakar", "Pikine"),
        place("dakar", "SN", "Dakar"),
        place("thies", "SN", "Thiès"),
        place("sn-rest", "SN", None),
        place("ci-plateau", "CI", "Abidjan", "Plateau"),
        place("abidjan", "CI", "Abidjan"),
    ]


@pytest.mark.parametrize(
    ("country", "city", "area", "zone"),
    [
        ("SN", "Dakar", "Plateau", "plateau"),  # the area in its city
        ("SN", "DAKAR", "plateau", "plateau"),  # case and accents do not matter
        ("SN", "Pikine", None, "pikine"),  # the commune typed as the city
        ("SN", "Pikine", "Thiaroye", "pikine"),
        ("SN", "Dakar", "Almadies", "dakar"),  # an area no zone names: the whole city
        ("SN", "Thies", "Randoulène", "thies"),
        ("SN", "Podor", None, "sn-rest"),  # a city no zone names: the whole country
        ("CI", "Abidjan", "Plateau", "ci-plateau"),  # same area, other country
        ("CI", "Bouaké", None, None),  # no zone covers the rest of this country
        ("ML", "Bamako", None, None),
    ],
)
def test_the_most_precise_place_finds_the_zone(country, city, area, zone):
    assert zone_for(_places(), country, city, area) == zone


def test_two_zones_naming_one_place_answer_the_first_code():
    places = [Place("b", "SN", "dakar", ""), Place("a", "SN", "dakar", "")]
    assert zone_for(places, "SN", "Dakar", None) == "a"


def test_place_keys_need_names_and_an_area_needs_its_city():
    assert place_keys("Dakar", "Médina") == ("dakar", "medina")
    assert place_keys("Thiès", None) == ("thies", "")
    assert place_keys(None, None) == ("", "")
    with pytest.raises(InvalidInput) as refused:
        place_keys(None, "Plateau")
    assert refused.value.field == "city"
    with pytest.raises(InvalidInput) as refused:
        place_keys("--", None)
    assert refused.value.field == "city"
    with pytest.raises(InvalidInput) as refused:
        place_keys("Dakar", "'")
    assert refused.value.field == "area"


# Fees ------------------------------------------------------------------------------------------

BANDS = [Band(None, 4000, 150), Band(5000, 1500), Band(1000, 1000), Band(30000, 3000)]


@pytest.mark.parametrize(
    ("grams", "fee"),
    [
        (0, 1000),
        (1000, 1000),  # a band holds its upper weight
        (1001, 1500),
        (5000, 1500),
        (29_999, 3000),
        (30_000, 3000),
        (30_001, 4000 + 150),  # each started kg above 30 kg
        (32_000, 4000 + 2 * 150),
        (32_001, 4000 + 3 * 150),
    ],
)
def test_the_lightest_band_that_holds_the_parcel_sets_the_fee(grams, fee):
    assert weight_fee(BANDS, grams) == fee


def test_a_zone_without_an_open_band_carries_no_heavier_parcel():
    bands = [Band(1000, 1000), Band(5000, 1500)]
    assert weight_fee(bands, 5001) is None
    assert shipping_fee(bands, 5001, 10**9, 0) is None


def test_an_extra_per_kg_on_a_bounded_band_counts_from_its_start():
    assert weight_fee([Band(1000, 1000), Band(5000, 1000, 100)], 3500) == 1000 + 3 * 100


@pytest.mark.parametrize(
    ("subtotal", "free_from", "fee"),
    [
        (99_999, 100_000, 1500),
        (100_000, 100_000, 0),  # the threshold itself is free
        (10**9, None, 1500),  # no threshold: never free
        (0, 0, 0),
    ],
)
def test_delivery_is_free_from_the_threshold(subtotal, free_from, fee):
    assert shipping_fee(BANDS, 2000, subtotal, free_from) == fee


def test_a_rate_needs_bands_each_ending_at_its_own_weight():
    assert bands_problem([]) == "a rate needs at least one weight band"
    assert bands_problem([Band(1000, 1), Band(1000, 2)]) == "two bands end at the same weight"
    assert bands_problem([Band(None, 1), Band(None, 2)]) == "two bands end at the same weight"
    assert bands_problem(BANDS) is None


# The state machine -----------------------------------------------------------------------------

ALLOWED = {
    ("created", "picked_up"),
    ("created", "cancelled"),
    ("picked_up", "in_transit"),
    ("picked_up", "out_for_delivery"),
    ("picked_up", "delivered"),
    ("picked_up", "returned"),
    ("in_transit", "out_for_delivery"),
    ("in_transit", "delivered"),
    ("in_transit", "failed_attempt"),
    ("in_transit", "returned"),
    ("out_for_delivery", "delivered"),
    ("out_for_delivery", "failed_attempt"),
    ("out_for_delivery", "returned"),
    ("failed_attempt", "in_transit"),
    ("failed_attempt", "out_for_delivery"),
    ("failed_attempt", "delivered"),
    ("failed_attempt", "returned"),
}


@pytest.mark.parametrize("current", shipments.STATUSES)
@pytest.mark.parametrize("wanted", shipments.STATUSES)
def test_every_transition_is_allowed_or_refused_with_what_is_allowed(current, wanted):
    if (current, wanted) in ALLOWED:
        shipments.check_transition(current, wanted)
        return
    with pytest.raises(shipments.InvalidTransition) as refused:
        shipments.check_transition(current, wanted)
    error = refused.value
    assert (error.status, error.code, error.field) == (409, "invalid_transition", "status")
    assert error.current == current
    assert error.allowed == sorted(w for c, w in ALLOWED if c == current)


def test_final_statuses_lead_nowhere():
    for status in shipments.FINAL:
        assert shipments.allowed_next(status) == []
    with pytest.raises(shipments.InvalidTransition, match="none: it is final"):
        shipments.check_transition("delivered", "returned")


# Cash on delivery ------------------------------------------------------------------------------


def test_a_cash_on_delivery_order_is_delivered_with_the_cash_collected():
    report = shipments.cash_on_delivery("delivered", 389_400, 389_400)
    assert report == shipments.CashReport(389_400, 389_400, None)
    with pytest.raises(InvalidInput) as refused:
        shipments.cash_on_delivery("delivered", 389_400, None)
    assert refused.value.field == "cash_collected"


def test_another_amount_is_recorded_with_a_warning():
    report = shipments.cash_on_delivery("delivered", 389_400, 380_000)
    assert report.collected == 380_000
    assert report.discrepancy == "380000 F CFA collected, 389400 F CFA due"


def test_a_paid_order_collects_no_cash():
    assert shipments.cash_on_delivery("delivered", None, None).collected is None
    assert shipments.cash_on_delivery("delivered", None, 0).collected is None
    with pytest.raises(InvalidInput, match="paid before delivery"):
        shipments.cash_on_delivery("delivered", None, 5_000)


def test_cash_comes_only_with_delivered():
    assert shipments.cash_on_delivery("in_transit", 1_000, None).collected is None
    with pytest.raises(InvalidInput):
        shipments.cash_on_delivery("in_transit", 1_000, 1_000)


# Signatures ------------------------------------------------------------------------------------

SECRET = "s3cret"
BODY = b'{"status":"picked_up"}'
NOW = 1_800_000_000


def test_a_signed_report_within_the_window_is_taken():
    assert verify(SECRET, sign(SECRET, NOW - 299, BODY), BODY, NOW, 300) == NOW - 299


def test_a_rolled_secret_is_accepted_through_either_signature():
    old = sign("old", NOW, BODY).split(",")[1]
    assert verify(SECRET, f"{sign(SECRET, NOW, BODY)},{old}", BODY, NOW, 300) == NOW


@pytest.mark.parametrize(
    ("header", "body", "why"),
    [
        (None, BODY, "missing"),
        ("", BODY, "missing"),
        ("v1=abc", BODY, "not t="),
        ("t=abc,v1=abc", BODY, "not t="),
        ("t=²,v1=abc", BODY, "not t="),
        (f"t={NOW}", BODY, "not t="),
        (f"t={NOW},t={NOW},v1=ab", BODY, "not t="),
        (sign("other secret", NOW, BODY), BODY, "does not match"),
        (sign(SECRET, NOW, BODY), b'{"status":"delivered"}', "does not match"),
        (sign(SECRET, NOW, BODY).replace(f"t={NOW}", f"t={NOW + 1}"), BODY, "does not match"),
        (f"t={NOW},v1=é", BODY, "does not match"),
        (sign(SECRET, NOW - 301, BODY), BODY, "window"),  # replayed later
        (sign(SECRET, NOW + 301, BODY), BODY, "window"),  # from the future
    ],
)
def test_a_forged_changed_or_replayed_report_is_refused(header, body, why):
    with pytest.raises(InvalidSignature, match=why) as refused:
        verify(SECRET, header, body, NOW, 300)
    assert refused.value.status == 401
    assert refused.value.field == "header.X-Carrier-Signature"
