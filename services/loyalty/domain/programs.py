"""Loyalty programs: request models and the rules a program must satisfy."""
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from services.loyalty.domain.records import Program
from shared.api import InputModel
from shared.errors import ValidationFailed
from shared.events.contracts.core import Tier
from shared.timestamps import AwareTimestamp

ProgramType = Literal["quarterly", "annual", "custom"]
RewardType = Literal["percent_discount", "fixed_discount", "free_shipping", "gift", "cashback"]
TIER_ORDER: list[str] = ["bronze", "silver", "gold", "platinum"]
VALUED = {"percent_discount", "fixed_discount", "cashback"}


def _two_places(value: Decimal) -> Decimal:
    if value != value.quantize(Decimal("0.01")):
        raise ValueError("at most 2 decimal places")
    return value


Multiplier = Annotated[Decimal, Field(ge=1, le=10), AfterValidator(_two_places)]
Amount = Annotated[Decimal, Field(gt=0, le=Decimal("100000")), AfterValidator(_two_places)]


class TierInput(InputModel):
    name: Tier
    min_points: int = Field(alias="minPoints", ge=0, le=100_000_000,
                            description="qualifying points needed within the current period")
    multiplier: Multiplier = Decimal(1)
    benefits: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(default_factory=list, max_length=20)


class RewardInput(InputModel):
    id: str | None = Field(None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
    name: str = Field(min_length=1, max_length=100)
    description: str | None = Field(None, max_length=500)
    type: RewardType
    points_cost: int = Field(alias="pointsCost", ge=1, le=10_000_000)
    value: Amount | None = Field(None, description="percent for percent_discount, currency units for fixed/cashback")
    stock: int | None = Field(None, ge=0, le=10_000_000, description="null: unlimited")
    is_active: bool = Field(True, alias="isActive")

    @model_validator(mode="after")
    def _value_fits_type(self) -> "RewardInput":
        if self.type in VALUED and self.value is None:
            raise ValueError(f"a {self.type} reward needs a value")
        if self.type not in VALUED and self.value is not None:
            raise ValueError(f"a {self.type} reward has no value")
        if self.type == "percent_discount" and (self.value > 100 or self.value != self.value.to_integral_value()):
            raise ValueError("a percent discount is a whole number from 1 to 100")
        return self


class ProgramFields(InputModel):
    """Fields shared by create and update; update leaves out what it does not change."""

    name: str | None = Field(None, min_length=1, max_length=100)
    description: str | None = Field(None, max_length=1000)
    type: ProgramType | None = None
    start_date: AwareTimestamp | None = Field(None, alias="startDate")
    end_date: AwareTimestamp | None = Field(None, alias="endDate")
    tiers: list[TierInput] | None = Field(None, min_length=1, max_length=4)
    rewards: list[RewardInput] | None = Field(None, max_length=100)
    is_active: bool | None = Field(None, alias="isActive")
    points_per_unit: int | None = Field(None, alias="pointsPerUnit", ge=0, le=1000,
                                        description="base rate: points per currency unit spent")


class ProgramCreate(ProgramFields):
    name: str = Field(min_length=1, max_length=100)
    type: ProgramType
    start_date: AwareTimestamp = Field(alias="startDate")
    end_date: AwareTimestamp = Field(alias="endDate")
    tiers: list[TierInput] = Field(min_length=1, max_length=4)
    rewards: list[RewardInput] = Field(default_factory=list, max_length=100)
    is_active: bool = Field(True, alias="isActive")
    points_per_unit: int = Field(1, alias="pointsPerUnit", ge=0, le=1000)


class ProgramUpdate(ProgramFields):
    pass


def check_program(program: Program) -> None:
    """Invariants of a whole (stored) program; raises ValidationFailed naming the field."""
    if program.end_date <= program.start_date:
        raise ValidationFailed("endDate must be after startDate", field="endDate")
    tiers = program.tiers
    if tiers[0].min_points != 0:
        raise ValidationFailed("the first tier starts at 0 points, so every member has a tier", field="tiers")
    names = [t.name for t in tiers]
    if len(set(names)) != len(names) or names != sorted(names, key=TIER_ORDER.index):
        raise ValidationFailed("tiers are unique and ordered bronze, silver, gold, platinum", field="tiers")
    thresholds = [t.min_points for t in tiers]
    if any(b <= a for a, b in zip(thresholds, thresholds[1:])):
        raise ValidationFailed("tier thresholds (minPoints) must be strictly increasing", field="tiers")
    ids = [r.id for r in program.rewards]
    if len(set(ids)) != len(ids):
        raise ValidationFailed("reward ids must be unique", field="rewards")


def covers(program: Program, at: datetime) -> bool:
    return program.is_active and program.start_date <= at < program.end_date
