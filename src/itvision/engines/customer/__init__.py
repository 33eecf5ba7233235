"""Customer engine (`customer-engine`): customer profiles and segmentation (CRM).
Its public contract is `events`."""

__all__: list[str] = []
