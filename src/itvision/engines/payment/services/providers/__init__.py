"""The payment providers' adapters, one module each, behind one interface (`base`)."""

from __future__ import annotations

from collections.abc import Callable

from itvision.engines.payment.services.providers.base import PaymentProvider, ProviderError
from itvision.engines.payment.services.providers.cash_on_delivery import CashOnDeliveryProvider
from itvision.engines.payment.services.providers.orange_money import OrangeMoneyProvider
from itvision.engines.payment.services.providers.wave import WaveProvider
from itvision.engines.payment.settings import PaymentSettings

__all__ = ["ADAPTERS", "PaymentProvider", "ProviderError", "provider_for"]

ADAPTERS: dict[str, Callable[[PaymentSettings], PaymentProvider]] = {
    WaveProvider.method: WaveProvider,
    OrangeMoneyProvider.method: OrangeMoneyProvider,
    CashOnDeliveryProvider.method: CashOnDeliveryProvider,
}


def provider_for(method: str, settings: PaymentSettings) -> PaymentProvider | None:
    """The adapter of a payment method (None for one no provider takes, e.g. `card`)."""
    adapter = ADAPTERS.get(method)
    return adapter(settings) if adapter is not None else None
