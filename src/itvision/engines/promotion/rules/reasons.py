"""Why a code was not applied, in the customer's words: French (the default) and English.

`Reason` values are stable codes for programs; the messages are what the customer reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from itvision.platform.money import format_xof


class Reason(StrEnum):
    UNKNOWN_CODE = "unknown_code"
    INACTIVE = "inactive"
    NOT_STARTED = "not_started"
    EXPIRED = "expired"
    USAGE_LIMIT_REACHED = "usage_limit_reached"
    CUSTOMER_LIMIT_REACHED = "customer_limit_reached"
    MIN_AMOUNT_NOT_REACHED = "min_amount_not_reached"
    MIN_QUANTITY_NOT_REACHED = "min_quantity_not_reached"
    NO_ELIGIBLE_ITEM = "no_eligible_item"
    NO_SHIPPING_FEE = "no_shipping_fee"
    BUNDLE_INCOMPLETE = "bundle_incomplete"
    NO_SAVING = "no_saving"
    NOT_COMBINABLE = "not_combinable"


@dataclass(frozen=True, slots=True)
class Refusal:
    reason: Reason
    message_fr: str
    message_en: str


def _when_fr(at: datetime) -> str:
    # Dakar and Abidjan are on UTC all year: the UTC time is the customer's local time.
    return at.strftime("%d/%m/%Y à %H:%M")


def _when_en(at: datetime) -> str:
    return at.strftime("%d/%m/%Y %H:%M")


def unknown_code() -> Refusal:
    return Refusal(Reason.UNKNOWN_CODE, "code inconnu", "unknown code")


def inactive() -> Refusal:
    return Refusal(Reason.INACTIVE, "code désactivé", "code deactivated")


def not_started(starts_at: datetime) -> Refusal:
    return Refusal(
        Reason.NOT_STARTED,
        f"code pas encore valable (à partir du {_when_fr(starts_at)})",
        f"code not valid yet (from {_when_en(starts_at)})",
    )


def expired() -> Refusal:
    return Refusal(Reason.EXPIRED, "code expiré", "code expired")


def usage_limit_reached() -> Refusal:
    return Refusal(
        Reason.USAGE_LIMIT_REACHED,
        "code épuisé : nombre maximal d'utilisations atteint",
        "code used up: its usage limit is reached",
    )


def customer_limit_reached(limit: int) -> Refusal:
    times_fr = "une fois" if limit == 1 else f"{limit} fois"
    times_en = "once" if limit == 1 else f"{limit} times"
    return Refusal(
        Reason.CUSTOMER_LIMIT_REACHED,
        f"vous avez déjà utilisé ce code (utilisable {times_fr} par client)",
        f"you have already used this code (usable {times_en} per customer)",
    )


def min_amount_not_reached(minimum: int) -> Refusal:
    return Refusal(
        Reason.MIN_AMOUNT_NOT_REACHED,
        f"montant minimum non atteint : {format_xof(minimum)} d'achats requis",
        f"minimum order amount not reached: {format_xof(minimum)} required",
    )


def min_quantity_not_reached(minimum: int) -> Refusal:
    return Refusal(
        Reason.MIN_QUANTITY_NOT_REACHED,
        f"quantité minimum non atteinte : {minimum} articles concernés requis",
        f"minimum quantity not reached: {minimum} qualifying items required",
    )


def no_eligible_item() -> Refusal:
    return Refusal(
        Reason.NO_ELIGIBLE_ITEM,
        "aucun article du panier n'est concerné par ce code",
        "no item in the cart qualifies for this code",
    )


def no_shipping_fee() -> Refusal:
    return Refusal(
        Reason.NO_SHIPPING_FEE,
        "pas de frais de livraison à offrir sur ce panier",
        "no shipping fee to waive on this cart",
    )


def bundle_incomplete() -> Refusal:
    return Refusal(
        Reason.BUNDLE_INCOMPLETE,
        "lot incomplet : tous les articles du lot doivent être dans le panier",
        "bundle incomplete: every item of the bundle must be in the cart",
    )


def no_saving() -> Refusal:
    return Refusal(
        Reason.NO_SAVING,
        "ce code n'apporte aucune réduction supplémentaire sur ce panier",
        "this code gives no further discount on this cart",
    )


def not_combinable() -> Refusal:
    return Refusal(
        Reason.NOT_COMBINABLE,
        "non cumulable : une offre plus avantageuse s'applique déjà",
        "cannot be combined: a better offer already applies",
    )
