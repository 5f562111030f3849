"""TemplateStore: reusable campaign templates, as Template records."""
from pymongo import DESCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from services.campaigns.domain.records import Template


class TemplateStore:
    def __init__(self, db: AsyncDatabase):
        self.collection = db["templates"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("createdAt", DESCENDING), ("_id", DESCENDING)])

    async def insert(self, template: Template) -> None:
        await self.collection.insert_one(template.to_doc())

    async def get(self, template_id: str) -> Template | None:
        doc = await self.collection.find_one({"_id": template_id})
        return Template.from_doc(doc) if doc else None

    async def replace(self, template: Template) -> Template | None:
        """The template as a whole (fields it no longer has go); None when it was deleted meanwhile."""
        doc = await self.collection.find_one_and_replace({"_id": template.id}, template.to_doc(),
                                                         return_document=ReturnDocument.AFTER)
        return Template.from_doc(doc) if doc else None

    async def delete(self, template_id: str) -> bool:
        return (await self.collection.delete_one({"_id": template_id})).deleted_count == 1

    async def page(self, query: dict, limit: int, offset: int) -> tuple[list[Template], int]:
        items = await self.collection.find(query).sort([("createdAt", DESCENDING), ("_id", DESCENDING)]) \
            .skip(offset).limit(limit).to_list()
        return [Template.from_doc(d) for d in items], await self.collection.count_documents(query)
