"""Settings of the sinks process (env prefix SINK_, but ENVIRONMENT like every other process)."""
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.production import Environment, SecretInUse


class SinkSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SINK_", extra="ignore")

    # The alias makes it read ENVIRONMENT, not SINK_ENVIRONMENT: one switch for the whole deployment.
    environment: Environment = Field("development", validation_alias="environment")
    host: str = "127.0.0.1"
    smtp_port: int = 1025
    http_port: int = 8025
    # Twilio credentials the Messages API accepts (HTTP basic auth) and signs its callbacks with; the same
    # defaults as campaigns' TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN.
    account_sid: str = "AC00000000000000000000000000000000"
    auth_token: SecretStr = SecretStr("dev-twilio-auth-token-change-me")
    webhook_secret: SecretStr = SecretStr("dev-webhook-secret")  # signs the email provider callbacks it sends
    # campaigns' PUBLIC_URL: where inbound SMS (STOP) and email callbacks go, and what Twilio signatures cover
    campaigns_url: str = "http://127.0.0.1:8003"
    auto_deliver: bool = True  # report every SMS as delivered right after accepting it
    max_kept: int = 50_000

    def secrets_in_use(self) -> list[SecretInUse]:
        # campaigns' TWILIO_AUTH_TOKEN: a provider credential there, so here too
        return [SecretInUse("SINK_WEBHOOK_SECRET", self.webhook_secret),
                SecretInUse("SINK_AUTH_TOKEN", self.auth_token, generated=False)]
