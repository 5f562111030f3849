"""ProgramStore: programs with their tiers and rewards (read as Program records), and the stock left of limited
rewards."""
from datetime import datetime

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.loyalty.domain.records import Program

Session = AsyncClientSession | None


class ProgramStore:
    def __init__(self, db: AsyncDatabase):
        self.collection = db["programs"]
        self.stock = db["reward_stock"]
        self.locks = db["locks"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("rewards.id", ASCENDING)])
        await self.collection.create_index([("isActive", ASCENDING), ("startDate", ASCENDING)])
        await self.collection.create_index([("createdAt", DESCENDING)])

    async def insert_if_absent(self, program: Program) -> bool:
        """Outside a transaction: two replicas starting at once both try, the _id lets only one win."""
        try:
            await self.collection.insert_one(program.to_doc())
        except DuplicateKeyError:
            return False
        for reward in program.rewards:
            await self.set_stock(reward.id, reward.stock, None, None)
        return True

    async def count(self) -> int:
        return await self.collection.count_documents({})

    async def get(self, program_id: str, session: Session = None) -> Program | None:
        return _program(await self.collection.find_one({"_id": program_id}, session=session))

    async def page(self, limit: int, offset: int) -> tuple[list[Program], int]:
        items = await self.collection.find({}).sort([("createdAt", DESCENDING), ("_id", ASCENDING)]) \
            .skip(offset).limit(limit).to_list()
        return [Program.from_doc(d) for d in items], await self.collection.count_documents({})

    async def active_at(self, at: datetime, session: Session = None) -> Program | None:
        return _program(await self.collection.find_one(
            {"isActive": True, "startDate": {"$lte": at}, "endDate": {"$gt": at}}, session=session))

    async def active_between(self, start: datetime, end: datetime, session: Session = None) -> list[Program]:
        """Programs active at some moment from start to end, for active_at over many moments (see active_at)."""
        docs = await self.collection.find(
            {"isActive": True, "startDate": {"$lte": end}, "endDate": {"$gt": start}}, session=session).to_list()
        return [Program.from_doc(d) for d in docs]

    async def overlapping_active(self, program: Program, session: AsyncClientSession) -> Program | None:
        """Another active program covering some moment of this one's dates."""
        return _program(await self.collection.find_one(
            {"_id": {"$ne": program.id}, "isActive": True, "startDate": {"$lt": program.end_date},
             "endDate": {"$gt": program.start_date}}, session=session))

    async def with_reward(self, reward_id: str, session: Session = None) -> Program | None:
        return _program(await self.collection.find_one({"rewards.id": reward_id}, session=session))

    async def lock_programs(self, session: AsyncClientSession) -> None:
        """Writes one shared document, so two concurrent program writes conflict and retry one after the other."""
        await self.locks.update_one({"_id": "programs"}, {"$inc": {"version": 1}}, upsert=True, session=session)

    async def insert(self, program: Program, session: AsyncClientSession) -> None:
        await self.collection.insert_one(program.to_doc(), session=session)

    async def replace(self, program: Program, session: AsyncClientSession) -> None:
        await self.collection.replace_one({"_id": program.id}, program.to_doc(), session=session)

    async def set_stock(self, reward_id: str, stock: int | None, previous: int | None,
                        session: Session) -> None:
        """Limited stock lives in its own document so a redemption never writes the program."""
        if stock is None:
            await self.stock.delete_one({"_id": reward_id}, session=session)
        elif previous is None:
            await self.stock.update_one({"_id": reward_id}, {"$set": {"remaining": stock}}, upsert=True,
                                        session=session)
        elif stock != previous:
            # Raising or lowering the configured stock moves what is left by the same amount (never below 0).
            await self.stock.update_one({"_id": reward_id}, [{"$set": {"remaining": {
                "$max": [0, {"$add": ["$remaining", stock - previous]}]}}}], session=session)

    async def take_one(self, reward_id: str, session: AsyncClientSession) -> bool:
        taken = await self.stock.find_one_and_update(
            {"_id": reward_id, "remaining": {"$gt": 0}}, {"$inc": {"remaining": -1}},
            return_document=ReturnDocument.AFTER, session=session)
        return taken is not None

    async def give_back_one(self, reward_id: str, session: AsyncClientSession) -> None:
        """A voided code's unit goes back; a reward made unlimited since has no stock document, so nothing moves."""
        await self.stock.update_one({"_id": reward_id}, {"$inc": {"remaining": 1}}, session=session)

    async def stock_left(self, reward_ids: list[str]) -> dict[str, int]:
        docs = await self.stock.find({"_id": {"$in": reward_ids}}).to_list()
        return {d["_id"]: d["remaining"] for d in docs}


def _program(doc: dict | None) -> Program | None:
    return Program.from_doc(doc) if doc is not None else None
