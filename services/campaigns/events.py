"""What the campaigns service publishes and which events it consumes."""
from services.campaigns.handlers import recipients
from services.campaigns.handlers.deps import Deps
from shared.events import contracts
from shared.runtime import EventHandler

PUBLISHES = [contracts.CustomerUnsubscribed, contracts.CampaignMessageSent, contracts.CampaignMessageDelivered,
             contracts.CampaignMessageFailed, contracts.CampaignMessageOpened, contracts.CampaignMessageClicked]

CONSUMES = {
    contracts.CustomerCreated.TYPE: recipients.on_customer_contact,
    contracts.CustomerUpdated.TYPE: recipients.on_customer_contact,
    contracts.CustomerDeleted.TYPE: recipients.on_customer_deleted,
}


def subscriptions(deps: Deps) -> dict[str, EventHandler]:
    """Event type -> handler(event, envelope, session), with the service's dependencies bound."""

    def bind(handler):
        async def handle(event, envelope, session):
            await handler(deps, event, envelope, session)
        return handle

    return {event_type: bind(handler) for event_type, handler in CONSUMES.items()}
