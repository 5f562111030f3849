"""TemplateStore: reusable campaign templates."""
from pymongo import DESCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase


class TemplateStore:
    def __init__(self, db: AsyncDatabase):
        self.collection = db["templates"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("createdAt", DESCENDING), ("_id", DESCENDING)])

    async def insert(self, doc: dict) -> None:
        await self.collection.insert_one(doc)

    async def get(self, template_id: str) -> dict | None:
        return await self.collection.find_one({"_id": template_id})

    async def replace(self, doc: dict) -> dict | None:
        return await self.collection.find_one_and_replace({"_id": doc["_id"]}, doc,
                                                          return_document=ReturnDocument.AFTER)

    async def delete(self, template_id: str) -> bool:
        return (await self.collection.delete_one({"_id": template_id})).deleted_count == 1

    async def page(self, query: dict, limit: int, offset: int) -> tuple[list[dict], int]:
        items = await self.collection.find(query).sort([("createdAt", DESCENDING), ("_id", DESCENDING)]) \
            .skip(offset).limit(limit).to_list()
        return items, await self.collection.count_documents(query)
