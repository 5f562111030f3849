"""AccountStore: one document per member with balance, lifetime and qualifying points and the current tier."""
from pymongo import ASCENDING, ReturnDocument, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from services.loyalty.domain.records import Account, AccountChange, Standing

Session = AsyncClientSession | None

# credited - debited == balance, always; lifetime is what was earned (clawbacks take it back).
ZERO = {"balance": 0, "lifetimePoints": 0, "credited": 0, "debited": 0, "shortfall": 0, "qualifyingPoints": 0,
        "version": 0}


def account_of(doc: dict) -> Account:
    return Account(customer_id=doc["_id"], balance=doc.get("balance", 0), lifetime_points=doc.get("lifetimePoints", 0),
                   credited=doc.get("credited", 0), debited=doc.get("debited", 0), shortfall=doc.get("shortfall", 0),
                   qualifying_points=doc.get("qualifyingPoints", 0), version=doc.get("version", 0),
                   tier=doc.get("tier"), period_key=doc.get("periodKey"), program_id=doc.get("programId"),
                   updated_at=doc.get("updatedAt"), deleted=doc.get("deleted", False))


def standing_fields(standing: Standing) -> dict:
    return {"qualifyingPoints": standing.qualifying_points, "periodKey": standing.period_key,
            "programId": standing.program_id, "tier": standing.tier, "updatedAt": standing.updated_at}


def change_update(change: AccountChange) -> dict:
    """The $inc, $set and $setOnInsert of a change; counters it does not move start at zero on insert."""
    inc = {"balance": change.balance, "lifetimePoints": change.lifetime_points, "version": change.version}
    inc |= {k: v for k, v in (("credited", change.credited), ("debited", change.debited),
                              ("shortfall", change.shortfall)) if v}
    fields = standing_fields(change.standing)
    return {"$inc": inc, "$set": fields, "$setOnInsert": {k: 0 for k in ZERO if k not in inc and k not in fields}}


class AccountStore:
    def __init__(self, db: AsyncDatabase):
        self.collection = db["accounts"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("programId", ASCENDING), ("tier", ASCENDING)])
        await self.collection.create_index([("periodKey", ASCENDING)])

    async def get(self, customer_id: str, session: Session = None) -> Account | None:
        doc = await self.collection.find_one({"_id": customer_id}, session=session)
        return account_of(doc) if doc is not None else None

    async def many(self, customer_ids: list[str], session: Session = None) -> dict[str, Account]:
        docs = await self.collection.find({"_id": {"$in": customer_ids}}, session=session).to_list()
        return {d["_id"]: account_of(d) for d in docs}

    async def apply(self, customer_id: str, change: AccountChange, session: AsyncClientSession, *,
                    require_balance: int | None = None) -> Account | None:
        """Applies the change atomically; with require_balance it applies only to a balance of at least that much
        (else None, and nothing is created). Otherwise the account is created on first use."""
        if require_balance is None:
            query, update = {"_id": customer_id}, change_update(change)
        else:
            query = {"_id": customer_id, "balance": {"$gte": require_balance}}
            update = {k: v for k, v in change_update(change).items() if k != "$setOnInsert"}
        doc = await self.collection.find_one_and_update(
            query, update, upsert=require_balance is None, return_document=ReturnDocument.AFTER, session=session)
        return account_of(doc) if doc is not None else None

    async def apply_many(self, changes: dict[str, AccountChange], session: AsyncClientSession) -> None:
        """Unconditional changes, customer id -> change, in one write; accounts are created on first use."""
        await self.collection.bulk_write([
            UpdateOne({"_id": customer_id}, change_update(change), upsert=True)
            for customer_id, change in changes.items()], ordered=False, session=session)

    async def reset_standing(self, customer_id: str, standing: Standing, session: AsyncClientSession) -> int:
        """Sets the standing and bumps the version; returns the new version."""
        after = await self.collection.find_one_and_update(
            {"_id": customer_id}, {"$set": standing_fields(standing), "$inc": {"version": 1}},
            return_document=ReturnDocument.AFTER, session=session)
        return after["version"]

    async def mark_deleted(self, customer_id: str, at, session: AsyncClientSession) -> None:
        """The account stays (its balance still counts as outstanding in analytics); it is only marked. The version
        does not move: nothing about the points changed."""
        await self.collection.update_one({"_id": customer_id}, {"$set": {"deleted": True, "deletedAt": at}},
                                         session=session)

    async def outside_period(self, period_key: str, limit: int) -> list[Account]:
        docs = await self.collection.find({"periodKey": {"$ne": period_key}}).limit(limit).to_list()
        return [account_of(d) for d in docs]

    async def by_ids(self, customer_ids: list[str]) -> list[Account]:
        return [account_of(d) for d in await self.collection.find({"_id": {"$in": customer_ids}}).to_list()]

    async def tier_breakdown(self, program_id: str) -> dict[str, dict]:
        cursor = await self.collection.aggregate([
            {"$match": {"programId": program_id}},
            {"$group": {"_id": "$tier", "members": {"$sum": 1}, "balance": {"$sum": "$balance"}}},
        ])
        return {row["_id"]: row for row in await cursor.to_list()}
