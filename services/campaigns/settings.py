"""Settings of the campaigns service process."""
from shared.settings import ServiceSettings


class CampaignsSettings(ServiceSettings):
    service_name: str = "campaigns"
    mongo_database: str = "campaigns"
    port: int = 8003
