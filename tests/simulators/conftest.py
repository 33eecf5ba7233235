from tests.support.simulators import simulators  # noqa: F401
