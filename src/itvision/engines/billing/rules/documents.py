"""What a quote, an invoice or a credit note says, in French (or English on request), laid out
as commercial documents are in Dakar and Abidjan: the seller's block with its NINEA and RCCM,
the buyer's, the lines, totals before VAT, VAT and VAT included, the amount in words ("Arrêtée
la présente facture à la somme de …"), the payment terms and a QR code to verify it.

`Document` is the page's content as plain text; `rules.pdf` draws it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Literal

from babel import Locale
from babel.dates import format_date as babel_format_date

from itvision.engines.billing.rules.states import CreditReason
from itvision.engines.billing.rules.words import Language, amount_in_words

DocumentKind = Literal["quote", "invoice", "credit_note"]


@dataclass(frozen=True, slots=True)
class Party:
    """A seller or a buyer: a name, then one line of text per detail."""

    name: str
    details: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Total:
    label: str
    amount: str
    emphasis: bool = False


@dataclass(frozen=True, slots=True)
class Document:
    lang: Language
    title: str
    number: str
    facts: tuple[tuple[str, str], ...]  # (label, value): date, due date, order…
    seller: Party
    buyer_heading: str
    buyer: Party
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    totals: tuple[Total, ...]
    in_words: str
    terms_heading: str = ""
    terms: tuple[str, ...] = ()
    note: str | None = None
    qr_url: str | None = None
    qr_caption: str = ""
    signature: str | None = None
    footer: str = ""
    numeric_from: int = field(default=2)  # columns from this index on are right-aligned


LABELS: dict[Language, dict[str, str]] = {
    "fr": {
        "quote": "DEVIS",
        "invoice": "FACTURE",
        "credit_note": "AVOIR",
        "date": "Date",
        "due": "Échéance",
        "valid_until": "Valable jusqu'au",
        "order": "Commande",
        "quote_ref": "Devis",
        "invoice_ref": "Facture d'origine",
        "customer": "Client",
        "billed_to": "Facturé à",
        "ref": "Réf.",
        "description": "Désignation",
        "quantity": "Qté",
        "unit_price_incl": "P.U. TTC",
        "unit_price_excl": "P.U. HT",
        "discount": "Remise",
        "amount_incl": "Montant TTC",
        "amount_excl": "Montant HT",
        "subtotal_incl": "Sous-total TTC",
        "gross_excl": "Total brut HT",
        "discounts": "Remises",
        "shipping": "Frais de livraison",
        "total_excl": "Total HT",
        "vat": "TVA {rate} %",
        "total_incl": "Total TTC",
        "net_to_pay": "Net à payer TTC",
        "credited": "Montant de l'avoir TTC",
        "in_words_invoice": "Arrêtée la présente facture à la somme de : {words}.",
        "in_words_quote": "Arrêté le présent devis à la somme de : {words}.",
        "in_words_credit_note": "Arrêté le présent avoir à la somme de : {words}.",
        "terms": "Conditions de paiement",
        "terms_business": "Paiement à {days} jours, au plus tard le {date}.",
        "terms_on_delivery": "Payable à la livraison, en espèces.",
        "terms_on_order": "Payable à la commande par {method}.",
        "terms_transfer": "Virement : {account}.",
        "method_planned": "Mode de règlement prévu : {method}.",
        "quote_validity": (
            "Devis valable jusqu'au {date}. Prix en francs CFA ; TVA {rate} % en sus."
        ),
        "quote_accept": "Accepté en ligne ou signé « Bon pour accord », il vaut commande.",
        "signature": "Bon pour accord (date, signature et cachet du client)",
        "credit_of": "Avoir sur la facture {invoice} du {date} — motif : {reason}.",
        "credit_refund": "Le montant est remboursé par le moyen de paiement d'origine.",
        "verify": "Scannez pour vérifier ce document",
        "shipping_line": "Frais de livraison",
        "refund_line": "Remboursement",
        "balance_line": "Solde de la facture",
        "accepted_on": "Accepté le",
        "customer_id": "Compte client : {id}",
        "ninea": "NINEA : {value}",
        "rccm": "RCCM : {value}",
        "phone": "Tél. : {value}",
        "email": "E-mail : {value}",
        "footer": "{seller} — NINEA {ninea} — RCCM {rccm}",
    },
    "en": {
        "quote": "QUOTE",
        "invoice": "INVOICE",
        "credit_note": "CREDIT NOTE",
        "date": "Date",
        "due": "Due date",
        "valid_until": "Valid until",
        "order": "Order",
        "quote_ref": "Quote",
        "invoice_ref": "Original invoice",
        "customer": "Customer",
        "billed_to": "Billed to",
        "ref": "Ref.",
        "description": "Description",
        "quantity": "Qty",
        "unit_price_incl": "Unit price incl. VAT",
        "unit_price_excl": "Unit price excl. VAT",
        "discount": "Discount",
        "amount_incl": "Amount incl. VAT",
        "amount_excl": "Amount excl. VAT",
        "subtotal_incl": "Subtotal incl. VAT",
        "gross_excl": "Gross total excl. VAT",
        "discounts": "Discounts",
        "shipping": "Delivery fee",
        "total_excl": "Total excl. VAT",
        "vat": "VAT {rate} %",
        "total_incl": "Total incl. VAT",
        "net_to_pay": "Amount due incl. VAT",
        "credited": "Credit amount incl. VAT",
        "in_words_invoice": "This invoice amounts to: {words}.",
        "in_words_quote": "This quote amounts to: {words}.",
        "in_words_credit_note": "This credit note amounts to: {words}.",
        "terms": "Payment terms",
        "terms_business": "Payment within {days} days, by {date} at the latest.",
        "terms_on_delivery": "Payable on delivery, in cash.",
        "terms_on_order": "Payable when ordering, by {method}.",
        "terms_transfer": "Bank transfer: {account}.",
        "method_planned": "Planned payment method: {method}.",
        "quote_validity": "Quote valid until {date}. Prices in CFA francs; VAT {rate} % added.",
        "quote_accept": "Accepted online or signed “Approved”, it is a firm order.",
        "signature": "Approved (date, signature and stamp of the customer)",
        "credit_of": "Credit on invoice {invoice} of {date} — reason: {reason}.",
        "credit_refund": "The amount is refunded through the original payment method.",
        "verify": "Scan to verify this document",
        "shipping_line": "Delivery fee",
        "refund_line": "Refund",
        "balance_line": "Balance of the invoice",
        "accepted_on": "Accepted on",
        "customer_id": "Customer account: {id}",
        "ninea": "NINEA: {value}",
        "rccm": "RCCM: {value}",
        "phone": "Phone: {value}",
        "email": "Email: {value}",
        "footer": "{seller} — NINEA {ninea} — RCCM {rccm}",
    },
}

PAYMENT_METHODS: dict[Language, dict[str, str]] = {
    "fr": {
        "wave": "Wave",
        "orange_money": "Orange Money",
        "cash_on_delivery": "espèces à la livraison",
        "card": "carte bancaire",
    },
    "en": {
        "wave": "Wave",
        "orange_money": "Orange Money",
        "cash_on_delivery": "cash on delivery",
        "card": "card",
    },
}

CREDIT_REASONS: dict[Language, dict[CreditReason, str]] = {
    "fr": {
        "refund": "remboursement",
        "return": "retour de marchandise",
        "billing_error": "erreur de facturation",
        "commercial_gesture": "geste commercial",
    },
    "en": {
        "refund": "refund",
        "return": "goods returned",
        "billing_error": "billing error",
        "commercial_gesture": "commercial gesture",
    },
}

_DATE_LOCALES: dict[Language, str] = {"fr": "fr_SN", "en": "en_GB"}


def label(lang: Language, key: str, **values: object) -> str:
    return LABELS[lang][key].format(**values)


def format_date(moment: datetime, lang: Language) -> str:
    """'30 novembre 2026' / '30 November 2026'."""
    return babel_format_date(moment.date(), format="long", locale=_DATE_LOCALES[lang])


def country_name(code: str, lang: Language) -> str:
    """'SN' → 'Sénégal'; an unknown code is shown as it is."""
    name: str | None = Locale.parse(_DATE_LOCALES[lang]).territories.get(code)
    return name or code


def vat_label(rate: Decimal, lang: Language) -> str:
    return label(lang, "vat", rate=format(rate * 100, "f").rstrip("0").rstrip("."))


def payment_method_name(method: str, lang: Language) -> str:
    return PAYMENT_METHODS[lang].get(method, method)


def in_words(kind: DocumentKind, amount: int, lang: Language) -> str:
    return label(lang, f"in_words_{kind}", words=amount_in_words(amount, lang))


def invoice_terms(
    *,
    lang: Language,
    payment_method: str,
    is_business: bool,
    terms_days: int,
    due: datetime,
    bank_account: str = "",
) -> tuple[str, ...]:
    """What the invoice says about paying it: a business within its terms (by transfer, when
    the seller gave an account), a consumer when ordering or on delivery."""
    method = payment_method_name(payment_method, lang)
    if is_business:
        terms = [label(lang, "terms_business", days=terms_days, date=format_date(due, lang))]
        if bank_account:
            terms.append(label(lang, "terms_transfer", account=bank_account))
        terms.append(label(lang, "method_planned", method=method))
        return tuple(terms)
    if payment_method == "cash_on_delivery":
        return (label(lang, "terms_on_delivery"),)
    return (label(lang, "terms_on_order", method=method),)


def party_details(
    lang: Language,
    *,
    address: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    ninea: str | None = None,
    rccm: str | None = None,
    extra: tuple[str, ...] = (),
) -> tuple[str, ...]:
    """A party's lines, each only when known."""
    lines = [address] if address else []
    lines += [label(lang, k, value=v) for k, v in (("phone", phone), ("email", email)) if v]
    lines += [label(lang, k, value=v) for k, v in (("ninea", ninea), ("rccm", rccm)) if v]
    return (*lines, *extra)


def discount_text(percent: int) -> str:
    return f"{percent}\u00a0%" if percent else ""


def deducted(amount_text: str) -> str:
    """An amount taken off a total: '− 12 000 F CFA'."""
    return f"\u2212\u00a0{amount_text}"
