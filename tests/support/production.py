"""The secrets each process checks in production, read from its own settings class (so the deployment tests follow
the code when a secret is added)."""
from pydantic_settings import BaseSettings

from devstack.sinks.settings import SinkSettings
from gateway.settings import GatewaySettings
from services.campaigns.settings import CampaignsSettings
from services.customers.settings import CustomersSettings
from services.loyalty.settings import LoyaltySettings

SETTINGS: dict[str, type[BaseSettings]] = {
    "customers": CustomersSettings, "loyalty": LoyaltySettings, "campaigns": CampaignsSettings,
    "gateway": GatewaySettings, "sinks": SinkSettings,
}
# Connection strings carry the database's and the broker's passwords: deployments treat them as secrets too.
CONNECTION_SECRETS = ("MONGO_URL", "AMQP_URL")


def production_secrets(process: str) -> list[str]:
    """The variables `process` refuses to start without in production, with its default switches."""
    settings = SETTINGS[process](environment="production")
    return [secret.variable for secret in settings.secrets_in_use()]
