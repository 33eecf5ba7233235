"""What each step of an order's life says on its timeline, in French (what customers read).

Dakar and Abidjan are on UTC all year: the UTC time is the customer's local time."""

from __future__ import annotations

from datetime import datetime

from itvision.engines.order.rules.lifecycle import Status
from itvision.platform.money import format_xof

STATUS_LABELS: dict[Status, str] = {
    "placed": "Commande passée",
    "stock_reserved": "Stock réservé",
    "awaiting_payment": "En attente de paiement",
    "paid": "Payée",
    "confirmed": "Confirmée",
    "shipped": "Expédiée",
    "delivered": "Livrée",
    "cancelled": "Annulée",
    "refunded": "Remboursée",
    "partially_refunded": "Partiellement remboursée",
}

PAYMENT_METHODS = {
    "wave": "Wave",
    "orange_money": "Orange Money",
    "cash_on_delivery": "paiement à la livraison",
    "card": "carte bancaire",
}

CANCEL_REASONS = {
    "customer_request": "à la demande du client",
    "payment_failed": "paiement échoué",
    "out_of_stock": "stock insuffisant",
    "fraud_suspected": "suspicion de fraude",
    "expired": "délai de paiement dépassé",
    "other": "autre motif",
}

REFUND_REASONS = {
    "cancelled": "annulation",
    "returned": "retour",
    "damaged": "article endommagé",
    "not_delivered": "non livré",
    "commercial_gesture": "geste commercial",
}

PAYMENT_FAILURES = {
    "insufficient_funds": "solde insuffisant",
    "declined": "paiement refusé",
    "expired": "délai dépassé",
    "cancelled_by_customer": "annulé par le client",
    "amount_mismatch": "montant incorrect",
    "provider_error": "erreur du prestataire",
}

WITHOUT_EFFECT = " (sans effet : la commande est {status})"


def _when(at: datetime) -> str:
    return at.strftime("%d/%m/%Y à %H:%M")


def _method(method: str) -> str:
    return PAYMENT_METHODS.get(method, method)


def placed(
    units: int, total: int, method: str, quote_number: str | None = None, group: str | None = None
) -> str:
    articles = "article" if units == 1 else "articles"
    source = f", sur devis {quote_number}" if quote_number else ""
    source += f", achat groupé « {group} »" if group else ""
    return f"Commande passée : {units} {articles}, {format_xof(total)} ({_method(method)}){source}"


def stock_reserved() -> str:
    return "Stock réservé pour la commande"


def awaiting_payment(pay_by: datetime | None) -> str:
    if pay_by is None:
        return "En attente du paiement"
    return f"En attente du paiement, à régler avant le {_when(pay_by)}"


def payment_received(amount: int, method: str, reference: str | None) -> str:
    ref = f", réf. {reference}" if reference else ""
    return f"Paiement reçu : {format_xof(amount)} ({_method(method)}{ref})"


def payment_failed(reason: str, method: str) -> str:
    return f"Paiement échoué ({_method(method)}) : {PAYMENT_FAILURES.get(reason, reason)}"


def confirmed(method: str) -> str:
    if method == "cash_on_delivery":
        return "Commande confirmée, à régler à la livraison"
    return "Commande confirmée"


def dispatched(carrier: str, tracking_number: str | None) -> str:
    tracking = f", suivi {tracking_number}" if tracking_number else ""
    return f"Colis remis au transporteur {carrier}{tracking}"


def shipped(carrier: str) -> str:
    return f"Commande expédiée ({carrier})"


def delivered(cash_collected: int | None) -> str:
    if cash_collected:
        return f"Commande livrée, {format_xof(cash_collected)} encaissés à la livraison"
    return "Commande livrée"


def cancelled(reason: str, note: str | None) -> str:
    text = f"Commande annulée : {CANCEL_REASONS.get(reason, reason)}"
    return f"{text} — {note}" if note else text


def refunded(amount: int, is_partial: bool, reason: str) -> str:
    kind = "Remboursement partiel" if is_partial else "Remboursement"
    return f"{kind} de {format_xof(amount)} accordé ({REFUND_REASONS.get(reason, reason)})"


def refund_paid(amount: int, method: str, manual: bool, operator: str | None) -> str:
    by = f", fait à la main par {operator}" if manual and operator else ""
    return f"Remboursement effectué : {format_xof(amount)} ({_method(method)}{by})"


def without_effect(summary: str, status: Status) -> str:
    """An event that came after the order left the step it concerns: kept, but it changes
    nothing (a payment confirmed after the order expired, a reservation after a cancel)."""
    return summary + WITHOUT_EFFECT.format(status=STATUS_LABELS[status].lower())
