"""What every handler works with; built once in the app's lifespan."""
from dataclasses import dataclass

from services.loyalty.settings import LoyaltySettings
from shared.runtime import ServiceRuntime


@dataclass
class Deps:
    settings: LoyaltySettings
    runtime: ServiceRuntime

    @classmethod
    def build(cls, settings: LoyaltySettings, runtime: ServiceRuntime) -> "Deps":
        return cls(settings, runtime)

    async def ensure_indexes(self) -> None:
        """No collections of its own yet."""
