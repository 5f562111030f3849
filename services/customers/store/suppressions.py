"""SuppressionStore: hashed emails and phones of erased customers, which no create or import may bring back.

An entry is `{_id: "<kind>:<sha256 hex>", kind, hash, customerId, at}`; the customer id is the pseudonym of the
erased profile (which erasure it came from), never a way back to the address. See shared.erasure for the hashing.
"""
from dataclasses import dataclass
from datetime import datetime

from pymongo import UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from shared.erasure import email_hash, phone_hash

Session = AsyncClientSession | None


@dataclass(frozen=True)
class Suppressed:
    """The given emails and phones (as given) that are suppressed."""

    emails: frozenset[str]
    phones: frozenset[str]

    def __bool__(self) -> bool:
        return bool(self.emails or self.phones)


class SuppressionStore:
    def __init__(self, db: AsyncDatabase):
        self.collection = db["suppressions"]

    async def ensure_indexes(self) -> None:
        """Keyed by kind and hash; nothing else to index."""

    async def add(self, customer_id: str, email_digest: str | None, phone_digest: str | None, at: datetime,
                  session: AsyncClientSession) -> None:
        """Suppresses the hashes; an entry already there (an earlier erasure of the same address) is kept."""
        writes = [UpdateOne({"_id": f"{kind}:{digest}"},
                            {"$setOnInsert": {"kind": kind, "hash": digest, "customerId": customer_id, "at": at}},
                            upsert=True)
                  for kind, digest in (("email", email_digest), ("phone", phone_digest)) if digest]
        if writes:
            await self.collection.bulk_write(writes, ordered=False, session=session)

    async def suppressed(self, emails: list[str] = (), phones: list[str] = (), session: Session = None) -> Suppressed:
        """Which of these emails and phones are suppressed (one query for all; for create and import)."""
        by_id = {f"email:{email_hash(e)}": ("email", e) for e in emails if e}
        by_id |= {f"phone:{phone_hash(p)}": ("phone", p) for p in phones if p}
        if not by_id:
            return Suppressed(frozenset(), frozenset())
        found = await self.collection.find({"_id": {"$in": list(by_id)}}, projection={"_id": 1},
                                           session=session).to_list()
        hits = [by_id[d["_id"]] for d in found]
        return Suppressed(frozenset(v for k, v in hits if k == "email"), frozenset(v for k, v in hits if k == "phone"))
