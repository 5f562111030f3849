"""duplicateCustomers: likely pairs, a page at a time, each with why (same phone, or similar name and postal code)."""
from services.customers.domain.duplicates import GROUP_FIELDS, REASONS, Pair, Position, group_pairs
from services.customers.handlers.deps import Deps


async def duplicate_pairs(deps: Deps, first: int, after: str | None) -> tuple[list[Pair], str | None]:
    """Up to `first` pairs from the cursor on, and the cursor of the next page (None: this is the last)."""
    start = Position.decode(after)
    found: list[Pair] = []
    for reason in REASONS[REASONS.index(start.reason):]:
        resuming = reason == start.reason
        from_key, skip = (start.key, start.index) if resuming else (None, 0)
        while len(found) <= first:
            groups = await deps.duplicates.groups(GROUP_FIELDS[reason], from_key, first + 1)
            for group in groups:
                pairs = group_pairs(reason, group["_id"], group["members"])
                found.extend(pairs[skip:] if group["_id"] == from_key else pairs)
                if len(found) > first:
                    break
            if len(found) > first or len(groups) <= first:
                break  # enough, or no group left for this reason
            # The next batch starts at the last group seen, all of whose pairs are taken.
            from_key, skip = groups[-1]["_id"], len(group_pairs(reason, groups[-1]["_id"], groups[-1]["members"]))
        if len(found) > first:
            break
    if len(found) > first:
        return found[:first], found[first].position.encode()
    return found, None
