"""Numbers as merchants type them in spreadsheets."""

from decimal import Decimal

import pytest

from itvision.engines.catalog.rules import numbers
from itvision.engines.catalog.rules.violations import Violation


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("15,6", Decimal("15.6")),
        ("15.6", Decimal("15.6")),
        ("1 250,5", Decimal("1250.5")),
        ("1\u00a0250,5", Decimal("1250.5")),
        ("1\u202f250,5", Decimal("1250.5")),
        ("1.250,5", Decimal("1250.5")),
        ("1,250.5", Decimal("1250.5")),
        ("1.250.000", Decimal("1250000")),
        ("1,250,000", Decimal("1250000")),
        ("-3", Decimal("-3")),
        (" 42 ", Decimal("42")),
    ],
)
def test_decimals_in_french_and_english_notation(text, value):
    assert numbers.parse_decimal(text) == value


@pytest.mark.parametrize("text", ["douze", "1,2,3.4.5", "12a", "--1", "1 2,3,4"])
def test_what_is_not_a_number_is_refused(text):
    with pytest.raises(Violation) as caught:
        numbers.parse_decimal(text)
    assert caught.value.rule == "invalid_number"


def test_a_blank_number_is_missing():
    with pytest.raises(Violation) as caught:
        numbers.parse_decimal("  ")
    assert caught.value.rule == "required"


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("250000", 250_000),
        ("250 000", 250_000),
        ("250\u202f000", 250_000),
        ("250.000", 250_000),
        ("250,000", 250_000),
        ("1.250.000", 1_250_000),
        ("1 250 000 F CFA", 1_250_000),
        ("1 250 000 FCFA", 1_250_000),
        ("250000 XOF", 250_000),
        ("250 000 F", 250_000),
        ("250000,00", 250_000),
        ("1.250.000,00", 1_250_000),
        ("0", 0),
    ],
)
def test_amounts_in_whole_francs(text, amount):
    assert numbers.parse_amount(text) == amount
    assert type(numbers.parse_amount(text)) is int


@pytest.mark.parametrize("text", ["12,5", "250000,50", "99.99"])
def test_the_cfa_franc_has_no_cents(text):
    with pytest.raises(Violation) as caught:
        numbers.parse_amount(text)
    assert caught.value.rule == "not_whole_francs"


@pytest.mark.parametrize(
    ("text", "gigabytes"),
    [("16", 16), ("16 Go", 16), ("16Go", 16), ("512 GB", 512), ("1 To", 1000), ("1,5 To", 1500)],
)
def test_capacities_in_gigabytes(text, gigabytes):
    assert numbers.parse_gigabytes(text) == gigabytes


def test_a_capacity_with_an_unknown_unit_names_the_units_expected():
    with pytest.raises(Violation) as caught:
        numbers.parse_gigabytes("16 Mo")
    assert caught.value.rule == "invalid_unit"
    assert "Go, To" in caught.value.text("fr")


def test_a_fractional_capacity_is_refused():
    with pytest.raises(Violation) as caught:
        numbers.parse_gigabytes("1,5 Go")
    assert caught.value.rule == "not_whole"


@pytest.mark.parametrize(
    ("text", "inches"),
    [
        ("15,6", Decimal("15.6")),
        ('15.6"', Decimal("15.6")),
        ("15,6 pouces", Decimal("15.6")),
        ("14 in", Decimal("14")),
    ],
)
def test_screen_sizes(text, inches):
    assert numbers.parse_inches(text) == inches


@pytest.mark.parametrize(
    ("text", "months"), [("12", 12), ("12 mois", 12), ("1 an", 12), ("2 ans", 24), ("6 m", 6)]
)
def test_warranties_in_months(text, months):
    assert numbers.parse_months(text) == months


@pytest.mark.parametrize(
    ("text", "grams"), [("1800", 1800), ("1 800 g", 1800), ("1,8 kg", 1800), ("2 kg", 2000)]
)
def test_weights_in_grams(text, grams):
    assert numbers.parse_grams(text) == grams


def test_a_unit_alone_is_not_a_number():
    with pytest.raises(Violation) as caught:
        numbers.parse_grams("kg")
    assert caught.value.rule == "invalid_number"
