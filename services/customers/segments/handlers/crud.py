"""Segment commands and reads: create, edit, delete, find by id or slug, members, preview, pre-built segments."""
import uuid

from pymongo.asynchronous.client_session import AsyncClientSession

from services.customers.handlers.deps import Deps, utcnow
from services.customers.segments.domain.ast import is_time_based
from services.customers.segments.domain.compiler import compile_filter
from services.customers.segments.domain.criteria import Criteria
from services.customers.segments.domain.models import (
    PREBUILT,
    SegmentCreate,
    SegmentPreview,
    SegmentUpdate,
    definition,
    slugify,
)
from services.customers.segments.handlers.jobs import new_job
from shared.errors import Conflict, NotFound


async def get_segment(deps: Deps, id_or_slug: str) -> dict:
    segment = await deps.segments.store.find(id_or_slug)
    if segment is None:
        raise NotFound(f"segment {id_or_slug} not found", field="id")
    return segment


async def with_counts(deps: Deps, segments: list[dict]) -> list[dict]:
    counts = await deps.segments.store.counts([s["_id"] for s in segments])
    return [{**s, "customerCount": counts[s["_id"]]} for s in segments]


async def create_segment(deps: Deps, body: SegmentCreate, *, built_in: bool = False) -> dict:
    """Stores the segment at once with no members, and queues the job that finds them."""
    node, criteria, query = definition(body.criteria, body.query)
    now = utcnow()
    doc = {"_id": str(uuid.uuid4()), "slug": body.slug or slugify(body.name), "name": body.name,
           "description": body.description, "criteria": criteria, "query": query or None,
           "timeBased": is_time_based(node), "builtIn": built_in, "version": 1, "state": "building",
           "createdAt": now, "updatedAt": now}
    job = new_job("recompute", doc, now, version=1, publish=False)

    async def work(session: AsyncClientSession) -> None:
        # Checked first: a DuplicateKeyError would abort the transaction.
        if await deps.segments.store.by_slug(doc["slug"], session):
            raise Conflict(f"a segment with slug '{doc['slug']}' already exists", field="slug")
        await deps.segments.store.insert(doc, session)
        await deps.segments.jobs.add(job, session)

    await deps.runtime.transaction(work)
    deps.segments.wake.set()
    return {**doc, "customerCount": 0}


async def update_segment(deps: Deps, id_or_slug: str, body: SegmentUpdate) -> dict:
    segment = await get_segment(deps, id_or_slug)
    sent = body.model_fields_set
    changes: dict = {key: getattr(body, key) for key in ("name", "description") if key in sent}
    if changes.get("name") is None:
        changes.pop("name", None)
    if "description" in changes and changes["description"] is None:
        changes["description"] = ""
    new_definition = body.criteria is not None or body.query is not None
    if new_definition:
        node, criteria, query = definition(body.criteria, body.query)
        changes.update(criteria=criteria, query=query or None, timeBased=is_time_based(node), state="updating")

    async def work(session: AsyncClientSession) -> dict:
        current = await deps.segments.store.by_id(segment["_id"], session)
        if current is None:
            raise NotFound(f"segment {id_or_slug} not found", field="id")
        now = utcnow()
        update = {**changes, "updatedAt": now}
        if new_definition:
            update["version"] = current.get("version", 1) + 1
            await deps.segments.jobs.add(new_job("recompute", current, now, version=update["version"],
                                                 publish=current.get("state") != "building"), session)
        return await deps.segments.store.update(segment["_id"], update, session)

    updated = await deps.runtime.transaction(work)
    deps.segments.wake.set()
    return (await with_counts(deps, [updated]))[0]


async def delete_segment(deps: Deps, id_or_slug: str) -> None:
    segment = await get_segment(deps, id_or_slug)
    if segment.get("builtIn"):
        raise Conflict("pre-built segments can be edited but not deleted", field="id")

    async def work(session: AsyncClientSession) -> None:
        await deps.segments.store.delete(segment["_id"], session)
        await deps.segments.jobs.add(new_job("purge", segment, utcnow()), session)

    await deps.runtime.transaction(work)
    deps.segments.wake.set()


async def member_page(deps: Deps, id_or_slug: str, limit: int, offset: int) -> tuple[dict, list[dict]]:
    segment = (await with_counts(deps, [await get_segment(deps, id_or_slug)]))[0]
    ids = await deps.segments.store.member_page(segment["_id"], limit, offset)
    return segment, await deps.segments.store.customers_by_ids(ids)


async def preview(deps: Deps, body: SegmentPreview) -> dict:
    """Counts and samples customers matching criteria now, without saving anything (a one-off count)."""
    node, criteria, query = definition(body.criteria, body.query)
    mongo_filter = compile_filter(node, utcnow())
    store = deps.segments.store
    return {"criteria": criteria, "query": query, "count": await store.count_matching(mongo_filter),
            "sample": await store.sample(mongo_filter, body.sample_size)}


async def install_prebuilt(deps: Deps) -> None:
    """Creates the pre-built segments a fresh system starts with; existing ones (maybe edited) are left alone."""
    for slug, (name, description, criteria) in PREBUILT.items():
        if await deps.segments.store.by_slug(slug):
            continue
        body = SegmentCreate(name=name, description=description, slug=slug, criteria=Criteria.model_validate(criteria))
        try:
            await create_segment(deps, body, built_in=True)
        except Conflict:
            pass  # another replica created it at the same moment
