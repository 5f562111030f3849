"""What the loyalty service publishes and which events it consumes."""
from services.loyalty.handlers import clawbacks, earning, members, merges
from services.loyalty.handlers.deps import Deps
from shared.events import contracts
from shared.runtime import EventHandler, bind_handlers

PUBLISHES = [contracts.LoyaltyPointsChanged, contracts.LoyaltyTierChanged, contracts.LoyaltyRewardRedeemed]

# Points follow payment: order.placed is the storefront's message to the customers service, not loyalty's.
CONSUMES = {
    contracts.OrderPaid.TYPE: earning.on_order_paid,
    contracts.OrderItemsReturned.TYPE: clawbacks.on_items_returned,
    contracts.OrderRefunded.TYPE: clawbacks.on_order_refunded,
    contracts.CustomerCreated.TYPE: members.on_customer_created,
    contracts.CustomerUpdated.TYPE: members.on_customer_updated,
    contracts.CustomerDeleted.TYPE: members.on_customer_deleted,
    contracts.CustomerErased.TYPE: members.on_customer_erased,
    contracts.CustomerMerged.TYPE: merges.on_customer_merged,
}


# Handlers for several events of one type in one transaction (same effect, fewer round trips).
BATCHED = {contracts.OrderPaid.TYPE: earning.on_orders_paid}


def subscriptions(deps: Deps) -> dict[str, EventHandler]:
    return bind_handlers(CONSUMES, deps, batched=BATCHED)
