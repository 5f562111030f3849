"""What the campaigns service publishes and which events it consumes."""
from services.campaigns.handlers import consent_confirmations, erasure, merges, recipients
from services.campaigns.handlers.deps import Deps
from shared.events import contracts
from shared.runtime import EventHandler, bind_handlers

PUBLISHES = [contracts.CustomerUnsubscribed, contracts.CampaignMessageSent, contracts.CampaignMessageDelivered,
             contracts.CampaignMessageFailed, contracts.CampaignMessageOpened, contracts.CampaignMessageClicked,
             contracts.CustomerConsentConfirmed]

CONSUMES = {
    contracts.CustomerCreated.TYPE: recipients.on_customer_contact,
    contracts.CustomerUpdated.TYPE: recipients.on_customer_contact,
    contracts.CustomerDeleted.TYPE: recipients.on_customer_deleted,
    contracts.CustomerConsentConfirmationRequested.TYPE: consent_confirmations.on_confirmation_requested,
    contracts.CustomerErased.TYPE: erasure.on_customer_erased,
    contracts.CustomerMerged.TYPE: merges.on_customer_merged,
}


def subscriptions(deps: Deps) -> dict[str, EventHandler]:
    return bind_handlers(CONSUMES, deps)
