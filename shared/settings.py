"""Settings every service process reads from the environment."""
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.production import Environment, SecretInUse


class ServiceSettings(BaseSettings):
    """Base for one service process; each service subclasses it with its own defaults."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    environment: Environment = Field("development", description="production refuses development secrets "
                                                                "(shared/production.py)")
    service_name: str = "service"
    mongo_url: str = "mongodb://127.0.0.1:27017/"
    mongo_database: str = "app"
    amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/"
    events_exchange: str = "cms.events"
    queue_prefix: str = ""
    delivery_limit: int = Field(5, ge=1, description="deliveries before a message is dead-lettered")
    queue_type: Literal["quorum", "classic"] = "quorum"
    consumer_prefetch: int = Field(100, ge=1)
    consumer_concurrency: int = Field(8, ge=1, description="events handled at once by one process (unbatched)")
    consumer_batch_size: int = Field(50, ge=1, description="events handled in one transaction; 1 turns batching off")
    consumer_batch_linger_seconds: float = Field(0.01, ge=0, description="how long a batch waits to fill up")
    consumer_batch_workers: int = Field(1, ge=1, description="batches handled at once by one process")
    outbox_poll_seconds: float = Field(0.5, gt=0)
    outbox_batch_size: int = Field(200, ge=1)
    publish_timeout_seconds: float = Field(5.0, gt=0)
    scheduler_enabled: bool = Field(True, description="tick the periodic jobs (shared/scheduler.py) in this process")
    scheduler_interval_seconds: float = Field(60.0, gt=0, description="how often this process tries to claim due "
                                              "periodic jobs")
    transaction_attempts: int = Field(8, ge=1)
    event_retention_days: float = Field(7.0, ge=1 / 24, description="sent outbox records and processed-event markers "
                                        "are deleted this long after (TTL); keep it far above any redelivery delay")
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    log_json: bool = True
    currency: str = "USD"
    internal_token: SecretStr = Field(SecretStr("dev-internal-token-change-me"), min_length=16,
                                      description="shared secret the gateway and the services send each other")

    def secrets_in_use(self) -> list[SecretInUse]:
        """What production checks (shared.production); a service with more secrets extends the list."""
        return [SecretInUse("INTERNAL_TOKEN", self.internal_token)]

    @property
    def queue_name(self) -> str:
        return f"{self.queue_prefix}{self.service_name}"
