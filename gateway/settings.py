"""Settings of the gateway process."""
import json
from typing import Annotated

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from gateway.auth.roles import Role
from shared.production import Environment, SecretInUse

# Asymmetric only: an HMAC algorithm would let anyone holding the provider's public key sign tokens.
OIDC_SIGNATURE_ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
                                       "ES256", "ES384", "ES512", "EdDSA"})


class GatewaySettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    environment: Environment = Field("development", description="production turns the development conveniences "
                                                                "off and refuses development secrets")
    service_name: str = "gateway"
    customers_url: str = "http://127.0.0.1:8001"
    loyalty_url: str = "http://127.0.0.1:8002"
    campaigns_url: str = "http://127.0.0.1:8003"
    http_timeout_seconds: float = Field(10.0, gt=0)
    http_max_connections: int = Field(100, ge=1)
    # The three development conveniences: unset means on in development, off in production (`*_enabled`).
    graphiql: bool | None = Field(None, description="serve GraphiQL at /graphql")
    introspection: bool | None = Field(None, description="answer __schema/__type queries")
    dev_tokens: bool | None = Field(None, description="accept HS256 tokens signed with JWT_SECRET "
                                                      "(`python -m gateway.auth token`)")
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
    internal_token: SecretStr = Field(SecretStr("dev-internal-token-change-me"), min_length=16,
                                      description="shared secret sent to the services (their INTERNAL_TOKEN)")
    jwt_secret: SecretStr = Field(SecretStr("dev-only-secret-change-me-before-production"),
                                  description="signs and checks development tokens; needed only when they are on")
    max_query_depth: int = Field(10, ge=1)
    max_aliases: int = Field(30, ge=1)
    max_tokens: int = Field(2000, ge=1)
    max_page_size: int = Field(100, ge=1, le=100, description="largest `first` on any list field")
    max_upload_bytes: int = Field(64 * 1024 * 1024, ge=1024, description="largest multipart request (importCustomers' "
                                                                        "files); the customers service has its own "
                                                                        "limit per file")
    export_link_seconds: int = Field(900, ge=1, description="how long a customer export's download link works")
    max_query_cost: int = Field(5000, ge=1, description="list items an operation may ask for, nested lists "
                                                        "multiplied (see gateway/limits.py)")
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    log_json: bool = True

    @property
    def graphiql_enabled(self) -> bool:
        return self._development_default(self.graphiql)

    @property
    def introspection_enabled(self) -> bool:
        return self._development_default(self.introspection)

    @property
    def dev_tokens_enabled(self) -> bool:
        return self._development_default(self.dev_tokens)

    def _development_default(self, explicit: bool | None) -> bool:
        return self.environment == "development" if explicit is None else explicit

    def secrets_in_use(self) -> list[SecretInUse]:
        """What production checks (shared.production): JWT_SECRET only while development tokens are accepted."""
        secrets = [SecretInUse("INTERNAL_TOKEN", self.internal_token)]
        if self.dev_tokens_enabled:
            secrets.append(SecretInUse("JWT_SECRET", self.jwt_secret))
        return secrets

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value):
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    # Staff sign-in through the shop's OpenID Connect provider (docs/gateway.md, "Signing in"); off while
    # OIDC_ISSUER is empty.
    oidc_issuer: str | None = Field(None, description="the provider's issuer, exactly as its tokens' `iss` "
                                                      "(Auth0's ends with a slash)")
    oidc_audience: str | None = Field(None, description="the `aud` the provider puts in tokens for this gateway")
    oidc_jwks_url: str | None = Field(None, description="the provider's key set; empty: the `jwks_uri` of "
                                                        "{issuer}/.well-known/openid-configuration")
    oidc_role_claim: str = Field("groups", min_length=1, description="claim carrying the caller's groups or roles; "
                                                                    "a dotted path reaches in (realm_access.roles)")
    oidc_role_map: Annotated[dict[str, Role], NoDecode] = Field(
        default_factory=dict, description="provider group to our role: shop-admins=admin,marketing=marketer or JSON")
    oidc_algorithms: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["RS256", "ES256"], description="accepted signature algorithms; asymmetric only")
    oidc_leeway_seconds: float = Field(30, ge=0, le=300, description="clock skew allowed on exp, nbf and iat")
    oidc_jwks_cache_seconds: float = Field(300, gt=0, description="how long the key set is used before it is "
                                                                  "fetched again")
    oidc_jwks_refetch_seconds: float = Field(30, ge=0, description="least time between two key set fetches, so "
                                                                   "unknown kids can't flood the provider")
    oidc_http_timeout_seconds: float = Field(5, gt=0)

    @field_validator("oidc_role_map", mode="before")
    @classmethod
    def _group_role_pairs(cls, value):
        if not isinstance(value, str):
            return value
        if value.strip().startswith("{"):
            return json.loads(value)
        pairs = {}
        for item in filter(str.strip, value.split(",")):
            group, _, role = item.rpartition("=")
            if not group.strip() or not role.strip():
                raise ValueError(f"OIDC_ROLE_MAP entries read group=role, got {item.strip()!r} (use JSON when a "
                                 "group name holds ',' or '=')")
            pairs[group.strip()] = role.strip()
        return pairs

    @field_validator("oidc_algorithms", mode="before")
    @classmethod
    def _asymmetric_algorithms(cls, value):
        names = [name.strip() for name in value.split(",") if name.strip()] if isinstance(value, str) else value
        refused = [name for name in names if name not in OIDC_SIGNATURE_ALGORITHMS]
        if refused or not names:
            raise ValueError(f"OIDC_ALGORITHMS takes some of {', '.join(sorted(OIDC_SIGNATURE_ALGORITHMS))}; "
                             f"refused: {', '.join(refused) or 'an empty list'}")
        return names

    @model_validator(mode="after")
    def _oidc_complete(self):
        if self.oidc_issuer:
            if not self.oidc_issuer.startswith(("https://", "http://")):
                raise ValueError("OIDC_ISSUER must be the provider's https:// issuer URL")
            if not self.oidc_audience:
                raise ValueError("OIDC_AUDIENCE is required with OIDC_ISSUER: tokens meant for another "
                                 "application must not sign in here")
            if not self.oidc_role_map:
                raise ValueError("OIDC_ROLE_MAP is required with OIDC_ISSUER: no provider group gives a role "
                                 "by itself")
        return self
