"""Every timeline entry is stored and announced (customer.activity.recorded) in the same transaction."""
from pymongo.asynchronous.client_session import AsyncClientSession

from shared.actor import actor_record
from shared.events.contracts.core import CustomerActivityRecorded


def _announcement(activity_id: str, entry: dict) -> CustomerActivityRecorded:
    return CustomerActivityRecorded(activityId=activity_id, customerId=entry["customerId"], kind=entry["type"],
                                    summary=entry["summary"], occurredAt=entry["occurredAt"],
                                    data=entry.get("data") or {})


async def record_activity(deps, entry: dict, session: AsyncClientSession) -> None:
    if actor := actor_record():  # the staff member whose request (or bulk job, or credit) this entry records
        entry = {**entry, "actor": actor}
    activity_id = await deps.activity.add(entry, session)
    await deps.runtime.outbox.add(session, _announcement(activity_id, entry))


async def record_activities(deps, entries: list[tuple[dict, str | None]], session: AsyncClientSession) -> None:
    """record_activity for many (entry, correlation id) pairs: one insert for the entries, one for the events."""
    actor = actor_record()
    entries = [({**entry, "actor": actor} if actor else entry, correlation) for entry, correlation in entries]
    activity_ids = await deps.activity.add_many([entry for entry, _ in entries], session)
    await deps.runtime.outbox.add_many(session, [(_announcement(activity_id, entry), correlation)
                                                 for activity_id, (entry, correlation) in zip(activity_ids, entries)])
