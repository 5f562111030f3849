"""The customer profile: what can be written, and how it is kept."""
from typing import Annotated

from pydantic import AnyHttpUrl, EmailStr, Field

from services.customers.domain.consents import ConsentProof
from services.customers.domain.fields import (
    CustomerStatus,
    Gender,
    PastDate,
    Phone,
    ShortText,
    Tag,
)
from shared.api import InputModel
from shared.timestamps import Timestamp


class Address(InputModel):
    street: str | None = Field(None, max_length=200)
    city: str | None = Field(None, max_length=100)
    state: str | None = Field(None, max_length=100)
    zip_code: str | None = Field(None, alias="zipCode", max_length=20)
    country: str | None = Field(None, max_length=100)


class Preferences(InputModel):
    sizes: list[Annotated[str, Field(max_length=20)]] = Field(default_factory=list, max_length=20)
    colors: list[Annotated[str, Field(max_length=40)]] = Field(default_factory=list, max_length=30)
    brands: list[Annotated[str, Field(max_length=60)]] = Field(default_factory=list, max_length=30)
    categories: list[Annotated[str, Field(max_length=60)]] = Field(default_factory=list, max_length=30)


class Communication(InputModel):
    """Marketing opt-ins per channel. Every channel is off until consent arrives with a source: these flags are
    derived from the consent ledger (domain/consents.py); setting them records a consent (handlers/consents.py)."""

    email: bool = False
    sms: bool = False
    push: bool = False


class CustomerCreate(InputModel):
    first_name: ShortText = Field(alias="firstName")
    last_name: ShortText = Field(alias="lastName")
    email: EmailStr
    phone: Phone | None = None
    date_of_birth: PastDate | None = Field(None, alias="dateOfBirth")
    gender: Gender | None = None
    address: Address = Field(default_factory=Address)
    preferences: Preferences = Field(default_factory=Preferences)
    communication: Communication = Field(default_factory=Communication)
    status: CustomerStatus = "active"
    tags: list[Tag] = Field(default_factory=list, max_length=50)
    notes: str | None = Field(None, max_length=5000)
    avatar: AnyHttpUrl | None = None
    registration_date: Timestamp | None = Field(None, alias="registrationDate",
                                               description="for imports; defaults to now")
    consent: ConsentProof | None = Field(None, description="how the opt-ins in `communication` were given (a "
                                                           "signup form's wording, IP, user agent); without it "
                                                           "they are recorded as staff's (source admin)")


class CustomerUpdate(InputModel):
    """Partial update: only the fields sent change; null clears an optional field."""

    first_name: ShortText | None = Field(None, alias="firstName")
    last_name: ShortText | None = Field(None, alias="lastName")
    email: EmailStr | None = None
    phone: Phone | None = None
    date_of_birth: PastDate | None = Field(None, alias="dateOfBirth")
    gender: Gender | None = None
    address: Address | None = None
    preferences: Preferences | None = None
    communication: Communication | None = None
    status: CustomerStatus | None = None
    tags: list[Tag] | None = Field(None, max_length=50)
    notes: str | None = Field(None, max_length=5000)
    avatar: AnyHttpUrl | None = None
    consent: ConsentProof | None = Field(None, description="how the changed opt-ins in `communication` were "
                                                           "given; without it, staff's word (source admin)")


# Not profile fields: what the handlers record beside the profile.
NOT_STORED = {"registration_date", "consent"}

REQUIRED_ON_UPDATE = ("first_name", "last_name", "email", "address", "preferences", "communication", "status", "tags")


def profile_fields(model: InputModel, *, fields: set[str] | None = None) -> dict:
    """Storage form of the given input fields (camelCase names, plain JSON values)."""
    data = model.model_dump(mode="json", by_alias=True, include=fields)
    if "tags" in data and data["tags"] is not None:
        data["tags"] = sorted(set(data["tags"]))
    if "email" in data and data["email"] is not None:
        data["emailKey"] = data["email"].lower()
    return data
