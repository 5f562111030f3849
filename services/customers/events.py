"""What the customers service publishes and which events it consumes."""
from services.customers.handlers import consent_events, orders, timeline, unsubscribes
from services.customers.handlers.deps import Deps
from shared.events import contracts
from shared.runtime import EventHandler, bind_handlers

PUBLISHES = [contracts.CustomerCreated, contracts.CustomerUpdated, contracts.CustomerErased,
             contracts.CustomerActivityRecorded, contracts.SegmentMembershipChanged,
             contracts.OrderRecorded, contracts.OrderPaid, contracts.OrderItemsReturned, contracts.OrderRefunded,
             contracts.OrderStatusChanged, contracts.CustomerConsentConfirmationRequested,
             contracts.CustomerMerged]

CONSUMES = {
    contracts.OrderPlaced.TYPE: orders.on_order_placed,
    contracts.CustomerInteractionRecorded.TYPE: timeline.on_interaction_recorded,
    contracts.LoyaltyPointsChanged.TYPE: timeline.on_loyalty_points_changed,
    contracts.LoyaltyTierChanged.TYPE: timeline.on_loyalty_tier_changed,
    contracts.CustomerUnsubscribed.TYPE: unsubscribes.on_customer_unsubscribed,
    contracts.CustomerConsentConfirmed.TYPE: consent_events.on_consent_confirmed,
    contracts.CampaignMessageSent.TYPE: unsubscribes.on_campaign_message,
    contracts.CampaignMessageOpened.TYPE: unsubscribes.on_campaign_message,
    contracts.CampaignMessageClicked.TYPE: unsubscribes.on_campaign_message,
}


# Handlers for several events of one type in one transaction (same effect, fewer round trips).
BATCHED = {contracts.OrderPlaced.TYPE: orders.on_orders_placed,
           contracts.LoyaltyPointsChanged.TYPE: timeline.on_loyalty_points_changed_many}


def subscriptions(deps: Deps) -> dict[str, EventHandler]:
    return bind_handlers(CONSUMES, deps, batched=BATCHED)
