"""customer.merged: the merged customer's messages show under the kept customer; the merged id is never a
recipient again. Both writes are idempotent (the same event twice changes nothing more)."""
from pymongo.asynchronous.client_session import AsyncClientSession

from services.campaigns.handlers.deps import Deps
from shared.events import contracts
from shared.events.envelope import Envelope


async def on_customer_merged(deps: Deps, event: contracts.CustomerMerged, envelope: Envelope,
                             session: AsyncClientSession) -> None:
    await deps.merges.move_messages(event.merged_id, event.kept_id, session)
    await deps.confirmations.move_to(event.merged_id, event.kept_id, session)
    await deps.merges.retire_recipient(event.merged_id, event.kept_id, envelope.occurred_at, session)
