"""Settings of the loyalty service process."""
from shared.settings import ServiceSettings


class LoyaltySettings(ServiceSettings):
    service_name: str = "loyalty"
    mongo_database: str = "loyalty"
    port: int = 8002
