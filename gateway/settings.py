"""Settings of the gateway process."""
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class GatewaySettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    service_name: str = "gateway"
    customers_url: str = "http://127.0.0.1:8001"
    loyalty_url: str = "http://127.0.0.1:8002"
    campaigns_url: str = "http://127.0.0.1:8003"
    http_timeout_seconds: float = Field(10.0, gt=0)
    http_max_connections: int = Field(100, ge=1)
    graphiql: bool = True
    internal_token: str = Field("dev-internal-token-change-me", min_length=16,
                                description="shared secret sent to the services (their INTERNAL_TOKEN)")
    jwt_secret: str = "dev-only-secret-change-me-before-production"
    max_query_depth: int = Field(10, ge=1)
    max_aliases: int = Field(30, ge=1)
    max_tokens: int = Field(2000, ge=1)
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    log_json: bool = True
