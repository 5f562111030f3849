"""Settings of the sinks process (env prefix SINK_)."""
from pydantic_settings import BaseSettings, SettingsConfigDict


class SinkSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SINK_", extra="ignore")

    host: str = "127.0.0.1"
    smtp_port: int = 1025
    http_port: int = 8025
    api_key: str | None = None  # when set, POST /messages needs "Authorization: Bearer <key>"
    webhook_secret: str = "dev-webhook-secret"  # sent as X-Webhook-Secret on callbacks
    campaigns_url: str = "http://127.0.0.1:8003"  # where inbound SMS (STOP) are reported
    auto_deliver: bool = True  # report every SMS as delivered right after accepting it
    max_kept: int = 50_000
