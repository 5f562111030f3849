"""Settings of the campaigns service process."""
from typing import Literal

from pydantic import Field

from shared.settings import ServiceSettings


class CampaignsSettings(ServiceSettings):
    service_name: str = "campaigns"
    mongo_database: str = "campaigns"
    port: int = 8003
    customers_url: str = "http://127.0.0.1:8001"
    public_url: str = Field("http://127.0.0.1:8003", description="base of tracking and unsubscribe links")
    tracking_secret: str = Field("dev-tracking-secret", description="signs open, click and unsubscribe tokens")
    webhook_secret: str = Field("dev-webhook-secret", description="providers send it as X-Webhook-Secret")
    mail_from: str = "Joantees <news@joantees.example>"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_tls: Literal["none", "starttls", "tls"] = "none"
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_timeout_seconds: float = Field(15.0, gt=0)
    smtp_pool_size: int = Field(8, ge=1, description="open SMTP connections per process")
    sms_url: str = "http://127.0.0.1:8025"
    sms_api_key: str | None = None
    sms_sender: str = "Joantees"
    sms_timeout_seconds: float = Field(10.0, gt=0)
    send_rate_per_second: float = Field(500.0, ge=0, description="messages per second per process; 0 = unlimited")
    send_concurrency: int = Field(32, ge=1, description="messages in flight per process")
    send_prefetch: int = Field(200, ge=1)
    send_attempts: int = Field(3, ge=1, description="tries on transient errors before a message is failed")
    retry_backoff_seconds: float = Field(0.5, ge=0)
    fanout_chunk: int = Field(500, ge=1)
    fanout_lease_seconds: float = Field(60.0, gt=0, description="a fan-out not renewed for this long is resumed")
    sending_stale_seconds: float = Field(300.0, gt=0,
                                         description="a message left 'sending' this long becomes 'unknown'")
    scheduler_enabled: bool = True
    scheduler_poll_seconds: float = Field(1.0, gt=0)
    # Template limits (docs/campaigns.md, "Template limits"): each render of a subject, text or HTML body.
    template_max_output_chars: int = Field(1_000_000, ge=1_000, description="characters one render may produce")
    template_max_iterations: int = Field(100_000, ge=100,
                                         description="template steps per render (each loop pass counts 1+)")
    template_render_seconds: float = Field(1.0, gt=0, description="wall time per render, then it is cut off")
    template_render_threads: int = Field(4, ge=1, description="threads that render off the event loop")

    @property
    def work_queue_name(self) -> str:
        return f"{self.queue_prefix}{self.service_name}.sends"
