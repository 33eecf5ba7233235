"""Order engine (`order-engine`): carts and the order lifecycle. Its public contract is `events`."""

__all__: list[str] = []
