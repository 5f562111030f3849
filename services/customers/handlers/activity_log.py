"""Every timeline entry is stored and announced (customer.activity.recorded) in the same transaction."""
from pymongo.asynchronous.client_session import AsyncClientSession

from shared.actor import actor_record
from shared.events.contracts.core import CustomerActivityRecorded


async def record_activity(deps, entry: dict, session: AsyncClientSession) -> None:
    if actor := actor_record():  # the staff member whose request (or bulk job, or credit) this entry records
        entry = {**entry, "actor": actor}
    activity_id = await deps.activity.add(entry, session)
    await deps.runtime.outbox.add(session, CustomerActivityRecorded(
        activityId=activity_id, customerId=entry["customerId"], kind=entry["type"], summary=entry["summary"],
        occurredAt=entry["occurredAt"], data=entry.get("data") or {}))
