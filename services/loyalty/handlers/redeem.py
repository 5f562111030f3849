"""Redeeming a reward: points out, one unit of stock out, a unique code in; never a double spend."""
import base64
import secrets
import uuid

from pymongo.asynchronous.client_session import AsyncClientSession

from services.loyalty.domain.commands import InsufficientPoints, ProgramInactive, RedeemRequest, RewardUnavailable
from services.loyalty.domain.programs import covers
from services.loyalty.domain.records import Program, Redemption, Reward
from services.loyalty.handlers.deps import Deps, utcnow
from services.loyalty.handlers.members import ensure_can_transact
from services.loyalty.handlers.posting import Posting, post
from shared.errors import NotFound
from shared.events import contracts


def reward_code() -> str:
    """12 characters of base32 (60 bits): unguessable, easy to read out; the unique index backs it."""
    return "JT-" + base64.b32encode(secrets.token_bytes(8)).decode()[:12]


async def _reward(deps: Deps, reward_id: str) -> tuple[Program, Reward]:
    program = await deps.programs.with_reward(reward_id)
    if program is None:
        raise NotFound(f"reward {reward_id} not found", field="rewardId")
    reward = program.reward(reward_id)
    if not covers(program, utcnow()):
        raise ProgramInactive(f"the program of reward {reward_id} is not active", field="rewardId")
    if not reward.is_active:
        raise RewardUnavailable(f"reward {reward_id} is not offered any more", field="rewardId")
    return program, reward


async def redeem(deps: Deps, customer_id: str, body: RedeemRequest,
                 correlation_id: str | None = None) -> Redemption:
    await ensure_can_transact(deps, customer_id)  # 404 unknown or deleted, 409 CUSTOMER_SUSPENDED
    program, reward = await _reward(deps, body.reward_id)
    cost = reward.points_cost
    async with deps.locks.hold(customer_id):
        if body.request_id and (done := await deps.redemptions.by_request(customer_id, body.request_id)):
            return done
        account = await deps.accounts.get(customer_id)
        if (account.balance if account else 0) < cost:
            # Checked before the transaction too, so a queue of hopeless requests costs no transactions.
            raise InsufficientPoints(f"{cost} points needed, {account.balance if account else 0} available",
                                     field="rewardId")

        async def work(session: AsyncClientSession) -> Redemption:
            if reward.stock is not None and not await deps.programs.take_one(reward.id, session):
                raise RewardUnavailable(f"reward {reward.id} is out of stock", field="rewardId")
            now = utcnow()
            redemption_id = str(uuid.uuid4())
            change = Posting(customer_id, "redeem", -cost, f"Redeemed {reward.name}", "request",
                             body.request_id or redemption_id,
                             extra={"reward_id": reward.id, "redemption_id": redemption_id})
            entry, after = await post(deps, session, program, change, now, require_balance=cost,
                                      correlation_id=correlation_id)
            doc = Redemption(id=redemption_id, code=reward_code(), customer_id=customer_id,
                             program_id=program.id, reward_id=reward.id, reward_name=reward.name,
                             type=reward.type, value=reward.value, points=cost, balance_after=after.balance,
                             entry_id=entry.id, created_at=now,
                             # issued -> consumed | voided (handlers/codes.py); a void gives the unit back if one
                             # was taken
                             status="issued", stock_taken=reward.stock is not None, request_id=body.request_id)
            await deps.redemptions.insert(doc, session)
            await deps.runtime.outbox.add(session, contracts.LoyaltyRewardRedeemed(
                customerId=customer_id, rewardId=reward.id, rewardName=reward.name, points=cost,
                code=doc.code), correlation_id=correlation_id)
            return doc

        return await deps.transaction(work)
