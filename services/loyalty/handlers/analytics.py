"""Program analytics from the ledger and the accounts: members per tier, points flows, liability, top rewards."""
from collections import defaultdict
from datetime import datetime

from services.loyalty.handlers.deps import Deps
from services.loyalty.handlers.programs import get_program

FLOWS = {"earn": "issued", "adjust": "issued", "redeem": "redeemed", "expire": "expired", "clawback": "clawedBack",
         # A voided code gives its redemption back, so it counts against "redeemed"; staff deductions have their own.
         "void": "redeemed", "deduct": "deducted",
         # A merge moves points between two accounts of one person: nothing is issued, redeemed or lost.
         "merge_in": None, "merge_out": None}


def _empty() -> dict:
    return {"issued": 0, "redeemed": 0, "expired": 0, "clawedBack": 0, "deducted": 0, "shortfall": 0}


def _rate(redeemed: int, issued: int) -> float:
    # A ratio for display only; the figures it comes from are exact integers.
    return round(redeemed / issued, 4) if issued else 0.0


async def program_analytics(deps: Deps, program_id: str, since: datetime | None = None,
                            until: datetime | None = None) -> dict:
    program = await get_program(deps, program_id)
    per_period: dict[str, dict] = defaultdict(_empty)
    for row in await deps.ledger.totals(program_id, since, until):
        flow = FLOWS[row["_id"]["kind"]]
        if flow is None:
            continue
        figures = per_period[row["_id"]["period"]]
        figures[flow] += row["points"] if flow == "issued" else -row["points"]  # debits are negative, voids not
        figures["shortfall"] += row["shortfall"]
    totals = _empty()
    for figures in per_period.values():
        for key, value in figures.items():
            totals[key] += value
    tiers = await deps.accounts.tier_breakdown(program_id)
    members = {t.name: tiers.get(t.name, {}).get("members", 0) for t in program.tiers}
    top = await deps.redemptions.top_rewards(program_id, since, until)
    return {
        "programId": program_id, "from": since, "to": until,
        "membersPerTier": members, "members": sum(members.values()),
        "pointsIssued": totals["issued"], "pointsRedeemed": totals["redeemed"], "pointsExpired": totals["expired"],
        "pointsClawedBack": totals["clawedBack"], "clawbackShortfall": totals["shortfall"],
        "pointsDeducted": totals["deducted"],
        # The liability: points members hold now and could still redeem.
        "pointsOutstanding": sum(t["balance"] for t in tiers.values()),
        "redemptionRate": _rate(totals["redeemed"], totals["issued"]),
        "topRewards": [{"rewardId": r["_id"], "name": r["name"], "redemptions": r["redemptions"],
                        "points": r["points"]} for r in top],
        "periods": [{"period": period, **figures, "redemptionRate": _rate(figures["redeemed"], figures["issued"])}
                    for period, figures in sorted(per_period.items())],
    }
