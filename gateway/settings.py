"""Settings of the gateway process."""
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class GatewaySettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    service_name: str = "gateway"
    customers_url: str = "http://127.0.0.1:8001"
    loyalty_url: str = "http://127.0.0.1:8002"
    campaigns_url: str = "http://127.0.0.1:8003"
    http_timeout_seconds: float = Field(10.0, gt=0)
    http_max_connections: int = Field(100, ge=1)
    graphiql: bool = Field(True, description="serve GraphiQL at /graphql; turn off in production")
    introspection: bool = Field(True, description="answer __schema/__type queries; turn off in production")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="origins allowed to call from a browser, comma-separated "
                                          "(the dashboard's, e.g. https://admin.shop.example)")
    mongo_url: str = "mongodb://127.0.0.1:27017/"
    mongo_database: str = Field("gateway", description="the gateway's own database: API keys only")
    amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/"
    events_exchange: str = "cms.events"
    live_updates: bool = Field(True, description="subscriptions fed from the broker")
    api_key_cache_seconds: float = Field(30.0, ge=0, description="how long a verified API key is trusted "
                                                                 "before it is read again (revocation delay)")
    api_key_cache_size: int = Field(1000, ge=1, description="API keys kept verified in memory; the least recently "
                                                            "used go first (unknown key ids are never kept)")
    internal_token: str = Field("dev-internal-token-change-me", min_length=16,
                                description="shared secret sent to the services (their INTERNAL_TOKEN)")
    jwt_secret: str = "dev-only-secret-change-me-before-production"
    max_query_depth: int = Field(10, ge=1)
    max_aliases: int = Field(30, ge=1)
    max_tokens: int = Field(2000, ge=1)
    max_page_size: int = Field(100, ge=1, le=100, description="largest `first` on any list field")
    max_query_cost: int = Field(5000, ge=1, description="list items an operation may ask for, nested lists "
                                                        "multiplied (see gateway/limits.py)")
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    log_json: bool = True

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value):
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value
