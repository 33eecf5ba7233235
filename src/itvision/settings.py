"""Every setting, read from `ITVISION_*` environment variables (or a `.env` file).

The defaults run the whole system in one process on one laptop: SQLite in the data dir, the
SQL event log as the bus, nothing else to install. A wrong value stops the start with one line
naming the variable and what it expects.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from itvision.platform.engine_settings import read_settings

ENV_PREFIX = "ITVISION_"
MIN_SECRET_BYTES = 32
"""A shorter secret can be brute-forced offline from one signed token."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", extra="ignore", frozen=True
    )

    data_dir: Path = Field(
        default=Path("./itvision-data"), description="Where the SQLite database and logs live"
    )
    database_url: str | None = Field(
        default=None,
        description="sqlite+aiosqlite:///path.db or postgresql+asyncpg://user:pw@host/db; "
        "default: SQLite file in the data dir",
    )
    bus_url: str = Field(
        default="sql://", description="sql:// (the SQL event log) or kafka://host:port[,host:port]"
    )
    admin_token: SecretStr | None = Field(
        default=None, description="Bearer token accepted as the bootstrap admin"
    )
    jwt_secret: SecretStr | None = Field(
        default=None, description="HS256 secret for JWT bearer tokens (optional)"
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    max_body_bytes: int = Field(
        default=1_048_576,
        ge=1024,
        description="Largest request body a route accepts unless it declares its own limit",
    )
    http_keep_alive_seconds: int = Field(
        default=5, ge=1, description="How long `serve` keeps an idle connection open"
    )
    http_header_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        description="How long `serve` waits for a request's headers (or, between reads, its body)",
    )
    log_format: Literal["auto", "json", "console"] = "auto"
    log_level: Literal["debug", "info", "warning", "error"] = "info"

    kafka_partitions: int = Field(default=6, ge=1, description="Partitions of a new topic")
    kafka_replication: int = Field(default=1, ge=1)
    kafka_idempotence: bool = Field(
        default=True, description="Idempotent producer (needs broker support of InitProducerId)"
    )
    kafka_session_timeout_ms: int = Field(default=10_000, ge=100)
    kafka_topic_prefix: str = Field(
        default="",
        pattern=r"^[a-z0-9._-]*$",
        description="Prepended to every topic name on the broker, to share one cluster",
    )

    consumer_batch_size: int = Field(default=500, ge=1, le=10_000)
    consumer_max_attempts: int = Field(default=5, ge=1, le=100)
    consumer_retry_base_seconds: float = Field(default=0.2, gt=0)
    consumer_park_minutes: float = Field(
        default=30.0,
        gt=0,
        description="How long an event whose prerequisite has not arrived waits, parked, "
        "before it becomes a dead letter",
    )
    consumer_poll_seconds: float = Field(
        default=1.0, gt=0, description="Fallback wake-up when no notification arrives"
    )
    lease_seconds: float = Field(default=15.0, gt=0)
    inbox_retention_days: float = Field(
        default=7.0,
        gt=0,
        description="On Kafka, how long a consumer remembers an applied event's id",
    )
    stop_grace_seconds: float = Field(
        default=30.0, gt=0, description="How long a stop waits for in-flight events"
    )

    @field_validator("admin_token", "jwt_secret")
    @classmethod
    def _long_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value().encode()) < MIN_SECRET_BYTES:
            raise ValueError(
                f"must be at least {MIN_SECRET_BYTES} bytes; make one with "
                '`python -c "import secrets; print(secrets.token_urlsafe(48))"`'
            )
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        if value is None or value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            return value
        raise ValueError("expected sqlite+aiosqlite:///FILE or postgresql+asyncpg://USER@HOST/DB")

    @field_validator("bus_url")
    @classmethod
    def _bus_url(cls, value: str) -> str:
        if value == "sql://" or (value.startswith("kafka://") and len(value) > len("kafka://")):
            return value
        raise ValueError("expected sql:// or kafka://HOST:PORT[,HOST:PORT]")

    @cached_property
    def database(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'itvision.db').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        return self.database.startswith("sqlite")

    @property
    def uses_kafka(self) -> bool:
        return self.bus_url.startswith("kafka://")

    @property
    def kafka_bootstrap(self) -> list[str]:
        return self.bus_url.removeprefix("kafka://").split(",")


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment; a bad value becomes one clear ConfigurationError."""
    return read_settings(Settings, **overrides)
