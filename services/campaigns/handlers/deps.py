"""What every handler works with; built once in the app's lifespan."""
from dataclasses import dataclass

from services.campaigns.settings import CampaignsSettings
from shared.runtime import ServiceRuntime


@dataclass
class Deps:
    settings: CampaignsSettings
    runtime: ServiceRuntime

    @classmethod
    def build(cls, settings: CampaignsSettings, runtime: ServiceRuntime) -> "Deps":
        return cls(settings, runtime)

    async def ensure_indexes(self) -> None:
        """No collections of its own yet."""
