"""Payment engine (`payment-engine`): mobile-money (Orange Money, Wave), card and cash payments,
refunds. Its public contract is `events`."""

__all__: list[str] = []
