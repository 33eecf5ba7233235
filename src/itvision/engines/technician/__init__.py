"""Technician engine (`technician-engine`): the marketplace of technician missions, bids and
assignments. Its public contract is `events`."""

__all__: list[str] = []
