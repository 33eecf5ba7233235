"""Settings read from the environment, and each engine's own settings.

An engine with settings declares one pydantic-settings model in its `settings.py`, with the
prefix `ITVISION_<ENGINE>_`. The platform reads each model once and hands that instance to every
use case it runs, through `platform.settings(Model)` or `uow.settings(Model)`: no module-level
cache, so a test (or a second platform in the same process) passes its own values.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar, cast

from pydantic import ValidationError
from pydantic_settings import BaseSettings

from itvision.platform.errors import ConfigurationError

S = TypeVar("S", bound=BaseSettings)


def read_settings(model: type[S], **overrides: Any) -> S:
    """`model` from the environment (and `.env`); a bad value is one ConfigurationError naming
    the variable and what it expects."""
    try:
        return model(**overrides)
    except ValidationError as exc:
        error = exc.errors()[0]
        prefix = str(model.model_config.get("env_prefix", ""))
        name = prefix + str(error["loc"][0]).upper() if error["loc"] else prefix
        message = str(error["msg"]).removeprefix("Value error, ")
        raise ConfigurationError(f"{name}: {message}", field=name) from None


class EngineSettingsBook:
    """The engine settings of one platform: given ones first, the rest read on first use."""

    def __init__(self, given: Iterable[BaseSettings] = ()) -> None:
        self._known: dict[type[BaseSettings], BaseSettings] = {type(s): s for s in given}

    def get(self, model: type[S]) -> S:
        found = self._known.get(model)
        if found is None:
            found = self._known[model] = read_settings(model)
        return cast(S, found)
