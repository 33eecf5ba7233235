"""The billing rules, as pure functions: amounts in words (French spelling rules), how
amounts are written, VAT, quote totals, what credit notes may take, document numbers, states
and what a document says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from itvision.engines.billing.rules import documents, states
from itvision.engines.billing.rules.amounts import (
    PricedLine,
    credit_amounts,
    format_amount,
    quote_totals,
    vat_part,
)
from itvision.engines.billing.rules.numbering import DocumentNumber, document_number, parse_number
from itvision.engines.billing.rules.words import amount_in_words

NBSP = "\u00a0"
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (389_400, "trois cent quatre-vingt-neuf mille quatre cents francs CFA"),
        (80, "quatre-vingts francs CFA"),  # "vingts" at the end…
        (80_000, "quatre-vingt mille francs CFA"),  # …not before mille
        (81, "quatre-vingt-un francs CFA"),
        (200, "deux cents francs CFA"),  # "cents" at the end…
        (200_000, "deux cent mille francs CFA"),  # …not before mille
        (280, "deux cent quatre-vingts francs CFA"),
        (1_200, "mille deux cents francs CFA"),
        (71, "soixante et onze francs CFA"),
        (21, "vingt et un francs CFA"),
        (1_000, "mille francs CFA"),
        (1_000_000, "un million de francs CFA"),  # a round million takes "de"
        (3_000_000, "trois millions de francs CFA"),
        (2_500_000, "deux millions cinq cent mille francs CFA"),
        (1_000_000_000, "un milliard de francs CFA"),
        (1, "un franc CFA"),
        (0, "zéro franc CFA"),
    ],
)
def test_amounts_in_french_words(amount, words):
    assert amount_in_words(amount) == words


def test_amounts_in_english_words():
    assert amount_in_words(389_400, "en") == (
        "three hundred and eighty-nine thousand, four hundred CFA francs"
    )
    assert amount_in_words(1, "en") == "one CFA franc"


def test_a_negative_amount_has_no_words():
    with pytest.raises(ValueError):
        amount_in_words(-1)


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (389_400, f"389{NBSP}400{NBSP}F{NBSP}CFA"),
        (1_250_000, f"1{NBSP}250{NBSP}000{NBSP}F{NBSP}CFA"),
        (999, f"999{NBSP}F{NBSP}CFA"),
        (0, f"0{NBSP}F{NBSP}CFA"),
    ],
)
def test_amounts_are_written_as_in_dakar_with_no_break_spaces(amount, text):
    assert format_amount(amount) == text


def test_the_vat_part_of_an_amount_that_includes_it():
    assert vat_part(389_400) == 59_400
    assert vat_part(118) == 18
    assert vat_part(609_400) == 92_959
    assert vat_part(0) == 0
    assert vat_part(1_000, Decimal("0.10")) == 91


def test_a_quote_line_is_discounted_per_unit_to_the_franc():
    line = PricedLine(quantity=3, unit_price=99_999, discount_percent=10)
    assert line.net_unit_price == 89_999  # 89 999.1
    assert (line.gross, line.amount) == (299_997, 269_997)


def test_quote_totals_add_vat_to_the_discounted_lines():
    totals = quote_totals([PricedLine(2, 250_000, 10), PricedLine(1, 30_000)])
    assert totals.gross == 530_000
    assert totals.discount_total == 50_000
    assert totals.subtotal == 480_000
    assert totals.vat_amount == 86_400
    assert totals.total == 566_400


def test_credit_notes_never_take_more_than_the_invoice_holds():
    invoice = {"invoice_total": 609_400, "invoice_vat": 92_959}
    whole = credit_amounts(None, **invoice, credited=0, credited_vat=0)
    assert (whole.amount, whole.vat_amount, whole.amount_excl_vat) == (609_400, 92_959, 516_441)
    part = credit_amounts(15_000, **invoice, credited=0, credited_vat=0)
    assert (part.amount, part.vat_amount) == (15_000, 2_288)
    # The rest after that refund takes exactly the rest of the VAT.
    rest = credit_amounts(None, **invoice, credited=15_000, credited_vat=2_288)
    assert (rest.amount, rest.vat_amount) == (594_400, 90_671)
    too_much = credit_amounts(700_000, **invoice, credited=15_000, credited_vat=2_288)
    assert (too_much.amount, too_much.vat_amount) == (594_400, 90_671)
    assert credit_amounts(None, **invoice, credited=609_400, credited_vat=92_959) is None
    assert credit_amounts(0, **invoice, credited=0, credited_vat=0) is None


def test_document_numbers_are_written_and_read_back():
    assert document_number("FAC", 2026, 1) == "FAC-2026-000001"
    assert document_number("AV", 2026, 42) == "AV-2026-000042"
    assert document_number("DEV", 2027, 1_234_567) == "DEV-2027-1234567"
    assert parse_number("FAC-2026-000042") == DocumentNumber("FAC", 2026, 42)
    for wrong in ("FAC-2026-42", "XYZ-2026-000001", "fac-2026-000001", "FAC-26-000001", ""):
        assert parse_number(wrong) is None
    with pytest.raises(ValueError):
        document_number("FAC", 2026, 0)


def test_a_quote_is_open_until_accepted_or_past_its_validity():
    until = NOW + timedelta(days=1)
    assert states.quote_status(until, None, NOW) == "open"
    assert states.quote_status(until, NOW, NOW) == "accepted"
    assert states.quote_status(NOW - timedelta(seconds=1), None, NOW) == "expired"
    states.ensure_open("DEV-2026-000001", until, None, NOW)
    with pytest.raises(states.QuoteNotOpen) as expired:
        states.ensure_open("DEV-2026-000001", NOW - timedelta(days=2), None, NOW)
    assert (expired.value.status, expired.value.code) == (409, "quote_expired")
    assert "expired on 2026-11-28" in expired.value.message
    with pytest.raises(states.QuoteNotOpen) as accepted:
        states.ensure_open("DEV-2026-000001", until, NOW, NOW)
    assert accepted.value.code == "quote_accepted"


def test_an_invoice_status_comes_from_its_payments_credits_and_due_date():
    due = NOW - timedelta(days=3)
    common = {"total": 100, "due": due, "now": NOW}
    assert states.invoice_status(paid=0, credited=0, is_business=False, **common) == "issued"
    assert states.invoice_status(paid=0, credited=0, is_business=True, **common) == "overdue"
    assert states.invoice_status(paid=100, credited=0, is_business=True, **common) == "paid"
    assert states.invoice_status(paid=60, credited=40, is_business=True, **common) == "paid"
    assert states.invoice_status(paid=100, credited=100, is_business=True, **common) == "credited"
    soon = {**common, "due": NOW - timedelta(hours=23)}
    assert states.invoice_status(paid=0, credited=0, is_business=True, **soon) == "issued"


def test_due_dates_and_days_overdue():
    assert states.due_at(NOW, is_business=False, due_days=0, terms_days=30) == NOW
    assert states.due_at(NOW, is_business=True, due_days=0, terms_days=30) == NOW + timedelta(30)
    assert states.days_overdue(NOW, NOW + timedelta(days=2, hours=5)) == 2
    assert states.days_overdue(NOW, NOW - timedelta(days=1)) == 0


@pytest.mark.parametrize(
    ("refund", "credit"),
    [
        ("returned", "return"),
        ("damaged", "return"),
        ("commercial_gesture", "commercial_gesture"),
        ("cancelled", "refund"),
        ("not_delivered", "refund"),
    ],
)
def test_why_a_refund_is_credited(refund, credit):
    assert states.credit_reason(refund) == credit


def test_what_documents_say_in_french_and_english():
    assert documents.format_date(NOW, "fr") == "30 novembre 2026"
    assert documents.format_date(NOW, "en") == "30 November 2026"
    assert documents.country_name("SN", "fr") == "Sénégal"
    assert documents.country_name("CI", "en") == "Côte d’Ivoire"
    assert documents.country_name("AA", "fr") == "AA"
    assert documents.vat_label(Decimal("0.18"), "fr") == "TVA 18 %"
    assert documents.vat_label(Decimal("0.185"), "en") == "VAT 18.5 %"
    assert documents.in_words("invoice", 389_400, "fr") == (
        "Arrêtée la présente facture à la somme de : "
        "trois cent quatre-vingt-neuf mille quatre cents francs CFA."
    )
    assert documents.in_words("quote", 1_000_000, "fr").startswith("Arrêté le présent devis")


def test_payment_terms_of_a_consumer_and_of_a_business():
    due = NOW + timedelta(days=30)
    terms = {"lang": "fr", "terms_days": 30, "due": due}
    assert documents.invoice_terms(payment_method="wave", is_business=False, **terms) == (
        "Payable à la commande par Wave.",
    )
    assert documents.invoice_terms(
        payment_method="cash_on_delivery", is_business=False, **terms
    ) == ("Payable à la livraison, en espèces.",)
    assert documents.invoice_terms(
        payment_method="orange_money",
        is_business=True,
        bank_account="CBAO SN012 01001 000123456789 45",
        **terms,
    ) == (
        "Paiement à 30 jours, au plus tard le 30 décembre 2026.",
        "Virement : CBAO SN012 01001 000123456789 45.",
        "Mode de règlement prévu : Orange Money.",
    )


def test_a_party_shows_only_what_is_known():
    assert documents.party_details("fr", address="Dakar", ninea="123", phone=None) == (
        "Dakar",
        "NINEA : 123",
    )
    assert documents.party_details("en", email="a@b.sn", rccm="R-1", extra=("x",)) == (
        "Email: a@b.sn",
        "RCCM: R-1",
        "x",
    )
