"""The flows run the whole system with its payment adapters on the Wave and Orange Money
simulators, whose webhooks reach the app under test."""

from tests.support.simulators import api, simulators, system

__all__ = ["api", "simulators", "system"]
