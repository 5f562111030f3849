"""The activity timeline: interactions from the API or events, and entries from other services' events."""
from pymongo.asynchronous.client_session import AsyncClientSession

from services.customers.domain import activity
from services.customers.domain.activity import InteractionCreate
from services.customers.domain.erasure import gone, is_erased
from services.customers.handlers.activity_log import record_activities, record_activity
from services.customers.handlers.deps import Deps, utcnow
from services.customers.segments.handlers.membership import refresh_membership
from shared.errors import NotFound
from shared.events import contracts
from shared.events.envelope import Envelope


async def record_interaction(deps: Deps, customer_id: str, body: InteractionCreate) -> None:
    async def work(session: AsyncClientSession) -> None:
        await _add_interaction(deps, customer_id, body.kind, body.description, body.occurred_at, session)

    await deps.runtime.transaction(work)


async def on_interaction_recorded(deps: Deps, event: contracts.CustomerInteractionRecorded, envelope: Envelope,
                                  session: AsyncClientSession) -> None:
    if is_erased(await deps.customers.get(event.customer_id, session)):
        return  # a storefront's late report about an erased person: its free text is not kept (nor parked)
    await _add_interaction(deps, event.customer_id, event.kind, event.description,
                           event.occurred_at or envelope.occurred_at, session)


async def _add_interaction(deps: Deps, customer_id: str, kind: str, description: str | None, occurred_at,
                           session: AsyncClientSession) -> None:
    doc = await deps.customers.get(customer_id, session)
    if doc is None:
        raise NotFound(f"customer {customer_id} not found", field="customerId")
    if is_erased(doc):
        raise gone(doc)
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
        await record_activity(deps, _points_entry(event, envelope), session)


def _points_entry(event: contracts.LoyaltyPointsChanged, envelope: Envelope) -> dict:
    sign = "+" if event.delta >= 0 else ""
    return activity.entry(event.customer_id, "loyalty.points", f"{sign}{event.delta} points: {event.reason}",
                          envelope.occurred_at, {"delta": event.delta, "balance": event.balance})


async def on_loyalty_points_changed_many(deps: Deps, changes: list[tuple[contracts.LoyaltyPointsChanged, Envelope]],
                                         session: AsyncClientSession) -> None:
    """on_loyalty_points_changed for each, in order, set-based: the read model is worked out in memory against the
    customers as read in this transaction (the highest accountVersion wins, as set_loyalty's guard decides one by
    one), then written with one bulk write; the timeline entries go in one insert."""
    customers = await deps.customers.many(list(dict.fromkeys(event.customer_id for event, _ in changes)), session)
    shown: dict[str, dict] = {}  # customer id -> the fields to set, after the events applied so far
    entries = []
    for event, envelope in changes:
        customer = customers.get(event.customer_id)
        if customer is None:  # deleted meanwhile: skipped, as one by one
            continue
        fields = {"loyaltyPoints": event.balance, "loyaltyLifetimePoints": event.lifetime_points}
        version = customer.get("loyaltyPointsVersion")
        if event.account_version is None:
            shown[event.customer_id] = {**shown.get(event.customer_id, {}), **fields}
        elif version is None or version < event.account_version:
            customer["loyaltyPointsVersion"] = event.account_version
            shown[event.customer_id] = {**fields, "loyaltyPointsVersion": event.account_version}
        entries.append((_points_entry(event, envelope), envelope.correlation_id or envelope.id))
    await deps.customers.set_loyalty_many(shown, session)
    await record_activities(deps, entries, session)


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
