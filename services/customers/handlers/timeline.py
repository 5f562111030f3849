"""The activity timeline: interactions from the API or events, and entries from other services' events."""
from pymongo.asynchronous.client_session import AsyncClientSession

from services.customers.domain import activity
from services.customers.domain.activity import InteractionCreate
from services.customers.handlers.deps import Deps, utcnow
from services.customers.handlers.segment_membership import refresh_membership
from services.customers.handlers.activity_log import record_activity
from shared.errors import NotFound
from shared.events import contracts
from shared.events.envelope import Envelope


async def record_interaction(deps: Deps, customer_id: str, body: InteractionCreate) -> None:
    async def work(session: AsyncClientSession) -> None:
        await _add_interaction(deps, customer_id, body.kind, body.description, body.occurred_at, session)

    await deps.runtime.transaction(work)


async def on_interaction_recorded(deps: Deps, event: contracts.CustomerInteractionRecorded, envelope: Envelope,
                                  session: AsyncClientSession) -> None:
    await _add_interaction(deps, event.customer_id, event.kind, event.description,
                           event.occurred_at or envelope.occurred_at, session)


async def _add_interaction(deps: Deps, customer_id: str, kind: str, description: str | None, occurred_at,
                           session: AsyncClientSession) -> None:
    if await deps.customers.get(customer_id, session) is None:
        raise NotFound(f"customer {customer_id} not found", field="customerId")
    summary = description or kind.replace("_", " ").capitalize()
    await record_activity(deps, activity.entry(customer_id, f"interaction.{kind}", summary, occurred_at or utcnow()),
                            session)


async def on_loyalty_points_changed(deps: Deps, event: contracts.LoyaltyPointsChanged, envelope: Envelope,
                                    session: AsyncClientSession) -> None:
    """Keeps loyaltyPoints as a read model; a customer deleted meanwhile is simply skipped."""
    applied = await deps.customers.set_loyalty(event.customer_id, {
        "loyaltyPoints": event.balance, "loyaltyLifetimePoints": event.lifetime_points}, session,
        version_field="loyaltyPointsVersion", version=event.account_version)
    if applied is not False:  # a stale balance is not shown, but the change still belongs on the timeline
        sign = "+" if event.delta >= 0 else ""
        await record_activity(deps, activity.entry(event.customer_id, "loyalty.points", f"{sign}{event.delta} points: "
                                               f"{event.reason}", envelope.occurred_at,
                                               {"delta": event.delta, "balance": event.balance}), session)


async def on_loyalty_tier_changed(deps: Deps, event: contracts.LoyaltyTierChanged, envelope: Envelope,
                                  session: AsyncClientSession) -> None:
    applied = await deps.customers.set_loyalty(event.customer_id, {"loyaltyTier": event.tier}, session,
                                               version_field="loyaltyTierVersion", version=event.account_version)
    if applied:
        await refresh_membership(deps, event.customer_id, session)
    if applied is not False:
        entry = activity.entry(event.customer_id, "loyalty.tier", f"Loyalty tier is now {event.tier}",
                               envelope.occurred_at, {"from": event.previous_tier, "to": event.tier})
        await record_activity(deps, entry, session)
