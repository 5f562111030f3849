"""What the campaigns service publishes and which events it consumes (none yet: the capability is a later issue)."""
from services.campaigns.handlers.deps import Deps
from shared.runtime import EventHandler

CONSUMES: dict = {}


def subscriptions(deps: Deps) -> dict[str, EventHandler]:
    return {}
