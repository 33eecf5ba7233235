"""The payment engine's tests run the real system with its adapters on the simulators."""

from tests.support.simulators import api, simulators, system  # noqa: F401
