"""The notification engine's settings (`ITVISION_NOTIFICATION_*`), read once per platform
through `platform.settings_of(NotificationSettings)`. The providers' base URLs default to the
real services; tests and `itvision simulators` point them at the local simulators."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class NotificationSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ITVISION_NOTIFICATION_", env_file=".env", extra="ignore", frozen=True
    )

    whatsapp_base_url: str = Field(
        default="https://graph.facebook.com", description="WhatsApp Cloud API base URL"
    )
    whatsapp_api_version: str = Field(default="v21.0", description="Graph API version")
    whatsapp_phone_number_id: str = Field(default="", description="Sending phone number id")
    whatsapp_token: SecretStr = Field(default=SecretStr(""), description="Cloud API token")
    whatsapp_app_secret: SecretStr = Field(
        default=SecretStr(""), description="App secret signing status webhooks"
    )
    whatsapp_verify_token: SecretStr = Field(
        default=SecretStr(""), description="Token of the webhook subscription check"
    )
    orange_sms_base_url: str = Field(
        default="https://api.orange.com", description="Orange SMS API base URL"
    )
    orange_sms_client_id: str = Field(default="", description="Orange OAuth client id")
    orange_sms_client_secret: SecretStr = Field(
        default=SecretStr(""), description="Orange OAuth client secret"
    )
    orange_sms_sender: str = Field(
        default="+221000000000", description="Sender number (E.164) of the SMS contract"
    )
    orange_sms_sender_name: str = Field(default="IT Vision", description="SMS sender name")
    smtp_host: str = Field(default="", description="SMTP server; none: no email")
    smtp_port: int = Field(default=25, ge=1, le=65535, description="SMTP port")
    smtp_starttls: bool = Field(default=False, description="Upgrade SMTP with STARTTLS")
    smtp_username: str = Field(default="", description="SMTP login (none when empty)")
    smtp_password: SecretStr = Field(default=SecretStr(""), description="SMTP password")
    email_from: str = Field(
        default="IT Vision <notifications@itvision.sn>", description="Sender of emails"
    )
    vapid_private_key: SecretStr = Field(
        default=SecretStr(""),
        description="VAPID private key (base64url, raw or DER) signing Web Push; none: no push",
    )
    vapid_subject: str = Field(
        default="mailto:notifications@itvision.sn", description="VAPID `sub` claim"
    )
    attempts_per_channel: int = Field(
        default=3, ge=1, description="Attempts on a channel before the next one of the chain"
    )
    timeout_seconds: float = Field(default=10.0, gt=0, description="Provider call timeout")
    send_concurrency: int = Field(
        default=16, ge=1, description="Messages sent at once by the sender"
    )

    def configured_channels(self) -> set[str]:
        """The channels whose provider this deployment has credentials for: a message is
        never sent to a provider that would refuse it (or to a real one from a laptop)."""
        configured = {
            "whatsapp": bool(
                self.whatsapp_phone_number_id and self.whatsapp_token.get_secret_value()
            ),
            "sms": bool(
                self.orange_sms_client_id and self.orange_sms_client_secret.get_secret_value()
            ),
            "email": bool(self.smtp_host),
        }
        return {channel for channel, ok in configured.items() if ok}

    live_redis_url: str | None = Field(
        default=None,
        description="Redis URL through which API processes share live (Socket.IO) messages",
    )
    live_channel: str = Field(default="itvision-live", description="Redis channel for them")
    live_allowed_origins: list[str] = Field(
        default_factory=list, description="Browser origins allowed to open the Socket.IO link"
    )
