"""mergeCustomers: one customer folded into another, in one transaction of the customers service; loyalty and
campaigns follow from customer.merged. The merged id then answers as a tombstone naming the kept customer."""
from dataclasses import dataclass

from pymongo.asynchronous.client_session import AsyncClientSession

from services.customers.domain import activity
from services.customers.domain.consents import decides_flag
from services.customers.domain.merging import (
    MergeRequest,
    changed_contact_fields,
    check_ids,
    check_side,
    profile_changes,
    tombstone,
    totals_from,
)
from services.customers.domain.search import search_fields
from services.customers.handlers.activity_log import record_activity
from services.customers.handlers.consents import settle_flags
from services.customers.handlers.deps import Deps, utcnow
from services.customers.handlers.profiles import contact_event
from services.customers.segments.handlers.membership import refresh_membership
from services.customers.store.customers import INSIGHTS_DIRTY
from shared.actor import actor_record
from shared.errors import Conflict
from shared.events import contracts


@dataclass(frozen=True)
class Merge:
    kept: dict  # the kept customer as the merge left it
    merged_id: str
    orders: int  # how many orders, timeline entries and consent records moved
    timeline_entries: int
    consents: int


async def merge_customers(deps: Deps, body: MergeRequest, correlation_id: str | None = None) -> Merge:
    keep_id, merge_id = body.keep_id, body.merge_id
    check_ids(keep_id, merge_id)
    now = utcnow()
    actor = actor_record() or None

    async def work(session: AsyncClientSession) -> Merge:
        merges = deps.merges
        # Both sides are read in the transaction: a concurrent merge of either conflicts with this one, and its
        # retry then finds the tombstone and refuses.
        kept = check_side(await deps.customers.get(keep_id, session), await merges.tombstone(keep_id, session),
                          keep_id, "keepId")
        merged = check_side(await deps.customers.get(merge_id, session), await merges.tombstone(merge_id, session),
                            merge_id, "mergeId")
        if not await deps.customers.delete(merge_id, session):
            raise Conflict(f"customer {merge_id} changed meanwhile; retry", field="mergeId")
        await merges.bury(tombstone(merged, keep_id, now, actor), session)
        await merges.repoint_tombstones(merge_id, keep_id, session)
        orders = await merges.move_orders(merge_id, keep_id, session)
        entries = await merges.move_activity(merge_id, keep_id, session)
        # The channels the merged customer's ledger decided: only those are derived again from the combined
        # ledger (a channel neither ledger decided keeps the kept customer's flag).
        decided = {record.channel for record in await deps.consents.for_customer(merge_id, session)
                   if decides_flag(record.purpose, record.status)}
        consents = await deps.consents.move_to(merge_id, keep_id, session)
        changes = profile_changes(kept, merged)
        # Totals from the orders themselves, not summed from the two profiles: exact whatever the history.
        totals = totals_from(await merges.order_figures(keep_id, session))
        after = {**kept, **changes, **totals}
        updated = await deps.customers.update(keep_id, {**changes, **totals, **search_fields(after), "updatedAt": now,
                                                        INSIGHTS_DIRTY: now},  # rescored with the merged orders
                                              [], session)
        await refresh_membership(deps, merge_id, session, now)  # gone from customers: it leaves every segment
        if decided:  # the combined ledger decides those opt-ins (customer.updated when one moves)
            updated = await settle_flags(deps, updated, decided, session, now, correlation_id)
        await refresh_membership(deps, keep_id, session, now)
        await record_activity(deps, activity.entry(
            keep_id, "customer.merged", f"Customer {merge_id} merged into this profile", now,
            {"mergedId": merge_id, "orders": orders, "timelineEntries": entries, "consents": consents,
             "fields": sorted(changes)}), session)
        if contact := changed_contact_fields(changes):
            await deps.runtime.outbox.add(session, contact_event(contracts.CustomerUpdated, updated, contact),
                                          correlation_id=correlation_id)
        await deps.runtime.outbox.add(session, contracts.CustomerMerged(keptId=keep_id, mergedId=merge_id),
                                      correlation_id=correlation_id)
        return Merge(updated, merge_id, orders, entries, consents)

    return await deps.runtime.transaction(work)


async def tombstones_among(deps: Deps, customer_ids: list[str], found: list[dict]) -> list[dict]:
    """The tombstones of the asked ids that are not live customers (merged ones), for a batch read by id."""
    missing = [cid for cid in customer_ids if cid not in {doc["_id"] for doc in found}]
    if not missing:
        return []
    tombstones = await deps.merges.tombstones_by_ids(missing)
    return [tombstones[cid] for cid in missing if cid in tombstones]
