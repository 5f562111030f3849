"""Request bodies of the member commands: add points, redeem a reward, run a job; and their error codes."""
from pydantic import Field

from services.loyalty.domain.programs import InputModel
from shared.errors import Conflict
from shared.timestamps import AwareTimestamp

RequestId = Field(None, alias="requestId", min_length=1, max_length=100,
                  description="idempotency key: the same request id is applied once")


class PointsAdd(InputModel):
    points: int = Field(ge=1, le=1_000_000, description="a manual credit; positive")
    reason: str = Field(min_length=1, max_length=200)
    request_id: str | None = RequestId


class RedeemRequest(InputModel):
    reward_id: str = Field(alias="rewardId", min_length=1, max_length=64)
    request_id: str | None = RequestId


class JobRun(InputModel):
    now: AwareTimestamp | None = Field(None, description="the time the job runs as of; defaults to the clock")


class InsufficientPoints(Conflict):
    code = "INSUFFICIENT_POINTS"


class ProgramInactive(Conflict):
    code = "PROGRAM_INACTIVE"


class RewardUnavailable(Conflict):
    code = "REWARD_UNAVAILABLE"
