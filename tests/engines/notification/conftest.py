"""The notification engine's tests run the real system with its adapters on the simulators
and a real SMTP server."""

from tests.support.messaging import (  # noqa: F401
    api,
    messaging,
    notification_overrides,
    system,
)
