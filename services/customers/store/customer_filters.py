"""Compiles a CustomerQuery to a MongoDB filter and sort that the indexes serve."""
import re

from pymongo import ASCENDING, DESCENDING

from services.customers.domain.queries import CustomerQuery
from services.customers.domain.search import SearchTerms, parse_search
from shared.money import to_minor

# API sort names to stored fields.
SORT_FIELDS = {"totalSpent": "totalSpentMinor", "churnRisk": "insights.churnRisk",
               "predictedClv": "insights.predictedClvMinor", "historicClv": "insights.historicClvMinor",
               "rfmScore": "insights.rfm.score"}


def _range(low, high) -> dict:
    bounds = {}
    if low is not None:
        bounds["$gte"] = low
    if high is not None:
        bounds["$lte"] = high
    return bounds


def search_clauses(terms: SearchTerms) -> dict:
    """Equality on the prefix index, plus, when that alone is not exact, every word at the start of a key."""
    clauses: dict = {"searchPrefixes": terms.index_prefix}
    if not terms.exact_by_index:
        # Keys hold no spaces and searchText joins them with one, so " word" or a leading word starts a key.
        lookaheads = "".join(f"(?=.*(?:^| ){re.escape(word)})" for word in terms.words)
        clauses["searchText"] = {"$regex": f"^{lookaheads}"}
    return clauses


def compile_filter(query: CustomerQuery) -> dict:
    clauses: dict = {}
    if query.ids:
        clauses["_id"] = {"$in": query.ids}
    # The search clause comes next: SecantusDB runs a filter of several fields on the first one an index
    # serves, and a prefix is far more selective than a status or a tier (MongoDB's planner finds it anyway).
    terms = parse_search(query.q) if query.q else None
    if terms:
        clauses.update(search_clauses(terms))
    if query.status:
        clauses["status"] = {"$in": query.status}
    if query.tier:
        clauses["loyaltyTier"] = {"$in": query.tier}
    if query.tags:
        clauses["tags"] = {"$all": [t.strip().lower() for t in query.tags]}
    ranges = {
        "totalSpentMinor": _range(None if query.min_spent is None else to_minor(query.min_spent),
                                  None if query.max_spent is None else to_minor(query.max_spent)),
        "totalOrders": _range(query.min_orders, query.max_orders),
        "registrationDate": _range(query.registered_from, query.registered_to),
        "lastPurchaseDate": _range(query.last_purchase_from, query.last_purchase_to),
        "insights.churnRisk": _range(query.min_churn_risk, query.max_churn_risk),
        "insights.predictedClvMinor": _range(
            None if query.min_predicted_clv is None else to_minor(query.min_predicted_clv),
            None if query.max_predicted_clv is None else to_minor(query.max_predicted_clv)),
    }
    if query.rfm_group:
        clauses["insights.rfm.group"] = {"$in": query.rfm_group}
    clauses.update({field: bounds for field, bounds in ranges.items() if bounds})
    if not query.status and not terms:  # a search never finds a tombstone: it has no search keys
        clauses["status"] = {"$ne": "erased"}  # last: any clause an index serves is more selective
    return clauses


def compile_sort(query: CustomerQuery) -> list[tuple[str, int]]:
    direction = ASCENDING if query.order == "asc" else DESCENDING
    return [(SORT_FIELDS.get(query.sort, query.sort), direction), ("_id", direction)]
