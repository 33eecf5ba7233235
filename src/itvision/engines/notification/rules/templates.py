"""What each kind of message says, in French (English available), and how it is rendered.

A template is a subject and a body with `{placeholders}` named after the kind's variables
(`KINDS`); staff may rewrite it through the API, but only with the kind's placeholders.
Money is shown in francs CFA and dates in the recipient's time zone, formatted by Babel for
the recipient's country (`fr_SN`, `fr_CI`; `en` otherwise). A WhatsApp template message
carries the same values, in the order the body names them, as its body parameters.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.numbers import format_currency, format_decimal


@dataclass(frozen=True)
class Money:
    amount: int
    currency: str = "XOF"


Value = str | int | Money | datetime | None


@dataclass(frozen=True)
class Kind:
    transactional: bool
    variables: tuple[str, ...]
    sample: Mapping[str, Value]


_NOW = datetime.fromisoformat("2026-11-30T10:30:00+00:00")
_ORDER = {"order_id": "ORD-1042"}

KINDS: dict[str, Kind] = {
    "order_placed": Kind(True, ("order_id", "total"), {**_ORDER, "total": Money(45500)}),
    "order_confirmed": Kind(True, ("order_id", "total"), {**_ORDER, "total": Money(45500)}),
    "order_shipped": Kind(
        True,
        ("order_id", "carrier", "tracking_number"),
        {**_ORDER, "carrier": "Yobante", "tracking_number": "YB-88231"},
    ),
    "order_out_for_delivery": Kind(True, ("order_id",), _ORDER),
    "order_delivered": Kind(True, ("order_id", "delivered_at"), {**_ORDER, "delivered_at": _NOW}),
    "order_cancelled": Kind(True, ("order_id", "reason"), {**_ORDER, "reason": "paiement expiré"}),
    "payment_failed": Kind(
        True,
        ("order_id", "amount", "reason"),
        {**_ORDER, "amount": Money(45500), "reason": "solde insuffisant"},
    ),
    "invoice_available": Kind(
        True,
        ("order_id", "invoice_number", "total", "document_url"),
        {
            **_ORDER,
            "invoice_number": "FAC-2026-000042",
            "total": Money(45500),
            "document_url": "https://itvision.sn/factures/FAC-2026-000042.pdf",
        },
    ),
    "points_earned": Kind(False, ("points", "balance"), {"points": 455, "balance": 1230}),
    "tier_upgraded": Kind(False, ("tier",), {"tier": "gold"}),
    "reward_unlocked": Kind(False, ("reward", "code"), {"reward": "discount", "code": "FID-5K"}),
    "points_expiring": Kind(False, ("points", "expires_at"), {"points": 300, "expires_at": _NOW}),
    "group_joined": Kind(
        False, ("group_id", "participants"), {"group_id": "GB-17", "participants": 6}
    ),
    "group_tier_reached": Kind(
        False, ("group_id", "unit_price"), {"group_id": "GB-17", "unit_price": Money(39000)}
    ),
    "group_closed": Kind(
        False, ("group_id", "unit_price"), {"group_id": "GB-17", "unit_price": Money(39000)}
    ),
    "group_expired": Kind(False, ("group_id",), {"group_id": "GB-17"}),
    "group_left": Kind(True, ("group_id",), {"group_id": "GB-17"}),
    "group_refunded": Kind(True, ("amount",), {"amount": Money(39000)}),
    "stock_back": Kind(False, ("product",), {"product": "Onduleur APC 1500 VA"}),
}


@dataclass(frozen=True)
class Text:
    subject: str
    body: str


BUILT_IN: dict[tuple[str, str], Text] = {
    ("order_placed", "fr"): Text(
        "Commande {order_id} reçue",
        "Merci ! Votre commande {order_id} de {total} est bien enregistrée.",
    ),
    ("order_placed", "en"): Text(
        "Order {order_id} received", "Thank you! Your order {order_id} of {total} is placed."
    ),
    ("order_confirmed", "fr"): Text(
        "Commande {order_id} confirmée",
        "Votre commande {order_id} ({total}) est confirmée. Nous la préparons.",
    ),
    ("order_confirmed", "en"): Text(
        "Order {order_id} confirmed", "Your order {order_id} ({total}) is confirmed."
    ),
    ("order_shipped", "fr"): Text(
        "Commande {order_id} expédiée",
        "Votre commande {order_id} est partie avec {carrier} (suivi : {tracking_number}).",
    ),
    ("order_shipped", "en"): Text(
        "Order {order_id} shipped",
        "Your order {order_id} left with {carrier} (tracking: {tracking_number}).",
    ),
    ("order_out_for_delivery", "fr"): Text(
        "Livraison aujourd'hui", "Votre commande {order_id} est en cours de livraison."
    ),
    ("order_out_for_delivery", "en"): Text(
        "Out for delivery", "Your order {order_id} is out for delivery."
    ),
    ("order_delivered", "fr"): Text(
        "Commande {order_id} livrée", "Votre commande {order_id} a été livrée le {delivered_at}."
    ),
    ("order_delivered", "en"): Text(
        "Order {order_id} delivered", "Your order {order_id} was delivered on {delivered_at}."
    ),
    ("order_cancelled", "fr"): Text(
        "Commande {order_id} annulée", "Votre commande {order_id} est annulée : {reason}."
    ),
    ("order_cancelled", "en"): Text(
        "Order {order_id} cancelled", "Your order {order_id} was cancelled: {reason}."
    ),
    ("payment_failed", "fr"): Text(
        "Paiement refusé",
        "Le paiement de {amount} pour la commande {order_id} a échoué : {reason}.",
    ),
    ("payment_failed", "en"): Text(
        "Payment failed", "The payment of {amount} for order {order_id} failed: {reason}."
    ),
    ("invoice_available", "fr"): Text(
        "Facture {invoice_number}",
        "Votre facture {invoice_number} ({total}) pour la commande {order_id} : {document_url}",
    ),
    ("invoice_available", "en"): Text(
        "Invoice {invoice_number}",
        "Your invoice {invoice_number} ({total}) for order {order_id}: {document_url}",
    ),
    ("points_earned", "fr"): Text(
        "Points gagnés", "Vous gagnez {points} points. Votre solde : {balance} points."
    ),
    ("points_earned", "en"): Text(
        "Points earned", "You earned {points} points. Your balance: {balance} points."
    ),
    ("tier_upgraded", "fr"): Text(
        "Nouveau niveau", "Félicitations ! Vous passez au niveau {tier}."
    ),
    ("tier_upgraded", "en"): Text("New tier", "Congratulations! You reached the {tier} tier."),
    ("reward_unlocked", "fr"): Text(
        "Récompense débloquée", "Vous débloquez une récompense ({reward}). Code : {code}"
    ),
    ("reward_unlocked", "en"): Text(
        "Reward unlocked", "You unlocked a reward ({reward}). Code: {code}"
    ),
    ("points_expiring", "fr"): Text(
        "Points bientôt expirés", "{points} points expirent le {expires_at}. Utilisez-les !"
    ),
    ("points_expiring", "en"): Text(
        "Points expiring", "{points} points expire on {expires_at}. Use them!"
    ),
    ("group_joined", "fr"): Text(
        "Achat groupé rejoint",
        "Vous avez rejoint l'achat groupé {group_id} ({participants} participants).",
    ),
    ("group_joined", "en"): Text(
        "Group buy joined", "You joined group buy {group_id} ({participants} participants)."
    ),
    ("group_tier_reached", "fr"): Text(
        "Nouveau palier", "L'achat groupé {group_id} atteint un palier : {unit_price} l'unité."
    ),
    ("group_tier_reached", "en"): Text(
        "New price tier", "Group buy {group_id} reached a tier: {unit_price} each."
    ),
    ("group_closed", "fr"): Text(
        "Achat groupé clôturé",
        "L'achat groupé {group_id} est clôturé au prix de {unit_price} l'unité.",
    ),
    ("group_closed", "en"): Text(
        "Group buy closed", "Group buy {group_id} closed at {unit_price} each."
    ),
    ("group_expired", "fr"): Text(
        "Achat groupé expiré",
        "L'achat groupé {group_id} n'a pas atteint son objectif : vous êtes remboursé.",
    ),
    ("group_expired", "en"): Text(
        "Group buy expired", "Group buy {group_id} did not reach its target: you are refunded."
    ),
    ("group_left", "fr"): Text(
        "Place libérée",
        "Votre place dans l'achat groupé {group_id} est libérée. Si vous aviez payé, vous serez"
        " remboursé.",
    ),
    ("group_left", "en"): Text(
        "Place released",
        "Your place in group buy {group_id} is released. If you had paid, you will be refunded.",
    ),
    ("group_refunded", "fr"): Text(
        "Remboursement effectué", "Votre achat groupé vous a été remboursé : {amount}."
    ),
    ("group_refunded", "en"): Text("Refund done", "Your group buy was refunded: {amount}."),
    ("stock_back", "fr"): Text("De retour en stock", "{product} est de nouveau disponible."),
    ("stock_back", "en"): Text("Back in stock", "{product} is available again."),
}

TIER_NAMES = {"fr": {"bronze": "Bronze", "silver": "Argent", "gold": "Or"}}


def placeholders(text: str) -> list[str]:
    """The names a text refers to, in order, once each."""
    names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    return list(dict.fromkeys(names))


def unknown_placeholders(kind: str, text: str) -> list[str]:
    """Placeholders of `text` the kind does not provide (or malformed: `ValueError`)."""
    return [p for p in placeholders(text) if p not in KINDS[kind].variables]


def babel_locale(language: str, country: str) -> str:
    return f"fr_{country}" if language == "fr" and country in ("SN", "CI") else language


def format_value(value: Value, language: str, country: str, time_zone: str) -> str:
    locale = babel_locale(language, country)
    if value is None:
        return "—"
    if isinstance(value, Money):
        return format_currency(value.amount, value.currency, locale=locale)
    if isinstance(value, datetime):
        return format_datetime(value, "d MMMM y HH:mm", tzinfo=ZoneInfo(time_zone), locale=locale)
    if isinstance(value, int):
        return format_decimal(value, locale=locale)
    return TIER_NAMES.get(language, {}).get(value, value)


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    parameters: list[str]
    """The body's values in order: a WhatsApp template's body parameters."""


def render(
    text: Text, variables: Mapping[str, Value], language: str, country: str, time_zone: str
) -> Rendered:
    shown = {k: format_value(v, language, country, time_zone) for k, v in variables.items()}
    shown = {k: shown.get(k, "—") for k in {*placeholders(text.subject), *placeholders(text.body)}}
    return Rendered(
        text.subject.format_map(shown),
        text.body.format_map(shown),
        [shown[name] for name in placeholders(text.body)],
    )
