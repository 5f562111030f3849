"""What the loyalty service publishes and which events it consumes."""
from services.loyalty.handlers import members, points, points_batch
from services.loyalty.handlers.deps import Deps
from shared.events import contracts
from shared.runtime import EventHandler, bind_handlers

PUBLISHES = [contracts.LoyaltyPointsChanged, contracts.LoyaltyTierChanged, contracts.LoyaltyRewardRedeemed]

CONSUMES = {
    contracts.OrderPlaced.TYPE: points.on_order_placed,
    contracts.OrderRefunded.TYPE: points.on_order_refunded,
    contracts.CustomerCreated.TYPE: members.on_customer_created,
    contracts.CustomerDeleted.TYPE: members.on_customer_deleted,
}


# Handlers for several events of one type in one transaction (same effect, fewer round trips).
BATCHED = {contracts.OrderPlaced.TYPE: points_batch.on_orders_placed}


def subscriptions(deps: Deps) -> dict[str, EventHandler]:
    return bind_handlers(CONSUMES, deps, batched=BATCHED)
