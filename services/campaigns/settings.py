"""Settings of the campaigns service process."""
from typing import Literal

from pydantic import Field, SecretStr

from services.campaigns.domain.opt_out import DEFAULT_SMS_OPT_OUT_LINE
from shared.production import SecretInUse
from shared.settings import ServiceSettings


class CampaignsSettings(ServiceSettings):
    service_name: str = "campaigns"
    mongo_database: str = "campaigns"
    port: int = 8003
    customers_url: str = "http://127.0.0.1:8001"
    public_url: str = Field("http://127.0.0.1:8003",
                            description="the one public base of every link and provider callback URL, e.g. "
                                        "https://links.shop.example (docs/campaigns.md, Public URLs)")
    tracking_secret: SecretStr = Field(SecretStr("dev-tracking-secret"),
                                       description="signs open, click and unsubscribe tokens")
    webhook_secret: SecretStr = Field(SecretStr("dev-webhook-secret"),
                                      description="the email provider signs its callbacks with it "
                                                  "(X-Webhook-Signature, HMAC-SHA256)")
    webhook_tolerance_seconds: int = Field(300, ge=30, le=3600,
                                           description="how old a signed callback may be before it is refused")
    mail_from: str = "Joantees <news@joantees.example>"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_tls: Literal["none", "starttls", "tls"] = "none"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout_seconds: float = Field(15.0, gt=0)
    smtp_pool_size: int = Field(8, ge=1, description="open SMTP connections per process")
    sms_url: str = "http://127.0.0.1:8025"
    # Twilio's Messages API (sms_url https://api.twilio.com in production; the local sink speaks the same).
    twilio_account_sid: str = Field("AC00000000000000000000000000000000", min_length=1)
    twilio_auth_token: SecretStr = Field(SecretStr("dev-twilio-auth-token-change-me"),
                                         description="HTTP basic auth password; also checks X-Twilio-Signature")
    sms_from: str = Field("Joantees", description="sender number or alphanumeric id (used without a messaging "
                                                  "service)")
    twilio_messaging_service_sid: str | None = Field(None, description="when set, sends through this "
                                                                       "messaging service instead of sms_from")
    sms_timeout_seconds: float = Field(10.0, gt=0)
    consent_confirmation_days: int = Field(7, ge=1, le=90, description="how long a double opt-in confirmation "
                                                                       "link works")
    sms_opt_out_line: str = Field(DEFAULT_SMS_OPT_OUT_LINE, max_length=100,
                                  description="ends every marketing SMS unless its text already has it; empty: "
                                              "none (only where the provider appends its own)")
    send_rate_per_second: float = Field(500.0, ge=0, description="messages per second per process; 0 = unlimited")
    send_concurrency: int = Field(32, ge=1, description="messages in flight per process")
    send_prefetch: int = Field(200, ge=1)
    send_attempts: int = Field(3, ge=1, description="tries on transient errors before a message is failed")
    retry_backoff_seconds: float = Field(0.5, ge=0)
    fanout_chunk: int = Field(500, ge=1)
    fanout_lease_seconds: float = Field(60.0, gt=0, description="a fan-out not renewed for this long is resumed")
    sending_stale_seconds: float = Field(300.0, gt=0,
                                         description="a message left 'sending' this long becomes 'unknown'")
    # The campaign tick (due scheduled campaigns, stalled fan-outs, interrupted sends) polls often.
    scheduler_interval_seconds: float = Field(1.0, gt=0, description="how often this process runs the campaign tick")
    # Template limits (docs/campaigns.md, "Template limits"): each render of a subject, text or HTML body.
    template_max_output_chars: int = Field(1_000_000, ge=1_000, description="characters one render may produce")
    template_max_iterations: int = Field(100_000, ge=100,
                                         description="template steps per render (each loop pass counts 1+)")
    template_render_seconds: float = Field(1.0, gt=0, description="wall time per render, then it is cut off")
    template_render_threads: int = Field(4, ge=1, description="threads that render off the event loop")

    def secrets_in_use(self) -> list[SecretInUse]:
        secrets = [*super().secrets_in_use(), SecretInUse("TRACKING_SECRET", self.tracking_secret),
                   SecretInUse("WEBHOOK_SECRET", self.webhook_secret)]
        # Provider credentials are checked when given (a mail relay may need none).
        if self.smtp_password is not None:
            secrets.append(SecretInUse("SMTP_PASSWORD", self.smtp_password, generated=False))
        secrets.append(SecretInUse("TWILIO_AUTH_TOKEN", self.twilio_auth_token, generated=False))
        return secrets

    @property
    def work_queue_name(self) -> str:
        return f"{self.queue_prefix}{self.service_name}.sends"
