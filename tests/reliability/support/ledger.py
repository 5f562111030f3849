"""Exactness checks straight on the services' databases: every order counted once, every point credited once."""
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from tests.reliability.support.storefront import Burst

SHOWN = 5  # problems listed per kind; the totals line says how many there are


async def handled_orders(customers_db: AsyncDatabase | None, loyalty_db: AsyncDatabase) -> tuple[int, int]:
    """(orders in customers, entries in loyalty's ledger): counts cheap enough to poll while the database is busy.
    During a burst the ledger holds only its earn entries; the exact checks below count by kind."""
    orders = await customers_db["orders"].estimated_document_count() if customers_db is not None else 0
    return orders, await loyalty_db["ledger"].estimated_document_count()


async def loyalty_problems(db: AsyncDatabase, burst: Burst) -> list[str]:
    """Empty when each order earned exactly once, each customer's ledger sums to what the burst earns, and each
    account's balance is its ledger sum."""
    doubled = await _rows(db["ledger"], {"$match": {"kind": "earn"}},
                          {"$group": {"_id": "$orderId", "n": {"$sum": 1}}}, {"$match": {"n": {"$gt": 1}}})
    sums = {r["_id"]: r["points"] for r in await _rows(
        db["ledger"], {"$group": {"_id": "$customerId", "points": {"$sum": "$points"}}})}
    wrong = [(c, want, sums.get(c, 0)) for c, want in burst.points.items() if sums.get(c, 0) != want]
    balances = {a["_id"]: a["balance"] for a in await db["accounts"].find({}, {"balance": 1}).to_list()}
    drift = [(c, b, sums.get(c, 0)) for c, b in balances.items() if b != sums.get(c, 0)]
    earned = await db["ledger"].count_documents({"kind": "earn"})
    problems = [f"order {r['_id']} earned {r['n']} times" for r in doubled[:SHOWN]]
    problems += [f"customer {c}: ledger sums to {got}, expected {want}" for c, want, got in wrong[:SHOWN]]
    problems += [f"account {c}: balance {b} but ledger sum {s}" for c, b, s in drift[:SHOWN]]
    if earned != len(burst.order_ids):
        problems.append(f"{earned} earn entries for {len(burst.order_ids)} orders")
    if problems:
        problems.append(f"in all: {len(doubled)} doubled orders, {len(wrong)} wrong sums, "
                        f"{len(drift)} drifted balances")
    return problems


async def expired_once_problems(db: AsyncDatabase, burst: Burst) -> list[str]:
    """Empty when an expiry of everything took each customer's points exactly once: one expire entry each,
    for all of them, and nothing left on the account or in the ledger."""
    expired = await _rows(db["ledger"], {"$match": {"kind": "expire"}},
                          {"$group": {"_id": "$customerId", "n": {"$sum": 1}, "points": {"$sum": "$points"}}})
    got = {r["_id"]: (r["n"], r["points"]) for r in expired}
    wrong = [(c, got.get(c), (1, -p)) for c, p in burst.points.items() if got.get(c) != (1, -p)]
    left = await db["accounts"].count_documents({"balance": {"$ne": 0}})
    problems = [f"customer {c}: (expire entries, points) {g}, expected {w}" for c, g, w in wrong[:SHOWN]]
    if left:
        problems.append(f"{left} accounts keep a balance after everything expired")
    return problems


async def customers_problems(db: AsyncDatabase, burst: Burst) -> list[str]:
    """Empty when every order is stored once and each customer's totals count exactly its orders."""
    stored = {o["_id"] for o in await db["orders"].find({}, {"_id": 1}).to_list()}
    missing = [o for o in burst.order_ids if o not in stored]
    totals = {c["_id"]: (c.get("totalOrders", 0), c.get("totalSpentMinor", 0))
              for c in await db["customers"].find({}, {"totalOrders": 1, "totalSpentMinor": 1}).to_list()}
    wrong = [(c, totals.get(c), (n, burst.spent_minor[c])) for c, n in burst.orders.items()
             if totals.get(c) != (n, burst.spent_minor[c])]
    problems = [f"order {o} missing in customers" for o in missing[:SHOWN]]
    problems += [f"customer {c}: (orders, spent) {got}, expected {want}" for c, got, want in wrong[:SHOWN]]
    if problems:
        problems.append(f"in all: {len(missing)} missing orders, {len(wrong)} customers with wrong totals")
    return problems


async def read_model_problems(db: AsyncDatabase, burst: Burst) -> list[str]:
    """Empty when the customers service shows each customer the points loyalty credited (loyalty.points.changed
    went through loyalty's outbox and relay, across whatever happened to the broker)."""
    customers = await db["customers"].find({}, {"loyaltyPoints": 1}).to_list()
    shown = {c["_id"]: c.get("loyaltyPoints", 0) for c in customers}
    wrong = [(c, shown.get(c), want) for c, want in burst.points.items() if shown.get(c) != want]
    return [f"customer {c}: loyaltyPoints {got}, expected {want}" for c, got, want in wrong[:SHOWN]] + (
        [f"in all: {len(wrong)} customers show other points"] if wrong else [])


async def pending_outbox(*dbs: AsyncDatabase) -> int:
    return sum([await db["outbox"].count_documents({"status": "pending"}) for db in dbs])


async def _rows(collection: AsyncCollection, *stages: dict) -> list[dict]:
    return await (await collection.aggregate(list(stages))).to_list()
