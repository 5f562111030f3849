"""ErasureWrites: what one erasure writes in the customers database besides the suppression list: the profile
overwritten by its tombstone, the timeline entries scrubbed, the outbox records about the person scrubbed."""
from collections.abc import Callable

from pymongo import UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from shared.erasure import PersonalText, scrub_outbox


class ErasureWrites:
    def __init__(self, db: AsyncDatabase):
        self.customers = db["customers"]
        self.activity = db["activity"]
        self.outbox = db["outbox"]

    async def overwrite_profile(self, customer_id: str, tombstone: dict, session: AsyncClientSession) -> None:
        """Replaces the whole document: a field nobody listed as kept (added later, by anyone) goes too."""
        await self.customers.replace_one({"_id": customer_id}, tombstone, session=session)

    async def scrub_timeline(self, customer_id: str, scrub: Callable[[dict], dict],
                             session: AsyncClientSession) -> int:
        """Rewrites each entry's summary and data with `scrub(entry)`; the entries, their kinds and times stay."""
        entries = await self.activity.find({"customerId": customer_id}, session=session).to_list()
        writes = []
        for entry in entries:
            changes = scrub(entry)
            if any(entry.get(key) != value for key, value in changes.items()):
                writes.append(UpdateOne({"_id": entry["_id"]}, {"$set": changes}))
        if writes:
            await self.activity.bulk_write(writes, ordered=False, session=session)
        return len(writes)

    async def scrub_outbox(self, customer_id: str, text: PersonalText, session: AsyncClientSession) -> int:
        return await scrub_outbox(self.outbox, customer_id, text, session)
